import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config.js';
import { createDatabase } from '../db/database.js';
import { embeddedSocketUrl, isEmbeddedServerRunning } from '../db/embedded.js';
import { migrateToLatest } from '../db/migrate.js';
import { openDatabase } from '../db/open.js';
import { schema } from '../schema.js';
import { normalizeDocumentId } from './document-id.js';
import { listPersistedOperations } from './persisted-operation.repository.js';
import { disableDocument, ManifestError, parseManifest, registerDocuments } from './registry.js';

const USAGE = `usage:
  npm run persisted -- import <manifest.json> [--client "<client name>"]
      (GraphQL Code Generator persisted-documents.json, or an Apollo persisted query manifest)
  npm run persisted -- list
  npm run persisted -- disable <sha256:…>`;

function fail(message: string): never {
  console.error(`${message}\n\n${USAGE}`);
  process.exit(2);
}

/**
 * Against DATABASE_URL, or the embedded database in DATA_DIR: through the running server's
 * socket when there is one (PGlite allows one process per directory), directly otherwise.
 */
async function open() {
  const config = loadConfig();
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

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { client: { type: 'string' } },
});
const [command, target] = positionals;

if (command === 'import') {
  if (!target) fail('expected the path of a manifest');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(target, 'utf8'));
  } catch (error) {
    fail(`cannot read ${target}: ${error instanceof Error ? error.message : String(error)}`);
  }
  const database = await open();
  try {
    const rows = await registerDocuments(database.db, schema, parseManifest(json), {
      name: 'persisted command',
      apiKeyId: null,
      requestId: null,
      clientName: values.client?.trim() || null,
    });
    console.log(`registered ${rows.length} documents from ${target}:`);
    for (const row of rows) console.log(`${row.document_id}\t${row.operation_name ?? ''}`);
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    console.error(`${target}: ${error.message}`);
    process.exitCode = 1;
  } finally {
    await database.close();
  }
} else if (command === 'list') {
  const database = await open();
  try {
    console.log('documentId\tenabled\tclient\toperation\tregistered by');
    for (const row of await listPersistedOperations(database.db)) {
      console.log(
        `${row.document_id}\t${row.enabled}\t${row.client_name ?? ''}\t${row.operation_name ?? ''}\t${row.registered_by}`,
      );
    }
  } finally {
    await database.close();
  }
} else if (command === 'disable') {
  const documentId = target ? normalizeDocumentId(target) : null;
  if (!documentId) fail('expected a document id of the form sha256:<64 hex>');
  const database = await open();
  try {
    const row = await disableDocument(database.db, documentId, {
      name: 'persisted command',
      apiKeyId: null,
      requestId: null,
    });
    if (!row) {
      console.error(`no persisted operation ${documentId}`);
      process.exitCode = 1;
    } else console.log(`disabled ${row.document_id}`);
  } finally {
    await database.close();
  }
} else {
  fail(command ? `unknown command ${JSON.stringify(command)}` : 'expected a command');
}
