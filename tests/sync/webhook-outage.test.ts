import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebhookWorker } from '../../src/sync/webhook-worker.js';
import { createMemoryLogger } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// While the database fails every round, the worker's log gets the first failure, then a line a
// minute, then the recovery: not an error line every WEBHOOK_INTERVAL_MS.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(async () => {
  // A failed run must not hand the next file a database without its change table.
  await sql`alter table if exists change_away rename to change`.execute(database.db);
  await database.close();
});

const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function until(check: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!check() && Date.now() < deadline) await wait(10);
}

describe('the webhook worker during an outage', () => {
  it('logs the first failure, then once a minute, then the recovery', async () => {
    const logger = createMemoryLogger();
    let clock = 1_000_000;
    /** The worker reads the clock once per failed round (and at the recovery). */
    let failedRounds = 0;
    const worker = createWebhookWorker({
      db: database.db,
      config: {
        enabled: true,
        intervalMs: 5,
        batchSize: 10,
        maxAttempts: 3,
        retryBaseMs: 1,
        timeoutMs: 1000,
        leaseMs: 2000,
        allowPrivateAddresses: true,
        secretGraceSeconds: 0,
      },
      logger,
      now: () => {
        failedRounds += 1;
        return clock;
      },
    });
    // Every round fails on the missing change table, as it would on a lost database.
    await sql`alter table change rename to change_away`.execute(database.db);
    worker.start();
    await until(() => failedRounds >= 10);
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'webhook round failed'],
    ]);

    clock += 60_000;
    await until(() => logger.lines.length >= 2);
    await until(() => failedRounds >= 20);
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'webhook round failed'],
      ['error', 'webhook rounds still failing'],
    ]);
    expect(logger.lines[1]?.fields).toMatchObject({ failingForMs: 60_000 });

    await sql`alter table change_away rename to change`.execute(database.db);
    await until(() => logger.lines.length >= 3);
    await worker.stop();
    expect(logger.lines.map((line) => [line.level, line.message])).toEqual([
      ['error', 'webhook round failed'],
      ['error', 'webhook rounds still failing'],
      ['info', 'webhook rounds recovered'],
    ]);
    expect(logger.lines[2]?.fields).toMatchObject({ failedForMs: 60_000 });
  });
});
