import { ascending, defineOrderings, descending } from '../db/orderings.js';
import {
  type ActorRelationshipRow,
  type ActorRow,
  QUALIFIED_RELATIONSHIP_COLUMNS,
  type ActorColumn,
  type RelationshipColumn,
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
import type { ActorRelationshipTable, DB, ParticipantRole } from '../db/types.js';
import { relationshipEndColumns } from '../common/field-columns.js';
import type { Visibility } from '../db/visibility.js';
import { visibleSurvivorId } from '../visibility/visible-actors.js';
import { visibleRelationshipRows } from '../visibility/visible-relationships.js';
import { anyId } from '../db/any-id.js';
import { visibleListing } from '../db/visible-listing.js';
import { updaterAtVersion } from '../db/at-version.js';
import { changedSince } from '../db/changed-since.js';

export type { ActorRelationshipRow };
export type ActorRelationshipPageRow = ActorRelationshipRow & SortKeyed;

export type RelationshipDirection = 'OUTGOING' | 'INCOMING' | 'BOTH';

export interface ActorRelationshipFilter {
  /** Only records changed at or after this instant (the change feed's `at`). */
  updatedSince?: Date | null;
  types?: readonly string[] | null;
  /** With `direction`: relationships from (OUTGOING), to (INCOMING) or touching (BOTH) this actor. */
  actorId?: number | null;
  direction?: RelationshipDirection | null;
  /**
   * Relationships in force on this day; those with an UNKNOWN or UNDISCLOSED bound, or no valid
   * time at all, only with `includeUndated` (an unknown bound then counts as open).
   */
  asOf?: string | null;
  /**
   * Relationships in force at some time in [from, to] (either end open), with `asOf`'s
   * treatment of unknown dates; never together with `asOf`.
   */
  validDuring?: { from: string | null; to: string | null } | null;
  includeUndated?: boolean | null;
  /** Relationships this actor takes part in beyond the two ends, in one of `participantRoles`. */
  participantId?: number | null;
  participantRoles?: readonly ParticipantRole[] | null;
}

export const RELATIONSHIP_ORDERINGS = defineOrderings('ActorRelationship', 'actor_relationship', {
  VALID_FROM_ASC: ascending(sql`coalesce(actor_relationship.valid_from, '-infinity'::date)`),
  TYPE_ASC: ascending(sql.ref('actor_relationship.type')),
  CREATED_AT_DESC: descending(sql.ref('actor_relationship.created_at')),
});
export type RelationshipOrder = keyof typeof RELATIONSHIP_ORDERINGS;

/** The relationship runs from (OUTGOING), to (INCOMING) or either way from (BOTH) the actor. */
function touchesActor(
  eb: ExpressionBuilder<DB, 'actor_relationship'>,
  direction: RelationshipDirection,
  actorId: RawBuilder<number>,
) {
  const outgoing = eb('actor_relationship.from_actor_id', '=', actorId);
  const incoming = eb('actor_relationship.to_actor_id', '=', actorId);
  return direction === 'OUTGOING'
    ? outgoing
    : direction === 'INCOMING'
      ? incoming
      : eb.or([outgoing, incoming]);
}

/** The visible relationships (visibleRelationshipRows) narrowed by a list filter. */
export function visibleRelationships(
  db: Executor,
  visibility: Visibility,
  filter: ActorRelationshipFilter = {},
) {
  let query = visibleRelationshipRows(db, visibility);
  if (filter.types?.length) query = query.where('actor_relationship.type', 'in', filter.types);
  if (filter.updatedSince) {
    const since = filter.updatedSince;
    query = query.where(changedSince('ActorRelationship', sql.ref('actor_relationship.id'), since));
  }
  const period = filter.asOf
    ? sql<boolean>`actor_relationship.valid_period @> ${filter.asOf}::date`
    : filter.validDuring
      ? sql<boolean>`actor_relationship.valid_period && daterange(${filter.validDuring.from}::date, ${filter.validDuring.to}::date, '[]')`
      : null;
  if (period) {
    const undated = ['UNKNOWN', 'UNDISCLOSED'] as const;
    // Unknown bounds are stored without a date, which valid_period reads as open: such
    // relationships are left out unless asked for.
    query = query.where((eb) =>
      filter.includeUndated
        ? eb.or([eb('actor_relationship.valid_period', 'is', null), eb(period, '=', true)])
        : eb.and([
            eb(period, '=', true),
            eb('actor_relationship.valid_from_bound', 'not in', undated),
            eb('actor_relationship.valid_to_bound', 'not in', undated),
          ]),
    );
  }
  if (filter.participantId != null) {
    // As `actorId`: a merged actor's id stands for its survivor, a hidden actor matches nothing.
    const actorId = visibleSurvivorId(db, visibility, filter.participantId);
    const roles = filter.participantRoles;
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('relationship_participant as taking_part')
          .select(sql.lit(1).as('one'))
          .whereRef('taking_part.relationship_id', '=', 'actor_relationship.id')
          .where('taking_part.actor_id', '=', actorId)
          .$if(Boolean(roles?.length), (q) => q.where('taking_part.role', 'in', roles ?? [])),
      ),
    );
  }
  if (filter.actorId != null) {
    // A merged actor's id filters on its survivor, which now holds its relationships; an actor
    // the caller may not see (or one merged into such) matches nothing, like an unknown id.
    const actorId = visibleSurvivorId(db, visibility, filter.actorId);
    query = query.where((eb) => touchesActor(eb, filter.direction ?? 'BOTH', actorId));
  }
  return query;
}

const RELATIONSHIPS = visibleListing({
  table: 'actor_relationship',
  visible: visibleRelationships,
  select: (rows) => rows.selectAll('actor_relationship').select(relationshipEndColumns()),
});
export const { rowsQuery: relationshipRowsQuery, byIdQuery: relationshipByIdQuery } = RELATIONSHIPS;

/** One actor's relationships in a direction; `actorId` is the per-parent query's current actor. */
function relationshipsOfActor(
  db: Executor,
  visibility: Visibility,
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
  actorId: RawBuilder<number>,
) {
  return visibleRelationships(db, visibility, filter).where((eb) =>
    touchesActor(eb, filter.direction ?? 'BOTH', actorId),
  );
}

/** One actor's visible relationships' rows, unordered: a nested list for compiled reads. */
export function relationshipRowsOfActorQuery(
  db: Executor,
  visibility: Visibility,
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
  actorId: RawBuilder<number>,
) {
  return relationshipsOfActor(db, visibility, filter, actorId)
    .selectAll('actor_relationship')
    .select(relationshipEndColumns());
}

type End = 'from_actor' | 'to_actor';
type ActorJson = Omit<ActorRow, 'created_at' | 'updated_at'> & {
  created_at: string;
  updated_at: string;
};

/**
 * One end's actor row as JSON, with the columns asked for (names from our own constant list,
 * never from a request); timestamps arrive as text and are revived below. Typed over every
 * column: findRelationshipsPagePerActor's return type narrows it to those asked for.
 */
function endActorJson(end: End, columns: readonly ActorColumn[]) {
  return sql<ActorJson>`json_build_object(${sql.join(
    columns.map((column) => sql`${sql.lit(column)}, ${sql.ref(`${end}.${column}`)}`),
  )})`;
}

function reviveActor(json: ActorJson): ActorRow {
  // A timestamp not asked for is absent and becomes an Invalid Date, which the narrowed row
  // type leaves out.
  return { ...json, created_at: new Date(json.created_at), updated_at: new Date(json.updated_at) };
}

export type RelationshipWithEnds<
  R extends RelationshipColumn = RelationshipColumn,
  A extends ActorColumn = ActorColumn,
> = Pick<ActorRelationshipRow, R> &
  SortKeyed & {
    parent_id: number;
    from_actor: Pick<ActorRow, A>;
    to_actor: Pick<ActorRow, A>;
  };

/**
 * A page of relationships per actor, each with the rows of both its ends (which the visibility
 * joins read anyway), so `from`/`to` need no statement of their own.
 */
export async function findRelationshipsPagePerActor<
  R extends RelationshipColumn,
  A extends ActorColumn,
>(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
  order: RelationshipOrder,
  window: PageWindow,
  columns: { relationship: readonly R[]; actor: readonly A[] },
): Promise<RelationshipWithEnds<R, A>[]> {
  // Typed over every column (Kysely cannot resolve a generic selection); the return type narrows.
  const relationshipColumns: readonly RelationshipColumn[] = columns.relationship;
  const rows = await paginatePerParent(
    db,
    actorIds,
    (actorId) =>
      relationshipsOfActor(db, visibility, filter, actorId).select([
        ...relationshipColumns.map((name) => `actor_relationship.${name}` as const),
        endActorJson('from_actor', columns.actor).as('from_actor'),
        endActorJson('to_actor', columns.actor).as('to_actor'),
      ]),
    RELATIONSHIP_ORDERINGS[order],
    window,
  );
  return rows.map(({ from_actor, to_actor, ...relationship }) => ({
    ...relationship,
    from_actor: reviveActor(from_actor),
    to_actor: reviveActor(to_actor),
  }));
}

export async function countRelationshipsPerActor(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, actorIds, (actorId) =>
    relationshipsOfActor(db, visibility, filter, actorId),
  );
}

export async function findEvidenceClaimIds(
  db: Executor,
  relationshipIds: readonly number[],
): Promise<{ relationship_id: number; claim_id: number }[]> {
  return db
    .selectFrom('relationship_evidence')
    .select(['relationship_id', 'claim_id'])
    .where('relationship_id', '=', anyId(relationshipIds))
    .orderBy('relationship_id')
    .orderBy('claim_id')
    .execute();
}

export type NewRelationship = Insertable<ActorRelationshipTable>;
export type RelationshipUpdate = Updateable<ActorRelationshipTable>;

export async function insertRelationship(
  db: Executor,
  values: NewRelationship,
): Promise<ActorRelationshipRow> {
  return db
    .insertInto('actor_relationship')
    .values(values)
    .returning(QUALIFIED_RELATIONSHIP_COLUMNS)
    .executeTakeFirstOrThrow();
}

/** Applies the update only at `expectedVersion`, bumping it; a ConflictError when the version moved on. */
export const updateRelationshipAtVersion = updaterAtVersion({
  typename: 'ActorRelationship',
  update: (db) => db.updateTable('actor_relationship'),
  returning: (update) => update.returning(QUALIFIED_RELATIONSHIP_COLUMNS),
});

export async function replaceEvidence(
  db: Executor,
  relationshipId: number,
  claimIds: readonly number[],
): Promise<void> {
  await db
    .deleteFrom('relationship_evidence')
    .where('relationship_id', '=', relationshipId)
    .execute();
  if (claimIds.length === 0) return;
  await db
    .insertInto('relationship_evidence')
    .values(claimIds.map((claimId) => ({ relationship_id: relationshipId, claim_id: claimId })))
    .execute();
}

/**
 * Every relationship from or to the actor, whatever its marking (a merge must move them all),
 * locked for the rest of the transaction.
 */
export async function lockRelationshipsOfActor(
  db: Executor,
  actorId: number,
): Promise<ActorRelationshipRow[]> {
  return db
    .selectFrom('actor_relationship')
    .select(QUALIFIED_RELATIONSHIP_COLUMNS)
    .where((eb) =>
      eb.or([
        eb('actor_relationship.from_actor_id', '=', actorId),
        eb('actor_relationship.to_actor_id', '=', actorId),
      ]),
    )
    .orderBy('actor_relationship.id')
    .forNoKeyUpdate()
    .execute();
}

/** Deletes relationships; their evidence links go with them (ON DELETE CASCADE). */
export async function deleteRelationships(db: Executor, ids: readonly number[]): Promise<void> {
  if (ids.length === 0) return;
  await db.deleteFrom('actor_relationship').where('id', '=', anyId(ids)).execute();
}

/** Re-points both ends of every relationship from `fromId` to `toId`, bumping versions. */
export async function moveRelationshipEnds(
  db: Executor,
  fromId: number,
  toId: number,
): Promise<ActorRelationshipRow[]> {
  const moved = (column: 'from_actor_id' | 'to_actor_id') =>
    sql<number>`case when ${sql.ref(column)} = ${fromId} then ${toId} else ${sql.ref(column)} end`;
  return db
    .updateTable('actor_relationship')
    .set({
      from_actor_id: moved('from_actor_id'),
      to_actor_id: moved('to_actor_id'),
      version: sql`version + 1`,
      updated_at: sql`now()`,
    })
    .where((eb) => eb.or([eb('from_actor_id', '=', fromId), eb('to_actor_id', '=', fromId)]))
    .returning(QUALIFIED_RELATIONSHIP_COLUMNS)
    .execute();
}
