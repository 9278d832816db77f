import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { access, chmod, mkdir, mkdtemp, readdir, rm, statfs, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { build } from 'esbuild';
import { sql } from 'kysely';
import type { TestProject } from 'vitest/node';
import type { Database } from '../../src/db/database.js';
import { openDatabase } from '../../src/db/open.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { seedDatabase } from '../../src/seed/load-seed.js';
import { adminDatabase, databaseUrl } from './admin-database.js';
import { captureTemplateData, type TemplateData } from './database-reset.js';

/** Where each test file's database is copied from: one migrated database, and one also seeded. */
export interface TestTemplates {
  /** PostgreSQL template database names (with TEST_DATABASE_URL). */
  postgres: { empty: string; seeded: string; prefix: string } | null;
  /** Embedded data-directory tarballs on disk (without it), for in-process databases. */
  embedded: { empty: string; seeded: string } | null;
  /** The same as data directories, for a server process or command to be pointed at a copy. */
  embeddedDirs: { empty: string; seeded: string } | null;
  /** Each template's tables and schema, which every copy starts with: read once here. */
  pristine: { empty: TemplateData; seeded: TemplateData };
}

declare module 'vitest' {
  export interface ProvidedContext {
    testTemplates: TestTemplates;
    /** Where src/ and migrations/ are compiled to JavaScript for the run (see compileForRun). */
    testBuild: string;
  }
}

/**
 * Migrating and seeding once per run instead of once per test file: PostgreSQL copies a
 * template database, and PGlite starts from a dump of a data directory, which also skips its
 * initdb (most of its start-up cost).
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  // Before PGlite compiles its WebAssembly here: baseline code only, as in the workers
  // (vitest.config.ts), which takes 2–3 s of CPU off this step that every test file waits for.
  setFlagsFromString('--liftoff-only');
  const removeScratch = await scratchOnRamDisk();
  // esbuild works in a process of its own: it runs beside the templates' SQL, not before it.
  const [built, templates] = await Promise.allSettled([compileForRun(), prepareTemplates(project)]);
  // Neither is left behind when the other failed.
  if (built.status === 'rejected') {
    if (templates.status === 'fulfilled') await templates.value();
    await removeScratch();
    throw built.reason;
  }
  if (templates.status === 'rejected') {
    await rm(built.value, { recursive: true, force: true });
    await removeScratch();
    throw templates.reason;
  }
  const compiled = built.value;
  const removeTemplates = templates.value;
  project.provide('testBuild', compiled);
  return async () => {
    await removeTemplates();
    await rm(compiled, { recursive: true, force: true });
    await removeScratch();
  };
}

/** Room the run's scratch files need at most at once (data directories of ~45 MB each). */
const SCRATCH_ROOM = 2 * 1024 ** 3;

/**
 * The run's temporary files on a RAM disk (/dev/shm) when there is one with room: the templates'
 * dumps, the data directories servers and commands get, a browser's profile. On this machine's
 * disk, writing a 45 MB data directory costs about a second of kernel CPU; on tmpfs a twentieth.
 * TMPDIR is what os.tmpdir() reads, in the workers (they start after this) and in every process
 * they start. Otherwise the system's temporary directory, as before.
 */
async function scratchOnRamDisk(): Promise<() => Promise<void>> {
  const ramDisk = '/dev/shm';
  try {
    await access(ramDisk, constants.W_OK);
    const { bavail, bsize } = await statfs(ramDisk);
    if (bavail * bsize < SCRATCH_ROOM) return async () => undefined;
  } catch {
    return async () => undefined;
  }
  const scratch = await mkdtemp(path.join(ramDisk, 'briefgraph-tests-'));
  // Traversable, as /tmp is, by the PostgreSQL clusters tests create as the postgres user in
  // directories of their own inside; not listable.
  await chmod(scratch, 0o711);
  const previous = process.env.TMPDIR;
  process.env.TMPDIR = scratch;
  return async () => {
    if (previous === undefined) delete process.env.TMPDIR;
    else process.env.TMPDIR = previous;
    await rm(scratch, { recursive: true, force: true });
  };
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The server and the commands run as processes of their own from plain JavaScript, as `npm
 * start` runs them: transpiled once per run (a fifth of a second) instead of through tsx in every
 * process (most of a second of CPU each). Inside node_modules, so their imports resolve as the
 * sources' do, and beside a migrations/ folder as in dist/.
 */
async function compileForRun(): Promise<string> {
  const cache = path.join(REPO_ROOT, 'node_modules', '.cache');
  await mkdir(cache, { recursive: true });
  const outdir = await mkdtemp(path.join(cache, 'briefgraph-test-build-'));
  const sources = async (folder: string) =>
    (await readdir(path.join(REPO_ROOT, folder), { recursive: true }))
      .filter((file) => file.endsWith('.ts') && !file.endsWith('.d.ts'))
      .map((file) => path.join(REPO_ROOT, folder, file));
  await build({
    entryPoints: [...(await sources('src')), ...(await sources('migrations'))],
    outdir,
    outbase: REPO_ROOT,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    logLevel: 'warning',
  });
  return outdir;
}

async function prepareTemplates(project: TestProject): Promise<() => Promise<void>> {
  const baseUrl = process.env.TEST_DATABASE_URL;
  if (baseUrl) {
    const prefix = `briefgraph_tpl_${process.pid}_${randomBytes(3).toString('hex')}`;
    const names = { empty: `${prefix}_empty`, seeded: `${prefix}_seeded` };
    const admin = adminDatabase(baseUrl);
    const pristine = {} as TestTemplates['pristine'];
    // Migrated once: the seeded template is a copy of the empty one, then seeded.
    const prepare = async (name: string, step: (db: Database) => Promise<unknown>) => {
      const open = await openDatabase({
        databaseUrl: databaseUrl(baseUrl, name),
        dataDir: null,
        maxConnections: 1,
      });
      try {
        await step(open.db);
        return await captureTemplateData(open.db);
      } finally {
        // A template with an open connection cannot be copied.
        await open.close();
      }
    };
    try {
      await sql`create database ${sql.id(names.empty)}`.execute(admin);
      pristine.empty = await prepare(names.empty, migrateToLatest);
      await sql`create database ${sql.id(names.seeded)} template ${sql.id(names.empty)}`.execute(
        admin,
      );
      pristine.seeded = await prepare(names.seeded, seedDatabase);
    } finally {
      await admin.destroy();
    }
    project.provide('testTemplates', {
      postgres: { ...names, prefix },
      embedded: null,
      embeddedDirs: null,
      pristine,
    });
    return async () => {
      // The templates and every test file's copy (named after the templates' prefix), which
      // the workers keep for reuse until the run ends.
      const cleanup = adminDatabase(baseUrl);
      const { rows } = await sql<{ datname: string }>`
        select datname from pg_database where starts_with(datname, ${prefix})`.execute(cleanup);
      for (const { datname } of rows) {
        await sql`drop database if exists ${sql.id(datname)} with (force)`.execute(cleanup);
      }
      await cleanup.destroy();
    };
  }
  const folder = await mkdtemp(path.join(tmpdir(), 'briefgraph-test-'));
  const files = { empty: path.join(folder, 'empty.tar'), seeded: path.join(folder, 'seeded.tar') };
  const dirs = { empty: path.join(folder, 'empty'), seeded: path.join(folder, 'seeded') };
  // Unpacked once here; each server process then starts from a plain copy of a directory. A
  // dump is a tarball of the data directory, so tar unpacks it (PGlite's own loading took 1.4 s
  // of CPU each), in a process of its own while the seed goes on.
  const unpack = async (kind: 'empty' | 'seeded') => {
    await mkdir(dirs[kind], { mode: 0o700 });
    await promisify(execFile)('tar', ['-xf', files[kind], '-C', dirs[kind]]);
  };
  const open = await openDatabase({ databaseUrl: null, dataDir: null, maxConnections: 1 });
  let unpacked = Promise.resolve();
  const pristine = {} as TestTemplates['pristine'];
  try {
    await migrateToLatest(open.db);
    pristine.empty = await captureTemplateData(open.db);
    await writeDump(open.dumpEmbedded, files.empty);
    unpacked = unpack('empty');
    // Awaited below; failing meanwhile is not an unhandled rejection.
    unpacked.catch(() => undefined);
    await seedDatabase(open.db);
    pristine.seeded = await captureTemplateData(open.db);
    await writeDump(open.dumpEmbedded, files.seeded);
  } finally {
    await open.close();
  }
  await Promise.all([unpacked, unpack('seeded')]);
  project.provide('testTemplates', {
    postgres: null,
    embedded: files,
    embeddedDirs: dirs,
    pristine,
  });
  return () => rm(folder, { recursive: true, force: true });
}

async function writeDump(dump: (() => Promise<Blob>) | null, file: string): Promise<void> {
  if (!dump) throw new Error('expected an embedded database to dump');
  await writeFile(file, new Uint8Array(await (await dump()).arrayBuffer()));
}
