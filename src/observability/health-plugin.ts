import { sql } from 'kysely';
import type { Plugin } from 'graphql-yoga';
import { requestPath } from '../common/request-url.js';
import type { Database } from '../db/database.js';
import { withinTime } from '../hardening/execution-timeout.js';
import { errorFields, type Logger } from '../logger.js';
import type { ReplicaSet, ReplicaState } from '../replicas/replica-set.js';

/** `/readyz` answers within this even when the database hangs (a load balancer's probe waits). */
const READINESS_TIMEOUT_MS = 1500;

type DatabaseReport =
  { status: 'ok' | 'unreachable' } | { status: ReplicaState; lagMs: number | null };

/**
 * `/healthz` answers while the process runs; `/readyz` only when the primary answers too, so a
 * load balancer stops sending traffic to an instance that lost its database. It reports each
 * database: the primary, checked now, and each replica as its last check (a fraction of a
 * second ago) found it, with its lag; a replica that is not `ok` serves no reads, and the
 * instance stays ready on the primary. Concurrent probes share one check, so probing costs the
 * primary one statement at a time however often it is asked.
 */
export function healthPlugin(db: Database, logger: Logger, replicas: ReplicaSet | null): Plugin {
  let inFlight: Promise<boolean> | null = null;
  const check = async (): Promise<boolean> => {
    try {
      await sql`select 1`.execute(db);
      return true;
    } catch (error) {
      logger.warn('readiness check failed', errorFields(error));
      return false;
    }
  };
  const ready = () => {
    inFlight ??= withinTime(check(), READINESS_TIMEOUT_MS, () => false).finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
  const report = (primaryUp: boolean): Record<string, DatabaseReport> => ({
    primary: { status: primaryUp ? 'ok' : 'unreachable' },
    ...Object.fromEntries(
      (replicas?.statuses() ?? []).map(({ name, state, lagMs }) => [
        name,
        { status: state, lagMs },
      ]),
    ),
  });
  return {
    // Synchronous unless it is /readyz: see src/common/maybe-promise.ts.
    onRequest({ url, serverContext, endResponse, fetchAPI }) {
      const path = requestPath(url, serverContext);
      if (path === '/healthz') {
        endResponse(fetchAPI.Response.json({ status: 'ok' }));
      } else if (path === '/readyz') {
        return ready().then((up) =>
          endResponse(
            up
              ? fetchAPI.Response.json({ status: 'ready', databases: report(true) })
              : fetchAPI.Response.json(
                  {
                    status: 'unavailable',
                    reason: 'database unreachable',
                    databases: report(false),
                  },
                  { status: 503 },
                ),
          ),
        );
      }
    },
  };
}
