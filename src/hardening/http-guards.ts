import type { FetchAPI, Plugin } from 'graphql-yoga';
import { createGraphQLError } from 'graphql-yoga';
import type { Config } from '../config.js';
import { targetPath } from '../common/request-url.js';
import { GRAPHIQL_ASSETS_PATH } from '../graphiql/graphiql-plugin.js';
import { STIX_BRIEFING_PATH } from '../stix/stix-path.js';

/** The GraphQL endpoint, GraphiQL included. */
export const GRAPHQL_PATH = '/graphql';

/** Every path this server answers, matched exactly… */
export const SERVED_PATHS: ReadonlySet<string> = new Set([GRAPHQL_PATH, '/healthz', '/readyz']);

/**
 * …and GraphiQL's files: one plain name each below their folder (the plugin 404s the rest);
 * and the STIX export, one briefing slug each.
 */
const GRAPHIQL_ASSET = new RegExp(`^${GRAPHIQL_ASSETS_PATH}[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*$`);

function isServedPath(path: string): boolean {
  return SERVED_PATHS.has(path) || GRAPHIQL_ASSET.test(path) || STIX_BRIEFING_PATH.test(path);
}

/** A JSON error answer in the GraphQL error shape, for refusals made before GraphQL starts. */
export function errorResponse(
  fetchAPI: { Response: typeof Response },
  status: number,
  code: string,
  message: string,
  options: { headers?: Record<string, string>; extensions?: Record<string, unknown> } = {},
): Response {
  return fetchAPI.Response.json(
    { errors: [{ message, extensions: { code, ...options.extensions } }] },
    { status, headers: options.headers },
  );
}

const NOT_FOUND_MESSAGE = `no such path: GraphQL is served at exactly ${GRAPHQL_PATH}, health at /healthz and /readyz`;

/** The 404 body, for the node listener in front of Yoga (bootstrap) as for Yoga itself. */
export const NOT_FOUND_BODY = {
  errors: [{ message: NOT_FOUND_MESSAGE, extensions: { code: 'NOT_FOUND' } }],
};

/** The 404 body with the request's id, as every error carries it. */
export function notFoundBody(requestId: string): {
  errors: { message: string; extensions: { code: string; requestId: string } }[];
} {
  return {
    errors: [{ message: NOT_FOUND_MESSAGE, extensions: { code: 'NOT_FOUND', requestId } }],
  };
}

/** Whether a request target as sent names a served path, exactly: no normalisation. */
export function isServedTarget(target: string): boolean {
  return isServedPath(targetPath(target));
}

/**
 * Yoga serves GraphQL on any path that ends in its endpoint (`/x/graphql`, `/graphql/`, even
 * `/x?=/graphql`), where guards keyed on the path would not look. This runs first and answers
 * 404 for every path not served, matched exactly as sent (`/a/../graphql` is not normalised
 * into a match), so the hooks after it see only served paths and need no path checks.
 */
export function endpointPlugin(): Plugin {
  return {
    onRequest({ url, serverContext, endResponse, fetchAPI }) {
      const raw = (serverContext as { req?: { url?: unknown } } | undefined)?.req?.url;
      // The target as sent decides when there is one: a served path is one URL parsing leaves as
      // it is, so the URL need not be parsed (see src/common/request-url.ts).
      if (typeof raw === 'string' ? isServedTarget(raw) : isServedPath(url.pathname)) return;
      endResponse(fetchAPI.Response.json(NOT_FOUND_BODY, { status: 404 }));
    },
  };
}

/** Header a browser cannot add to a cross-site request without a CORS preflight. */
export const CSRF_HEADER = 'x-graphql-csrf';

/** Content types a cross-site form or `fetch` may send without a preflight. */
const SIMPLE_CONTENT_TYPES = [
  'application/x-www-form-urlencoded',
  'multipart/form-data',
  'text/plain',
];

/**
 * A request without a preflight-forcing signal could come from another site's page riding on
 * the browser: refuse it. Signals: a non-simple content type (GraphiQL and JSON clients send
 * `application/json`), an Authorization header, or the CSRF header.
 */
function preflighted(request: Request): boolean {
  const contentType = request.headers.get('content-type')?.toLowerCase();
  if (contentType && !SIMPLE_CONTENT_TYPES.some((simple) => contentType.startsWith(simple)))
    return true;
  return request.headers.has('authorization') || request.headers.has(CSRF_HEADER);
}

/** A Content-Length as HTTP frames a body by: one non-negative integer. */
const CONTENT_LENGTH = /^\d+$/;

/**
 * The body of `request` cut off with REQUEST_TOO_LARGE once more than `limit` bytes have been
 * read, as Yoga's own limit does it (graphql-yoga's use-limit-request-body-size.ts).
 */
function limitedBody(request: Request, limit: number, fetchAPI: FetchAPI): Request {
  const { body } = request;
  if (!body) return request;
  // A native stream (an in-process Request) pipes only into a native TransformStream.
  const Transform = body instanceof ReadableStream ? TransformStream : fetchAPI.TransformStream;
  let read = 0;
  const counted = body.pipeThrough(
    new Transform<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        read += chunk.byteLength;
        if (read > limit) {
          controller.error(
            createGraphQLError(`request body exceeds the limit of ${limit} bytes`, {
              extensions: { code: 'REQUEST_TOO_LARGE', limit, http: { status: 413 } },
            }),
          );
          return;
        }
        controller.enqueue(chunk);
      },
    }),
  );
  // Node's fetch refuses a streamed body without `duplex`, which the DOM types do not know.
  const init: RequestInit & { duplex: 'half' } = {
    method: request.method,
    headers: request.headers,
    signal: request.signal,
    body: counted,
    duplex: 'half',
  };
  return new fetchAPI.Request(request.url, init);
}

/**
 * Fast refusals before the body is read: an announced body over MAX_BODY_BYTES, and CSRF.
 * Only a body without a valid Content-Length (chunked) is counted while read: Node's HTTP
 * parser never delivers more bytes than announced. Yoga's own limit (off in yoga.ts) pipes
 * every body through a counting stream, which cost more CPU than anything else in answering
 * `{ __typename }`.
 */
export function httpGuardsPlugin(config: Pick<Config, 'maxBodyBytes'>): Plugin {
  const limit = config.maxBodyBytes;
  return {
    onRequest({ request, endResponse, fetchAPI }) {
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > limit) {
        endResponse(
          errorResponse(
            fetchAPI,
            413,
            'REQUEST_TOO_LARGE',
            `request body of ${length} bytes exceeds the limit of ${limit} bytes`,
            { extensions: { limit } },
          ),
        );
      }
    },
    onRequestParse({ request, requestParser, setRequestParser, fetchAPI }) {
      if (!preflighted(request)) {
        throw createGraphQLError(
          `cross-site request refused: send content-type application/json, an Authorization header, or a ${CSRF_HEADER} header`,
          { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } },
        );
      }
      if (!requestParser || !request.body) return;
      if (CONTENT_LENGTH.test(request.headers.get('content-length') ?? '')) return;
      setRequestParser((req) => requestParser(limitedBody(req, limit, fetchAPI)));
    },
  };
}
