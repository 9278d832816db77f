import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type pg from 'pg';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ReplicaStatus, RouteReason } from '../replicas/replica-set.js';
import type { RequestRecord } from './request-record.js';

/** What the server reports to Prometheus (README "Operating briefgraph" lists each metric). */
export interface Metrics {
  registry: Registry;
  requestDone(record: RequestRecord, status: number, seconds: number): void;
  /** `database`: `primary`, `replica-1`… */
  statementDone(seconds: number, failed: boolean, database: string): void;
  responseCache(result: 'hit' | 'miss'): void;
  apq(result: 'hit' | 'miss' | 'registered'): void;
  /** Reports a pool's connections (in use, idle) and callers waiting for one, at scrape time. */
  watchPool(pool: pg.Pool, database: string): void;
  readRouted(database: string, reason: RouteReason): void;
  /** Reports each replica's lag and whether it serves reads, at scrape time. */
  watchReplicas(statuses: () => ReplicaStatus[]): void;
  /** How one webhook delivery attempt ended. */
  webhookAttempt(outcome: WebhookAttemptOutcome): void;
  /** Webhook deliveries waiting to be sent (or retried), as the worker last counted. */
  webhookBacklog(count: number): void;
  /** Reports the subscriptions receiving changes, at scrape time. */
  watchSubscriptions(listening: () => number): void;
}

export type WebhookAttemptOutcome = 'delivered' | 'failed' | 'dead' | 'gone' | 'withheld';

/** From a compiled read on a warm cache (~1 ms) to the execution timeout's order (15 s). */
const SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15];

/** Few values per label: a client cannot make new series by naming its operations. */
function outcomeOf(record: RequestRecord, status: number): string {
  if (status === 429) return 'rate_limited';
  if (status >= 500) return 'failed';
  if (status >= 400) return 'rejected';
  return record.errorCodes.length > 0 ? 'error' : 'ok';
}

/**
 * An operation's label is its name only when the request named a registered (or APQ) document,
 * whose names the registry bounds; ad-hoc documents are one series, whatever they call themselves.
 */
function operationOf(record: RequestRecord): string {
  if (record.documentId === null) return record.operationType === null ? '(none)' : '(ad hoc)';
  return record.operationName ?? '(unnamed)';
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'briefgraph_process_' });
  const counter = <Label extends string>(name: string, help: string, labelNames: Label[]) =>
    new Counter({ name, help, labelNames, registers: [registry] });
  const histogram = <Label extends string>(name: string, help: string, labelNames: Label[]) =>
    new Histogram({ name, help, labelNames, buckets: SECONDS_BUCKETS, registers: [registry] });
  const requests = counter(
    'briefgraph_http_requests_total',
    'HTTP requests answered, by operation, operation type and outcome',
    ['operation', 'type', 'outcome'],
  );
  const durations = histogram(
    'briefgraph_http_request_duration_seconds',
    'Time from a request arriving to its response finishing, by operation type and outcome',
    ['type', 'outcome'],
  );
  const errors = counter(
    'briefgraph_graphql_errors_total',
    'Errors sent in responses, by extensions.code',
    ['code'],
  );
  const statements = histogram(
    'briefgraph_db_statement_duration_seconds',
    'SQL statement durations, by database and result',
    ['database', 'result'],
  );
  const cache = counter(
    'briefgraph_response_cache_requests_total',
    'Anonymous requests looked up in the response cache, by result',
    ['result'],
  );
  const apq = counter(
    'briefgraph_apq_requests_total',
    'Automatic persisted query lookups and registrations, by result',
    ['result'],
  );
  const refusals = counter(
    'briefgraph_rate_limit_refusals_total',
    'Requests refused with HTTP 429, by budget (requests per caller, refused keys per address)',
    ['budget'],
  );
  const reads = counter(
    'briefgraph_db_reads_total',
    'Read operations by the database they ran on and why (replica, pinned, no-replica, marker-unknown)',
    ['database', 'reason'],
  );
  const webhookAttempts = counter(
    'briefgraph_webhook_attempts_total',
    'Webhook delivery attempts by outcome (delivered, failed and retried, dead-lettered, endpoint gone, withheld)',
    ['outcome'],
  );
  const webhookBacklog = new Gauge({
    name: 'briefgraph_webhook_backlog',
    help: 'Webhook deliveries pending (due or waiting for a retry), as the delivery worker last counted',
    registers: [registry],
  });
  let subscriptions: (() => number) | null = null;
  new Gauge({
    name: 'briefgraph_subscriptions_open',
    help: 'Subscriptions receiving changes in this process (SUBSCRIPTIONS_MAX caps them)',
    registers: [registry],
    collect() {
      this.set(subscriptions?.() ?? 0);
    },
  });
  const pools: { pool: pg.Pool; database: string }[] = [];
  const perPool = (name: string, help: string, value: (pool: pg.Pool) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'] as const,
      registers: [registry],
      collect() {
        for (const { pool, database } of pools) this.set({ database }, value(pool));
      },
    });
  perPool(
    'briefgraph_db_pool_connections_in_use',
    'Database connections checked out of the pool',
    (pool) => pool.totalCount - pool.idleCount,
  );
  perPool(
    'briefgraph_db_pool_connections_idle',
    'Open database connections not in use',
    (pool) => pool.idleCount,
  );
  perPool(
    'briefgraph_db_pool_waiting',
    'Callers waiting for a database connection',
    (pool) => pool.waitingCount,
  );
  const replicaSources: (() => ReplicaStatus[])[] = [];
  const replicaGauge = (name: string, help: string, value: (status: ReplicaStatus) => number) =>
    new Gauge({
      name,
      help,
      labelNames: ['database'] as const,
      registers: [registry],
      collect() {
        this.reset();
        for (const status of replicaSources.flatMap((statuses) => statuses()))
          this.set({ database: status.name }, value(status));
      },
    });
  replicaGauge(
    'briefgraph_db_replica_serving',
    'Whether a replica serves reads (1) or is skipped (0: unreachable, lagging, not a replica)',
    (status) => (status.state === 'ok' ? 1 : 0),
  );
  replicaGauge(
    'briefgraph_db_replica_lag_seconds',
    'How far a replica is behind the primary, as last measured (NaN when unknown)',
    (status) => (status.lagMs === null ? NaN : status.lagMs / 1000),
  );
  return {
    registry,
    requestDone(record, status, seconds) {
      const type = record.operationType ?? 'none';
      const outcome = outcomeOf(record, status);
      requests.inc({ operation: operationOf(record), type, outcome });
      durations.observe({ type, outcome }, seconds);
      for (const code of record.errorCodes) errors.inc({ code });
      // A 429 the request budget did not send came from the refused-keys budget.
      if (status === 429)
        refusals.inc({ budget: record.rateLimit === 'refused' ? 'requests' : 'auth-failures' });
    },
    statementDone(seconds, failed, database) {
      statements.observe({ database, result: failed ? 'error' : 'ok' }, seconds);
    },
    responseCache: (result) => cache.inc({ result }),
    apq: (result) => apq.inc({ result }),
    watchPool(pool, database) {
      pools.push({ pool, database });
    },
    readRouted: (database, reason) => reads.inc({ database, reason }),
    watchReplicas(statuses) {
      replicaSources.push(statuses);
    },
    webhookAttempt: (outcome) => webhookAttempts.inc({ outcome }),
    webhookBacklog: (count) => webhookBacklog.set(count),
    watchSubscriptions(listening) {
      subscriptions = listening;
    },
  };
}

/**
 * `/metrics` on its own port, loopback by default: Prometheus scrapes it, the public never sees
 * it (the API's port has no such path). Every other path is 404.
 */
export async function startMetricsServer(
  metrics: Metrics,
  port: number,
  host: string,
): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    metrics.registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text),
      () => res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n'),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, resolve);
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${bound}/metrics`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
