import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  paginate,
  paginatePerParent,
  type Ordering,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { ActorRelationshipTable } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';

export type ActorRelationshipRow = Omit<Selectable<ActorRelationshipTable>, 'valid_period'>;
export type ActorRelationshipPageRow = ActorRelationshipRow & SortKeyed;

export type RelationshipDirection = 'OUTGOING' | 'INCOMING' | 'BOTH';

export interface ActorRelationshipFilter {
  types?: readonly string[] | null;
  /** With `direction`: relationships from (OUTGOING), to (INCOMING) or touching (BOTH) this actor. */
  actorId?: number | null;
  direction?: RelationshipDirection | null;
  /** Relationships in force on this day (those with no valid time at all are kept: not known to be out of force). */
  asOf?: string | null;
}

export const RELATIONSHIP_ORDERINGS = {
  VALID_FROM_ASC: {
    name: 'VALID_FROM_ASC',
    keys: [sql`coalesce(actor_relationship.valid_from, '-infinity'::date)`],
    id: sql.ref('actor_relationship.id'),
    descending: false,
  },
  TYPE_ASC: {
    name: 'TYPE_ASC',
    keys: [sql.ref('actor_relationship.type')],
    id: sql.ref('actor_relationship.id'),
    descending: false,
  },
  CREATED_AT_DESC: {
    name: 'CREATED_AT_DESC',
    keys: [sql.ref('actor_relationship.created_at')],
    id: sql.ref('actor_relationship.id'),
    descending: true,
  },
} satisfies Record<string, Ordering>;
export type RelationshipOrder = keyof typeof RELATIONSHIP_ORDERINGS;

const RELATIONSHIP_COLUMNS = [
  'actor_relationship.id',
  'actor_relationship.from_actor_id',
  'actor_relationship.to_actor_id',
  'actor_relationship.type',
  'actor_relationship.valid_from',
  'actor_relationship.valid_from_precision',
  'actor_relationship.valid_to',
  'actor_relationship.valid_to_precision',
  'actor_relationship.valid_time_note',
  'actor_relationship.confidence',
  'actor_relationship.attributes',
  'actor_relationship.description',
  'actor_relationship.marking',
  'actor_relationship.created_at',
  'actor_relationship.updated_at',
  'actor_relationship.version',
] as const;

/** A relationship is visible when it and both its ends are. */
function visibleRelationships(
  db: Executor,
  visibility: Visibility,
  filter: ActorRelationshipFilter = {},
) {
  let query = db
    .selectFrom('actor_relationship')
    .innerJoin('actor as from_actor', 'from_actor.id', 'actor_relationship.from_actor_id')
    .innerJoin('actor as to_actor', 'to_actor.id', 'actor_relationship.to_actor_id')
    .where('actor_relationship.marking', 'in', visibility.markings)
    .where('from_actor.marking', 'in', visibility.markings)
    .where('to_actor.marking', 'in', visibility.markings);
  if (filter.types?.length) query = query.where('actor_relationship.type', 'in', filter.types);
  if (filter.asOf) {
    const asOf = filter.asOf;
    query = query.where((eb) =>
      eb.or([
        eb('actor_relationship.valid_period', 'is', null),
        eb(sql`actor_relationship.valid_period`, '@>', sql`${asOf}::date`),
      ]),
    );
  }
  const { actorId } = filter;
  if (actorId != null) {
    const direction = filter.direction ?? 'BOTH';
    query = query.where((eb) => {
      const outgoing = eb('actor_relationship.from_actor_id', '=', actorId);
      const incoming = eb('actor_relationship.to_actor_id', '=', actorId);
      return direction === 'OUTGOING'
        ? outgoing
        : direction === 'INCOMING'
          ? incoming
          : eb.or([outgoing, incoming]);
    });
  }
  return query;
}

export async function findRelationshipsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<ActorRelationshipRow[]> {
  return visibleRelationships(db, visibility)
    .select(RELATIONSHIP_COLUMNS)
    .where('actor_relationship.id', 'in', ids)
    .execute();
}

export async function findRelationshipsPage(
  db: Executor,
  visibility: Visibility,
  filter: ActorRelationshipFilter,
  order: RelationshipOrder,
  window: PageWindow,
): Promise<ActorRelationshipPageRow[]> {
  return paginate(
    visibleRelationships(db, visibility, filter).select(RELATIONSHIP_COLUMNS),
    RELATIONSHIP_ORDERINGS[order],
    window,
  ).execute();
}

export async function countRelationships(
  db: Executor,
  visibility: Visibility,
  filter: ActorRelationshipFilter,
): Promise<number> {
  const row = await visibleRelationships(db, visibility, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

/** Relationships touching each actor, joined to that actor's id so one statement serves every actor. */
function relationshipsOfActors(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
) {
  const direction = filter.direction ?? 'BOTH';
  const outgoing = db
    .selectFrom('actor_relationship')
    .select([
      'actor_relationship.id as relationship_id',
      'actor_relationship.from_actor_id as parent_id',
    ])
    .where('actor_relationship.from_actor_id', 'in', actorIds);
  const incoming = db
    .selectFrom('actor_relationship')
    .select([
      'actor_relationship.id as relationship_id',
      'actor_relationship.to_actor_id as parent_id',
    ])
    .where('actor_relationship.to_actor_id', 'in', actorIds);
  const links =
    direction === 'OUTGOING'
      ? outgoing
      : direction === 'INCOMING'
        ? incoming
        : outgoing.union(incoming);
  return visibleRelationships(db, visibility, filter).innerJoin(
    links.as('link'),
    'link.relationship_id',
    'actor_relationship.id',
  );
}

export async function findRelationshipsPagePerActor(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
  order: RelationshipOrder,
  window: PageWindow,
): Promise<(ActorRelationshipPageRow & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    relationshipsOfActors(db, visibility, actorIds, filter).select([
      ...RELATIONSHIP_COLUMNS,
      'link.parent_id',
    ]),
    RELATIONSHIP_ORDERINGS[order],
    window,
    sql.ref('link.parent_id'),
  ).execute();
}

export async function countRelationshipsPerActor(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: Omit<ActorRelationshipFilter, 'actorId'>,
): Promise<{ parent_id: number; count: number }[]> {
  const rows = await relationshipsOfActors(db, visibility, actorIds, filter)
    .select(['link.parent_id', (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy('link.parent_id')
    .execute();
  return rows.map((row) => ({ parent_id: Number(row.parent_id), count: Number(row.count) }));
}

export async function findEvidenceClaimIds(
  db: Executor,
  relationshipIds: readonly number[],
): Promise<{ relationship_id: number; claim_id: number }[]> {
  return db
    .selectFrom('relationship_evidence')
    .select(['relationship_id', 'claim_id'])
    .where('relationship_id', 'in', relationshipIds)
    .orderBy('relationship_id')
    .orderBy('claim_id')
    .execute();
}
