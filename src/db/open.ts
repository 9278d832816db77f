import { createDatabase, type Database, type DatabaseOptions } from './database.js';

/** Where the database is, and the pool's options as `createDatabase` takes them. */
export interface OpenDatabaseOptions extends Omit<DatabaseOptions, 'url' | 'maxConnections'> {
  databaseUrl: string | null;
  /** Embedded data directory; null keeps the embedded database in memory. */
  dataDir: string | null;
  maxConnections: number;
  /** The embedded database's starting data, a dump of another one (see `dumpEmbedded`). */
  initialData?: Blob;
}

export interface OpenDatabase {
  db: Database;
  embedded: boolean;
  /** The embedded database's data directory as a tarball; null with DATABASE_URL. */
  dumpEmbedded: (() => Promise<Blob>) | null;
  close(): Promise<void>;
}

/** PostgreSQL at `databaseUrl`, or the embedded database, both reached through the same `pg` pool. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    const db = createDatabase({ ...options, url: options.databaseUrl });
    return { db, embedded: false, dumpEmbedded: null, close: () => db.destroy() };
  }
  // Imported only when used: PGlite's WebAssembly build costs ~30 MB a PostgreSQL deployment
  // never needs.
  const { startEmbeddedDatabase } = await import('./embedded.js');
  const embedded = await startEmbeddedDatabase(options.dataDir, options.initialData);
  // PGlite runs one statement at a time: more connections would only queue inside it.
  const db = createDatabase({ ...options, url: embedded.url, maxConnections: 1 });
  return {
    db,
    embedded: true,
    dumpEmbedded: embedded.dump,
    async close() {
      await db.destroy();
      await embedded.stop();
    },
  };
}
