import type { Plugin } from 'graphql-yoga';
import { createGraphQLError } from 'graphql-yoga';
import type { Config } from '../config.js';

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

/**
 * Fast refusals before the body is read: an announced body over MAX_BODY_BYTES (Yoga's own
 * limit still cuts chunked bodies off while reading) and CSRF.
 */
export function httpGuardsPlugin(config: Pick<Config, 'maxBodyBytes'>): Plugin {
  return {
    onRequest({ request, url, endResponse, fetchAPI }) {
      if (url.pathname !== '/graphql') return;
      const length = Number(request.headers.get('content-length') ?? 0);
      if (length > config.maxBodyBytes) {
        endResponse(
          fetchAPI.Response.json(
            {
              errors: [
                {
                  message: `request body of ${length} bytes exceeds the limit of ${config.maxBodyBytes} bytes`,
                  extensions: { code: 'REQUEST_TOO_LARGE', limit: config.maxBodyBytes },
                },
              ],
            },
            { status: 413 },
          ),
        );
      }
    },
    onRequestParse({ request }) {
      if (preflighted(request)) return;
      throw createGraphQLError(
        `cross-site request refused: send content-type application/json, an Authorization header, or a ${CSRF_HEADER} header`,
        { extensions: { code: 'CSRF_HEADER_REQUIRED', http: { status: 403 } } },
      );
    },
  };
}
