import { randomUUID } from 'node:crypto';
import { createYoga } from 'graphql-yoga';
import { authPlugin } from './auth/auth-plugin.js';
import { ANONYMOUS, type Viewer } from './common/viewer.js';
import { responseCachePlugin } from './cache/response-cache-plugin.js';
import type { ResponseInvalidation } from './cache/response-store.js';
import { loadConfig, type Config } from './config.js';
import { LazyUrlRequest } from './common/request-url.js';
import { selectionPlugin } from './common/selection.js';
import { compiledReadsPlugin } from './compiled/compiled-reads-plugin.js';
import { createContext, type Context } from './context.js';
import type { Database } from './db/database.js';
import { graphiqlPlugin } from './graphiql/graphiql-plugin.js';
import { databaseOutagePlugin, maskDatabaseUnavailable } from './hardening/database-outage.js';
import { clientInputPlugin } from './hardening/client-input.js';
import { documentLimitsPlugin } from './hardening/document-limits.js';
import { responseSizePlugin } from './hardening/response-size.js';
import { validationCachePlugin } from './hardening/validation-cache.js';
import { executionTimeoutPlugin, type RequestDeadlines } from './hardening/execution-timeout.js';
import { CSRF_HEADER, endpointPlugin, httpGuardsPlugin } from './hardening/http-guards.js';
import {
  clientAddress,
  createMemoryRateCounter,
  rateLimiter,
  type RateCounter,
} from './hardening/rate-limit.js';
import { errorFields, type Logger } from './logger.js';
import { healthPlugin } from './observability/health-plugin.js';
import { accessPlugins, type MaskedOriginals } from './observability/access-plugin.js';
import type { Metrics } from './observability/metrics.js';
import type { TracingPlugin } from './observability/tracing.js';
import type { RequestRecord } from './observability/request-record.js';
import { createMemoryApqStore, type ApqStore } from './persisted/apq-store.js';
import { persistedOperationsPlugins } from './persisted/persisted-plugin.js';
import { readRoutingPlugin } from './replicas/read-routing-plugin.js';
import type { ReplicaSet } from './replicas/replica-set.js';
import { schema } from './schema.js';
import { stixPlugin } from './stix/stix-plugin.js';
import type { ChangeBus } from './sync/change-bus.js';

export interface AppOptions {
  db: Database;
  logger: Logger;
  /** Limits and access rules; from the environment when omitted. */
  config?: Config;
  /** Shared (Redis) stores when there are several instances; in-process when omitted. */
  apq?: ApqStore;
  rateCounter?: RateCounter;
  /** The anonymous response cache in front of this app (src/cache), invalidated by writes. */
  responseCache?: ResponseInvalidation;
  /** Read only the columns the operation's fields need (on by default; off to compare). */
  columnPruning?: boolean;
  /** Answer reads with one compiled statement where possible (on by default; off to compare). */
  compiledReads?: boolean;
  /** Prometheus metrics (METRICS_PORT); none when omitted. */
  metrics?: Metrics | null;
  /** OpenTelemetry's execution spans (src/observability/tracing.ts); none by default. */
  tracing?: TracingPlugin | null;
  /**
   * Read replicas of `db` (DATABASE_READ_URL): reads go where they say. API keys and registered
   * documents are still looked up on `db`, the primary, so a revoked key or a disabled document
   * is refused at once, everywhere.
   */
  replicas?: ReplicaSet | null;
  /**
   * Carries committed writes' changes to subscriptions (src/sync/change-bus.ts); without it
   * subscriptions open but never deliver.
   */
  changes?: ChangeBus | null;
}

/** Cross-origin access for the origins in CORS_ORIGINS only (none by default). */
function corsOptions(origins: string[]) {
  if (origins.length === 0) return false;
  return {
    origin: origins.includes('*') ? '*' : origins,
    methods: ['GET', 'POST'],
    allowedHeaders: ['authorization', 'content-type', 'accept', CSRF_HEADER],
    credentials: false,
    maxAge: 600,
  };
}

export function createApp({
  db,
  logger,
  config = loadConfig(),
  apq = createMemoryApqStore(config.apqMaxEntries, config.apqTtlSeconds),
  rateCounter = createMemoryRateCounter(),
  responseCache,
  columnPruning = true,
  compiledReads = true,
  metrics = null,
  replicas = null,
  tracing = null,
  changes = null,
}: AppOptions) {
  const viewers = new WeakMap<Request, Viewer>();
  const records = new WeakMap<Request, RequestRecord>();
  // Masked errors and what they hid: the original is logged with the request's id, once.
  const maskedOriginals: MaskedOriginals = new WeakMap();
  const loggedWithRequest = new WeakSet<object>();
  const access = accessPlugins({ records, viewers, maskedOriginals, logger });
  const deadlines: RequestDeadlines = new WeakMap();
  const limiter = rateLimiter(viewers, rateCounter, config, records);
  return createYoga<Record<string, unknown>, Context>({
    schema,
    graphqlEndpoint: '/graphql',
    // Yoga's own /health matches any path ending in /health; ours are exact.
    healthCheckEndpoint: '/__yoga_health',
    landingPage: false,
    fetchAPI: { Request: LazyUrlRequest },
    // The initial context holds the server context's properties (Node's `req` among them).
    context: (initial) =>
      createContext(
        db,
        logger,
        records.get(initial.request)?.requestId ?? randomUUID(),
        viewers.get(initial.request) ?? ANONYMOUS,
        responseCache ?? null,
        config,
        replicas,
        changes,
        clientAddress(initial),
      ),
    // graphiqlPlugin serves GraphiQL, as a small page and separate cacheable files, after the
    // endpoint, authentication and rate-limit plugins have seen the request.
    graphiql: false,
    // Client mistakes (GraphQLErrors we raise, with a code) pass through; a lost database becomes
    // DATABASE_UNAVAILABLE (503); anything else is replaced by "Unexpected error." and Yoga logs
    // the original through `logging.error`.
    maskedErrors: {
      maskError(error, message, isDev) {
        const masked = maskDatabaseUnavailable(error, message, isDev);
        if (masked !== error && typeof error === 'object' && error !== null) {
          maskedOriginals.set(masked, error);
          loggedWithRequest.add(error);
        }
        return masked;
      },
    },
    cors: corsOptions(config.corsOrigins),
    // httpGuardsPlugin enforces MAX_BODY_BYTES, counting only bodies without a Content-Length.
    maxRequestBodySize: false,
    batching: { limit: config.maxBatch },
    // The GraphQL-over-HTTP persisted-documents parameter, read by the persisted plugin.
    extraParamNames: ['documentId'],
    // Yoga's parse cache stays; validation results are cached by validationCachePlugin.
    parserAndValidationCache: { validationCache: false },
    logging: {
      // Yoga logs a few debug lines per request: below debug level they are not even formatted.
      debug:
        config.logLevel === 'debug'
          ? (...args) => logger.debug(args.map(String).join(' '))
          : () => undefined,
      info: (...args) => logger.info(args.map(String).join(' ')),
      warn: (...args) => logger.warn(args.map(String).join(' ')),
      error: (...args) => {
        // A masked error is logged by the access plugin, with its request's id.
        if (typeof args[0] === 'object' && args[0] !== null && loggedWithRequest.has(args[0]))
          return;
        if (args[0] instanceof Error)
          logger.error('unexpected error while executing a request', errorFields(args[0]));
        else logger.error(args.map(String).join(' '));
      },
    },
    // Order matters: unserved paths end first, so no guard needs a path check; who is calling
    // (auth) before how often (rate limit); persisted documents resolve the text before the
    // limits measure it.
    plugins: [
      access.first,
      ...(tracing ? [tracing] : []),
      endpointPlugin(),
      responseCachePlugin(),
      healthPlugin(db, logger, replicas),
      httpGuardsPlugin(config),
      authPlugin({ db, viewers, deadlines, counter: rateCounter, config, logger }),
      limiter.plugin,
      stixPlugin({
        reader: replicas ? (viewer) => replicas.readerFor(viewer) : () => Promise.resolve(db),
        viewers,
        logger,
      }),
      graphiqlPlugin(config),
      ...persistedOperationsPlugins({ db, apq, viewers, config, logger, metrics }),
      documentLimitsPlugin(viewers, config),
      clientInputPlugin(config.maxReadStringLength),
      // After authentication, which stops an anonymous mutation before it is routed.
      ...(replicas ? [readRoutingPlugin(replicas)] : []),
      ...(compiledReads ? [compiledReadsPlugin()] : []),
      executionTimeoutPlugin(config.executionTimeoutMs, deadlines),
      databaseOutagePlugin(),
      responseSizePlugin(config.maxResponseBytes),
      ...(columnPruning ? [selectionPlugin()] : []),
      // After every plugin that adds validation rules (documentLimitsPlugin).
      validationCachePlugin(),
      access.last,
    ],
  });
}

export type App = ReturnType<typeof createApp>;
