import { createDatabase } from './database.js';
import { embeddedSocketUrl, isEmbeddedServerRunning } from './embedded.js';
import { migrateToLatest } from './migrate.js';
import { openDatabase } from './open.js';

/**
 * A command's database (npm run apikey, persisted): DATABASE_URL, or the embedded database in
 * DATA_DIR, through the running server's socket when there is one (PGlite allows one process
 * per directory), directly and migrated otherwise.
 */
export async function openCommandDatabase(config: { databaseUrl: string | null; dataDir: string }) {
  if (!config.databaseUrl && (await isEmbeddedServerRunning(config.dataDir))) {
    const db = createDatabase({ url: embeddedSocketUrl(config.dataDir), maxConnections: 1 });
    return { db, close: () => db.destroy() };
  }
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: 1,
  });
  await migrateToLatest(database.db);
  return database;
}
