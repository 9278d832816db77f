import { randomBytes } from 'node:crypto';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { openDatabase, type OpenDatabase } from '../../src/db/open.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/database.js';
import { seedDatabase } from '../../src/seed/load-seed.js';

export interface TestDatabase {
  db: Database;
  /** postgres:// URL of this database (embedded or real), e.g. for a server process. */
  url: string | null;
  /** Statements run since the last reset, as PostgreSQL received them. */
  statements: { count: number; sql: string[]; reset(): void };
  close(): Promise<void>;
}

/** An admin connection to the server behind TEST_DATABASE_URL, for creating and dropping databases. */
function adminDatabase(url: string): Kysely<Record<string, never>> {
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
}

/**
 * A fresh, migrated database for one test file: PGlite in memory by default, or a new
 * database on the PostgreSQL server at TEST_DATABASE_URL (dropped again on close), so tests
 * never touch a developer's data or each other's.
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
  const baseUrl = process.env.TEST_DATABASE_URL;
  let open: OpenDatabase;
  let url: string | null = null;
  let dropDatabase = async () => {};
  if (baseUrl) {
    const name = `briefgraph_test_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = adminDatabase(baseUrl);
    await sql`create database ${sql.id(name)}`.execute(admin);
    await admin.destroy();
    const target = new URL(baseUrl);
    target.pathname = `/${name}`;
    url = target.toString();
    open = await openDatabase({ databaseUrl: url, dataDir: null, maxConnections: 5, onQuery });
    dropDatabase = async () => {
      const cleanup = adminDatabase(baseUrl);
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleanup);
      await cleanup.destroy();
    };
  } else {
    open = await openDatabase({ databaseUrl: null, dataDir: null, maxConnections: 1, onQuery });
  }
  await migrateToLatest(open.db);
  if (options.seed ?? true) await seedDatabase(open.db);
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
