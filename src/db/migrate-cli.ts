import { loadConfig } from '../config.js';
import { migrateDown, migrateToLatest } from './migrate.js';
import { openDatabase } from './open.js';

// `npm run migrate` (to latest) or `npm run migrate -- down` (one step back), against
// DATABASE_URL or the embedded database in DATA_DIR (stop the server first for that one).
const direction = process.argv[2] ?? 'latest';
if (direction !== 'latest' && direction !== 'down') {
  console.error(`expected "latest" or "down", got ${JSON.stringify(direction)}`);
  process.exit(2);
}
const config = loadConfig();
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  maxConnections: 1,
});
try {
  const applied =
    direction === 'down' ? await migrateDown(database.db) : await migrateToLatest(database.db);
  console.log(applied.length ? applied.join('\n') : 'nothing to do: the database is up to date');
} finally {
  await database.close();
}
