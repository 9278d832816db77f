import { ascending, defineOrderings, descending } from '../db/orderings.js';
import {
  type CitationRow,
  type ClaimRow,
  QUALIFIED_CLAIM_COLUMNS,
  type ClaimColumn,
} from '../db/rows.js';
import {
  sql,
  type ExpressionBuilder,
  type Insertable,
  type RawBuilder,
  type Updateable,
} from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  countPerParent,
  paginatePerParent,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { ClaimTable, DB } from '../db/types.js';
import { facetConditions, type ActorRole, type ClaimFilter } from './claim-filters.repository.js';
import { findObjectIdsByClaimIds } from './claim-objects.repository.js';
import { citationConditions } from './corroboration.repository.js';
import type { Visibility } from '../db/visibility.js';
import { visibleSurvivorId } from '../visibility/visible-actors.js';
import { visibleRelationshipIds } from '../visibility/visible-relationships.js';
import { visibleClaimRows } from '../visibility/visible-claims.js';
import { anyId } from '../db/any-id.js';
import { visibleListing } from '../db/visible-listing.js';
import { updaterAtVersion } from '../db/at-version.js';
import { changedSince } from '../db/changed-since.js';

export type { CitationRow, ClaimRow };
export type ClaimPageRow = ClaimRow & SortKeyed;

export type { ActorRole, ClaimFilter };

export const CLAIM_ORDERINGS = defineOrderings('Claim', 'claim', {
  BRIEFING_POSITION: ascending(sql.ref('claim.briefing_id'), sql.ref('claim.position')),
  CONFIDENCE_DESC: descending(sql`coalesce(claim.confidence, -1)`),
  VALID_FROM_ASC: ascending(sql`coalesce(claim.valid_from, '-infinity'::date)`),
  CREATED_AT_DESC: descending(sql.ref('claim.created_at')),
});
export type ClaimOrder = keyof typeof CLAIM_ORDERINGS;

// Over every column's type: Kysely cannot resolve a selection over a type parameter, so callers
// declare the narrower `Pick<ClaimRow, C>` they return.
function claimColumns(names: readonly ClaimColumn[]) {
  return names.map((name) => `claim.${name}` as const);
}

/** The claim has the actor as its subject, among its objects, or either (ANY). */
function involvesActor(
  eb: ExpressionBuilder<DB, 'claim' | 'briefing'>,
  role: ActorRole,
  actorId: number | RawBuilder<number>,
) {
  const asSubject = eb('claim.subject_actor_id', '=', actorId);
  const asObject = eb.exists(
    eb
      .selectFrom('claim_object')
      .select(sql.lit(1).as('one'))
      .whereRef('claim_object.claim_id', '=', 'claim.id')
      .where('claim_object.actor_id', '=', actorId),
  );
  return role === 'SUBJECT'
    ? asSubject
    : role === 'OBJECT'
      ? asObject
      : eb.or([asSubject, asObject]);
}

/** The visible claims (visibleClaimRows) narrowed by a list filter. */
function visibleClaims(db: Executor, visibility: Visibility, filter: ClaimFilter = {}) {
  let query = visibleClaimRows(db, visibility);
  if (filter.updatedSince)
    query = query.where(changedSince('Claim', sql.ref('claim.id'), filter.updatedSince));
  if (filter.briefingIds)
    query = query.where(
      'claim.briefing_id',
      'in',
      filter.briefingIds.length ? filter.briefingIds : [-1],
    );
  if (filter.predicates?.length) query = query.where('claim.predicate', 'in', filter.predicates);
  if (filter.statuses?.length) query = query.where('claim.status', 'in', filter.statuses);
  if (filter.kinds?.length) query = query.where('claim.kind', 'in', filter.kinds);
  if (filter.minConfidence != null)
    query = query.where('claim.confidence', '>=', filter.minConfidence);
  query = query.where((eb) => eb.and(facetConditions(eb, filter)));
  query = query.where((eb) => eb.and(citationConditions(db, visibility, eb, filter)));
  if (filter.actor) {
    const { role } = filter.actor;
    // A merged actor's id filters on its survivor, which now holds its claims; an actor the
    // caller may not see (or one merged into such) matches nothing, like an unknown id.
    const id = visibleSurvivorId(db, visibility, filter.actor.id);
    query = query.where((eb) => involvesActor(eb, role, id));
  }
  if (filter.participant) {
    // As `actor`: a merged actor's id stands for its survivor, a hidden actor matches nothing.
    const id = visibleSurvivorId(db, visibility, filter.participant.id);
    const roles = filter.participant.roles;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('claim_participant as taking_part')
          .select(sql.lit(1).as('one'))
          .whereRef('taking_part.claim_id', '=', 'claim.id')
          .where('taking_part.actor_id', '=', id)
          .$if(Boolean(roles?.length), (q) => q.where('taking_part.role', 'in', roles ?? [])),
      ),
    );
  }
  return query;
}

const CLAIMS = visibleListing({
  table: 'claim',
  visible: visibleClaims,
  select: (rows) => rows.selectAll('claim'),
});
export const { rowsQuery: claimRowsQuery, byIdQuery: claimByIdQuery } = CLAIMS;

/**
 * Parents a nested claims connection hangs off: a briefing, an actor in a role, or a
 * relationship the claims evidence.
 */
export type ClaimParent =
  { kind: 'briefing' } | { kind: 'actor'; role: ActorRole } | { kind: 'relationship' };

/** One parent's claims; `parentId` is the per-parent query's current parent. */
function claimsOfParent(
  db: Executor,
  visibility: Visibility,
  parent: ClaimParent,
  filter: ClaimFilter,
  parentId: RawBuilder<number>,
) {
  return visibleClaims(db, visibility, filter).where((eb) => {
    switch (parent.kind) {
      case 'briefing':
        return eb('claim.briefing_id', '=', parentId);
      case 'actor':
        return involvesActor(eb, parent.role, parentId);
      case 'relationship':
        return eb(
          'claim.id',
          'in',
          eb
            .selectFrom('relationship_evidence')
            .select('relationship_evidence.claim_id')
            .where('relationship_evidence.relationship_id', '=', parentId),
        );
    }
  });
}

/** One parent's visible claims' rows, unordered: a nested list for compiled reads to page. */
export function claimRowsOfParentQuery(
  db: Executor,
  visibility: Visibility,
  parent: ClaimParent,
  filter: ClaimFilter,
  parentId: RawBuilder<number>,
) {
  return claimsOfParent(db, visibility, parent, filter, parentId).selectAll('claim');
}

/** `columns`: what the operation's Claim fields need (see common/field-columns.ts). */
/** A page of claims per parent, each row with the `columns` asked for. */
export async function findClaimsPagePerParent<C extends ClaimColumn>(
  db: Executor,
  visibility: Visibility,
  parent: ClaimParent,
  parentIds: readonly number[],
  filter: ClaimFilter,
  order: ClaimOrder,
  window: PageWindow,
  columns: readonly C[],
): Promise<(Pick<ClaimRow, C> & SortKeyed & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    parentIds,
    (parentId) =>
      claimsOfParent(db, visibility, parent, filter, parentId).select(claimColumns(columns)),
    CLAIM_ORDERINGS[order],
    window,
  );
}

export async function countClaimsPerParent(
  db: Executor,
  visibility: Visibility,
  parent: ClaimParent,
  parentIds: readonly number[],
  filter: ClaimFilter,
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, parentIds, (parentId) =>
    claimsOfParent(db, visibility, parent, filter, parentId),
  );
}

export type NewClaim = Insertable<ClaimTable>;
export type ClaimUpdate = Updateable<ClaimTable>;

/** The briefing of a claim the caller may see (read first, so writers can lock the briefing first). */
export async function findVisibleClaimBriefingId(
  db: Executor,
  visibility: Visibility,
  claimId: number,
): Promise<number | undefined> {
  const row = await visibleClaims(db, visibility)
    .select('claim.briefing_id')
    .where('claim.id', '=', claimId)
    .executeTakeFirst();
  return row?.briefing_id;
}

/** Every claim of a briefing, whoever may see it, in its order. */
function claimsOfBriefing(db: Executor, briefingId: number) {
  return db
    .selectFrom('claim')
    .select(QUALIFIED_CLAIM_COLUMNS)
    .where('claim.briefing_id', '=', briefingId)
    .orderBy('claim.position');
}

/** Every claim of a briefing, whoever may see it, in its order (the seed's audit snapshots). */
export async function findAllClaimsOfBriefing(
  db: Executor,
  briefingId: number,
): Promise<ClaimRow[]> {
  return claimsOfBriefing(db, briefingId).execute();
}

/**
 * Every claim of a briefing that quotes its body, whoever may see it, locked: a body edit must
 * move all their spans.
 */
export async function lockQuotedClaimsOfBriefing(
  db: Executor,
  briefingId: number,
): Promise<ClaimRow[]> {
  return claimsOfBriefing(db, briefingId)
    .where('claim.span_start', 'is not', null)
    .forUpdate()
    .execute();
}

/** The position after the briefing's last claim (hidden ones included: positions are unique). */
export async function nextClaimPosition(db: Executor, briefingId: number): Promise<number> {
  const row = await db
    .selectFrom('claim')
    .select(sql<number>`coalesce(max(position) + 1, 0)`.as('next'))
    .where('briefing_id', '=', briefingId)
    .executeTakeFirstOrThrow();
  return Number(row.next);
}

export async function insertClaim(db: Executor, values: NewClaim): Promise<ClaimRow> {
  return db
    .insertInto('claim')
    .values(values)
    .returning(QUALIFIED_CLAIM_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Applies the update only at `expectedVersion`, bumping it; a ConflictError when the version moved on. */
export const updateClaimAtVersion = updaterAtVersion({
  typename: 'Claim',
  update: (db) => db.updateTable('claim'),
  returning: (update) => update.returning(QUALIFIED_CLAIM_COLUMNS),
});

export async function deleteClaim(db: Executor, id: number): Promise<void> {
  await db.deleteFrom('claim').where('id', '=', id).execute();
}

/** How many actor relationships cite the claim as evidence: all, and those the caller may see. */
export async function countEvidenceLinks(
  db: Executor,
  visibility: Visibility,
  claimId: number,
): Promise<{ all: number; visible: number }> {
  const row = await db
    .selectFrom('relationship_evidence')
    .select((eb) => [
      eb.fn.countAll<number>().as('all'),
      eb.fn
        .countAll<number>()
        .filterWhere(
          'relationship_evidence.relationship_id',
          'in',
          visibleRelationshipIds(db, visibility),
        )
        .as('visible'),
    ])
    .where('relationship_evidence.claim_id', '=', claimId)
    .executeTakeFirstOrThrow();
  return { all: Number(row.all), visible: Number(row.visible) };
}

/** Objects and every citation of a claim (hidden sources included), as the audit log records them. */
export async function findClaimLinks(
  db: Executor,
  claimId: number,
): Promise<{ objectIds: number[]; citations: CitationRow[] }> {
  const [links] = await findClaimsLinks(db, [claimId]);
  return links ?? { objectIds: [], citations: [] };
}

/** findClaimLinks for several claims, in their order, in two statements. */
export async function findClaimsLinks(
  db: Executor,
  claimIds: readonly number[],
): Promise<{ objectIds: number[]; citations: CitationRow[] }[]> {
  const objects = await findObjectIdsByClaimIds(db, claimIds);
  const citations = await db
    .selectFrom('citation')
    .selectAll()
    .where('claim_id', '=', anyId(claimIds))
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
  return claimIds.map((claimId) => ({
    objectIds: objects.filter((o) => o.claim_id === claimId).map((o) => o.actor_id),
    citations: citations.filter((c) => c.claim_id === claimId),
  }));
}
