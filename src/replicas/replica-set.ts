import type { Viewer } from '../common/viewer.js';
import type { Database } from '../db/database.js';
import { currentWalPosition, replayedWalPosition } from '../db/wal-position.js';
import type { Logger } from '../logger.js';
import { PrimaryProgress } from './replica-lag.js';
import type { WriteMarkers } from './write-markers.js';

/**
 * `ok`: serves reads. `lagging`: further behind than the bound. `unreachable`: its last check
 * failed. `not-a-replica`: the server is not in recovery, so its positions say nothing about
 * the primary's (a promoted replica, a wrong URL). `starting`: not checked yet.
 */
export type ReplicaState = 'starting' | 'ok' | 'lagging' | 'unreachable' | 'not-a-replica';

export interface ReplicaStatus {
  name: string;
  state: ReplicaState;
  /** Behind the primary, as last measured; null when unknown. */
  lagMs: number | null;
}

/** Why a read went where it went (a metric label). */
export type RouteReason = 'replica' | 'pinned' | 'no-replica' | 'marker-unknown';

export interface ReplicaConnection {
  /** `replica-1`, `replica-2`… in DATABASE_READ_URL order: logs, /readyz and metrics use it. */
  name: string;
  /** The pool reads run on. */
  db: Database;
  /** A pool of its own for the checks, so a busy read pool cannot make a replica look down. */
  monitor: Database;
}

export interface ReplicaSetOptions {
  primary: Database;
  /** The primary's check connection (see ReplicaConnection.monitor). */
  primaryMonitor: Database;
  replicas: ReplicaConnection[];
  markers: WriteMarkers;
  maxLagMs: number;
  logger: Logger;
  checkIntervalMs?: number;
  onRoute?: (database: string, reason: RouteReason) => void;
}

export interface ReplicaSet {
  /** The database a read by `viewer` runs on now. */
  readerFor(viewer: Viewer): Promise<Database>;
  /**
   * After `viewer`'s write committed: until a replica has replayed what the primary holds now,
   * `viewer` reads from the primary, and so do anonymous callers, whose answers the shared
   * response cache keeps. Never throws: the write has committed whatever happens here.
   */
  wrote(viewer: Viewer): Promise<void>;
  statuses(): ReplicaStatus[];
  /** Checks the primary's position and every replica's now (at most one check at a time). */
  check(): Promise<void>;
  /** Stops checking and closes the replicas' pools (not the primary's). */
  close(): Promise<void>;
}

/** Pins to the primary for the whole TTL: used when the write's position cannot be read. */
const ANY_POSITION = 2n ** 64n - 1n;

const ANONYMOUS_CALLER = 'anonymous';

function callerOf(viewer: Viewer): string {
  return viewer.kind === 'api-key' ? `key:${viewer.keyId}` : ANONYMOUS_CALLER;
}

interface Tracked extends ReplicaConnection {
  state: ReplicaState;
  lagMs: number | null;
  replayed: bigint;
}

/**
 * Reads go to a replica that is reachable and at most `maxLagMs` behind, in turn; to the
 * primary when none is, or when the caller wrote something no usable replica has replayed yet.
 * Positions are checked every `checkIntervalMs` (and at once when a replica's pool reports a
 * lost connection), so a request never waits for a check.
 */
export async function createReplicaSet(options: ReplicaSetOptions): Promise<ReplicaSet> {
  const { primary, primaryMonitor, markers, maxLagMs, logger } = options;
  const checkIntervalMs = options.checkIntervalMs ?? 200;
  const route = options.onRoute ?? (() => undefined);
  // A write's marker outlives the bound: by then any replica still behind it is lagging beyond
  // the bound (measured to within a check interval) and so skipped anyway.
  const markerTtlMs = maxLagMs + 10 * checkIntervalMs + 1000;
  const progress = new PrimaryProgress(2 * maxLagMs);
  const replicas: Tracked[] = options.replicas.map((replica) => ({
    ...replica,
    state: 'starting',
    lagMs: null,
    replayed: 0n,
  }));
  let turn = 0;
  let markersFailing = false;

  async function checkReplica(replica: Tracked): Promise<void> {
    const before = replica.state;
    try {
      const replayed = await replayedWalPosition(replica.monitor);
      if (replayed === null) {
        replica.state = 'not-a-replica';
        replica.lagMs = null;
      } else {
        replica.replayed = replayed;
        replica.lagMs = progress.lagMs(replayed, Date.now());
        replica.state = replica.lagMs !== null && replica.lagMs <= maxLagMs ? 'ok' : 'lagging';
      }
    } catch (error) {
      replica.state = 'unreachable';
      replica.lagMs = null;
      if (before !== 'unreachable')
        logger.warn(`replica ${replica.name} unreachable; reads go elsewhere`, {
          error: error instanceof Error ? error.message : String(error),
        });
      return;
    }
    if (replica.state === before) return;
    const fields = { lagMs: replica.lagMs, maxLagMs };
    if (replica.state === 'ok') logger.info(`replica ${replica.name} serves reads`, fields);
    else if (replica.state === 'lagging')
      logger.warn(`replica ${replica.name} is too far behind; reads go elsewhere`, fields);
    else logger.error(`${replica.name} is not a replica (not in recovery); not used for reads`);
  }

  let checking: Promise<void> | null = null;
  function check(): Promise<void> {
    checking ??= (async () => {
      try {
        progress.record(await currentWalPosition(primaryMonitor), Date.now());
      } catch (error) {
        // Replicas are still measured against the last position seen.
        logger.debug('could not read the primary WAL position', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      await Promise.all(replicas.map(checkReplica));
    })().finally(() => {
      checking = null;
    });
    return checking;
  }

  await check();
  const timer = setInterval(() => void check(), checkIntervalMs);
  timer.unref();

  return {
    async readerFor(viewer) {
      const usable = replicas.filter((replica) => replica.state === 'ok');
      if (usable.length === 0) {
        route('primary', 'no-replica');
        return primary;
      }
      let needed: bigint;
      try {
        needed = await markers.highest(callerOf(viewer));
      } catch (error) {
        // Once per outage, not once per read.
        if (!markersFailing)
          logger.warn('cannot look up write markers; reads go to the primary until they answer', {
            error: error instanceof Error ? error.message : String(error),
          });
        markersFailing = true;
        route('primary', 'marker-unknown');
        return primary;
      }
      if (markersFailing) logger.info('write markers answer again; reads go to replicas');
      markersFailing = false;
      const fresh = usable.filter((replica) => replica.replayed >= needed);
      const chosen = fresh[turn++ % Math.max(1, fresh.length)];
      if (chosen === undefined) {
        route('primary', 'pinned');
        return primary;
      }
      route(chosen.name, 'replica');
      return chosen.db;
    },
    async wrote(viewer) {
      let lsn = ANY_POSITION;
      try {
        lsn = await currentWalPosition(primary);
      } catch (error) {
        logger.warn(
          'could not read the WAL position after a write; the writer reads from the primary for a while',
          {
            error: error instanceof Error ? error.message : String(error),
          },
        );
      }
      const callers = [callerOf(viewer), ANONYMOUS_CALLER];
      await markers.raise([...new Set(callers)], lsn, markerTtlMs);
    },
    statuses: () => replicas.map(({ name, state, lagMs }) => ({ name, state, lagMs })),
    check,
    async close() {
      clearInterval(timer);
      await checking;
      await Promise.all(
        replicas.flatMap((replica) => [replica.db.destroy(), replica.monitor.destroy()]),
      );
      await primaryMonitor.destroy();
    },
  };
}
