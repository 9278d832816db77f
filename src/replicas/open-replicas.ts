import type { Redis } from 'ioredis';
import { createDatabase, type Database, type DatabaseOptions } from '../db/database.js';
import type { Logger } from '../logger.js';
import { createReplicaSet, type ReplicaSet, type RouteReason } from './replica-set.js';
import { createMemoryWriteMarkers, createRedisWriteMarkers } from './write-markers.js';

/** A check that takes longer than this counts as failed: the replica is skipped until one passes. */
const CHECK_TIMEOUT_MS = 1000;

export interface OpenReplicasOptions {
  primary: Database;
  /** The primary's URL (for its check connection) and each replica's, as the pools get them. */
  primaryUrl: string;
  replicaUrls: string[];
  /** The pool settings every database gets (size, timeouts, metrics), by database name. */
  poolOptions: (name: string) => Omit<DatabaseOptions, 'url'>;
  maxLagMs: number;
  /** Shares write markers between instances; in-process when null. */
  redis: Redis | null;
  redisPrefix: string;
  logger: Logger;
  onRoute?: (database: string, reason: RouteReason) => void;
}

/** A check connection: one per database, failing fast, running no compiled reads. */
function monitorOf(url: string): Database {
  return createDatabase({
    url,
    maxConnections: 1,
    connectTimeoutMs: CHECK_TIMEOUT_MS,
    queryTimeoutMs: CHECK_TIMEOUT_MS,
    preparedStatements: false,
    // A check's failure is the replica's state; the lost connection itself needs no log line.
    onPoolError: () => undefined,
  });
}

/** Where a replica is, for the log: host, port and database, never the user or password. */
function describe(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || '5432'}${parsed.pathname}`;
}

/** The replica pools and their routing, after a first check of each (README "Read replicas"). */
export async function openReplicas(options: OpenReplicasOptions): Promise<ReplicaSet> {
  const { logger } = options;
  // A replica's lost connection triggers a check at once, so reads leave it within one round trip.
  let set: ReplicaSet | null = null;
  const replicas = options.replicaUrls.map((url, index) => {
    const name = `replica-${index + 1}`;
    const pool = options.poolOptions(name);
    return {
      name,
      db: createDatabase({
        ...pool,
        url,
        onPoolError(error) {
          pool.onPoolError?.(error);
          void set?.check();
        },
      }),
      monitor: monitorOf(url),
    };
  });
  set = await createReplicaSet({
    primary: options.primary,
    primaryMonitor: monitorOf(options.primaryUrl),
    replicas,
    markers: options.redis
      ? createRedisWriteMarkers(options.redis, options.redisPrefix, logger)
      : createMemoryWriteMarkers(),
    maxLagMs: options.maxLagMs,
    logger,
    onRoute: options.onRoute,
  });
  logger.info('read replicas configured', {
    replicas: Object.fromEntries(
      options.replicaUrls.map((url, index) => [`replica-${index + 1}`, describe(url)]),
    ),
    states: Object.fromEntries(set.statuses().map((status) => [status.name, status.state])),
    writeMarkers: options.redis ? 'redis' : 'in-process',
  });
  return set;
}
