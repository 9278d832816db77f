import { randomBytes } from 'node:crypto';
import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { inject } from 'vitest';
import { createDatabase, type Database } from '../../src/db/database.js';
import { adminDatabase, databaseUrl } from './admin-database.js';
import { capturePristine, restorePristine, type Pristine } from './database-reset.js';

export interface TestDatabase {
  db: Database;
  /** postgres:// URL of this database on PostgreSQL (null when embedded), e.g. for a server process. */
  url: string | null;
  /**
   * A URL reaching this database in either pass: on PostgreSQL its own, embedded the worker's
   * PGlite through its socket, where every connection shares one session (one client at a time).
   */
  socketUrl: string;
  /** Whether this is a copy an earlier file of this worker used, restored to pristine. */
  reused: boolean;
  /** Statements run since the last reset, as PostgreSQL received them. */
  statements: { count: number; sql: string[]; reset(): void };
  close(): Promise<void>;
}

/** A copy of a template, kept by this worker between test files (vitest's isolate: false). */
interface Instance {
  kind: 'seeded' | 'empty';
  url: string;
  embedded: boolean;
  /** The worker's own connection, for reading and restoring the pristine data. */
  maintenance: Database;
  pristine: Pristine;
  destroy(): Promise<void>;
}

/** Copies no test file holds now, restored to pristine, ready for the next file in this worker. */
const idle: Instance[] = [];
/** More would only hold memory: a file rarely has more than two databases open at once. */
const MAX_IDLE_PER_KIND = 2;

async function newInstance(kind: Instance['kind']): Promise<Instance> {
  const templates = inject('testTemplates');
  const baseUrl = process.env.TEST_DATABASE_URL;
  let url: string;
  let stop: () => Promise<void>;
  if (baseUrl) {
    if (!templates.postgres)
      throw new Error('expected global-setup to prepare PostgreSQL templates');
    const name = `${templates.postgres.prefix}_${process.pid}_${randomBytes(4).toString('hex')}`;
    const admin = adminDatabase(baseUrl);
    await sql`create database ${sql.id(name)} template ${sql.id(templates.postgres[kind])}`.execute(
      admin,
    );
    await admin.destroy();
    url = databaseUrl(baseUrl, name);
    stop = async () => {
      const cleanup = adminDatabase(baseUrl);
      await sql`drop database if exists ${sql.id(name)} with (force)`.execute(cleanup);
      await cleanup.destroy();
    };
  } else {
    if (!templates.embedded) throw new Error('expected global-setup to prepare embedded templates');
    const { startEmbeddedDatabase } = await import('../../src/db/embedded.js');
    const embedded = await startEmbeddedDatabase(
      null,
      new Blob([await readFile(templates.embedded[kind])]),
    );
    url = embedded.url;
    stop = () => embedded.stop();
  }
  const maintenance = createDatabase({ url, maxConnections: 1, preparedStatements: false });
  // The tables as the global setup read them from the template, not read again for each copy.
  const pristine = await capturePristine(maintenance, templates.pristine[kind]);
  return {
    kind,
    url,
    embedded: !baseUrl,
    maintenance,
    pristine,
    async destroy() {
      await maintenance.destroy();
      await stop();
    },
  };
}

/** Back to pristine and into `idle`, or gone when that cannot be had (a changed schema). */
async function release(instance: Instance): Promise<void> {
  let restored = false;
  if (idle.filter((each) => each.kind === instance.kind).length < MAX_IDLE_PER_KIND) {
    try {
      // PGlite has one session for every connection: what a file left in it (an open
      // transaction, prepared statements, settings) goes before the next file connects.
      if (instance.embedded) {
        await sql`rollback`.execute(instance.maintenance);
        await sql`discard all`.execute(instance.maintenance);
      }
      restored = await restorePristine(instance.maintenance, instance.pristine);
    } catch {
      restored = false;
    }
  }
  if (restored) idle.push(instance);
  else await instance.destroy();
}

/**
 * A migrated database for one test file, as the run's template made it (seeded unless
 * `seed: false`): PGlite in memory by default, or a database on the PostgreSQL server at
 * TEST_DATABASE_URL, so tests never touch a developer's data or each other's. A copy another
 * file of this worker used is restored to the template's data first (see database-reset.ts);
 * the run's global teardown drops what is left on PostgreSQL.
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
  const kind = (options.seed ?? true) ? 'seeded' : 'empty';
  const index = idle.findIndex((each) => each.kind === kind);
  const restored = index >= 0 ? idle.splice(index, 1)[0] : undefined;
  const instance = restored ?? (await newInstance(kind));
  // PGlite runs one statement at a time: more connections would only queue inside it.
  const db = createDatabase({
    url: instance.url,
    maxConnections: instance.embedded ? 1 : 5,
    onQuery,
  });
  // Connects now: a test that closes the database then sees Kysely's "destroyed" error, not a
  // fresh pool's attempt to reconnect.
  await sql`select 1`.execute(db);
  statements.reset();
  let closed: Promise<void> | null = null;
  return {
    db,
    url: instance.embedded ? null : instance.url,
    socketUrl: instance.url,
    reused: restored !== undefined,
    statements,
    close() {
      closed ??= db.destroy().then(() => release(instance));
      return closed;
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

/**
 * `reach: 'url'` gives a command DATABASE_URL in both passes (embedded: a worker's PGlite through
 * its socket), so it connects instead of opening a data directory (a second of CPU each time);
 * for commands run in-process one at a time. Otherwise the embedded pass gives a DATA_DIR.
 */
export async function createDatabaseEnv(
  options: { seed?: boolean; reach?: 'url' | 'native' } = {},
): Promise<DatabaseEnv> {
  if (process.env.TEST_DATABASE_URL || options.reach === 'url') {
    const database = await createTestDatabase(options);
    return {
      env: { DATABASE_URL: database.socketUrl, DATA_DIR: '' },
      remove: () => database.close(),
    };
  }
  const dataDir = await createTestDataDir(options);
  return {
    env: { DATA_DIR: dataDir, DATABASE_URL: '' },
    remove: () => rm(dataDir, { recursive: true, force: true }),
  };
}
