import { issueApiKey } from '../../src/auth/api-keys.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import type { Role } from '../../src/db/types.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { createDatabaseEnv } from './test-database.js';

export interface RealServer {
  server: ServerProcess;
  /** The server's own database, for issuing keys and counting rows while it runs. */
  db: Database;
  /** DATABASE_URL as the server has it: a command run with it reaches the server's data. */
  databaseEnv: Record<string, string>;
  key(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real server process on a seeded database of its own, copied from the run's template: a
 * PostgreSQL database when TEST_DATABASE_URL is set, else the worker's embedded database reached
 * through its socket, as a second process reaches a server's embedded database (no prepared
 * statements of its own, no startup options, one connection: PGlite has one session). That
 * spares each server process a copy of a data directory and a PGlite of its own, about half of
 * its start-up CPU. It starts without migrating or seeding; tests/server/process.test.ts is the
 * one that watches a first start on a data directory of its own do both.
 */
export async function startRealServer(env: Record<string, string> = {}): Promise<RealServer> {
  const database = await createDatabaseEnv({ reach: 'url' });
  const databaseEnv = database.env;
  const sharedEmbedded: Record<string, string> = process.env.TEST_DATABASE_URL
    ? {}
    : {
        DATABASE_PREPARED_STATEMENTS: 'off',
        STATEMENT_TIMEOUT_MS: '0',
        DATABASE_POOL_MAX: '1',
      };
  const server = await startServerProcess({
    env: { ...databaseEnv, ...sharedEmbedded, ...env },
  }).catch(async (error: unknown) => {
    await database.remove();
    throw error;
  });
  const db = createDatabase({ url: databaseEnv.DATABASE_URL ?? '', maxConnections: 1 });
  return {
    server,
    db,
    databaseEnv,
    async key(role) {
      const { key } = await issueApiKey(db, {
        name: `real server test ${role}`,
        role,
        clearance: 'CLEAR',
        expiresAt: null,
        createdBy: 'tests',
      });
      return key;
    },
    async stop() {
      await db.destroy();
      await server.stop();
      await database.remove();
    },
  };
}
