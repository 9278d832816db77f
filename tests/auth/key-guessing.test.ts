import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listApiKeys, revokeApiKey } from '../../src/auth/api-key.repository.js';
import { loadConfig } from '../../src/config.js';
import {
  createMemoryRateCounter,
  createRedisRateCounter,
  type RateCounter,
} from '../../src/hardening/rate-limit.js';
import { createLogger, type Logger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { freePort } from '../helpers/server-process.js';
import { createMemoryLogger } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Refused API keys (malformed, unknown, revoked, expired) count against the client address:
// once an address has spent RATE_LIMIT_AUTH_FAILURES in a window, its keyed requests get 429
// before the key is looked up. The address is the TCP peer's, given here as Node's server
// would give it (`req.socket.remoteAddress` in the server context).

const FAILURES = 3;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
let valid: string;
let revoked: string;
let expired: string;

const config = loadConfig({
  ...process.env,
  RATE_LIMIT_AUTH_FAILURES: String(FAILURES),
  RATE_LIMIT_ANONYMOUS: '1000',
  RATE_LIMIT_KEY: '1000',
  RATE_LIMIT_WINDOW_SECONDS: '3600',
});

beforeAll(async () => {
  database = await createTestDatabase();
  valid = await createKey(database, 'analyst');
  revoked = await createKey(database, 'analyst', { name: 'to revoke' });
  // Expired a second ago: issuing it does not check its expiry, presenting it does.
  expired = await createKey(database, 'analyst', { expiresAt: new Date(Date.now() - 1000) });
  const row = (await listApiKeys(database.db)).find((key) => key.name === 'to revoke');
  if (!row) throw new Error('expected the key to revoke');
  await revokeApiKey(database.db, row.id);
});

afterAll(async () => {
  await database.close();
});

function appWith(counter: RateCounter, logger: Logger = createLogger('silent')): App {
  return createApp({ db: database.db, logger, config, rateCounter: counter });
}

async function post(app: App, from: string, headers: Record<string, string> = {}) {
  const response = await app.fetch(
    'http://briefgraph.test/graphql',
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify({ query: '{ briefings { totalCount } }' }),
    },
    { req: { socket: { remoteAddress: from } } },
  );
  const body = (await response.json()) as {
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
  return {
    status: response.status,
    retryAfter: response.headers.get('retry-after'),
    code: body.errors?.[0]?.extensions?.code,
    message: body.errors?.[0]?.message,
  };
}

const unknownKey = () => `bg_${randomBytes(32).toString('base64url')}`;

describe('key guessing', () => {
  it('refuses an address with 429 once its refused keys spend the budget, without a lookup', async () => {
    const app = appWith(createMemoryRateCounter());
    const from = '203.0.113.1';
    // Each kind of refusal counts: malformed (never looked up), unknown, revoked, expired.
    const attempts = [{ authorization: 'Bearer not-a-key' }, bearer(unknownKey()), bearer(revoked)];
    for (const headers of attempts) {
      const answer = await post(app, from, headers);
      expect({ status: answer.status, code: answer.code }).toEqual({
        status: 401,
        code: 'UNAUTHENTICATED',
      });
    }
    database.statements.reset();
    for (const headers of [bearer(unknownKey()), bearer(expired), bearer(valid)]) {
      const answer = await post(app, from, headers);
      expect(answer).toMatchObject({ status: 429, code: 'RATE_LIMITED' });
      expect(answer.message).toMatch(
        new RegExp(
          `^rate limit of ${FAILURES} refused API keys per 3600 s exceeded; retry after \\d+ s$`,
        ),
      );
      expect(Number(answer.retryAfter)).toBeGreaterThan(0);
    }
    // Refused before the key lookup: the database was not asked.
    expect(database.statements.count).toBe(0);
    // Anonymous requests from that address are not keyed, so not refused; other addresses
    // keep their own budget.
    expect((await post(app, from)).status).toBe(200);
    expect((await post(app, '203.0.113.2', bearer(valid))).status).toBe(200);
    expect((await post(app, '203.0.113.2', bearer(expired))).message).toMatch(
      /^API key bg_.{7}… expired on /,
    );
  });

  it('does not spend the budget on accepted keys', async () => {
    const app = appWith(createMemoryRateCounter());
    const from = '203.0.113.3';
    for (let i = 0; i < FAILURES * 3; i++)
      expect((await post(app, from, bearer(valid))).status).toBe(200);
    for (let i = 0; i < FAILURES; i++)
      expect((await post(app, from, bearer(unknownKey()))).status).toBe(401);
    expect((await post(app, from, bearer(unknownKey()))).status).toBe(429);
  });

  it('shares the budget between instances through Redis', async () => {
    const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
    await redis.connect();
    const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;
    try {
      const silent = createLogger('silent');
      const a = appWith(createRedisRateCounter(redis, prefix, silent));
      const b = appWith(createRedisRateCounter(redis, prefix, silent));
      const from = '203.0.113.4';
      const statuses = [];
      for (let i = 0; i < FAILURES; i++)
        statuses.push((await post(i % 2 ? a : b, from, bearer(unknownKey()))).status);
      statuses.push((await post(a, from, bearer(valid))).status);
      statuses.push((await post(b, from, bearer(valid))).status);
      expect(statuses).toEqual([401, 401, 401, 429, 429]);
    } finally {
      const keys = await redis.keys(`${prefix}*`);
      if (keys.length) await redis.del(...keys);
      await redis.quit();
    }
  });
});

describe('rate limits while Redis is away', () => {
  it('count in this process instead of letting requests through, and say so once', async () => {
    // A port nothing listens on: every command fails at once.
    const redis = new Redis(`redis://127.0.0.1:${await freePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => null,
    });
    redis.on('error', () => undefined);
    const logger = createMemoryLogger();
    const app = createApp({
      db: database.db,
      logger,
      config: { ...config, rateLimit: { ...config.rateLimit, anonymous: 2 } },
      rateCounter: createRedisRateCounter(redis, 'briefgraph-test:closed:', logger),
    });
    const from = '203.0.113.5';
    const anonymous = [];
    for (let i = 0; i < 3; i++) anonymous.push((await post(app, from)).status);
    expect(anonymous).toEqual([200, 200, 429]);
    const guesses = [];
    for (let i = 0; i <= FAILURES; i++)
      guesses.push((await post(app, '203.0.113.6', bearer(unknownKey()))).status);
    expect(guesses).toEqual([401, 401, 401, 429]);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings.map((line) => line.message)).toEqual([
      'rate-limit counters in Redis unavailable; counting in this process',
    ]);
    redis.disconnect();
  });
});
