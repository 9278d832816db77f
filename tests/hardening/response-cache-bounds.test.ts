import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../src/bootstrap.js';
import { createRedisResponseStore } from '../../src/cache/response-store.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { insertBriefing } from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue #10 point 6: the anonymous response cache must stay bounded whatever anonymous callers
// send. Requests that differ only in spelling (comments, whitespace, commas, key order) share
// one entry; an answer over RESPONSE_CACHE_MAX_ENTRY_BYTES is served but never stored; and the
// entries in Redis, every generation together, stay within RESPONSE_CACHE_MAX_ENTRIES and
// RESPONSE_CACHE_MAX_BYTES. Measured in the real Redis (127.0.0.1:6379 or REDIS_URL) under a
// prefix of this test's own, deleted afterwards.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;

let database: TestDatabase;
let redis: Redis;
const servers: Server[] = [];
const connections: Redis[] = [];
/** A published TLP:CLEAR briefing whose body makes every answer about 20 KB. */
const LARGE = { slug: 'cache-bounds-large', body: 'Long read. '.repeat(1800) };

beforeAll(async () => {
  database = await createTestDatabase();
  redis = await connectRedis();
  await insertBriefing(database.db, { slug: LARGE.slug, title: 'Large', body: LARGE.body });
});

afterAll(async () => {
  for (const server of servers) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  for (const connection of connections) await connection.quit();
  await database.close();
});

async function connectRedis(): Promise<Redis> {
  const connection = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await connection.connect();
  connections.push(connection);
  return connection;
}

/** A server as `npm start` runs it; its own Redis prefix under this test's, when `shared`. */
async function startInstance(env: Record<string, string>, shared: string | null) {
  const config = loadConfig({
    RATE_LIMIT_ANONYMOUS: '100000',
    REDIS_PREFIX: `${prefix}${shared ?? 'memory'}:`,
    ...env,
  });
  const handler = createRequestHandler({
    db: database.db,
    config,
    logger: createLogger('silent'),
    redis: shared === null ? null : await connectRedis(),
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    /** This instance's entry keys in Redis (`response:<generation>:<hash>`). */
    entryKeys: () => redis.keys(`${prefix}${shared}:response:*:*`),
    keyPrefix: `${prefix}${shared}:`,
  };
}

interface Answer {
  status: number;
  cache: string | null;
  body: string;
}

async function post(url: string, body: string, contentType = 'application/json') {
  const response = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: await response.text(),
  } satisfies Answer;
}

async function get(url: string, params: Record<string, string>) {
  const response = await fetch(`${url}/graphql?${new URLSearchParams(params)}`, {
    headers: { accept: 'application/json', 'x-graphql-csrf': '1' },
  });
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: await response.text(),
  } satisfies Answer;
}

const TITLE = `query Title($slug: Slug!, $first: Int) {
  briefing(slug: $slug) { title claims(first: $first) { totalCount } }
}`;

/** The same operation spelled twenty ways: comments, whitespace, commas, line breaks. */
const SPELLINGS = Array.from({ length: 20 }, (_, i) => {
  const comment = `# variant ${i}: ${'padding '.repeat(i * 40)}\n`;
  const spaced = TITLE.replaceAll(' ', ' '.repeat(1 + (i % 4))).replaceAll('{', i % 2 ? '{,' : '{');
  return i % 3 === 0 ? `${comment}${spaced}` : `${spaced}\n${comment}`;
});

const largeBody = (alias: string) =>
  JSON.stringify({ query: `{ ${alias}: briefing(slug: "${LARGE.slug}") { body } }` });

async function memoryUsage(keys: string[]): Promise<number> {
  let total = 0;
  for (const key of keys) total += Number(await redis.call('MEMORY', 'USAGE', key));
  return total;
}

describe('one entry per meaning, not per spelling', () => {
  it('answers twenty spellings of one query from one Redis entry', async () => {
    const instance = await startInstance({}, 'spellings');
    const variables = { slug: LARGE.slug, first: 1 };
    const expected = JSON.stringify({
      data: { briefing: { title: 'Large', claims: { totalCount: 0 } } },
    });
    const answers: Answer[] = [];
    for (const query of SPELLINGS) {
      answers.push(await post(instance.url, JSON.stringify({ query, variables })));
    }
    expect(answers[0]).toEqual({ status: 200, cache: 'MISS', body: expected });
    expect(answers.slice(1)).toEqual(
      SPELLINGS.slice(1).map(() => ({ status: 200, cache: 'HIT', body: expected })),
    );
    // Variables in another key order, the operation name spelled out, and the document sent as
    // application/graphql (no variables there) are the same request too, or their own.
    const reordered = JSON.stringify({
      variables: { first: 1, slug: LARGE.slug },
      query: SPELLINGS[7],
    });
    expect(await post(instance.url, reordered)).toEqual({
      status: 200,
      cache: 'HIT',
      body: expected,
    });
    const named = JSON.stringify({ query: TITLE, variables, operationName: 'Title' });
    expect((await post(instance.url, named)).cache).toBe('MISS');
    expect((await post(instance.url, named)).cache).toBe('HIT');
    expect(await instance.entryKeys()).toHaveLength(2);
  });

  it('keys GET query strings by the printed document and canonical variables', async () => {
    const instance = await startInstance({}, 'get');
    const expected = JSON.stringify({
      data: { briefing: { title: 'Large', claims: { totalCount: 0 } } },
    });
    const first = await get(instance.url, {
      query: SPELLINGS[0] as string,
      variables: JSON.stringify({ slug: LARGE.slug, first: 2 }),
    });
    expect(first).toEqual({ status: 200, cache: 'MISS', body: expected });
    const respelled = await get(instance.url, {
      query: SPELLINGS[5] as string,
      variables: ` { "first" : 2, "slug": "${LARGE.slug}" } `,
    });
    expect(respelled).toEqual({ status: 200, cache: 'HIT', body: expected });
    // Other variable values are another request.
    const other = await get(instance.url, {
      query: TITLE,
      variables: JSON.stringify({ slug: LARGE.slug, first: 3 }),
    });
    expect(other.cache).toBe('MISS');
    expect(await instance.entryKeys()).toHaveLength(2);
  });

  it('stores nothing for documents that do not parse, however they are spelled', async () => {
    const instance = await startInstance({}, 'broken');
    for (const query of ['{ briefing(slug: ', '# comment\n{ briefing(slug: ']) {
      for (let i = 0; i < 2; i += 1) {
        const answer = await post(instance.url, JSON.stringify({ query }));
        // Yoga answers errors with 200 to a client that accepts legacy application/json.
        expect(answer).toMatchObject({ status: 200, cache: 'MISS' });
        expect(JSON.parse(answer.body)).toEqual({
          errors: [
            {
              message: 'Syntax Error: Unexpected <EOF>.',
              locations: [{ line: query.startsWith('#') ? 2 : 1, column: 18 }],
              extensions: { code: 'GRAPHQL_PARSE_FAILED', requestId: expect.any(String) },
            },
          ],
        });
      }
    }
    expect(await instance.entryKeys()).toEqual([]);
  });
});

describe('RESPONSE_CACHE_MAX_ENTRY_BYTES', () => {
  for (const shared of ['oversize', null]) {
    it(`serves a larger answer without storing it (${shared ? 'Redis' : 'in process'})`, async () => {
      const instance = await startInstance({ RESPONSE_CACHE_MAX_ENTRY_BYTES: '10000' }, shared);
      const expected = JSON.stringify({ data: { big: { body: LARGE.body } } });
      expect(expected.length).toBeGreaterThan(10_000);
      for (let i = 0; i < 3; i += 1) {
        expect(await post(instance.url, largeBody('big'))).toEqual({
          status: 200,
          cache: 'MISS',
          body: expected,
        });
      }
      // A small answer on the same instance is still stored.
      const small = JSON.stringify({ query: `{ briefing(slug: "${LARGE.slug}") { title } }` });
      expect((await post(instance.url, small)).cache).toBe('MISS');
      expect((await post(instance.url, small)).cache).toBe('HIT');
      if (shared) expect(await instance.entryKeys()).toHaveLength(1);
    });
  }
});

describe('the total in Redis', () => {
  it('keeps forty distinct 20 KB answers within RESPONSE_CACHE_MAX_BYTES', async () => {
    const maxBytes = 100_000;
    const instance = await startInstance({ RESPONSE_CACHE_MAX_BYTES: String(maxBytes) }, 'bytes');
    for (let i = 0; i < 40; i += 1) {
      const answer = await post(instance.url, largeBody(`a${i}`));
      expect(answer).toMatchObject({ status: 200, cache: 'MISS' });
      expect(answer.body.length).toBeGreaterThan(19_000);
    }
    const entries = await instance.entryKeys();
    expect(entries.length).toBeGreaterThan(0);
    let stored = 0;
    for (const key of entries) stored += await redis.strlen(key);
    expect(stored).toBeLessThanOrEqual(maxBytes);
    // Everything under the prefix, as Redis itself counts it, bookkeeping included.
    const everything = await redis.keys(`${instance.keyPrefix}*`);
    expect(await memoryUsage(everything)).toBeLessThan(maxBytes * 1.25);
    // The newest answers stayed, the oldest went.
    expect((await post(instance.url, largeBody('a39'))).cache).toBe('HIT');
    expect((await post(instance.url, largeBody('a0'))).cache).toBe('MISS');
  });

  it('keeps at most RESPONSE_CACHE_MAX_ENTRIES entries', async () => {
    const instance = await startInstance({ RESPONSE_CACHE_MAX_ENTRIES: '3' }, 'entries');
    for (let i = 0; i < 12; i += 1) {
      const query = `{ b${i}: briefing(slug: "${LARGE.slug}") { title } }`;
      expect((await post(instance.url, JSON.stringify({ query }))).cache).toBe('MISS');
    }
    expect(await instance.entryKeys()).toHaveLength(3);
    expect(await redis.zcard(`${instance.keyPrefix}response:index`)).toBe(3);
  });

  it('counts older generations against the same bound until they are evicted or expire', async () => {
    const keyPrefix = `${prefix}generations:`;
    const store = createRedisResponseStore(redis, {
      prefix: keyPrefix,
      ttlSeconds: 60,
      maxEntries: 1000,
      maxBytes: 100_000,
      logger: createLogger('silent'),
    });
    const body = Buffer.alloc(10_000, 'x');
    for (let round = 0; round < 5; round += 1) {
      const { generation } = await store.lookup('any');
      for (let i = 0; i < 20; i += 1) {
        await store.store(generation, `hash-${i}`, { status: 200, headers: {}, body });
      }
      await store.invalidate();
    }
    const entries = await redis.keys(`${keyPrefix}response:*:*`);
    let stored = 0;
    for (const key of entries) {
      stored += await redis.strlen(key);
      expect(await redis.ttl(key)).toBeGreaterThan(0);
    }
    expect(stored).toBeLessThanOrEqual(100_000);
    // Only the last generation's newest entries are left, and the books agree with Redis.
    expect(entries.every((key) => key.startsWith(`${keyPrefix}response:4:`))).toBe(true);
    expect(await redis.zcard(`${keyPrefix}response:index`)).toBe(entries.length);
    const sizes = await redis.hvals(`${keyPrefix}response:sizes`);
    expect(Number(await redis.get(`${keyPrefix}response:bytes`))).toBe(
      sizes.reduce((sum, size) => sum + Number(size), 0),
    );
    for (const key of ['index', 'sizes', 'bytes']) {
      expect(await redis.ttl(`${keyPrefix}response:${key}`)).toBeGreaterThan(0);
    }
  });
});
