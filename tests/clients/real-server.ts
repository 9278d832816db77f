import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { embeddedSocketUrl } from '../../src/db/embedded.js';
import type { Role } from '../../src/db/types.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

export interface RealServer {
  server: ServerProcess;
  /** The server's own database, for issuing keys and counting rows while it runs. */
  db: Database;
  key(role: Role): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The real server process on a database of its own: a fresh PostgreSQL database when
 * TEST_DATABASE_URL is set, else the embedded one in a temporary DATA_DIR, reached through the
 * server's socket (PGlite allows one process per directory).
 */
export async function startRealServer(env: Record<string, string> = {}): Promise<RealServer> {
  let testDatabase: TestDatabase | null = null;
  let dataDir: string | null = null;
  let server: ServerProcess;
  let db: Database;
  if (process.env.TEST_DATABASE_URL) {
    testDatabase = await createTestDatabase({ seed: false });
    server = await startServerProcess({ env: { DATABASE_URL: testDatabase.url ?? '', ...env } });
    db = testDatabase.db;
  } else {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-clients-'));
    server = await startServerProcess({ env: { DATA_DIR: dataDir, DATABASE_URL: '', ...env } });
    db = createDatabase({ url: embeddedSocketUrl(dataDir), maxConnections: 1 });
  }
  return {
    server,
    db,
    async key(role) {
      const { key } = await issueApiKey(db, {
        name: `clients test ${role}`,
        role,
        clearance: 'CLEAR',
        expiresAt: null,
        createdBy: 'tests',
      });
      return key;
    },
    async stop() {
      if (testDatabase) {
        await server.stop();
        await testDatabase.close();
      } else {
        await db.destroy();
        await server.stop();
        if (dataDir) await rm(dataDir, { recursive: true, force: true });
      }
    },
  };
}
