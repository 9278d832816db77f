import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import { type ActorRelationshipRow, QUALIFIED_RELATIONSHIP_COLUMNS } from '../db/rows.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';

/**
 * Relationships the caller may see, unfiltered: a relationship is visible when it and both its
 * ends are (clearance and embargo). actors/ narrows it by its list filter.
 */
export function visibleRelationshipRows(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('actor_relationship')
    .innerJoin('actor as from_actor', 'from_actor.id', 'actor_relationship.from_actor_id')
    .innerJoin('actor as to_actor', 'to_actor.id', 'actor_relationship.to_actor_id')
    .where(sharedRecordVisible(visibility, 'actor_relationship'))
    .where(sharedRecordVisible(visibility, 'from_actor'))
    .where(sharedRecordVisible(visibility, 'to_actor'));
}

/** Ids of the relationships the caller may see, as a subquery. */
export function visibleRelationshipIds(db: Executor, visibility: Visibility) {
  return visibleRelationshipRows(db, visibility).select('actor_relationship.id as id');
}

/** The relationship as the caller may see it (it and both ends), locked for the transaction. */
export async function lockVisibleRelationship(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<ActorRelationshipRow | undefined> {
  return visibleRelationshipRows(db, visibility)
    .select(QUALIFIED_RELATIONSHIP_COLUMNS)
    .where('actor_relationship.id', '=', id)
    .forNoKeyUpdate('actor_relationship')
    .executeTakeFirst();
}

/** Visible relationships by id, in no particular order; a hidden or unknown id is left out. */
export async function findRelationshipsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<ActorRelationshipRow[]> {
  return visibleRelationshipRows(db, visibility)
    .select(QUALIFIED_RELATIONSHIP_COLUMNS)
    .where('actor_relationship.id', '=', anyId(ids))
    .execute();
}
