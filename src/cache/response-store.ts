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
 * inside the script from the generation it just read, so they are not declared in KEYS: fine
 * for a single Redis (or Sentinel), not for Redis Cluster.
 */
const LOOKUP_SCRIPT = `
local generation = redis.call('GET', KEYS[1]) or '0'
return { generation, redis.call('GET', ARGV[1] .. generation .. ':' .. ARGV[2]) }
`;

const LOOKUP_COMMAND = 'briefgraphResponseLookup';

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

/**
 * Shared by every instance, so a write through one instance invalidates what the others
 * cached: the generation is a Redis counter (INCR), each entry expires after `ttlSeconds`.
 */
export function createRedisResponseStore(
  redis: Redis,
  options: { prefix: string; ttlSeconds: number; logger: Logger },
): ResponseStore {
  const { ttlSeconds, logger } = options;
  const generationKey = `${options.prefix}response:generation`;
  const entryPrefix = `${options.prefix}response:`;
  redis.defineCommand(LOOKUP_COMMAND, { numberOfKeys: 1, lua: LOOKUP_SCRIPT });
  // defineCommand adds `<name>` and `<name>Buffer` methods that ioredis' types do not know.
  const lookupBuffer = (
    redis as unknown as Record<
      string,
      (generationKey: string, entryPrefix: string, hash: string) => Promise<LookupReply>
    >
  )[`${LOOKUP_COMMAND}Buffer`];
  if (!lookupBuffer) throw new Error(`expected ioredis to define ${LOOKUP_COMMAND}Buffer`);
  return {
    async lookup(hash) {
      const [generation, value] = await lookupBuffer.call(redis, generationKey, entryPrefix, hash);
      return { generation: generation.toString(), entry: value ? decode(value) : null };
    },
    async store(generation, hash, entry) {
      await redis.set(`${entryPrefix}${generation}:${hash}`, encode(entry), 'EX', ttlSeconds);
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
