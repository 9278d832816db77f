import { sql, type RawBuilder } from 'kysely';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { ActorRow } from '../db/rows.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';

/**
 * Actors the caller may see in lists (clearance and embargo), unfiltered: merged ones live on
 * only through their survivor. actors/ narrows it by its list filter.
 */
export function visibleActorRows(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('actor')
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null);
}

/**
 * `requested` joined to the actor that answers for it: itself, or its survivor when it was
 * merged. Both must be visible (clearance and embargo).
 */
export function visibleSurvivors(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('actor as requested')
    .innerJoin('actor', (join) =>
      join.on('actor.id', '=', sql<number>`coalesce(requested.merged_into_id, requested.id)`),
    )
    .where(sharedRecordVisible(visibility, 'requested'))
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null);
}

/**
 * The id of the actor that answers for `id` (its survivor when merged) as a scalar subquery,
 * NULL when the caller may not see it or it never existed: a filter on it then matches
 * nothing, so a hidden id behaves exactly like an unknown one.
 */
export function visibleSurvivorId(
  db: Executor,
  visibility: Visibility,
  id: number,
): RawBuilder<number> {
  return sql<number>`(${visibleSurvivors(db, visibility).select('actor.id').where('requested.id', '=', id)})`;
}

/** Ids of every actor row (merged ones included) the caller may see, as a subquery. */
export function visibleActorIds(db: Executor, visibility: Visibility) {
  return visibleSurvivors(db, visibility).select('requested.id');
}

/**
 * Visible actors by id, each with the id it was asked for: a merged actor's id yields its
 * survivor's row, so ids handed out before a merge keep working. Both the requested row and
 * the survivor must be visible.
 */
export async function findActorsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<(ActorRow & { requested_id: number })[]> {
  return visibleSurvivors(db, visibility)
    .selectAll('actor')
    .select('requested.id as requested_id')
    .where('requested.id', '=', anyId(ids))
    .execute();
}

/**
 * The rows (merged or not) the caller may see, locked for the rest of the transaction in id
 * order, so that two merges over the same actors queue instead of deadlocking.
 */
export async function lockVisibleActors(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<ActorRow[]> {
  return db
    .selectFrom('actor')
    .selectAll()
    .where('id', '=', anyId(ids))
    .where(sharedRecordVisible(visibility, 'actor'))
    .orderBy('id')
    .forNoKeyUpdate()
    .execute();
}
