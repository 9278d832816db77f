import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { openDatabase, type OpenDatabase } from '../../src/db/open.js';
import type { Database } from '../../src/db/database.js';
import { adminDatabase, databaseUrl } from './admin-database.js';

export interface TestDatabase {
  db: Database;
  /** postgres:// URL of this database (embedded or real), e.g. for a server process. */
  url: string | null;
  /** Statements run since the last reset, as PostgreSQL received them. */
  statements: { count: number; sql: string[]; reset(): void };
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new
 * database on the PostgreSQL server at TEST_DATABASE_URL (dropped again on close), so tests
 * never touch a developer's data or each other's. Each is a copy of a template that
 * tests/helpers/global-setup.ts migrated (and seeded) once for the whole run.
 */
export async function createTestDatabase(options: { seed?: boolean } = {}): Promise<TestDatabase> {
  const statements = {
    count: 0,
    sql: [] as string[],
    reset() {
      this.count = 0;
      this.sql = [];
    },
  };
  const onQuery = (event: { query: { sql: string } }) => {
    statements.count += 1;
    statements.sql.push(event.query.sql);
  };
  const templates = inject('testTemplates');
  const template = (options.seed ?? true) ? 'seeded' : 'empty';
  const baseUrl = process.env.TEST_DATABASE_URL;
  let open: OpenDatabase;
  let url: string | null = null;
  let dropDatabase = async () => {};
  if (baseUrl) {
    if (!templates.postgres)
      throw new Error('expected global-setup to prepare PostgreSQL templates');
    const name = `briefgraph_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = adminDatabase(baseUrl);
    await sql`create database ${sql.id(name)} template ${sql.id(templates.postgres[template])}`.execute(
      admin,
    );
    await admin.destroy();
    url = databaseUrl(baseUrl, name);
    open = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 5, onQuery });
    dropDatabase = async () => {
      const cleanup = adminDatabase(baseUrl);
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleanup);
      await cleanup.destroy();
    };
  } else {
    if (!templates.embedded) throw new Error('expected global-setup to prepare embedded templates');
    const initialData = new Blob([await readFile(templates.embedded[template])]);
    open = await openDatabase({
      databaseUrl: null,
      dataDir: null,
      maxConnections: 1,
      initialData,
      onQuery,
    });
  }
  // Connects now, as migrating used to: a test that closes the database then sees Kysely's
  // "destroyed" error, not a fresh pool's attempt to reconnect.
  await sql`select 1`.execute(open.db);
  statements.reset();
  return {
    db: open.db,
    url,
    statements,
    async close() {
      await open.close();
      await dropDatabase();
    },
  };
}

/**
 * A new DATA_DIR (embedded pass) holding a copy of the run's migrated (and seeded) template, for
 * a server process: it starts without initdb, migrations or seeding. A file copy, not a PGlite
 * start and stop (over a second of CPU). The caller removes it.
 */
export async function createTestDataDir(options: { seed?: boolean } = {}): Promise<string> {
  const templates = inject('testTemplates');
  if (!templates.embeddedDirs)
    throw new Error('expected global-setup to prepare embedded templates');
  const template = templates.embeddedDirs[(options.seed ?? true) ? 'seeded' : 'empty'];
  const dataDir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-datadir-'));
  try {
    await cp(template, dataDir, { recursive: true });
  } catch (error) {
    await rm(dataDir, { recursive: true, force: true });
    throw error;
  }
  return dataDir;
}

/** A copy of the run's template as a command or a server process is pointed at it. */
export interface DatabaseEnv {
  /** DATABASE_URL (PostgreSQL pass), or DATA_DIR with DATABASE_URL emptied (embedded pass). */
  env: Record<string, string>;
  remove(): Promise<void>;
}

export async function createDatabaseEnv(options: { seed?: boolean } = {}): Promise<DatabaseEnv> {
  if (process.env.TEST_DATABASE_URL) {
    const database = await createTestDatabase(options);
    return { env: { DATABASE_URL: database.url ?? '' }, remove: () => database.close() };
  }
  const dataDir = await createTestDataDir(options);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: '' },
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}
