import { sql, type Selectable } from 'kysely';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type {
  Marking,
  Role,
  WebhookDeliveryStatus,
  WebhookDeliveryTable,
  WebhookEndpointTable,
  WebhookEventType,
} from '../db/types.js';

export type WebhookEndpointRow = Selectable<WebhookEndpointTable>;
export type WebhookDeliveryRow = Selectable<WebhookDeliveryTable>;

/** An endpoint with the role and clearance of the key whose visibility its deliveries follow. */
export type AudienceEndpointRow = WebhookEndpointRow & { role: Role; clearance: Marking };

export type NewWebhookDelivery = Pick<
  WebhookDeliveryRow,
  'endpoint_id' | 'change_id' | 'event_type' | 'entity_type' | 'entity_id' | 'occurred_at'
>;

/** `now() + ms`, bound as an integer. */
function inMs(ms: number) {
  return sql<Date>`now() + cast(${Math.round(ms)} as integer) * interval '1 millisecond'`;
}

/** The newest change id: where a new endpoint starts, and how far the feed goes. */
export async function latestChangeId(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('change')
    .select((eb) => eb.fn.coalesce(eb.fn.max('id'), sql<number>`0`).as('id'))
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

/** Where a key (`k`) still works: not revoked, not expired. Deliveries of its endpoints wait. */
const KEY_ACTIVE = sql<boolean>`k.revoked_at is null and (k.expires_at is null or k.expires_at > now())`;

/** Whether `id` names a key that still works (not revoked, not expired). */
export async function isActiveApiKey(db: Executor, id: number): Promise<boolean> {
  const row = await db
    .selectFrom('api_key as k')
    .select('k.id')
    .where('k.id', '=', id)
    .where(KEY_ACTIVE)
    .executeTakeFirst();
  return row !== undefined;
}

/** Endpoints with the role and clearance of the key whose visibility their deliveries follow. */
function audienceEndpoints(db: Executor) {
  return db
    .selectFrom('webhook_endpoint as e')
    .innerJoin('api_key as k', 'k.id', 'e.api_key_id')
    .selectAll('e')
    .select(['k.role', 'k.clearance']);
}

/** A new endpoint, from the current end of the feed: it receives changes from now on. */
export async function insertWebhookEndpoint(
  db: Executor,
  values: {
    url: string;
    events: WebhookEventType[];
    secret: string;
    apiKeyId: number;
    createdBy: string;
  },
): Promise<WebhookEndpointRow> {
  return db
    .insertInto('webhook_endpoint')
    .values({
      url: values.url,
      events: values.events,
      secret: values.secret,
      api_key_id: values.apiKeyId,
      created_by: values.createdBy,
      cursor: await latestChangeId(db),
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function updateWebhookEndpoint(
  db: Executor,
  id: number,
  patch: {
    url?: string;
    events?: WebhookEventType[];
    /** A new secret; the current one keeps signing beside it for `graceSeconds` (0: not). */
    rotate?: { secret: string; graceSeconds: number };
    /** null enables the endpoint; a reason disables it. */
    disabledReason?: string | null;
  },
): Promise<WebhookEndpointRow | undefined> {
  return db
    .updateTable('webhook_endpoint')
    .set({
      ...(patch.url !== undefined && { url: patch.url }),
      ...(patch.events !== undefined && { events: patch.events }),
      ...(patch.rotate && {
        secret: patch.rotate.secret,
        // The right-hand side reads the row as it was: the secret being replaced.
        previous_secret: patch.rotate.graceSeconds > 0 ? sql<string>`secret` : null,
        previous_secret_until:
          patch.rotate.graceSeconds > 0
            ? sql<Date>`now() + make_interval(secs => ${patch.rotate.graceSeconds})`
            : null,
      }),
      ...(patch.disabledReason !== undefined && {
        enabled: patch.disabledReason === null,
        disabled_reason: patch.disabledReason,
      }),
      updated_at: sql<Date>`now()`,
    })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}

export async function findWebhookEndpointsByIds(
  db: Executor,
  ids: readonly number[],
): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoint').selectAll().where('id', '=', anyId(ids)).execute();
}

export async function listWebhookEndpoints(
  db: Executor,
  limit: number,
): Promise<WebhookEndpointRow[]> {
  return db.selectFrom('webhook_endpoint').selectAll().orderBy('id').limit(limit).execute();
}

/** An endpoint's deliveries, newest first, optionally in one status. */
export async function listWebhookDeliveries(
  db: Executor,
  endpointId: number,
  status: WebhookDeliveryStatus | null,
  limit: number,
): Promise<WebhookDeliveryRow[]> {
  let query = db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('id', 'desc')
    .limit(limit);
  if (status !== null) query = query.where('status', '=', status);
  return query.execute();
}

export async function findWebhookDeliveriesByIds(
  db: Executor,
  ids: readonly number[],
): Promise<WebhookDeliveryRow[]> {
  return db.selectFrom('webhook_delivery').selectAll().where('id', '=', anyId(ids)).execute();
}

/** A dead-lettered delivery back in the queue, due now, with its attempts counted afresh. */
export async function requeueDeadDelivery(
  db: Executor,
  id: number,
): Promise<WebhookDeliveryRow | undefined> {
  return db
    .updateTable('webhook_delivery')
    .set({
      status: 'PENDING',
      attempts: 0,
      next_attempt_at: sql<Date>`now()`,
      finished_at: null,
    })
    .where('id', '=', id)
    .where('status', '=', 'DEAD')
    .returningAll()
    .executeTakeFirst();
}

/**
 * Enabled endpoints behind the end of the feed, locked for this transaction; endpoints another
 * instance is enqueueing for are skipped, not waited for.
 */
export async function lockEndpointsBehind(
  db: Executor,
  latest: number,
  limit: number,
): Promise<AudienceEndpointRow[]> {
  return audienceEndpoints(db)
    .where('e.enabled', '=', true)
    .where('e.cursor', '<', latest)
    .where(KEY_ACTIVE)
    .orderBy('e.id')
    .limit(limit)
    .forUpdate(['e'])
    .skipLocked()
    .execute();
}

export async function insertWebhookDeliveries(
  db: Executor,
  rows: NewWebhookDelivery[],
): Promise<void> {
  if (rows.length === 0) return;
  // The endpoint's lock already serialises this; the constraint is the last word.
  await db
    .insertInto('webhook_delivery')
    .values(rows)
    .onConflict((oc) => oc.columns(['endpoint_id', 'change_id']).doNothing())
    .execute();
}

export async function moveEndpointCursor(db: Executor, id: number, cursor: number): Promise<void> {
  await db.updateTable('webhook_endpoint').set({ cursor }).where('id', '=', id).execute();
}

/**
 * Claims up to `limit` due deliveries for one attempt each: the attempt is counted and the row
 * pushed `leaseMs` into the future, so no other worker takes it while this one sends. A worker
 * that dies leaves the rows to be claimed again once the lease runs out. Rows another worker is
 * claiming are skipped (FOR UPDATE SKIP LOCKED), so two never claim one.
 */
export async function claimDueDeliveries(
  db: Executor,
  limit: number,
  leaseMs: number,
): Promise<WebhookDeliveryRow[]> {
  return db
    .updateTable('webhook_delivery')
    .set({
      attempts: sql<number>`attempts + 1`,
      last_attempt_at: sql<Date>`now()`,
      next_attempt_at: inMs(leaseMs),
    })
    .where('id', 'in', (eb) =>
      eb
        .selectFrom('webhook_delivery as d')
        .innerJoin('webhook_endpoint as e', 'e.id', 'd.endpoint_id')
        .innerJoin('api_key as k', 'k.id', 'e.api_key_id')
        .select('d.id')
        .where('d.status', '=', 'PENDING')
        .where('d.next_attempt_at', '<=', sql<Date>`now()`)
        .where('e.enabled', '=', true)
        .where(KEY_ACTIVE)
        .orderBy('d.next_attempt_at')
        .orderBy('d.id')
        .limit(limit)
        .forUpdate(['d'])
        .skipLocked(),
    )
    .returningAll()
    .execute();
}

/** The endpoints of claimed deliveries, with their keys' role and clearance. */
export async function findAudienceEndpoints(
  db: Executor,
  ids: readonly number[],
): Promise<AudienceEndpointRow[]> {
  return audienceEndpoints(db).where('e.id', '=', anyId(ids)).execute();
}

export type AttemptOutcome =
  | {
      status: 'DELIVERED' | 'WITHHELD' | 'DEAD';
      responseStatus: number | null;
      error: string | null;
    }
  | { status: 'PENDING'; responseStatus: number | null; error: string | null; retryInMs: number };

/**
 * Records how a claimed attempt ended. Only while the row is still this claim's (its attempt
 * count unchanged): a worker that outlived its lease does not overwrite the next claim.
 */
export async function recordAttempt(
  db: Executor,
  claimed: Pick<WebhookDeliveryRow, 'id' | 'attempts'>,
  outcome: AttemptOutcome,
): Promise<boolean> {
  const result = await db
    .updateTable('webhook_delivery')
    .set({
      status: outcome.status,
      last_response_status: outcome.responseStatus,
      last_error: outcome.error,
      ...(outcome.status === 'PENDING'
        ? { next_attempt_at: inMs(outcome.retryInMs) }
        : { finished_at: sql<Date>`now()` }),
    })
    .where('id', '=', claimed.id)
    .where('attempts', '=', claimed.attempts)
    .where('status', '=', 'PENDING')
    .executeTakeFirst();
  return result.numUpdatedRows > 0n;
}

/** Pending deliveries (the backlog metric). */
export async function countPendingDeliveries(db: Executor): Promise<number> {
  const row = await db
    .selectFrom('webhook_delivery')
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .where('status', '=', 'PENDING')
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
