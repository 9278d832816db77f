import { createHash } from 'node:crypto';
import { sql, type Transaction } from 'kysely';
import { z } from 'zod';
import { auditName, type Viewer } from '../common/viewer.js';
import type { Context } from '../context.js';
import type { DB } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, ForbiddenError, ValidationError } from '../errors/domain-errors.js';
import { domainErrorFromPostgres } from '../errors/pg-errors.js';
import type { ChangeEvent } from '../sync/change-bus.js';
import { changeEventsOf, type AuditedState } from '../sync/change-events.js';
import { isChangeType, recordChanges, type ChangedRecord } from '../sync/change.repository.js';

export type KeyViewer = Extract<Viewer, { kind: 'api-key' }>;

export interface AuditEntry {
  action: string;
  entityType: string;
  entityId: number;
  before: unknown;
  after: unknown;
}

export interface Write {
  trx: Transaction<DB>;
  viewer: KeyViewer;
  /** What the caller may see: a write can name, change and report only that. */
  visibility: Visibility;
  /** Appends to the audit log inside the same transaction: no write without its record. */
  audit(entry: AuditEntry): Promise<void>;
}

export interface WriteOptions {
  /** Mutation name, also what the idempotency record is bound to. */
  operation: string;
  role: 'editor' | 'admin';
  idempotencyKey?: string | null;
  /** The mutation's arguments, hashed so a key reused for another request is refused. */
  input: unknown;
}

/** How long a retry with the same idempotency key returns the first result. */
export const IDEMPOTENCY_WINDOW_HOURS = 24;

function requestHash(operation: string, input: unknown): string {
  return createHash('sha256')
    .update(operation)
    .update('\0')
    .update(JSON.stringify(input) ?? '')
    .digest('hex');
}

function assertRole(viewer: Viewer, role: WriteOptions['role']): KeyViewer {
  // The schema's scope-auth refuses this first; checking again here keeps a new resolver from
  // writing by forgetting its authScopes.
  const allowed =
    viewer.kind === 'api-key' &&
    (viewer.role === 'admin' || (role === 'editor' && viewer.role === 'editor'));
  if (!allowed || viewer.kind !== 'api-key') {
    throw new ForbiddenError(
      `this operation needs an ${role} key${viewer.kind === 'api-key' ? `, not ${viewer.role}` : ''}`,
    );
  }
  return viewer;
}

/**
 * Runs one mutation as one transaction: role check, idempotency, the work, its audit entries.
 * Any error rolls everything back, so a failed mutation changes nothing; PostgreSQL's
 * constraint errors come back as domain errors. Returns the id of the record the mutation
 * produced (on a retry with the same idempotency key: the first call's, with nothing written).
 *
 * After COMMIT, and before the mutation's answer goes out, the anonymous response cache is
 * invalidated, so no read that starts after the answer is served from older data. Every write
 * does it, API-key ones included: a generation bump costs one INCR, and sorting writes into
 * "visible to anonymous callers or not" would be one more rule to get wrong. With read
 * replicas, the writer and anonymous callers are first pinned to the primary until a replica
 * has replayed the write: otherwise an anonymous read missing the emptied cache could fill it
 * again from a replica that has not. Then the write's changes go to the subscriptions (only now:
 * a rolled-back write must never reach a subscriber).
 */
export async function runWrite(
  ctx: Context,
  options: WriteOptions,
  work: (write: Write) => Promise<number>,
): Promise<number> {
  const viewer = assertRole(ctx.viewer, options.role);
  const key = options.idempotencyKey?.trim() || null;
  if (options.idempotencyKey != null && (!key || key.length > 200)) {
    throw new ValidationError([
      {
        path: ['idempotencyKey'],
        message: `expected 1 to 200 characters, got ${options.idempotencyKey.length}`,
      },
    ]);
  }
  let replayed = false;
  let id: number;
  let events: ChangeEvent[] = [];
  try {
    id = await ctx.db.transaction().execute(async (trx) => {
      const hash = requestHash(options.operation, options.input);
      if (key) {
        const replay = await claimIdempotencyKey(trx, viewer.keyId, key, options.operation, hash);
        if (replay !== null) {
          replayed = true;
          return replay;
        }
      }
      // Every audited record also gets a change in the feed, numbered at the end of the work.
      const changed: ChangedRecord[] = [];
      const audited: AuditedState[] = [];
      const write: Write = {
        trx,
        viewer,
        visibility: ctx.visibility,
        async audit(entry) {
          if (isChangeType(entry.entityType)) {
            changed.push({ type: entry.entityType, id: entry.entityId });
            audited.push(entry);
          }
          await trx
            .insertInto('audit_log')
            .values({
              actor_name: auditName(viewer),
              api_key_id: viewer.keyId,
              request_id: ctx.requestId,
              action: entry.action,
              entity_type: entry.entityType,
              entity_id: entry.entityId,
              before: entry.before === null ? null : JSON.stringify(entry.before),
              after: entry.after === null ? null : JSON.stringify(entry.after),
            })
            .execute();
        },
      };
      const id = await work(write);
      const recorded = await recordChanges(trx, changed);
      // Built here, published after COMMIT: a claim deleted by this write is still in its audit.
      if (ctx.changes) events = await changeEventsOf(trx, recorded, audited);
      if (key) {
        await trx
          .updateTable('idempotency_key')
          .set({ result: JSON.stringify({ id }) })
          .where('api_key_id', '=', viewer.keyId)
          .where('key', '=', key)
          .execute();
      }
      return id;
    });
  } catch (error) {
    throw domainErrorFromPostgres(error) ?? error;
  }
  if (!replayed) {
    await ctx.replicas?.wrote(viewer);
    await ctx.responseCache?.invalidate();
    ctx.changes?.publish(events);
  }
  return id;
}

/** What runWrite stores once the first request with a key commits; null while it runs. */
const FirstResult = z.object({ id: z.number() });

/**
 * Takes the key for this request, or returns the id the first request with it produced.
 * A concurrent retry blocks on the key's row until the first one commits or rolls back.
 */
async function claimIdempotencyKey(
  trx: Transaction<DB>,
  apiKeyId: number,
  key: string,
  operation: string,
  hash: string,
): Promise<number | null> {
  const inserted = await trx
    .insertInto('idempotency_key')
    .values({ api_key_id: apiKeyId, key, operation, request_hash: hash })
    .onConflict((oc) => oc.columns(['api_key_id', 'key']).doNothing())
    .returning('key')
    .executeTakeFirst();
  if (inserted) return null;
  const existing = await trx
    .selectFrom('idempotency_key')
    .select([
      'operation',
      'request_hash',
      'result',
      sql<boolean>`created_at > now() - make_interval(hours => ${IDEMPOTENCY_WINDOW_HOURS})`.as(
        'fresh',
      ),
    ])
    .where('api_key_id', '=', apiKeyId)
    .where('key', '=', key)
    .forUpdate()
    .executeTakeFirstOrThrow();
  if (!existing.fresh) {
    // Past the window the key is free again: this request becomes its new owner.
    await trx
      .updateTable('idempotency_key')
      .set({ operation, request_hash: hash, result: null, created_at: sql`now()` })
      .where('api_key_id', '=', apiKeyId)
      .where('key', '=', key)
      .execute();
    return null;
  }
  if (existing.operation !== operation || existing.request_hash !== hash) {
    throw new ConflictError(
      `idempotency key ${JSON.stringify(key)} was already used for a different request (${existing.operation})`,
    );
  }
  const result = FirstResult.safeParse(existing.result);
  if (!result.success)
    throw new ConflictError(
      `idempotency key ${JSON.stringify(key)} is in use by a request still running`,
    );
  return result.data.id;
}
