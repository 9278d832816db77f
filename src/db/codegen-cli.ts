import { writeFile } from 'node:fs/promises';
import { generateTableTypes, TABLE_TYPES_FILE } from './codegen.js';
import { migrateToLatest } from './migrate.js';
import { openDatabase } from './open.js';

// `npm run db:types`: regenerates src/db/tables.generated.ts after a migration. It migrates a
// fresh in-memory database, so the types follow migrations/ alone, never a developer's data.
const database = await openDatabase({ databaseUrl: null, dataDir: null, maxConnections: 1 });
try {
  await migrateToLatest(database.db);
  await writeFile(TABLE_TYPES_FILE, await generateTableTypes(database.db));
  console.log(`wrote ${TABLE_TYPES_FILE.pathname}`);
} finally {
  await database.close();
}
