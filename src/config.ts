import path from 'node:path';
import { envReader, type EnvReader } from './env-reader.js';

/** Limits a GraphQL document must stay within; see README "Limits". */
export interface DocumentLimits {
  depth: number;
  aliases: number;
  directives: number;
  tokens: number;
  cost: number;
  /** Fields the operations reach with fragments expanded; checked before any validation rule. */
  expandedFields: number;
}

export type AnonymousOperations = 'persisted' | 'any';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL 15+; when absent the embedded database in `dataDir` is used. */
  databaseUrl: string | null;
  /**
   * Streaming replicas of `databaseUrl` that answer reads (README "Read replicas"); empty: every
   * statement goes to `databaseUrl`. Ignored by the embedded database.
   */
  databaseReadUrls: string[];
  /**
   * Where migrations run at start, when not over `databaseUrl`: Kysely's migration lock is a
   * session-level advisory lock, which a pooler in transaction mode would separate from the
   * migrations' transaction. A direct connection to the primary.
   */
  databaseMigrationUrl: string | null;
  /** A replica further behind the primary than this is skipped (reads go elsewhere). */
  replicaMaxLagMs: number;
  /**
   * Named prepared statements for compiled reads (src/db/prepared-statements.ts). Off for a
   * connection pooler in transaction mode that cannot keep them (PgBouncer before 1.21, or
   * `max_prepared_statements = 0`).
   */
  preparedStatements: boolean;
  dataDir: string;
  databasePoolMax: number;
  /** How long the pool waits for a new database connection before giving up. */
  databaseConnectTimeoutMs: number;
  /** How long a statement may wait for the database's answer (client side: also a hung server). */
  databaseQueryTimeoutMs: number;
  /** Seed the sample briefing into an empty database at start. */
  seed: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
  production: boolean;
  /** What anonymous callers may send: registered documents only, or any read operation. */
  anonymousOperations: AnonymousOperations;
  /** Introspection for anonymous and partner callers (analysts and up always have it). */
  introspection: boolean;
  /** Origins browsers may call from; empty: no cross-origin access. `*`: every origin. */
  corsOrigins: string[];
  /** Shared APQ cache and rate-limit counters; in-process when absent. */
  redisUrl: string | null;
  redisPrefix: string;
  apqTtlSeconds: number;
  apqMaxEntries: number;
  maxBodyBytes: number;
  /** An answer larger than this (as JSON) is replaced by a RESPONSE_TOO_LARGE error. */
  maxResponseBytes: number;
  maxBatch: number;
  /** The longest string a read (query) takes in an argument or variable. */
  maxReadStringLength: number;
  /** Anonymous and partner callers. */
  restrictedLimits: DocumentLimits;
  /** Analysts, editors, admins. */
  trustedLimits: DocumentLimits;
  /**
   * Requests per key (or per client address when anonymous) in each window, and refused API
   * keys (unknown, malformed, revoked, expired) per client address in each window.
   */
  rateLimit: { anonymous: number; keyed: number; authFailures: number; windowSeconds: number };
  /**
   * Cancels a statement that runs longer (PostgreSQL `statement_timeout`; DATABASE_URL only).
   * 0: the server's own setting, e.g. on the role behind PgBouncer, which refuses or drops the
   * startup option the setting is otherwise sent in.
   */
  statementTimeoutMs: number;
  /** Answers a GraphQL execution that runs longer with a TIMEOUT error. */
  executionTimeoutMs: number;
  /**
   * Anonymous GraphQL responses kept for reuse (see README "Response cache"); `ttlSeconds` 0
   * turns the cache off. The bounds hold in the process and in Redis alike; an answer larger
   * than `maxEntryBytes` is served but never stored.
   */
  responseCache: {
    ttlSeconds: number;
    maxEntries: number;
    maxBytes: number;
    maxEntryBytes: number;
  };
  /** Prometheus `/metrics` on its own port; null (the default) serves no metrics. */
  metrics: { port: number; host: string } | null;
  /** How long a SIGTERM waits for requests in flight before cutting them off. */
  shutdownTimeoutMs: number;
  /**
   * OpenTelemetry: a span per GraphQL operation, exported over OTLP/HTTP to where the
   * standard OTEL_EXPORTER_OTLP_* variables say; null (the default) loads none of it.
   */
  tracing: { serviceName: string } | null;
  webhooks: WebhookConfig;
  subscriptions: SubscriptionConfig;
}

/** GraphQL subscriptions over SSE (README "For partners", "Subscriptions"). */
export interface SubscriptionConfig {
  /**
   * Redis that carries committed changes between instances (SUBSCRIPTIONS_REDIS_URL, else
   * REDIS_URL), on the channel `<REDIS_PREFIX>changes`; null: this process only.
   */
  redisUrl: string | null;
  /** Open subscriptions per API key, or per client address without one. */
  maxPerCaller: number;
  /** Open subscriptions per server process. */
  maxPerProcess: number;
}

/** The webhook delivery worker (README "For partners", "Signed webhooks"). */
export interface WebhookConfig {
  /** Whether this instance runs the worker (WEBHOOKS=off: another instance does). */
  enabled: boolean;
  intervalMs: number;
  /** Deliveries claimed per round. */
  batchSize: number;
  /** Attempts before a delivery is dead-lettered. */
  maxAttempts: number;
  /** The first retry's delay; each next one doubles it, with jitter. */
  retryBaseMs: number;
  /** How long an endpoint may take to answer. */
  timeoutMs: number;
  /** How long a claim holds a delivery: a worker that dies mid-batch frees its rows after it. */
  leaseMs: number;
  /** Loopback and private addresses allowed as endpoints (tests, closed networks): SSRF. */
  allowPrivateAddresses: boolean;
  /** How long a rotated-out secret still signs deliveries, beside the new one; 0: not at all. */
  secretGraceSeconds: number;
}

function webhookConfig(read: EnvReader): WebhookConfig {
  const timeoutMs = read.integer('WEBHOOK_TIMEOUT_MS', 10_000, 100, 120_000);
  const leaseMs = read.integer('WEBHOOK_LEASE_MS', 60_000, 100, 3_600_000);
  if (leaseMs <= timeoutMs) {
    throw new Error(
      `expected WEBHOOK_LEASE_MS > WEBHOOK_TIMEOUT_MS, got ${leaseMs} <= ${timeoutMs}`,
    );
  }
  return {
    enabled: read.isOn('WEBHOOKS', 'on'),
    intervalMs: read.integer('WEBHOOK_INTERVAL_MS', 1000, 10, 3_600_000),
    batchSize: read.integer('WEBHOOK_BATCH_SIZE', 20, 1, 1000),
    // 12 attempts 30 s apart, doubling: the last retry comes about 17 h after the first try.
    maxAttempts: read.integer('WEBHOOK_MAX_ATTEMPTS', 12, 1, 30),
    retryBaseMs: read.integer('WEBHOOK_RETRY_BASE_MS', 30_000, 1, 3_600_000),
    timeoutMs,
    leaseMs,
    secretGraceSeconds: read.integer('WEBHOOK_SECRET_GRACE_SECONDS', 86_400, 0, 604_800),
    allowPrivateAddresses:
      read.oneOf('WEBHOOK_ALLOW_PRIVATE_ADDRESSES', ['true', 'false'], 'false') === 'true',
  };
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function limits(
  read: EnvReader,
  prefix: 'RESTRICTED' | 'TRUSTED',
  defaults: DocumentLimits,
): DocumentLimits {
  const limit = (name: string, fallback: number) =>
    // Up to 10^12: costs multiply page sizes, and the trusted default alone is 2 × 10^7.
    read.integer(`${prefix}_MAX_${name}`, fallback, 1, 1e12);
  return {
    depth: limit('DEPTH', defaults.depth),
    aliases: limit('ALIASES', defaults.aliases),
    directives: limit('DIRECTIVES', defaults.directives),
    tokens: limit('TOKENS', defaults.tokens),
    cost: limit('COST', defaults.cost),
    expandedFields: limit('EXPANDED_FIELDS', defaults.expandedFields),
  };
}

/** 0 (leave it to the server) or 100 ms to an hour: shorter would cancel ordinary reads. */
function statementTimeout(env: NodeJS.ProcessEnv, read: EnvReader): number {
  if (env.STATEMENT_TIMEOUT_MS === '0') return 0;
  try {
    return read.integer('STATEMENT_TIMEOUT_MS', 10_000, 100, 3_600_000);
  } catch {
    throw new Error(
      `expected STATEMENT_TIMEOUT_MS to be 0 or an integer in 100..3600000, got ${JSON.stringify(env.STATEMENT_TIMEOUT_MS)}`,
    );
  }
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const read = envReader(env);
  const production = env.NODE_ENV === 'production';
  return {
    port: read.integer('PORT', 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    databaseReadUrls: read.list('DATABASE_READ_URL'),
    databaseMigrationUrl: env.DATABASE_MIGRATION_URL || null,
    replicaMaxLagMs: read.integer('DATABASE_REPLICA_MAX_LAG_MS', 5000, 10, 600_000),
    preparedStatements: read.isOn('DATABASE_PREPARED_STATEMENTS', 'on'),
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databasePoolMax: read.integer('DATABASE_POOL_MAX', 10, 1, 1000),
    databaseConnectTimeoutMs: read.integer('DATABASE_CONNECT_TIMEOUT_MS', 5000, 100, 600_000),
    databaseQueryTimeoutMs: read.integer('DATABASE_QUERY_TIMEOUT_MS', 30_000, 100, 3_600_000),
    seed: read.oneOf('SEED', ['true', 'false'], 'true') === 'true',
    logLevel: read.oneOf('LOG_LEVEL', LOG_LEVELS, 'info'),
    production,
    anonymousOperations: read.oneOf(
      'ANONYMOUS_OPERATIONS',
      ['persisted', 'any'],
      production ? 'persisted' : 'any',
    ),
    introspection: read.isOn('INTROSPECTION', production ? 'off' : 'on'),
    corsOrigins: read.list('CORS_ORIGINS'),
    redisUrl: env.REDIS_URL || null,
    redisPrefix: env.REDIS_PREFIX || 'briefgraph:',
    apqTtlSeconds: read.integer('APQ_TTL_SECONDS', 86_400, 1, 31_536_000),
    apqMaxEntries: read.integer('APQ_MAX_ENTRIES', 1000, 1, 1_000_000),
    maxBodyBytes: read.integer('MAX_BODY_BYTES', 100_000, 1000, 100_000_000),
    maxResponseBytes: read.integer('MAX_RESPONSE_BYTES', 10_000_000, 1000, 1_000_000_000),
    maxBatch: read.integer('MAX_BATCH', 10, 1, 1000),
    // Filters, slugs, ids and cursors are far shorter; cursors carry keys of up to 1000 chars.
    maxReadStringLength: read.integer('MAX_READ_STRING_LENGTH', 2000, 1500, 1_000_000),
    // Restricted limits fit the registered documents of frontends and partners; analysts'
    // exploratory queries go deeper and wider (a three-level 100×100×100 walk costs ~9.2M).
    restrictedLimits: limits(read, 'RESTRICTED', {
      depth: 10,
      aliases: 15,
      directives: 20,
      tokens: 1000,
      cost: 5000,
      expandedFields: 5000,
    }),
    trustedLimits: limits(read, 'TRUSTED', {
      depth: 20,
      aliases: 100,
      directives: 100,
      tokens: 10_000,
      cost: 20_000_000,
      expandedFields: 50_000,
    }),
    rateLimit: {
      anonymous: read.integer('RATE_LIMIT_ANONYMOUS', 300, 1, 10_000_000),
      keyed: read.integer('RATE_LIMIT_KEY', 1200, 1, 10_000_000),
      authFailures: read.integer('RATE_LIMIT_AUTH_FAILURES', 20, 1, 10_000_000),
      windowSeconds: read.integer('RATE_LIMIT_WINDOW_SECONDS', 60, 1, 86_400),
    },
    statementTimeoutMs: statementTimeout(env, read),
    executionTimeoutMs: read.integer('EXECUTION_TIMEOUT_MS', 15_000, 100, 3_600_000),
    responseCache: {
      ttlSeconds: read.integer('RESPONSE_CACHE_TTL_SECONDS', 60, 0, 86_400),
      maxEntries: read.integer('RESPONSE_CACHE_MAX_ENTRIES', 10_000, 1, 10_000_000),
      maxBytes: read.integer('RESPONSE_CACHE_MAX_BYTES', 64 * 1024 * 1024, 100_000, 68_719_476_736),
      maxEntryBytes: read.integer(
        'RESPONSE_CACHE_MAX_ENTRY_BYTES',
        512 * 1024,
        1000,
        68_719_476_736,
      ),
    },
    tracing: read.isOn('OTEL_TRACING', 'off')
      ? { serviceName: env.OTEL_SERVICE_NAME || 'briefgraph' }
      : null,
    metrics:
      env.METRICS_PORT === undefined || env.METRICS_PORT === ''
        ? null
        : {
            port: read.integer('METRICS_PORT', 0, 0, 65535),
            // Loopback unless the operator says otherwise: metrics are for Prometheus, not users.
            host: env.METRICS_HOST || '127.0.0.1',
          },
    shutdownTimeoutMs: read.integer('SHUTDOWN_TIMEOUT_MS', 10_000, 0, 600_000),
    webhooks: webhookConfig(read),
    subscriptions: {
      redisUrl: env.SUBSCRIPTIONS_REDIS_URL || env.REDIS_URL || null,
      maxPerCaller: read.integer('SUBSCRIPTIONS_MAX_PER_CALLER', 20, 1, 100_000),
      maxPerProcess: read.integer('SUBSCRIPTIONS_MAX', 1000, 1, 1_000_000),
    },
  };
}
