import { getOperationAST, GraphQLError, type ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Viewer } from '../common/viewer.js';
import type { Logger } from '../logger.js';
import { newRequestRecord, recordOfNodeRequest, type RequestRecord } from './request-record.js';

export const REQUEST_ID_HEADER = 'x-request-id';

/** Errors Yoga masked, with what they hid: logged once with the request's id. */
export type MaskedOriginals = WeakMap<object, unknown>;

function codeOf(extensions: unknown): string {
  const code = (extensions as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : 'UNCODED';
}

function withRequestId(error: GraphQLError, requestId: string): GraphQLError {
  return new GraphQLError(error.message, {
    nodes: error.nodes,
    source: error.source,
    positions: error.positions,
    path: error.path,
    originalError: error.originalError,
    extensions: { ...error.extensions, requestId },
  });
}

function isExecutionResult(value: unknown): value is ExecutionResult {
  return typeof value === 'object' && value !== null && !(Symbol.asyncIterator in value);
}

/**
 * Fills each request's record (src/observability/request-record.ts) for the access log and the
 * metrics, and puts its request id in the `x-request-id` header and in every error's
 * `extensions.requestId`. Runs first, so even a 404 gets them. Requests made in-process
 * (`yoga.fetch`, tests) get a record of their own.
 */
export function accessPlugins(options: {
  records: WeakMap<Request, RequestRecord>;
  viewers: WeakMap<Request, Viewer>;
  maskedOriginals: MaskedOriginals;
  logger: Logger;
}): { first: Plugin; last: Plugin } {
  const { records, viewers, maskedOriginals, logger } = options;
  /**
   * Requests whose result's errors went through onResultProcess: they carry the id already. A
   * result without errors goes out as 200, which onResponse leaves alone.
   */
  const processed = new WeakSet<Request>();
  /** Requests made in-process: the node listener sets the id header on the others. */
  const inProcess = new WeakSet<Request>();
  const recordOf = (request: Request) => records.get(request);

  const stampErrors = (
    request: Request,
    result: ExecutionResult,
    record: RequestRecord,
  ): ExecutionResult => {
    if (!result.errors?.length) return result;
    processed.add(request);
    return {
      ...result,
      errors: result.errors.map((error) => {
        record.errorCodes.push(codeOf(error.extensions));
        const original = maskedOriginals.get(error);
        if (original !== undefined) {
          logger.error('unexpected error while executing a request', {
            requestId: record.requestId,
            ...(original instanceof Error
              ? { error: original.message, stack: original.stack }
              : { error: String(original) }),
          });
        }
        return withRequestId(error, record.requestId);
      }),
    };
  };

  const first: Plugin = {
    onRequest({ request, serverContext }) {
      const fromNode = recordOfNodeRequest((serverContext as { req?: unknown } | undefined)?.req);
      if (fromNode) {
        records.set(request, fromNode);
      } else {
        records.set(request, newRequestRecord(request.headers.get(REQUEST_ID_HEADER)));
        inProcess.add(request);
      }
    },
    onParams({ params, request }) {
      const record = recordOf(request);
      if (!record) return;
      if (typeof params.operationName === 'string') record.operationName = params.operationName;
      const named = (params as { documentId?: unknown }).documentId;
      const apq = (params.extensions as { persistedQuery?: { sha256Hash?: unknown } } | undefined)
        ?.persistedQuery?.sha256Hash;
      const documentId =
        typeof named === 'string' ? named : typeof apq === 'string' ? `sha256:${apq}` : null;
      // Bounded like the rest of the line: a real id is 71 characters.
      if (documentId !== null) record.documentId = documentId.slice(0, 80);
    },
    onExecute({ args }) {
      const record = recordOf((args.contextValue as { request: Request }).request);
      if (!record) return;
      const operation = getOperationAST(args.document, args.operationName);
      if (!operation) return;
      record.operationType = operation.operation;
      if (operation.name) record.operationName = operation.name.value;
    },
    // Synchronous unless an error body is rewritten: see src/common/maybe-promise.ts.
    onResponse({ request, response, setResponse, fetchAPI }) {
      const record = recordOf(request);
      if (!record) return;
      const viewer = viewers.get(request);
      if (viewer?.kind === 'api-key') {
        record.role = viewer.role;
        record.keyId = viewer.keyId;
      }
      // Touching a response's headers costs Node its single-write fast path: only when needed.
      if (inProcess.has(request)) response.headers.set(REQUEST_ID_HEADER, record.requestId);
      // Refusals made before GraphQL ran (401, 404, 413, 429, 503) are small JSON bodies built
      // by hand: rewritten here, once, so they carry the id like every other error.
      if (
        processed.has(request) ||
        response.status < 400 ||
        !(response.headers.get('content-type') ?? '').includes('json')
      )
        return;
      return response.text().then((text) => {
        let body: unknown;
        try {
          body = JSON.parse(text);
        } catch {
          return;
        }
        const errors = (body as { errors?: unknown }).errors;
        if (Array.isArray(errors)) {
          for (const error of errors as { extensions?: Record<string, unknown> }[]) {
            record.errorCodes.push(codeOf(error.extensions));
            error.extensions = { ...error.extensions, requestId: record.requestId };
          }
        }
        // Copied one by one: the ponyfill's Headers does not always copy from another Headers.
        const headers: Record<string, string> = {};
        response.headers.forEach((value, name) => {
          if (name.toLowerCase() !== 'content-length') headers[name] = value;
        });
        setResponse(
          new fetchAPI.Response(JSON.stringify(body), { status: response.status, headers }),
        );
      });
    },
  };
  // Last, so it sees the result as it goes out (after the outage and response-size rules).
  const last: Plugin = {
    onResultProcess({ request, result, setResult }) {
      const record = recordOf(request);
      if (!record) return;
      if (Array.isArray(result)) {
        setResult(result.map((one: ExecutionResult) => stampErrors(request, one, record)));
      } else if (isExecutionResult(result)) {
        setResult(stampErrors(request, result, record));
      }
    },
  };
  return { first, last };
}
