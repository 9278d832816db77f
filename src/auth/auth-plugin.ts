import { getOperationAST } from 'graphql';
import { createGraphQLError, type Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import type { Database } from '../db/database.js';
import type { Context } from '../context.js';
import {
  databaseUnavailableResponse,
  isDatabaseUnavailable,
} from '../hardening/database-outage.js';
import {
  remainingTime,
  withinTime,
  type RequestDeadlines,
} from '../hardening/execution-timeout.js';
import { errorResponse } from '../hardening/http-guards.js';
import { authFailureBudget, clientAddress, type RateCounter } from '../hardening/rate-limit.js';
import { errorFields, type Logger } from '../logger.js';
import { authenticate, type Authentication } from './api-keys.js';
import type { Viewer } from '../common/viewer.js';

export interface AuthPluginOptions {
  db: Database;
  viewers: WeakMap<Request, Viewer>;
  deadlines: RequestDeadlines;
  /** Counts refused keys per client address (the rate-limit counters). */
  counter: RateCounter;
  config: Pick<Config, 'rateLimit' | 'executionTimeoutMs'>;
  logger: Logger;
}

const TIMED_OUT = Symbol('timed out');

/**
 * Authenticates `Authorization: Bearer <key>` once per request, before GraphQL parsing, so a
 * bad key is refused with HTTP 401 whatever the operation. The viewer is kept per Request
 * object for the context factory (and for later hooks that only see the Request).
 *
 * Every refused key (malformed, unknown, revoked, expired) counts against the client address;
 * once an address has spent its budget, its keyed requests get 429 before any database
 * lookup. The lookup runs inside the request's deadline: a database that does not answer in
 * time, or is down, gets 503 DATABASE_UNAVAILABLE.
 */
export function authPlugin(options: AuthPluginOptions): Plugin<Context> {
  const { db, viewers, deadlines, counter, config, logger } = options;
  const failures = authFailureBudget(counter, config);
  return {
    // Synchronous for anonymous requests: see src/common/maybe-promise.ts.
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      const header = request.headers.get('authorization');
      if (header === null || header.trim() === '') return;
      // Only a keyed request has a lookup to share the deadline with; an anonymous execution
      // gets the whole limit, and its request no entry in a weak map (which costs collections).
      deadlines.set(request, Date.now() + config.executionTimeoutMs);
      return (async () => {
        const address = clientAddress(serverContext);
        const refusal = address === null ? null : await failures.check(address);
        if (refusal) {
          endResponse(
            fetchAPI.Response.json(refusal.body, {
              status: refusal.status,
              headers: refusal.headers,
            }),
          );
          return;
        }
        let result: Authentication | typeof TIMED_OUT;
        try {
          result = await withinTime<Authentication | typeof TIMED_OUT>(
            authenticate(db, header),
            remainingTime(deadlines, request, config.executionTimeoutMs),
            () => TIMED_OUT,
          );
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            logger.warn('database unavailable while authenticating', errorFields(error));
            endResponse(databaseUnavailableResponse(fetchAPI));
          } else {
            // Thrown out of onRequest, it would reach the client as a stack trace.
            logger.error('unexpected error while authenticating', errorFields(error));
            endResponse(errorResponse(fetchAPI, 500, 'INTERNAL_SERVER_ERROR', 'Unexpected error.'));
          }
          return;
        }
        if (result === TIMED_OUT) {
          logger.warn('database did not answer in time while authenticating', {
            timeoutMs: config.executionTimeoutMs,
          });
          endResponse(databaseUnavailableResponse(fetchAPI));
          return;
        }
        if (result.ok) {
          viewers.set(request, result.viewer);
          return;
        }
        if (address !== null) await failures.fail(address);
        endResponse(
          errorResponse(fetchAPI, 401, 'UNAUTHENTICATED', result.reason, {
            headers: { 'WWW-Authenticate': 'Bearer realm="briefgraph"' },
          }),
        );
      })();
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
