import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// With DATABASE_URL, PostgreSQL itself cancels a statement past STATEMENT_TIMEOUT_MS, so a
// request that times out stops its database work. (PGlite has no statement timer, so this runs
// in the PostgreSQL pass.)
describe.runIf(process.env.TEST_DATABASE_URL)('statement timeout (PostgreSQL pass only)', () => {
  let database: TestDatabase;
  let server: RunningServer;

  beforeAll(async () => {
    database = await createTestDatabase();
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: database.url ?? '',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED: 'false',
      STATEMENT_TIMEOUT_MS: '200',
    });
    server = await startServer(config, createLogger('silent'));
  });
  afterAll(async () => {
    await server?.close();
    await database?.close();
  });

  it('cancels a statement that runs past the limit, on every pool connection', async () => {
    const setting = await sql<{ statement_timeout: string }>`show statement_timeout`.execute(
      server.database.db,
    );
    expect(setting.rows).toEqual([{ statement_timeout: '200ms' }]);
    await expect(sql`select pg_sleep(2)`.execute(server.database.db)).rejects.toMatchObject({
      code: '57014',
    });
  });
});
