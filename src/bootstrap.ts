import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Redis } from 'ioredis';
import type { LogEvent } from 'kysely';
import type pg from 'pg';
import { createCacheFront } from './cache/cache-front.js';
import { createMemoryResponseStore, createRedisResponseStore } from './cache/response-store.js';
import type { Config } from './config.js';
import { createDatabase, type Database } from './db/database.js';
import { migrateToLatest } from './db/migrate.js';
import { openDatabase, type OpenDatabase } from './db/open.js';
import { isServedTarget, notFoundBody } from './hardening/http-guards.js';
import { errorFields, type Logger } from './logger.js';
import {
  createMemoryRateCounter,
  createRedisRateCounter,
  type RateCounter,
} from './hardening/rate-limit.js';
import { observeRequest } from './observability/access-log.js';
import type { Metrics } from './observability/metrics.js';
import type { TracingPlugin } from './observability/tracing.js';
import { createRedisApqStore } from './persisted/apq-store.js';
import { openReplicas, type OpenReplicasOptions } from './replicas/open-replicas.js';
import type { ReplicaSet } from './replicas/replica-set.js';
import { seedDatabase } from './seed/load-seed.js';
import { recordBaseline, vacuumChanges } from './sync/change.repository.js';
import { createMemoryChangeBus, createRedisChangeBus, type ChangeBus } from './sync/change-bus.js';
import { createWebhookWorker } from './sync/webhook-worker.js';
import { schemaHash } from './schema.js';
import { createApp } from './yoga.js';

export interface RunningServer {
  url: string;
  /** The Prometheus endpoint, when METRICS_PORT is set. */
  metricsUrl: string | null;
  database: OpenDatabase;
  /**
   * Stops accepting connections and the webhook worker, lets requests in flight finish within
   * SHUTDOWN_TIMEOUT_MS (then cuts them off) and the worker's round end, and closes the metrics
   * server, Redis and the database, in that order.
   */
  close(): Promise<void>;
}

/**
 * PostgreSQL cancels any statement running longer than `timeoutMs` on these connections, so a
 * request that times out stops its database work too. (The embedded database has no timer.)
 * 0 sends nothing: the server's (or the role's) setting applies.
 */
function withStatementTimeout(url: string, timeoutMs: number): string {
  if (timeoutMs === 0) return url;
  const parsed = new URL(url);
  const options = parsed.searchParams.get('options');
  const setting = `-c statement_timeout=${timeoutMs}`;
  parsed.searchParams.set('options', options ? `${options} ${setting}` : setting);
  return parsed.toString();
}

/** Redis for the APQ cache and rate-limit counters shared between instances, when configured. */
async function connectRedis(config: Config, logger: Logger): Promise<Redis | null> {
  if (!config.redisUrl) return null;
  // Loaded only when configured: ioredis is ~5 MB resident and ~0.1 s of start-up.
  const { Redis } = await import('ioredis');
  const redis = new Redis(config.redisUrl, {
    lazyConnect: true,
    // Fail fast while Redis is away instead of queueing requests behind it.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    // A hung Redis fails a command instead of holding the request: the rate-limit counters then
    // count in this process, the caches are bypassed.
    commandTimeout: 1000,
    // Commands issued in the same tick share one write: a response-cache hit sends its lookup
    // and its rate-limit count together.
    enableAutoPipelining: true,
  });
  redis.on('error', (error: Error) => logger.warn('redis error', errorFields(error)));
  await redis.connect();
  return redis;
}

/**
 * What the server runs: the Yoga app and, unless RESPONSE_CACHE_TTL_SECONDS is 0, the response
 * cache in front of it. With Redis, the APQ cache, the rate-limit counters and the response
 * cache are shared with the other instances; without, they live in this process. Yoga and the
 * cache front use the same counter and the same store, so both count and see the same.
 */
export function createRequestHandler(options: {
  db: Database;
  config: Config;
  logger: Logger;
  redis: Redis | null;
  metrics?: Metrics | null;
  replicas?: ReplicaSet | null;
  tracing?: TracingPlugin | null;
  changes?: ChangeBus | null;
}): RequestListener {
  const {
    db,
    config,
    logger,
    redis,
    metrics = null,
    replicas = null,
    tracing = null,
    changes = null,
  } = options;
  const rateCounter: RateCounter = redis
    ? createRedisRateCounter(redis, config.redisPrefix, logger)
    : createMemoryRateCounter();
  const { ttlSeconds, maxEntries, maxBytes } = config.responseCache;
  const responseCache =
    ttlSeconds === 0
      ? null
      : redis
        ? createRedisResponseStore(redis, {
            prefix: config.redisPrefix,
            ttlSeconds,
            maxEntries,
            maxBytes,
            logger,
          })
        : createMemoryResponseStore({ ttlSeconds, maxEntries, maxBytes });
  const app = createApp({
    db,
    logger,
    config,
    rateCounter,
    ...(redis && { apq: createRedisApqStore(redis, config.redisPrefix, config.apqTtlSeconds) }),
    ...(responseCache && { responseCache }),
    metrics,
    replicas,
    tracing,
    changes,
  });
  const handler: RequestListener = responseCache
    ? createCacheFront({
        app,
        store: responseCache,
        rateCounter,
        config,
        logger,
        schemaHash: schemaHash(),
        metrics,
      })
    : app.requestListener;
  // Yoga answers some requests before any plugin runs (its health check and CORS preflights on
  // any path with the right ending): unserved paths end here, before Yoga sees them.
  const accessLogger = config.logLevel === 'debug' || config.logLevel === 'info' ? logger : null;
  return (req, res) => {
    const record = observeRequest(req, res, accessLogger, metrics);
    if (isServedTarget(req.url ?? '/')) {
      void handler(req, res);
      return;
    }
    record.errorCodes.push('NOT_FOUND');
    res.writeHead(404, { 'content-type': 'application/json; charset=utf-8' });
    res.end(JSON.stringify(notFoundBody(record.requestId)));
  };
}

/**
 * The server's connections that have not sent a byte yet: a client's preconnect, or one it
 * opened and has not used. Node counts them as busy (they could start a request), so they
 * would hold a shutdown until its deadline; nothing is lost by closing them.
 */
function watchUnusedConnections(server: Server): () => void {
  const open = new Set<Socket>();
  server.on('connection', (socket: Socket) => {
    open.add(socket);
    socket.once('close', () => open.delete(socket));
  });
  return () => {
    for (const socket of open) if (socket.bytesRead === 0) socket.destroy();
  };
}

/**
 * Stops `server` accepting and waits for its requests in flight, at most `timeoutMs`; then cuts
 * off whatever is left. Idle keep-alive connections, and those never used, are closed at once
 * and as they become so, so a client's open connection does not hold the shutdown.
 */
async function drain(
  server: Server,
  closeUnused: () => void,
  timeoutMs: number,
  logger: Logger,
): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  const sweep = () => {
    server.closeIdleConnections();
    closeUnused();
  };
  sweep();
  const idleSweep = setInterval(sweep, 50);
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  const outcome = await Promise.race([closed.then(() => 'drained' as const), deadline]);
  clearInterval(idleSweep);
  clearTimeout(timer);
  if (outcome === 'timeout') {
    logger.warn('requests still in flight at the shutdown deadline were cut off', { timeoutMs });
    server.closeAllConnections();
    await closed;
  }
}

/** Where committed changes go to subscriptions: Redis shared by the instances, or this process. */
function openChangeBus(config: Config, logger: Logger): Promise<ChangeBus> {
  const { redisUrl, maxPerCaller, maxPerProcess } = config.subscriptions;
  const limits = { maxPerCaller, maxPerProcess };
  if (redisUrl === null) return Promise.resolve(createMemoryChangeBus(limits));
  return createRedisChangeBus({ url: redisUrl, prefix: config.redisPrefix, limits, logger });
}

/** The replicas in DATABASE_READ_URL, checked once; null when there are none (or no DATABASE_URL). */
async function startReplicas(
  config: Config,
  database: OpenDatabase,
  poolOptions: OpenReplicasOptions['poolOptions'],
  redis: Redis | null,
  logger: Logger,
  metrics: Metrics | null,
): Promise<ReplicaSet | null> {
  if (config.databaseReadUrls.length === 0) return null;
  if (config.databaseUrl === null) {
    logger.warn(
      'DATABASE_READ_URL is ignored: the embedded database has no replicas (set DATABASE_URL to use them)',
    );
    return null;
  }
  const withTimeout = (url: string) => withStatementTimeout(url, config.statementTimeoutMs);
  const replicas = await openReplicas({
    primary: database.db,
    primaryUrl: withTimeout(config.databaseUrl),
    replicaUrls: config.databaseReadUrls.map(withTimeout),
    poolOptions,
    maxLagMs: config.replicaMaxLagMs,
    redis,
    redisPrefix: config.redisPrefix,
    logger,
    ...(metrics && { onRoute: metrics.readRouted }),
  });
  metrics?.watchReplicas(() => replicas.statuses());
  return replicas;
}

/**
 * Runs pending migrations over DATABASE_MIGRATION_URL when set (a session, not a pooler in
 * transaction mode: Kysely holds its advisory lock across statements), else over the pool.
 */
async function migrate(config: Config, database: OpenDatabase): Promise<string[]> {
  if (config.databaseMigrationUrl === null || database.embedded)
    return migrateToLatest(database.db);
  const direct = createDatabase({ url: config.databaseMigrationUrl, maxConnections: 1 });
  try {
    return await migrateToLatest(direct);
  } finally {
    await direct.destroy();
  }
}

/**
 * A baseline this large is vacuumed at once: the next start's check then reads only the change
 * index, not the rows autovacuum has not visited yet.
 */
const BASELINE_VACUUM_ROWS = 10_000;

/** Opens the database, migrates it, seeds an empty one, and listens. */
export async function startServer(config: Config, logger: Logger): Promise<RunningServer> {
  // Loaded only when configured: prom-client's registry and default collectors cost start-up.
  const metrics = config.metrics
    ? (await import('./observability/metrics.js')).createMetrics()
    : null;
  // Every pool (the primary's, each replica's) is sized, timed and measured the same way.
  const poolOptions = (name: string) => ({
    maxConnections: config.databasePoolMax,
    connectTimeoutMs: config.databaseConnectTimeoutMs,
    queryTimeoutMs: config.databaseQueryTimeoutMs,
    preparedStatements: config.preparedStatements,
    onPoolError: (error: Error) =>
      logger.warn('database connection failed', { database: name, ...errorFields(error) }),
    ...(metrics && {
      onPool: (pool: pg.Pool) => metrics.watchPool(pool, name),
      onQuery: (event: LogEvent) =>
        metrics.statementDone(event.queryDurationMillis / 1000, event.level === 'error', name),
    }),
  });
  const database = await openDatabase({
    databaseUrl: config.databaseUrl
      ? withStatementTimeout(config.databaseUrl, config.statementTimeoutMs)
      : null,
    dataDir: config.dataDir,
    ...poolOptions('primary'),
  });
  try {
    const applied = await migrate(config, database);
    logger.info('database ready', {
      database: database.embedded ? `embedded (${config.dataDir})` : 'postgresql',
      migrationsApplied: applied,
    });
    if (config.seed && (await seedDatabase(database.db))) logger.info('seeded the sample briefing');
    // Records from before the change feed get their first change, so a deletion reaches mirrors.
    const recorded = await database.db.transaction().execute((trx) => recordBaseline(trx));
    if (recorded >= BASELINE_VACUUM_ROWS) await vacuumChanges(database.db);
  } catch (error) {
    await database.close();
    throw error;
  }

  let redis: Redis | null;
  try {
    redis = await connectRedis(config, logger);
  } catch (error) {
    await database.close();
    throw error;
  }
  let replicas: ReplicaSet | null;
  try {
    replicas = await startReplicas(config, database, poolOptions, redis, logger, metrics);
  } catch (error) {
    await redis?.quit();
    await database.close();
    throw error;
  }
  let changes: ChangeBus;
  try {
    changes = await openChangeBus(config, logger);
  } catch (error) {
    await replicas?.close();
    await redis?.quit();
    await database.close();
    throw error;
  }
  metrics?.watchSubscriptions(changes.listening);
  const tracing = config.tracing
    ? await (await import('./observability/tracing.js')).startTracing(config.tracing)
    : null;
  const server: Server = createServer(
    createRequestHandler({
      db: database.db,
      config,
      logger,
      redis,
      metrics,
      replicas,
      tracing: tracing?.plugin ?? null,
      changes,
    }),
  );
  const closeUnusedConnections = watchUnusedConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const metricsServer =
    metrics && config.metrics
      ? await (
          await import('./observability/metrics.js')
        ).startMetricsServer(metrics, config.metrics.port, config.metrics.host)
      : null;
  // Every instance may run one: deliveries are claimed with SKIP LOCKED, never sent twice at once.
  const webhooks = config.webhooks.enabled
    ? createWebhookWorker({ db: database.db, config: config.webhooks, logger, metrics })
    : null;
  webhooks?.start();
  const { port } = server.address() as AddressInfo;
  const url = `http://localhost:${port}`;
  logger.info(`briefgraph listening on ${url}/graphql`, {
    ...(metricsServer && { metrics: metricsServer.url }),
  });
  return {
    url,
    metricsUrl: metricsServer?.url ?? null,
    database,
    async close() {
      // A delivery cut off here is claimed again once its lease runs out: none is lost. Open
      // subscriptions end at once (their streams complete), so they do not hold the drain.
      await Promise.all([
        changes.close(),
        drain(server, closeUnusedConnections, config.shutdownTimeoutMs, logger),
        webhooks?.stop(),
      ]);
      await metricsServer?.close();
      // The last spans, those of the requests just drained, leave before the process does.
      await tracing?.shutdown();
      await replicas?.close();
      await redis?.quit();
      // The embedded database writes its files out as it closes: its next start needs no recovery.
      await database.close();
    },
  };
}
