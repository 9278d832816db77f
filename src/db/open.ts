import type { LogEvent } from 'kysely';
import { createDatabase, type Database } from './database.js';

export interface OpenDatabaseOptions {
  databaseUrl: string | null;
  /** Embedded data directory; null keeps the embedded database in memory. */
  dataDir: string | null;
  maxConnections: number;
  connectTimeoutMs?: number;
  queryTimeoutMs?: number;
  onQuery?: (event: LogEvent) => void;
  onPoolError?: (error: Error) => void;
}

export interface OpenDatabase {
  db: Database;
  embedded: boolean;
  close(): Promise<void>;
}

/** PostgreSQL at `databaseUrl`, or the embedded database, both reached through the same `pg` pool. */
export async function openDatabase(options: OpenDatabaseOptions): Promise<OpenDatabase> {
  if (options.databaseUrl) {
    const db = createDatabase({ ...options, url: options.databaseUrl });
    return { db, embedded: false, close: () => db.destroy() };
  }
  // Imported only when used: PGlite's WebAssembly build costs ~30 MB a PostgreSQL deployment
  // never needs.
  const { startEmbeddedDatabase } = await import('./embedded.js');
  const embedded = await startEmbeddedDatabase(options.dataDir);
  // PGlite runs one statement at a time: more connections would only queue inside it.
  const db = createDatabase({ ...options, url: embedded.url, maxConnections: 1 });
  return {
    db,
    embedded: true,
    async close() {
      await db.destroy();
      await embedded.stop();
    },
  };
}
