import { existsSync } from 'node:fs';
import { mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
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

/**
 * Starts PGlite behind a PostgreSQL wire-protocol socket. `dataDir` null keeps everything in
 * memory on a loopback TCP port (tests); otherwise data persists across restarts and the
 * socket lives in DATA_DIR. `initialData` (a `dump()`) starts from a copy of another database
 * instead of running initdb, which costs most of PGlite's start-up.
 */
export async function startEmbeddedDatabase(
  dataDir: string | null,
  initialData?: Blob,
): Promise<EmbeddedDatabase> {
  if (dataDir) {
    await mkdir(dataDir, { recursive: true });
    if (await isEmbeddedServerRunning(dataDir)) {
      throw new Error(
        `DATA_DIR ${dataDir} is in use by another running briefgraph; stop it first, or set DATABASE_URL`,
      );
    }
    // A socket file left by a crash would block listening.
    await unlink(embeddedSocketPath(dataDir)).catch(() => undefined);
  }
  const pglite = await PGlite.create(dataDir ?? 'memory://', {
    extensions: { pg_trgm },
    loadDataDir: initialData,
  });
  // PGlite executes one statement at a time; the socket server queues the rest and keeps a
  // transaction on the connection that opened it.
  const server = dataDir
    ? new PGLiteSocketServer({ db: pglite, path: embeddedSocketPath(dataDir), maxConnections: 16 })
    : new PGLiteSocketServer({ db: pglite, host: '127.0.0.1', port: 0, maxConnections: 16 });
  await server.start();
  const url = dataDir
    ? embeddedSocketUrl(dataDir)
    : `postgres://postgres@${server.getServerConn()}/postgres`;
  return {
    url,
    async stop() {
      await server.stop();
      await pglite.close();
      if (dataDir) await unlink(embeddedSocketPath(dataDir)).catch(() => undefined);
    },
    dump: () => pglite.dumpDataDir('none'),
  };
}
