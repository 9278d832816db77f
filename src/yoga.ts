import { randomUUID } from 'node:crypto';
import { renderGraphiQL } from '@graphql-yoga/render-graphiql';
import { sql } from 'kysely';
import { createYoga, type Plugin } from 'graphql-yoga';
import { authPlugin } from './auth/auth-plugin.js';
import { ANONYMOUS, type Viewer } from './auth/viewer.js';
import { createContext, type Context } from './context.js';
import type { Database } from './db/database.js';
import { GRAPHIQL_DEFAULT_QUERY } from './graphiql-default-query.js';
import { errorFields, type Logger } from './logger.js';
import { schema } from './schema.js';

export interface AppOptions {
  db: Database;
  logger: Logger;
}

/**
 * `/healthz` answers while the process runs; `/readyz` only when the database answers too,
 * so a load balancer stops sending traffic to an instance that lost its database.
 */
function healthPlugin(db: Database): Plugin {
  return {
    async onRequest({ url, endResponse, fetchAPI }) {
      if (url.pathname === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (url.pathname === '/readyz') {
        try {
          await sql`select 1`.execute(db);
          endResponse(fetchAPI.Response.json({ status: 'ready' }));
        } catch {
          endResponse(
            fetchAPI.Response.json(
              { status: 'unavailable', reason: 'database unreachable' },
              { status: 503 },
            ),
          );
        }
      }
    },
  };
}

export function createApp({ db, logger }: AppOptions) {
  const viewers = new WeakMap<Request, Viewer>();
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Yoga's own /health matches any path ending in /health; ours are exact.
    healthCheckEndpoint: '/__yoga_health',
    landingPage: false,
    context: ({ request }) =>
      createContext(db, logger, randomUUID(), viewers.get(request) ?? ANONYMOUS),
    // Served from the package, not a CDN: analysts' networks (and these machines) are offline.
    renderGraphiQL,
    graphiql: { title: 'briefgraph', defaultQuery: GRAPHIQL_DEFAULT_QUERY },
    // Client mistakes (GraphQLErrors we raise, with a code) pass through; anything else is
    // replaced by "Unexpected error." and Yoga logs the original through `logging.error`.
    maskedErrors: true,
    logging: {
      debug: (...args) => logger.debug(args.map(String).join(' ')),
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) =>
        args[0] instanceof Error
          ? logger.error('unexpected error while executing a request', errorFields(args[0]))
          : logger.error(args.map(String).join(' ')),
    },
    plugins: [healthPlugin(db), authPlugin(db, viewers)],
  });
}

export type App = ReturnType<typeof createApp>;
