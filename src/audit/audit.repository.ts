import { sql, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  countPerParent,
  paginate,
  paginatePerParent,
  type Ordering,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { AuditLogTable } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';

export type AuditRow = Selectable<AuditLogTable>;
export type AuditPageRow = AuditRow & SortKeyed;

export interface AuditFilter {
  entityType?: string | null;
  entityId?: number | null;
  actorName?: string | null;
  actions?: readonly string[] | null;
  from?: Date | null;
  to?: Date | null;
  /** API key records are for admins only. */
  includeApiKeys: boolean;
}

export const AUDIT_ORDERING: Ordering = {
  name: 'AT_DESC',
  keys: [sql.ref('audit_log.at')],
  id: sql.ref('audit_log.id'),
  descending: true,
};

/**
 * Entries about records the caller may read: a snapshot's own marking decides, so an entry
 * about an AMBER claim is as invisible as the claim.
 */
function visibleEntries(db: Executor, visibility: Visibility, filter: AuditFilter) {
  let query = db
    .selectFrom('audit_log')
    .where(
      sql<string>`coalesce(audit_log.after ->> 'marking', audit_log.before ->> 'marking', 'CLEAR')`,
      'in',
      visibility.markings,
    );
  if (!filter.includeApiKeys) query = query.where('audit_log.entity_type', '<>', 'ApiKey');
  if (filter.entityType) query = query.where('audit_log.entity_type', '=', filter.entityType);
  if (filter.entityId != null) query = query.where('audit_log.entity_id', '=', filter.entityId);
  if (filter.actorName) query = query.where('audit_log.actor_name', '=', filter.actorName);
  if (filter.actions?.length) query = query.where('audit_log.action', 'in', filter.actions);
  if (filter.from) query = query.where('audit_log.at', '>=', filter.from);
  if (filter.to) query = query.where('audit_log.at', '<', filter.to);
  return query;
}

export async function findAuditPage(
  db: Executor,
  visibility: Visibility,
  filter: AuditFilter,
  window: PageWindow,
): Promise<AuditPageRow[]> {
  return paginate(
    visibleEntries(db, visibility, filter).selectAll('audit_log'),
    AUDIT_ORDERING,
    window,
  ).execute();
}

export async function countAudit(
  db: Executor,
  visibility: Visibility,
  filter: AuditFilter,
): Promise<number> {
  const row = await visibleEntries(db, visibility, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** `Briefing.history` reads oldest first. */
export const HISTORY_ORDERING: Ordering = {
  name: 'AT_ASC',
  keys: [sql.ref('audit_log.at')],
  id: sql.ref('audit_log.id'),
  descending: false,
};

/** One briefing's own entries and its claims' entries that the caller may see. */
function historyOfBriefing(db: Executor, visibility: Visibility, briefingId: RawBuilder<number>) {
  const claimBriefing = sql<number>`coalesce(audit_log.after ->> 'briefing_id', audit_log.before ->> 'briefing_id')::bigint`;
  return visibleEntries(db, visibility, { includeApiKeys: false }).where((eb) =>
    eb.or([
      eb.and([
        eb('audit_log.entity_type', '=', 'Briefing'),
        eb('audit_log.entity_id', '=', briefingId),
      ]),
      eb.and([eb('audit_log.entity_type', '=', 'Claim'), eb(claimBriefing, '=', briefingId)]),
    ]),
  );
}

/** A page of each briefing's history, per briefing. */
export async function findHistoryPagePerBriefing(
  db: Executor,
  visibility: Visibility,
  briefingIds: readonly number[],
  window: PageWindow,
): Promise<(AuditPageRow & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    briefingIds,
    (briefingId) => historyOfBriefing(db, visibility, briefingId).selectAll('audit_log'),
    HISTORY_ORDERING,
    window,
  );
}

export async function countHistoryPerBriefing(
  db: Executor,
  visibility: Visibility,
  briefingIds: readonly number[],
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, briefingIds, (briefingId) =>
    historyOfBriefing(db, visibility, briefingId),
  );
}

/** The briefing's snapshot in the last entry at or before `asOf`; null when it did not exist yet. */
export async function findBriefingSnapshotAsOf(
  db: Executor,
  briefingId: number,
  asOf: Date,
): Promise<unknown> {
  const row = await db
    .selectFrom('audit_log')
    .select('after')
    .where('entity_type', '=', 'Briefing')
    .where('entity_id', '=', briefingId)
    .where('at', '<=', asOf)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? row.after : null;
}
