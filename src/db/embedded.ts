import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { pg_trgm } from '@electric-sql/pglite/contrib/pg_trgm';
import { PGLiteSocketServer } from '@electric-sql/pglite-socket';

export interface EmbeddedDatabase {
  /** A `postgres://` URL the `pg` pool connects to, so the app has one code path for both databases. */
  url: string;
  stop(): Promise<void>;
}

/**
 * Starts PGlite behind a PostgreSQL wire-protocol socket on loopback.
 * `dataDir` null keeps everything in memory (tests); otherwise data persists across restarts.
 */
export async function startEmbeddedDatabase(dataDir: string | null): Promise<EmbeddedDatabase> {
  if (dataDir) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir ?? 'memory://', { extensions: { pg_trgm } });
  // PGlite executes one statement at a time; the socket server queues the rest and keeps a
  // transaction on the connection that opened it.
  const server = new PGLiteSocketServer({
    db: pglite,
    host: '127.0.0.1',
    port: 0,
    maxConnections: 16,
  });
  await server.start();
  const [host, port] = server.getServerConn().split(':');
  return {
    url: `postgres://postgres@${host}:${port}/postgres`,
    async stop() {
      await server.stop();
      await pglite.close();
    },
  };
}
