import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, link, mkdir, open, readdir, readFile, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { unaccent } from '@electric-sql/pglite/contrib/unaccent';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** A `postgres://` URL the `pg` pool connects to, so the app has one code path for both databases. */
  url: string;
  stop(): Promise<void>;
  /** The whole data directory as a tarball, to start copies from (tests start each file from one). */
  dump(): Promise<Blob>;
}

/**
 * The socket a running server exposes its embedded database on, inside DATA_DIR. File
 * permissions guard it (no TCP port is opened), and tools such as `npm run apikey` reach
 * the data through it while the server holds the directory.
 */
export function embeddedSocketPath(dataDir: string): string {
  return path.join(dataDir, '.s.PGSQL.5432');
}

/** pg reads a directory as `host` as the place of a Unix socket named .s.PGSQL.<port>. */
export function embeddedSocketUrl(dataDir: string): string {
  return `postgres://postgres@localhost/postgres?host=${encodeURIComponent(path.resolve(dataDir))}`;
}

/** True when a live server answers on DATA_DIR's socket (a leftover file from a crash does not). */
export function isEmbeddedServerRunning(dataDir: string): Promise<boolean> {
  const socket = embeddedSocketPath(dataDir);
  if (!existsSync(socket)) return Promise.resolve(false);
  return new Promise((resolve) => {
    const probe = connect(socket);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
}

/** Held by the process that has DATA_DIR open; it contains that process's pid. */
export function dataDirLockPath(dataDir: string): string {
  return path.join(dataDir, 'briefgraph.lock');
}

/** True while a process with this pid exists (EPERM: it exists, owned by another user). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function lockHolder(file: string): Promise<number | null> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const pid = Number(text.trim());
  return Number.isInteger(pid) && pid > 0 ? pid : null;
}

const isCode = (error: unknown, code: string) =>
  (error as NodeJS.ErrnoException | null)?.code === code;

/**
 * Creates `file` holding this process's pid, or fails with EEXIST if it exists. Written to a
 * private name first and linked into place, so no other process ever reads it empty.
 */
async function createLockFile(file: string): Promise<void> {
  const draft = `${file}.${process.pid}.${randomBytes(4).toString('hex')}`;
  const handle = await open(draft, 'wx', 0o600);
  try {
    await handle.writeFile(`${process.pid}\n`);
  } finally {
    await handle.close();
  }
  try {
    await link(draft, file);
  } finally {
    await unlink(draft);
  }
}

/**
 * Removes a lock whose holder `dead` no longer runs, and takes it. A `.recover` file created
 * exclusively makes the removal one process's: two starters that both found the same stale
 * lock cannot both remove it and both take it. Returns false when another process is doing it,
 * or took the lock in the moment between its removal and this process's taking it.
 */
async function recoverStaleLock(file: string, dead: number | null): Promise<boolean> {
  const recovery = `${file}.recover`;
  try {
    await createLockFile(recovery);
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  }
  try {
    if ((await lockHolder(file)) !== dead) return false;
    await unlink(file).catch((error: unknown) => {
      if (!isCode(error, 'ENOENT')) throw error;
    });
    // Another starter may take the lock in the moment it is gone: then that one has it.
    await createLockFile(file);
    return true;
  } catch (error) {
    if (isCode(error, 'EEXIST')) return false;
    throw error;
  } finally {
    await unlink(recovery);
  }
}

function lockedBy(dataDir: string, pid: number): Error {
  return new Error(
    `DATA_DIR ${dataDir} is in use by process ${pid} (lock file ${dataDirLockPath(dataDir)}); stop that server first, or set DATABASE_URL. If no briefgraph runs as process ${pid}, remove the lock file.`,
  );
}

/**
 * Takes DATA_DIR for this process: PGlite allows one process per directory, and two servers
 * writing one directory corrupt it. A lock left by a process that died is taken over.
 * Resolves to the release function.
 */
export async function lockDataDir(dataDir: string): Promise<() => Promise<void>> {
  const file = dataDirLockPath(dataDir);
  const release = async () => {
    if ((await lockHolder(file)) === process.pid) await unlink(file);
  };
  // A few rounds: another starter may be recovering the same stale lock at this moment.
  for (let round = 0; round < 20; round++) {
    try {
      await createLockFile(file);
      return release;
    } catch (error) {
      if (!isCode(error, 'EEXIST')) throw error;
    }
    const holder = await lockHolder(file);
    if (holder !== null && isAlive(holder)) throw lockedBy(dataDir, holder);
    if (await recoverStaleLock(file, holder)) return release;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const holder = await lockHolder(file);
  throw holder === null
    ? new Error(
        `could not lock DATA_DIR ${dataDir}: ${file}.recover was left by a crash during recovery; remove it`,
      )
    : lockedBy(dataDir, holder);
}

/**
 * Owner-only modes on everything in the data directory (0700 directories, 0600 files): it
 * holds every briefing, RED ones included. PGlite writes its initial files world-writable,
 * and a directory from an older version may be too.
 */
async function restrictModes(directory: string): Promise<void> {
  await chmod(directory, 0o700);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) await restrictModes(entryPath);
    // A file may vanish meanwhile (another starter's draft lock file): nothing left to protect.
    else if (entry.isFile())
      await chmod(entryPath, 0o600).catch((error: unknown) => {
        if (!isCode(error, 'ENOENT')) throw error;
      });
  }
}

/**
 * Open embedded databases in this process. While any is, the process umask is 077, so files
 * PGlite creates as it runs (WAL segments, new relations) are owner-only too.
 */
let restrictedUmaskUsers = 0;
let umaskBefore = 0;

function restrictUmask(): () => void {
  if (restrictedUmaskUsers++ === 0) umaskBefore = process.umask(0o077);
  let restored = false;
  return () => {
    if (restored) return;
    restored = true;
    if (--restrictedUmaskUsers === 0) process.umask(umaskBefore);
  };
}

/** Creates DATA_DIR owner-only, takes its lock and fixes the modes of what is in it. */
async function openDataDir(dataDir: string): Promise<{ release(): Promise<void> }> {
  const restoreUmask = restrictUmask();
  try {
    await mkdir(dataDir, { recursive: true, mode: 0o700 });
    const unlock = await lockDataDir(dataDir);
    try {
      await restrictModes(dataDir);
      // A socket file left by a crash would block listening.
      await unlink(embeddedSocketPath(dataDir)).catch(() => undefined);
    } catch (error) {
      await unlock();
      throw error;
    }
    return {
      async release() {
        await unlink(embeddedSocketPath(dataDir)).catch(() => undefined);
        await unlock();
        restoreUmask();
      },
    };
  } catch (error) {
    restoreUmask();
    throw error;
  }
}

/**
 * PostgreSQL's shared buffers live in PGlite's WebAssembly memory, which never shrinks, and
 * are all resident from the start: initdb's 128MB default held 140 MB of the server's 377 MB.
 * A briefing database is tens of MB and its files sit in the OS page cache (or, in memory, in
 * JavaScript buffers), so a buffer miss costs a copy, not a disk read.
 */
const EMBEDDED_SETTINGS = ['-c', 'shared_buffers=16MB'];

/**
 * Run with `node --input-type=module -e`: creates a data directory (initdb) and closes it.
 * Arguments: the directory, the start parameters as JSON.
 */
const INITDB_SCRIPT = `
import { PGlite } from '@electric-sql/pglite';
const [dataDir, startParams] = process.argv.slice(1);
const pglite = await PGlite.create(dataDir, { startParams: JSON.parse(startParams) });
await pglite.close();
`;

/**
 * Creates a new data directory in a child process. PGlite runs initdb in a second PGlite and
 * an initdb WebAssembly instance and copies their result over as a tarball: done here, that
 * peaked at 800 MB and left the server idling at 520 MB instead of 280 MB, for good.
 */
async function initDataDir(dataDir: string, startParams: string[]): Promise<void> {
  try {
    await promisify(execFile)(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        INITDB_SCRIPT,
        path.resolve(dataDir),
        JSON.stringify(startParams),
      ],
      // The script's import resolves from its working directory: this module's, whose
      // node_modules has PGlite.
      { cwd: path.dirname(fileURLToPath(import.meta.url)) },
    );
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`expected initdb to create ${dataDir}, it failed: ${stderr || String(error)}`);
  }
}

/**
 * Starts PGlite behind a PostgreSQL wire-protocol socket. `dataDir` null keeps everything in
 * memory on a loopback TCP port (tests); otherwise data persists across restarts, the socket
 * lives in DATA_DIR, and the directory is this process's (see lockDataDir) until `stop`.
 * `initialData` (a `dump()`) starts from a copy of another database instead of running initdb,
 * which costs most of PGlite's start-up.
 */
export async function startEmbeddedDatabase(
  dataDir: string | null,
  initialData?: Blob,
): Promise<EmbeddedDatabase> {
  const directory = dataDir ? await openDataDir(dataDir) : null;
  let pglite: PGlite | undefined;
  let server: PGLiteSocketServer;
  const startParams = [...PGlite.defaultStartParams, ...EMBEDDED_SETTINGS];
  try {
    if (dataDir && !initialData && !existsSync(path.join(dataDir, 'PG_VERSION')))
      await initDataDir(dataDir, startParams);
    pglite = await PGlite.create(dataDir ?? 'memory://', {
      // The migrations create both: trigram name matching, and accent folding inside the
      // full-text search configurations.
      extensions: { pg_trgm, unaccent },
      loadDataDir: initialData,
      startParams,
    });
    // PGlite executes one statement at a time; the socket server queues the rest and keeps a
    // transaction on the connection that opened it.
    server = dataDir
      ? new PGLiteSocketServer({
          db: pglite,
          path: embeddedSocketPath(dataDir),
          maxConnections: 16,
        })
      : new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 16 });
    await server.start();
    // PGlite lays down its initial files world-writable whatever the umask.
    if (dataDir) await restrictModes(dataDir);
  } catch (error) {
    await pglite?.close();
    await directory?.release();
    throw error;
  }
  const running = pglite;
  const url = dataDir
    ? embeddedSocketUrl(dataDir)
    : `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
      await running.close();
      await directory?.release();
    },
    dump: () => running.dumpDataDir('none'),
  };
}
