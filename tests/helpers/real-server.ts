import { issueApiKey } from '../../src/auth/api-keys.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { embeddedSocketUrl } from '../../src/db/embedded.js';
import type { Role } from '../../src/db/types.js';
import { startServerProcess, type ServerProcess } from './server-process.js';
import { createDatabaseEnv } from './test-database.js';

export interface RealServer {
  server: ServerProcess;
  /** The server's own database, for issuing keys and counting rows while it runs. */
  db: Database;
  /** DATABASE_URL or DATA_DIR as the server has them: a command run with these reaches its data. */
  databaseEnv: Record<string, string>;
  key(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real server process on a seeded database of its own, copied from the run's template: a
 * PostgreSQL database when TEST_DATABASE_URL is set, else a temporary DATA_DIR reached through
 * the server's socket (PGlite allows one process per directory). It starts without migrating or
 * seeding; tests/server/process.test.ts is the one that watches a first start do both.
 */
export async function startRealServer(env: Record<string, string> = {}): Promise<RealServer> {
  const database = await createDatabaseEnv();
  const databaseEnv = database.env;
  const server = await startServerProcess({ env: { ...databaseEnv, ...env } }).catch(
    async (error: unknown) => {
      await database.remove();
      throw error;
    },
  );
  const db = createDatabase({
    url: databaseEnv.DATABASE_URL || embeddedSocketUrl(databaseEnv.DATA_DIR ?? ''),
    maxConnections: 1,
  });
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
