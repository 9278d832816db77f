import { sql, type ExpressionBuilder, type RawBuilder, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  countPerParent,
  paginate,
  paginatePerParent,
  type Ordering,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { AuditLogTable, DB } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { findActorsByIds, visibleActorIds } from '../visibility/visible-actors.js';
import { anyId } from '../db/any-id.js';
import { visibleRelationshipIds } from '../visibility/visible-relationships.js';
import { visibleBriefingIds } from '../visibility/visible-briefings.js';
import { visibleClaimIds } from '../visibility/visible-claims.js';
import { visibleSourceIds } from '../visibility/visible-sources.js';

export type AuditRow = Selectable<AuditLogTable>;
export type AuditPageRow = AuditRow & SortKeyed;

export interface AuditFilter {
  entityType?: string | null;
  entityId?: number | null;
  actorName?: string | null;
  actions?: readonly string[] | null;
  from?: Date | null;
  to?: Date | null;
  /**
   * Admins also see entries that name no record they may see: API keys, the persisted-operation
   * registry, and entries whose records were all deleted.
   */
  includeAdminEntries: boolean;
}

export const AUDIT_ORDERING: Ordering = {
  name: 'AT_DESC',
  keys: [sql.ref('audit_log.at')],
  id: sql.ref('audit_log.id'),
  descending: true,
};

/** Each kind of record an entry can name: its table and the ids of those the caller may see. */
function mentionKinds(db: Executor, visibility: Visibility) {
  return [
    { type: 'Briefing', table: 'briefing', visible: visibleBriefingIds(db, visibility) },
    { type: 'Claim', table: 'claim', visible: visibleClaimIds(db, visibility) },
    { type: 'Source', table: 'source', visible: visibleSourceIds(db, visibility) },
    { type: 'Actor', table: 'actor', visible: visibleActorIds(db, visibility) },
    {
      type: 'ActorRelationship',
      table: 'actor_relationship',
      visible: visibleRelationshipIds(db, visibility),
    },
  ] as const;
}

/** A snapshot's own marking, when it has one, is among the caller's. */
function snapshotMarkingVisible(
  eb: ExpressionBuilder<DB, 'audit_log'>,
  snapshot: 'before' | 'after',
  visibility: Visibility,
) {
  const marking = sql<string | null>`${sql.ref(`audit_log.${snapshot}`)} ->> 'marking'`;
  return eb.or([eb(marking, 'is', null), eb(marking, 'in', visibility.markings)]);
}

/**
 * Entries the caller may read: every record the entry names (audit_mention, filled by a trigger
 * from its snapshots) that still exists must be visible to the caller, through the same
 * builders that decide what lists show; each snapshot's own marking must be visible too, so a
 * record once above the caller's clearance, or deleted while it was, stays hidden. Callers
 * other than admins also need at least one visible record named: API key and
 * persisted-operation entries, and entries whose records are all gone, are for admins only.
 */
function visibleEntries(db: Executor, visibility: Visibility, filter: AuditFilter) {
  const kinds = mentionKinds(db, visibility);
  let query = db
    .selectFrom('audit_log')
    .where((eb) => snapshotMarkingVisible(eb, 'before', visibility))
    .where((eb) => snapshotMarkingVisible(eb, 'after', visibility))
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('audit_mention')
            .select(sql.lit(1).as('one'))
            .whereRef('audit_mention.audit_id', '=', 'audit_log.id')
            .where((m) =>
              m.or(
                kinds.map((kind) =>
                  m.and([
                    m('audit_mention.entity_type', '=', kind.type),
                    m.exists(
                      m
                        .selectFrom(kind.table)
                        .select(sql.lit(1).as('one'))
                        .where(
                          sql.ref(`${kind.table}.id`),
                          '=',
                          sql.ref('audit_mention.entity_id'),
                        ),
                    ),
                    m('audit_mention.entity_id', 'not in', kind.visible),
                  ]),
                ),
              ),
            ),
        ),
      ),
    );
  if (!filter.includeAdminEntries) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('audit_mention')
          .select(sql.lit(1).as('one'))
          .whereRef('audit_mention.audit_id', '=', 'audit_log.id')
          .where((m) =>
            m.or(
              kinds.map((kind) =>
                m.and([
                  m('audit_mention.entity_type', '=', kind.type),
                  m('audit_mention.entity_id', 'in', kind.visible),
                ]),
              ),
            ),
          ),
      ),
    );
  }
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
  return visibleEntries(db, visibility, { includeAdminEntries: false }).where((eb) =>
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

/**
 * Whether each record among `ids` that exists now is visible to the caller now (absent: it no
 * longer exists): a past state of a record hidden now (`Briefing.recordAsOf`,
 * `Actor.relationshipsRecordAsOf`) stays hidden too.
 */
export async function visibleNow(
  db: Executor,
  visibility: Visibility,
  table: 'claim' | 'source' | 'actor_relationship',
  ids: readonly number[],
): Promise<Map<number, boolean>> {
  if (ids.length === 0) return new Map();
  const visible =
    table === 'claim'
      ? visibleClaimIds(db, visibility)
      : table === 'source'
        ? visibleSourceIds(db, visibility)
        : visibleRelationshipIds(db, visibility);
  const rows = await db
    .selectFrom(table)
    .select((eb) => ['id', eb('id', 'in', visible).as('visible')])
    .where('id', '=', anyId(ids))
    .execute();
  return new Map(rows.map((row) => [row.id, Boolean(row.visible)]));
}

/** The actors among `ids` the caller may see now, each mapped to its survivor if merged. */
export async function visibleSurvivorsOf(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<Map<number, number>> {
  if (ids.length === 0) return new Map();
  const rows = await findActorsByIds(db, visibility, ids);
  return new Map(rows.map((actor) => [actor.requested_id, actor.id]));
}
