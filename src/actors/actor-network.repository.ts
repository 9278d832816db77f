import { sql } from 'kysely';
import { visibleRelationships } from './actor-relationship.repository.js';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';

/** Which relationships a walk may follow. */
export interface WalkFilter {
  /** In force on this day (those of unknown date only with `includeUndated`, as `relationships(asOf:)`). */
  asOf: string | null;
  includeUndated: boolean;
  types: readonly string[] | null;
  minConfidence: number | null;
}

/** An actor one hop beyond the frontier, reached through `relationshipId` from `parentId`. */
export interface Discovered {
  actorId: number;
  parentId: number;
  relationshipId: number;
  /** How many new actors this level had before the cap. */
  discovered: number;
}

function followable(db: Executor, visibility: Visibility, filter: WalkFilter) {
  let query = visibleRelationships(db, visibility, {
    asOf: filter.asOf,
    includeUndated: filter.includeUndated,
    types: filter.types,
  });
  if (filter.minConfidence !== null)
    query = query.where('actor_relationship.confidence', '>=', filter.minConfidence);
  return query;
}

/**
 * One breadth-first level in one statement: the visible actors linked to the frontier in either
 * direction and not yet visited, each once (through its most confident link), at most `cap`
 * of them, most confident first. A hub's thousands of links cost one indexed scan here, not a
 * path per link as a recursive CTE would enumerate.
 */
export async function nextLevel(
  db: Executor,
  visibility: Visibility,
  frontier: readonly number[],
  visited: readonly number[],
  filter: WalkFilter,
  cap: number,
): Promise<Discovered[]> {
  if (frontier.length === 0) return [];
  const frontierIds = [...frontier];
  const touching = followable(db, visibility, filter)
    .where((eb) =>
      eb.or([
        eb('actor_relationship.from_actor_id', '=', anyId(frontierIds)),
        eb('actor_relationship.to_actor_id', '=', anyId(frontierIds)),
      ]),
    )
    .select([
      sql<number>`case when actor_relationship.from_actor_id = ${anyId(frontierIds)} then actor_relationship.to_actor_id else actor_relationship.from_actor_id end`.as(
        'actor_id',
      ),
      sql<number>`case when actor_relationship.from_actor_id = ${anyId(frontierIds)} then actor_relationship.from_actor_id else actor_relationship.to_actor_id end`.as(
        'parent_id',
      ),
      'actor_relationship.id as relationship_id',
      'actor_relationship.confidence',
    ]);
  const best = db
    .selectFrom(touching.as('touching'))
    .where('touching.actor_id', '<>', sql<number>`all(${[...visited]}::bigint[])`)
    .distinctOn('touching.actor_id')
    .select(['actor_id', 'parent_id', 'relationship_id', 'confidence'])
    .orderBy('touching.actor_id')
    .orderBy(sql`touching.confidence desc nulls last`)
    .orderBy('touching.relationship_id');
  const rows = await db
    .selectFrom(best.as('best'))
    .select([
      'best.actor_id',
      'best.parent_id',
      'best.relationship_id',
      sql<string>`count(*) over ()`.as('discovered'),
    ])
    .orderBy(sql`best.confidence desc nulls last`)
    .orderBy('best.actor_id')
    .limit(cap)
    .execute();
  return rows.map((row) => ({
    actorId: Number(row.actor_id),
    parentId: Number(row.parent_id),
    relationshipId: Number(row.relationship_id),
    discovered: Number(row.discovered),
  }));
}

/** The followable relationships with both ends among `actorIds`, at most `cap`, by id. */
export async function relationshipIdsAmong(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: WalkFilter,
  cap: number,
): Promise<number[]> {
  const ids = [...actorIds];
  const rows = await followable(db, visibility, filter)
    .where('actor_relationship.from_actor_id', '=', anyId(ids))
    .where('actor_relationship.to_actor_id', '=', anyId(ids))
    .select('actor_relationship.id')
    .orderBy('actor_relationship.id')
    .limit(cap)
    .execute();
  return rows.map((row) => Number(row.id));
}
