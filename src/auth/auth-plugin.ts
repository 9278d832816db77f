import { getOperationAST } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Database } from '../db/database.js';
import type { Context } from '../context.js';
import { authenticate } from './api-keys.js';
import type { Viewer } from './viewer.js';

/**
 * Authenticates `Authorization: Bearer <key>` once per request, before GraphQL parsing, so a
 * bad key is refused with HTTP 401 whatever the operation. The viewer is kept per Request
 * object for the context factory (and for later hooks that only see the Request).
 */
export function authPlugin(db: Database, viewers: WeakMap<Request, Viewer>): Plugin<Context> {
  return {
    async onRequest({ request, endResponse, fetchAPI }) {
      const result = await authenticate(db, request.headers.get('authorization'));
      if (result.ok) {
        viewers.set(request, result.viewer);
        return;
      }
      endResponse(
        fetchAPI.Response.json(
          { errors: [{ message: result.reason, extensions: { code: 'UNAUTHENTICATED' } }] },
          { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="briefgraph"' } },
        ),
      );
    },
    onExecute({ args, setResultAndStopExecution }) {
      const operation = getOperationAST(args.document, args.operationName);
      if (operation?.operation !== 'mutation' || args.contextValue.viewer.kind !== 'anonymous')
        return;
      // Writes need a key: without one the caller is told to authenticate (401), not forbidden.
      setResultAndStopExecution({
        errors: [
          createGraphQLError(
            'this operation needs an API key: send Authorization: Bearer <api key>',
            {
              extensions: {
                code: 'UNAUTHENTICATED',
                http: { status: 401, headers: { 'WWW-Authenticate': 'Bearer realm="briefgraph"' } },
              },
            },
          ),
        ],
      });
    },
  };
}
