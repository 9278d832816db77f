import { getOperationAST, parse, validate, type GraphQLSchema } from 'graphql';
import type { DocumentLimits } from '../config.js';
import type { Database } from '../db/database.js';
import { limitBreaches } from '../hardening/document-limits.js';
import { domainErrorFromPostgres } from '../errors/pg-errors.js';
import { documentIdOf, normalizeDocumentId } from './document-id.js';
import {
  auditPersistedOperation,
  setPersistedOperationEnabled,
  upsertPersistedOperations,
  type NewPersistedOperation,
  type PersistedOperationRow,
} from './persisted-operation.repository.js';

/** A document to register, as a manifest or a mutation names it. */
export interface DocumentEntry {
  /** The id the manifest gives it (`sha256:<hex>` or bare hex); checked against the body. */
  id: string | null;
  body: string;
  operationName: string | null;
}

/** Why one document cannot be registered; `document` names it (id, or position). */
export interface DocumentProblem {
  document: string;
  /** What is wrong: the id given for the document, its text, or a limit its text exceeds. */
  field: 'id' | 'body' | 'limits';
  message: string;
}

export class ManifestError extends Error {
  constructor(
    message: string,
    readonly problems: DocumentProblem[] = [],
  ) {
    super(
      problems.length === 0
        ? message
        : `${message}:\n${problems.map((p) => `  ${p.document}: ${p.message}`).join('\n')}`,
    );
    this.name = 'ManifestError';
  }
}

const MAX_BODY_CHARACTERS = 1_000_000;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads either manifest format: GraphQL Code Generator's client-preset
 * `persisted-documents.json` (a flat `{ id: body }` map), or Apollo's persisted query manifest
 * (`{ format: "apollo-persisted-query-manifest", version: 1, operations: [...] }`).
 */
export function parseManifest(json: unknown): DocumentEntry[] {
  if (!isRecord(json)) throw new ManifestError('expected a JSON object');
  if ('format' in json || 'operations' in json) {
    if (json.format !== 'apollo-persisted-query-manifest' || json.version !== 1) {
      throw new ManifestError(
        `expected format "apollo-persisted-query-manifest" and version 1, got ${JSON.stringify(json.format)} version ${JSON.stringify(json.version)}`,
      );
    }
    if (!Array.isArray(json.operations))
      throw new ManifestError('expected "operations" to be a list');
    return json.operations.map((operation: unknown, index) => {
      if (
        !isRecord(operation) ||
        typeof operation.id !== 'string' ||
        typeof operation.body !== 'string'
      ) {
        throw new ManifestError(`operations[${index}]: expected { id, name, type, body } strings`);
      }
      return {
        id: operation.id,
        body: operation.body,
        operationName: typeof operation.name === 'string' ? operation.name : null,
      };
    });
  }
  return Object.entries(json).map(([id, body]) => {
    if (typeof body !== 'string') throw new ManifestError(`${id}: expected the document text`);
    return { id, body, operationName: null };
  });
}

/**
 * Checks every document: its id is its hash, it parses, and it validates against `schema`.
 * Every problem is reported, so one run of an import lists all the bad documents.
 */
export function checkDocuments(
  schema: GraphQLSchema,
  entries: readonly DocumentEntry[],
  restrictedLimits: DocumentLimits | null = null,
): {
  operations: Omit<NewPersistedOperation, 'clientName' | 'registeredBy'>[];
  problems: DocumentProblem[];
  /** Documents partners could register but never run: over the restricted limits. */
  overLimits: DocumentProblem[];
} {
  const problems: DocumentProblem[] = [];
  const overLimits: DocumentProblem[] = [];
  const operations: Omit<NewPersistedOperation, 'clientName' | 'registeredBy'>[] = [];
  const seen = new Set<string>();
  entries.forEach((entry, index) => {
    const name = entry.id ?? entry.operationName ?? `document ${index + 1}`;
    const actualId = documentIdOf(entry.body);
    if (entry.id !== null) {
      const claimedId = normalizeDocumentId(entry.id);
      if (claimedId === null) {
        problems.push({
          document: name,
          field: 'id',
          message: 'expected an id of the form sha256:<64 hex>',
        });
        return;
      }
      if (claimedId !== actualId) {
        problems.push({
          document: name,
          field: 'id',
          message: `the id is not the SHA-256 of the body (the body hashes to ${actualId})`,
        });
        return;
      }
    }
    // The same document twice (e.g. listed under both id spellings) is registered once.
    if (seen.has(actualId)) return;
    seen.add(actualId);
    if (entry.body.length === 0 || entry.body.length > MAX_BODY_CHARACTERS) {
      problems.push({
        document: name,
        field: 'body',
        message: `expected 1 to ${MAX_BODY_CHARACTERS} characters`,
      });
      return;
    }
    let errors: readonly { message: string }[];
    let operationName = entry.operationName;
    try {
      const document = parse(entry.body);
      errors = validate(schema, document);
      operationName ??= getOperationAST(document)?.name?.value ?? null;
      if (errors.length === 0 && restrictedLimits) {
        for (const breach of limitBreaches(
          schema,
          entry.body,
          document,
          'restricted',
          restrictedLimits,
        ))
          overLimits.push({ document: operationName ?? name, field: 'limits', message: breach });
      }
    } catch (error) {
      errors = [{ message: error instanceof Error ? error.message : String(error) }];
    }
    if (errors.length > 0) {
      problems.push({
        document: name,
        field: 'body',
        message: errors.map((e) => e.message).join('; '),
      });
      return;
    }
    operations.push({ documentId: actualId, body: entry.body, operationName });
  });
  return { operations, problems, overLimits };
}

/**
 * Validates every document, then registers all of them in one transaction with an audit entry
 * each — or, on any problem, registers none and throws a ManifestError naming every bad one.
 */
export async function registerDocuments(
  db: Database,
  schema: GraphQLSchema,
  entries: readonly DocumentEntry[],
  by: {
    name: string;
    apiKeyId: number | null;
    requestId: string | null;
    clientName: string | null;
  },
  /**
   * The limits partners run under: a document over them is refused (a partner could never run
   * it), or with `allowOverLimits` registered and passed to `warn`.
   */
  limits: {
    restricted: DocumentLimits;
    allowOverLimits?: boolean;
    warn?: (problem: DocumentProblem) => void;
  } | null = null,
): Promise<PersistedOperationRow[]> {
  if (entries.length === 0) throw new ManifestError('expected at least one document');
  const checked = checkDocuments(schema, entries, limits?.restricted ?? null);
  const problems = [...checked.problems];
  const { operations, overLimits } = checked;
  if (limits?.allowOverLimits) for (const problem of overLimits) limits.warn?.(problem);
  else problems.push(...overLimits);
  if (problems.length > 0) {
    throw new ManifestError(
      `${new Set(problems.map((p) => p.document)).size} of ${entries.length} documents are invalid; nothing was registered`,
      problems,
    );
  }
  try {
    return await db.transaction().execute(async (trx) => {
      const rows = await upsertPersistedOperations(
        trx,
        operations.map((operation) => ({
          ...operation,
          clientName: by.clientName,
          registeredBy: by.name,
        })),
      );
      for (const row of rows) {
        await auditPersistedOperation(trx, {
          actorName: by.name,
          apiKeyId: by.apiKeyId,
          requestId: by.requestId,
          action: 'persisted-operation.register',
          after: row,
        });
      }
      return rows;
    });
  } catch (error) {
    throw domainErrorFromPostgres(error) ?? error;
  }
}

/**
 * Disables a document with its audit entry; undefined when no such document is registered.
 * The anonymous response cache is not invalidated: no content changes, and the CLI (another
 * process) could not reach an in-process cache anyway. Answers already cached for the document
 * keep being served until their TTL (README, "Response cache").
 */
export async function disableDocument(
  db: Database,
  documentId: string,
  by: { name: string; apiKeyId: number | null; requestId: string | null },
): Promise<PersistedOperationRow | undefined> {
  const id = normalizeDocumentId(documentId);
  if (id === null) return undefined;
  return db.transaction().execute(async (trx) => {
    const row = await setPersistedOperationEnabled(trx, id, false);
    if (row) {
      await auditPersistedOperation(trx, {
        actorName: by.name,
        apiKeyId: by.apiKeyId,
        requestId: by.requestId,
        action: 'persisted-operation.disable',
        after: row,
      });
    }
    return row;
  });
}
