import type { WebhookConfig } from '../config.js';
import { encodeGlobalId } from '../common/global-id.js';
import type { Database } from '../db/database.js';
import type { ChangeEntityType, WebhookEventType } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { errorFields, type Logger } from '../logger.js';
import type { Metrics, WebhookAttemptOutcome } from '../observability/metrics.js';
import { audienceOf, keyVisibility } from './audiences.js';
import { encodeChangeCursor } from './change-cursor.js';
import { findChanges, visibleRecordKeys } from './change.repository.js';
import { postWebhook } from './webhook-send.js';
import { signWebhook } from './webhook-signature.js';
import {
  claimDueDeliveries,
  countPendingDeliveries,
  findAudienceEndpoints,
  insertWebhookDeliveries,
  latestChangeId,
  lockEndpointsBehind,
  moveEndpointCursor,
  recordAttempt,
  updateWebhookEndpoint,
  type AttemptOutcome,
  type AudienceEndpointRow,
  type NewWebhookDelivery,
  type WebhookDeliveryRow,
} from './webhook.repository.js';

/** Endpoints brought up to date per round, and changes read per endpoint. */
const ENDPOINTS_PER_ROUND = 20;
const CHANGES_PER_ENDPOINT = 500;
/** What is kept of an error or a refusal's reason. */
const ERROR_CHARS = 500;

export const GONE_REASON = 'the endpoint answered 410 Gone';

export function webhookEventType(type: ChangeEntityType, visible: boolean): WebhookEventType {
  const name = type === 'ActorRelationship' ? 'actor_relationship' : type.toLowerCase();
  return `${name}.${visible ? 'upsert' : 'tombstone'}` as WebhookEventType;
}

/** Standard Webhooks' payload shape: type, timestamp, data; data names the record only. */
export function webhookPayload(delivery: WebhookDeliveryRow): string {
  return JSON.stringify({
    type: delivery.event_type,
    timestamp: delivery.occurred_at.toISOString(),
    data: {
      type: delivery.entity_type,
      id: encodeGlobalId(delivery.entity_type, delivery.entity_id),
      cursor: encodeChangeCursor(delivery.change_id),
    },
  });
}

/**
 * The wait before the next attempt after `attempts` failed ones: the base doubled per attempt,
 * of which a random half (jitter: endpoints that failed together do not retry together).
 */
export function retryDelayMs(attempts: number, baseMs: number, random: () => number): number {
  const full = baseMs * 2 ** (attempts - 1);
  return full / 2 + (full / 2) * random();
}

export interface RoundResult {
  /** Deliveries created from new changes. */
  enqueued: number;
  /** Attempts made (or withheld) this round. */
  attempted: number;
}

export interface WebhookWorker {
  /** Runs rounds every `intervalMs` until stopped. */
  start(): void;
  /** Stops scheduling rounds and waits for the one in progress. */
  stop(): Promise<void>;
  /** One round: new changes become deliveries, then due deliveries are attempted once. */
  runOnce(): Promise<RoundResult>;
}

export interface WebhookWorkerOptions {
  db: Database;
  config: WebhookConfig;
  logger: Logger;
  metrics?: Metrics | null;
  random?: () => number;
  /** Milliseconds on the clock that spaces out failure logs (tests move it). */
  now?: () => number;
}

/** While rounds keep failing (a database outage), at most one error line per this long. */
const FAILURE_LOG_INTERVAL_MS = 60_000;

export function createWebhookWorker(options: WebhookWorkerOptions): WebhookWorker {
  const { db, config, logger, metrics = null, random = Math.random, now = Date.now } = options;

  /**
   * Turns each endpoint's new changes into deliveries and moves its cursor past them, in one
   * transaction: a change becomes a delivery exactly once per endpoint.
   */
  async function enqueue(): Promise<number> {
    return db.transaction().execute(async (trx) => {
      const latest = await latestChangeId(trx);
      const endpoints = await lockEndpointsBehind(trx, latest, ENDPOINTS_PER_ROUND);
      let count = 0;
      for (const endpoint of endpoints) {
        const visibility = keyVisibility(endpoint.role, endpoint.clearance);
        const changes = await findChanges(trx, visibility, endpoint.cursor, CHANGES_PER_ENDPOINT);
        const visible = await visibleRecordKeys(
          trx,
          visibility,
          changes.map((change) => ({ type: change.entity_type, id: change.entity_id })),
        );
        const rows: NewWebhookDelivery[] = changes.flatMap((change) => {
          const visibleNow = visible.has(`${change.entity_type}:${change.entity_id}`);
          const eventType = webhookEventType(change.entity_type, visibleNow);
          if (!endpoint.events.includes(eventType)) return [];
          return [
            {
              endpoint_id: endpoint.id,
              change_id: change.id,
              event_type: eventType,
              entity_type: change.entity_type,
              entity_id: change.entity_id,
              occurred_at: change.at,
            },
          ];
        });
        await insertWebhookDeliveries(trx, rows);
        count += rows.length;
        // A short page read everything up to `latest` (change ids follow commit order).
        const last = changes.at(-1)?.id ?? endpoint.cursor;
        await moveEndpointCursor(
          trx,
          endpoint.id,
          changes.length < CHANGES_PER_ENDPOINT ? Math.max(last, latest) : last,
        );
      }
      return count;
    });
  }

  /** Upserts whose record the endpoint's audience may no longer see: never sent. */
  async function withheldIds(
    claimed: WebhookDeliveryRow[],
    endpoints: Map<number, AudienceEndpointRow>,
  ): Promise<Set<number>> {
    const byAudience = new Map<string, { visibility: Visibility; rows: WebhookDeliveryRow[] }>();
    for (const delivery of claimed) {
      const endpoint = endpoints.get(delivery.endpoint_id);
      if (!endpoint || !delivery.event_type.endsWith('.upsert')) continue;
      const visibility = keyVisibility(endpoint.role, endpoint.clearance);
      const key = audienceOf(visibility);
      const group = byAudience.get(key) ?? { visibility, rows: [] };
      group.rows.push(delivery);
      byAudience.set(key, group);
    }
    const withheld = new Set<number>();
    for (const { visibility, rows } of byAudience.values()) {
      const visible = await visibleRecordKeys(
        db,
        visibility,
        rows.map((row) => ({ type: row.entity_type, id: row.entity_id })),
      );
      for (const row of rows)
        if (!visible.has(`${row.entity_type}:${row.entity_id}`)) withheld.add(row.id);
    }
    return withheld;
  }

  /** The current secret's signature and, during a rotation's grace period, the previous one's. */
  function signatures(
    endpoint: AudienceEndpointRow,
    id: string,
    timestamp: number,
    body: string,
  ): string {
    const secrets = [endpoint.secret];
    const until = endpoint.previous_secret_until;
    if (endpoint.previous_secret && until && until > new Date())
      secrets.push(endpoint.previous_secret);
    return secrets.map((secret) => signWebhook(secret, id, timestamp, body)).join(' ');
  }

  async function attempt(
    delivery: WebhookDeliveryRow,
    endpoint: AudienceEndpointRow,
  ): Promise<WebhookAttemptOutcome> {
    const body = webhookPayload(delivery);
    const timestamp = Math.floor(Date.now() / 1000);
    let responseStatus: number | null = null;
    let error: string | null = null;
    try {
      responseStatus = await postWebhook({
        url: endpoint.url,
        headers: {
          'content-type': 'application/json',
          'user-agent': 'briefgraph-webhooks',
          'webhook-id': delivery.message_id,
          'webhook-timestamp': String(timestamp),
          'webhook-signature': signatures(endpoint, delivery.message_id, timestamp, body),
        },
        body,
        timeoutMs: config.timeoutMs,
        allowPrivate: config.allowPrivateAddresses,
      });
    } catch (caught) {
      error = (caught instanceof Error ? caught.message : String(caught)).slice(0, ERROR_CHARS);
    }
    if (responseStatus !== null && responseStatus >= 200 && responseStatus < 300) {
      await recordAttempt(db, delivery, { status: 'DELIVERED', responseStatus, error: null });
      return 'delivered';
    }
    error ??= `the endpoint answered ${responseStatus}`;
    const dead = delivery.attempts >= config.maxAttempts;
    const outcome: AttemptOutcome = dead
      ? { status: 'DEAD', responseStatus, error }
      : {
          status: 'PENDING',
          responseStatus,
          error,
          retryInMs: retryDelayMs(delivery.attempts, config.retryBaseMs, random),
        };
    await recordAttempt(db, delivery, outcome);
    if (responseStatus === 410) {
      // The receiver says the endpoint is gone for good: its deliveries wait for an admin.
      await updateWebhookEndpoint(db, endpoint.id, { disabledReason: GONE_REASON });
      logger.warn('webhook endpoint disabled: it answered 410', { endpointId: endpoint.id });
      return 'gone';
    }
    if (dead) {
      logger.warn('webhook delivery dead-lettered', {
        deliveryId: delivery.id,
        endpointId: endpoint.id,
        attempts: delivery.attempts,
        error,
      });
      return 'dead';
    }
    return 'failed';
  }

  async function deliver(): Promise<number> {
    const claimed = await claimDueDeliveries(db, config.batchSize, config.leaseMs);
    if (claimed.length === 0) return 0;
    const endpoints = new Map(
      (await findAudienceEndpoints(db, [...new Set(claimed.map((row) => row.endpoint_id))])).map(
        (endpoint) => [endpoint.id, endpoint],
      ),
    );
    const withheld = await withheldIds(claimed, endpoints);
    await Promise.all(
      claimed.map(async (delivery) => {
        const endpoint = endpoints.get(delivery.endpoint_id);
        let outcome: WebhookAttemptOutcome;
        if (!endpoint || withheld.has(delivery.id)) {
          await recordAttempt(db, delivery, {
            status: 'WITHHELD',
            responseStatus: null,
            error: 'the endpoint’s key may no longer see the record',
          });
          outcome = 'withheld';
        } else outcome = await attempt(delivery, endpoint);
        metrics?.webhookAttempt(outcome);
      }),
    );
    return claimed.length;
  }

  async function runOnce(): Promise<RoundResult> {
    const enqueued = await enqueue();
    const attempted = await deliver();
    if (metrics) metrics.webhookBacklog(await countPendingDeliveries(db));
    return { enqueued, attempted };
  }

  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | null = null;
  let stopped = true;
  /** Failed rounds in a row, since when, and when the last error line went out. */
  let failing: { rounds: number; sinceMs: number; loggedMs: number } | null = null;

  /** The first failure at error level, then one line a minute; the recovery at info. */
  function roundFailed(error: unknown): void {
    const at = now();
    if (!failing) {
      failing = { rounds: 1, sinceMs: at, loggedMs: at };
      logger.error('webhook round failed', errorFields(error));
      return;
    }
    failing.rounds += 1;
    if (at - failing.loggedMs < FAILURE_LOG_INTERVAL_MS) return;
    failing.loggedMs = at;
    logger.error('webhook rounds still failing', {
      failedRounds: failing.rounds,
      failingForMs: at - failing.sinceMs,
      ...errorFields(error),
    });
  }

  function roundSucceeded(): void {
    if (!failing) return;
    logger.info('webhook rounds recovered', {
      failedRounds: failing.rounds,
      failedForMs: now() - failing.sinceMs,
    });
    failing = null;
  }

  function schedule(delayMs: number): void {
    timer = setTimeout(() => {
      running = runOnce().then(
        // A full batch suggests more are due: go on at once.
        (result) => {
          roundSucceeded();
          if (!stopped) schedule(result.attempted >= config.batchSize ? 0 : config.intervalMs);
        },
        (error: unknown) => {
          roundFailed(error);
          if (!stopped) schedule(config.intervalMs);
        },
      );
    }, delayMs);
    // Rounds alone never keep the process alive.
    timer.unref();
  }

  return {
    start() {
      if (!stopped) return;
      stopped = false;
      schedule(config.intervalMs);
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
    runOnce,
  };
}
