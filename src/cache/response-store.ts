import type { Redis } from 'ioredis';
import { LruCache } from '../common/lru-cache.js';
import { errorFields, type Logger } from '../logger.js';

/** A stored answer: what the cache front writes back on a hit. */
export interface CachedResponse {
  status: number;
  /** Lower-case names; hop-by-hop and length headers are left out (the front sets its own). */
  headers: Record<string, string>;
  body: Buffer;
}

/** What a committed write needs from the cache (it travels in the GraphQL context). */
export interface ResponseInvalidation {
  /**
   * Makes every response stored so far unreachable. Never rejects: a failure is logged, and the
   * entries then live out their TTL.
   */
  invalidate(): Promise<void>;
}

/**
 * Responses by request hash, under a generation counter. Every committed write moves the
 * generation on, and a lookup only sees entries of the current generation, so one write
 * invalidates everything at once (no dependency tracking to get wrong).
 */
export interface ResponseStore extends ResponseInvalidation {
  /** The current generation and the entry stored under it for `hash`, read together. */
  lookup(hash: string): Promise<{ generation: string; entry: CachedResponse | null }>;
  /**
   * Stores `entry` under `generation`: the one read BEFORE the request executed. A response
   * computed while a write committed therefore lands in a generation nobody reads any more.
   */
  store(generation: string, hash: string, entry: CachedResponse): Promise<void>;
}

function entryBytes(hash: string, entry: CachedResponse): number {
  let bytes = hash.length + entry.body.length + 64;
  for (const [name, value] of Object.entries(entry.headers)) bytes += name.length + value.length;
  return bytes;
}

/**
 * In one process: least recently used entries go first, bounded by entries and by bytes.
 * Entries of older generations can never be read, so moving the generation on also drops them.
 */
export function createMemoryResponseStore(options: {
  ttlSeconds: number;
  maxEntries: number;
  maxBytes: number;
}): ResponseStore {
  const entries = new LruCache<CachedResponse>({
    maxEntries: options.maxEntries,
    ttlSeconds: options.ttlSeconds,
    maxSize: options.maxBytes,
    sizeOf: entryBytes,
  });
  let generation = 0;
  return {
    lookup(hash) {
      return Promise.resolve({ generation: String(generation), entry: entries.get(hash) ?? null });
    },
    store(readGeneration, hash, entry) {
      if (readGeneration === String(generation)) entries.set(hash, entry);
      return Promise.resolve();
    },
    invalidate() {
      generation += 1;
      entries.clear();
      return Promise.resolve();
    },
  };
}

/**
 * One round trip per lookup: the generation and the entry stored under it. Entry keys are built
 * inside the scripts from the generation, so they are not declared in KEYS: fine for a single
 * Redis (or Sentinel), not for Redis Cluster.
 */
const LOOKUP_SCRIPT = `
local generation = redis.call('GET', KEYS[1]) or '0'
return { generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2]) }
`;

/**
 * Stores one entry and keeps the whole cache, every generation together, within its bounds.
 * KEYS: the index (sorted set of `<generation>:<hash>` by time stored), each member's size
 * (hash), the total size (counter). ARGV: entry key prefix, member, value, TTL, time stored,
 * size, max entries, max bytes. The oldest entries go first; the three bookkeeping keys get the
 * entries' TTL, so when nothing is stored for a TTL everything has expired together. An entry
 * that expired on its own stays counted until it is evicted: the count errs on the safe side.
 */
const STORE_SCRIPT = `
local prefix, member, ttl = ARGV[1], ARGV[2], ARGV[4]
local size, maxEntries, maxBytes = tonumber(ARGV[6]), tonumber(ARGV[7]), tonumber(ARGV[8])
local previous = redis.call('HGET', KEYS[2], member)
if previous then redis.call('DECRBY', KEYS[3], previous) end
redis.call('SET', prefix .. member, ARGV[3], 'EX', ttl)
redis.call('ZADD', KEYS[1], ARGV[5], member)
redis.call('HSET', KEYS[2], member, size)
local total = redis.call('INCRBY', KEYS[3], size)
local count = redis.call('ZCARD', KEYS[1])
while count > maxEntries or total > maxBytes do
  local oldest = redis.call('ZPOPMIN', KEYS[1])
  if #oldest == 0 then break end
  local evicted = oldest[1]
  total = redis.call('DECRBY', KEYS[3], tonumber(redis.call('HGET', KEYS[2], evicted) or '0'))
  redis.call('HDEL', KEYS[2], evicted)
  redis.call('DEL', prefix .. evicted)
  count = count - 1
end
for _, key in ipairs(KEYS) do redis.call('EXPIRE', key, ttl) end
return count
`;

const LOOKUP_COMMAND = 'briefgraphResponseLookup';
const STORE_COMMAND = 'briefgraphResponseStore';

type LookupReply = [Buffer, Buffer | null | undefined];

/** The stored form: the status and headers as one JSON line, then the body's bytes. */
function encode(entry: CachedResponse): Buffer {
  const head = JSON.stringify({ status: entry.status, headers: entry.headers });
  return Buffer.concat([Buffer.from(`${head}\n`), entry.body]);
}

function decode(value: Buffer): CachedResponse | null {
  const newline = value.indexOf(0x0a);
  if (newline < 0) return null;
  const head = JSON.parse(value.subarray(0, newline).toString('utf8')) as {
    status: number;
    headers: Record<string, string>;
  };
  return { status: head.status, headers: head.headers, body: value.subarray(newline + 1) };
}

/** Redis' own cost of a key beyond its value and name (object headers, expiry, index entry). */
const REDIS_KEY_OVERHEAD = 128;

/** A method ioredis' defineCommand added, which its types do not know. */
function definedCommand<Args extends unknown[], Reply>(
  redis: Redis,
  name: string,
): (...args: Args) => Promise<Reply> {
  const command = (redis as unknown as Record<string, (...args: Args) => Promise<Reply>>)[name];
  if (!command) throw new Error(`expected ioredis to define ${name}`);
  return (...args) => command.apply(redis, args);
}

/**
 * Shared by every instance, so a write through one instance invalidates what the others
 * cached: the generation is a Redis counter (INCR), each entry expires after `ttlSeconds`, and
 * all entries together stay within `maxEntries` and `maxBytes` (oldest stored out first).
 */
export function createRedisResponseStore(
  redis: Redis,
  options: {
    prefix: string;
    ttlSeconds: number;
    maxEntries: number;
    maxBytes: number;
    logger: Logger;
  },
): ResponseStore {
  const { ttlSeconds, maxEntries, maxBytes, logger } = options;
  const generationKey = `${options.prefix}response:generation`;
  const entryPrefix = `${options.prefix}response:`;
  const bookkeeping = ['index', 'sizes', 'bytes'].map((name) => `${entryPrefix}${name}`);
  redis.defineCommand(LOOKUP_COMMAND, { numberOfKeys: 1, lua: LOOKUP_SCRIPT });
  redis.defineCommand(STORE_COMMAND, { numberOfKeys: bookkeeping.length, lua: STORE_SCRIPT });
  // The Buffer variant of the lookup keeps the body's bytes as they were stored.
  const lookupBuffer = definedCommand<[string, string, string], LookupReply>(
    redis,
    `${LOOKUP_COMMAND}Buffer`,
  );
  const storeEntry = definedCommand<(string | number | Buffer)[], number>(redis, STORE_COMMAND);
  return {
    async lookup(hash) {
      const [generation, value] = await lookupBuffer(generationKey, entryPrefix, hash);
      return { generation: generation.toString(), entry: value ? decode(value) : null };
    },
    async store(generation, hash, entry) {
      const member = `${generation}:${hash}`;
      const value = encode(entry);
      const size = entryPrefix.length + member.length + value.length + REDIS_KEY_OVERHEAD;
      await storeEntry(
        ...bookkeeping,
        entryPrefix,
        member,
        value,
        ttlSeconds,
        Date.now(),
        size,
        maxEntries,
        maxBytes,
      );
    },
    async invalidate() {
      try {
        await redis.incr(generationKey);
      } catch (error) {
        logger.error(
          'response cache invalidation failed; cached responses may be stale until their TTL',
          errorFields(error),
        );
      }
    },
  };
}
