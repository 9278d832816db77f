#!/usr/bin/env node
import { readFile } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { command, runAsProgram, UsageError, type CliIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { openCommandDatabase } from '../db/command-database.js';
import { schema } from '../schema.js';
import { normalizeDocumentId } from './document-id.js';
import { listPersistedOperations } from './persisted-operation.repository.js';
import { disableDocument, ManifestError, parseManifest, registerDocuments } from './registry.js';

const USAGE = `usage:
  npm run persisted -- import <manifest.json> [--client "<client name>"] [--allow-over-limits]
      (GraphQL Code Generator persisted-documents.json, or an Apollo persisted query manifest;
      a document over the restricted limits partners run under is refused, or with
      --allow-over-limits registered with a warning)
  npm run persisted -- list
  npm run persisted -- disable <sha256:…>`;

/** The command's database, as DATABASE_URL or DATA_DIR in its environment say. */
function open(env: NodeJS.ProcessEnv) {
  return openCommandDatabase(loadConfig(env));
}

async function importManifest(
  target: string | undefined,
  client: string | undefined,
  allowOverLimits: boolean,
  io: CliIo,
): Promise<number> {
  if (!target) throw new UsageError('expected the path of a manifest');
  let json: unknown;
  try {
    json = JSON.parse(await readFile(target, 'utf8'));
  } catch (error) {
    throw new UsageError(
      `cannot read ${target}: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const database = await open(io.env);
  try {
    const rows = await registerDocuments(
      database.db,
      schema,
      parseManifest(json),
      {
        name: 'persisted command',
        apiKeyId: null,
        requestId: null,
        clientName: client?.trim() || null,
      },
      {
        restricted: loadConfig(io.env).restrictedLimits,
        allowOverLimits,
        warn: (problem) =>
          io.err(
            `warning: ${problem.document}: ${problem.message} (registered: --allow-over-limits)`,
          ),
      },
    );
    io.out(`registered ${rows.length} documents from ${target}:`);
    for (const row of rows) io.out(`${row.document_id}\t${row.operation_name ?? ''}`);
    return 0;
  } catch (error) {
    if (!(error instanceof ManifestError)) throw error;
    io.err(`${target}: ${error.message}`);
    return 1;
  } finally {
    await database.close();
  }
}

async function list(io: CliIo): Promise<number> {
  const database = await open(io.env);
  try {
    io.out('documentId\tenabled\tclient\toperation\tregistered by');
    for (const row of await listPersistedOperations(database.db)) {
      io.out(
        `${row.document_id}\t${row.enabled}\t${row.client_name ?? ''}\t${row.operation_name ?? ''}\t${row.registered_by}`,
      );
    }
    return 0;
  } finally {
    await database.close();
  }
}

async function disable(target: string | undefined, io: CliIo): Promise<number> {
  const documentId = target ? normalizeDocumentId(target) : null;
  if (!documentId) throw new UsageError('expected a document id of the form sha256:<64 hex>');
  const database = await open(io.env);
  try {
    const row = await disableDocument(database.db, documentId, {
      name: 'persisted command',
      apiKeyId: null,
      requestId: null,
    });
    if (!row) {
      io.err(`no persisted operation ${documentId}`);
      return 1;
    }
    io.out(`disabled ${row.document_id}`);
    return 0;
  } finally {
    await database.close();
  }
}

/** `npm run persisted -- <command> …`; tests call it in-process with their own environment. */
export const main = command(USAGE, async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: { client: { type: 'string' }, 'allow-over-limits': { type: 'boolean' } },
  });
  const [name, target] = positionals;
  if (name === 'import')
    return importManifest(target, values.client, values['allow-over-limits'] === true, io);
  if (name === 'list') return list(io);
  if (name === 'disable') return disable(target, io);
  throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : 'expected a command');
});

await runAsProgram(import.meta.url, main);
