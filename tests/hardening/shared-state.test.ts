import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { KyselyPlugin } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createRedisRateCounter } from '../../src/hardening/rate-limit.js';
import { createLogger } from '../../src/logger.js';
import { createRedisApqStore } from '../../src/persisted/apq-store.js';
import { sha256Hex } from '../../src/persisted/document-id.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Two instances behind a load balancer share the APQ cache and the rate-limit counters through
// Redis (127.0.0.1:6379 on these machines, or REDIS_URL): what one learns or counts, the other
// sees. A per-run prefix keeps runs apart.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
let redis: Redis;
let prefix: string;
let instances: [App, App];
let analyst: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;
  const config = loadConfig({
    ...process.env,
    RATE_LIMIT_KEY: '3',
    RATE_LIMIT_WINDOW_SECONDS: '600',
  });
  const instance = () =>
    createApp({
      db: database.db,
      logger: createLogger('silent'),
      config,
      apq: createRedisApqStore(redis, prefix, 60),
      rateCounter: createRedisRateCounter(redis, prefix, createLogger('silent')),
    });
  instances = [instance(), instance()];
  analyst = bearer(await createKey(database, 'analyst'));
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
  await database.close();
});

async function post(app: App, body: Record<string, unknown>, headers: Record<string, string> = {}) {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    body: (await response.json()) as {
      data?: unknown;
      errors?: { message: string; extensions?: Record<string, unknown> }[];
    },
  };
}

describe('state shared through Redis', () => {
  it('lets one instance answer an APQ hash another instance learned', async () => {
    const query = '{ sources(first: 2) { totalCount } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    const [a, b] = instances;
    expect((await post(b, { extensions })).body.errors?.[0]?.message).toBe(
      'PersistedQueryNotFound',
    );
    expect((await post(a, { query, extensions })).status).toBe(200);
    const byHash = await post(b, { extensions });
    expect(byHash.status).toBe(200);
    expect(byHash.body.data).toEqual({ sources: { totalCount: 6 } });
    expect(await redis.ttl(`${prefix}apq:${sha256Hex(query)}`)).toBeGreaterThan(0);
  });

  it('counts a key’s requests across instances and refuses the one over the limit with 429', async () => {
    const [a, b] = instances;
    const query = { query: '{ briefings { totalCount } }' };
    const statuses = [
      (await post(a, query, analyst)).status,
      (await post(b, query, analyst)).status,
      (await post(a, query, analyst)).status,
    ];
    expect(statuses).toEqual([200, 200, 200]);
    const refused = await post(b, query, analyst);
    expect(refused.status).toBe(429);
    expect(refused.body.errors?.[0]?.extensions?.code).toBe('RATE_LIMITED');
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
  });
});

describe('execution timeout', () => {
  it('answers an execution past the limit with a TIMEOUT error', async () => {
    // Every answer from the database arrives 50 ms late, so the execution is past its limit
    // however fast the machine and the database are.
    const slowAnswers: KyselyPlugin = {
      transformQuery: (args) => args.node,
      transformResult: async (args) => {
        await new Promise((resolve) => setTimeout(resolve, 50));
        return args.result;
      },
    };
    const app = createApp({
      db: database.db.withPlugin(slowAnswers),
      logger: createLogger('silent'),
      config: { ...loadConfig(process.env), executionTimeoutMs: 1 },
    });
    const result = await post(app, {
      query:
        // Within the trusted cost limit.
        '{ briefings { edges { node { claims(first: 100) { edges { node { citations { edges { node { source { title } } } } } } } } } } }',
    });
    expect(result.status).toBe(503);
    expect(result.body.errors?.[0]).toMatchObject({
      message: 'execution exceeded the time limit of 1 ms',
      extensions: { code: 'TIMEOUT' },
    });
  });
});
