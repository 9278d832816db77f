import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import { createGraphQLError, type GraphQLParams, type Plugin } from 'graphql-yoga';
import { ANONYMOUS, type Viewer } from '../common/viewer.js';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import { mayRunAnyOperation } from '../hardening/policy.js';
import type { Logger } from '../logger.js';
import type { Metrics } from '../observability/metrics.js';
import type { ApqStore } from './apq-store.js';
import { documentIdOf, normalizeDocumentId, sha256Hex } from './document-id.js';
import { findPersistedOperation } from './persisted-operation.repository.js';

export interface PersistedOperationsOptions {
  db: Database;
  apq: ApqStore;
  viewers: WeakMap<Request, Viewer>;
  config: Pick<Config, 'anonymousOperations'>;
  logger: Logger;
  metrics?: Metrics | null;
}

const APQ_KEY_PREFIX = 'apq:';

/** What a request names a document by: a persisted-document id, or an Apollo APQ hash. */
type DocumentReference = { kind: 'documentId' | 'apq'; id: string };

function badRequest(message: string, code: string, status = 400) {
  return createGraphQLError(message, { extensions: { code, http: { status } } });
}

/** `documentId` from a POST body, or from the URL of a GET (Yoga's GET parser drops it). */
function requestedDocumentId(params: GraphQLParams, request: Request): unknown {
  const fromBody = (params as GraphQLParams & { documentId?: unknown }).documentId;
  if (fromBody != null) return fromBody;
  return request.method === 'GET'
    ? (new URL(request.url).searchParams.get('documentId') ?? undefined)
    : undefined;
}

function apqHash(params: GraphQLParams): unknown {
  const persistedQuery = (params.extensions as { persistedQuery?: unknown } | undefined)
    ?.persistedQuery;
  if (persistedQuery == null || typeof persistedQuery !== 'object') return undefined;
  const { version, sha256Hash } = persistedQuery as { version?: unknown; sha256Hash?: unknown };
  if (version !== 1) {
    throw badRequest(
      'expected extensions.persistedQuery.version 1',
      'PERSISTED_QUERY_NOT_SUPPORTED',
    );
  }
  return sha256Hash;
}

function referenceOf(params: GraphQLParams, request: Request): DocumentReference | null {
  const documentId = requestedDocumentId(params, request);
  if (documentId !== undefined) {
    const id = typeof documentId === 'string' ? normalizeDocumentId(documentId) : null;
    if (id === null || typeof documentId !== 'string' || !documentId.startsWith('sha256:')) {
      throw badRequest(
        'expected documentId of the form sha256:<64 lower-case hex>',
        'INVALID_DOCUMENT_ID',
      );
    }
    return { kind: 'documentId', id };
  }
  const hash = apqHash(params);
  if (hash === undefined) return null;
  const id = typeof hash === 'string' ? normalizeDocumentId(hash) : null;
  if (id === null) {
    throw badRequest(
      'expected extensions.persistedQuery.sha256Hash to be 64 lower-case hex characters',
      'INVALID_DOCUMENT_ID',
    );
  }
  return { kind: 'apq', id };
}

/**
 * Trusted documents and APQ, deciding per caller. The registry in PostgreSQL answers both
 * `documentId` and APQ hashes, for everyone; the APQ cache answers (and learns) only for callers
 * allowed to send any document, so APQ never widens what partners and anonymous callers run.
 */
export function persistedOperationsPlugins(options: PersistedOperationsOptions): Plugin[] {
  const { db, apq, viewers, config, logger, metrics = null } = options;
  const viewerOf = (request: Request): Viewer => viewers.get(request) ?? ANONYMOUS;
  const mayRunAny = (request: Request) => mayRunAnyOperation(viewerOf(request), config);

  // Runs before usePersistedOperations: checks a document sent with its hash and, for callers
  // allowed arbitrary documents, remembers it for APQ (the second half of the round trip).
  const apqRegistration: Plugin = {
    // Synchronous unless there is a document to remember: see src/common/maybe-promise.ts.
    onParams({ params, request }) {
      const reference = referenceOf(params, request);
      if (typeof params.query !== 'string' || params.query === '' || reference === null) return;
      if (reference.kind === 'documentId') {
        throw badRequest('send either documentId or query, not both', 'PERSISTED_QUERY_AND_BODY');
      }
      if (documentIdOf(params.query) !== reference.id) {
        throw badRequest(
          'extensions.persistedQuery.sha256Hash is not the SHA-256 of query',
          'PERSISTED_QUERY_HASH_MISMATCH',
        );
      }
      if (mayRunAny(request)) {
        return apq.set(sha256Hex(params.query), params.query).then(() => {
          metrics?.apq('registered');
        });
      }
    },
  };

  const persisted = usePersistedOperations({
    allowArbitraryOperations: mayRunAny,
    // The key says where the id came from: only APQ hashes may be answered from the APQ cache.
    extractPersistedOperationId(params, request) {
      const reference = referenceOf(params, request);
      if (reference === null) return null;
      return reference.kind === 'apq' ? `${APQ_KEY_PREFIX}${reference.id}` : reference.id;
    },
    async getPersistedOperation(key, request) {
      const fromApq = key.startsWith(APQ_KEY_PREFIX);
      const id = fromApq ? key.slice(APQ_KEY_PREFIX.length) : key;
      const row = await findPersistedOperation(db, id);
      if (row?.enabled) {
        if (documentIdOf(row.body) !== row.document_id) {
          logger.error('persisted operation body does not match its id', { documentId: id });
          throw badRequest(
            `persisted operation ${id} is corrupt (its text does not hash to its id)`,
            'PERSISTED_QUERY_CORRUPT',
            500,
          );
        }
        return row.body;
      }
      if (!fromApq || !mayRunAny(request)) return null;
      const body = await apq.get(id.slice('sha256:'.length));
      const found = body !== null && documentIdOf(body) === id ? body : null;
      metrics?.apq(found === null ? 'miss' : 'hit');
      return found;
    },
    customErrors: {
      // APQ clients recognise this exact message and resend the document with its hash.
      notFound: () =>
        createGraphQLError('PersistedQueryNotFound', {
          extensions: {
            code: 'PERSISTED_QUERY_NOT_FOUND',
            http: { status: 400 },
          },
        }),
      persistedQueryOnly: () =>
        badRequest(
          'this caller may run registered documents only: send the documentId (sha256:<hex>) of a registered operation instead of its text',
          'PERSISTED_QUERY_ONLY',
          403,
        ),
      keyNotFound: () =>
        badRequest(
          'expected a query, a documentId, or extensions.persistedQuery.sha256Hash',
          'PERSISTED_QUERY_ID_REQUIRED',
        ),
    },
  });
  return [apqRegistration, persisted];
}
