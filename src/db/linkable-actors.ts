import { sql } from 'kysely';
import { anyId } from './any-id.js';
import type { Executor } from './executor.js';
import { sharedRecordVisible, type Visibility } from './visibility.js';

/**
 * The actors `ids` stand for (each one's survivor when merged), share-locked so a concurrent
 * merge finishes first or waits; ids the caller may not see are missing from the answer. Shared
 * by the writers that link other records to actors (source links, participants), which live in
 * other domain folders than actors/.
 */
export async function lockLinkableActors(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<{ requested_id: number; actor_id: number }[]> {
  if (ids.length === 0) return [];
  return db
    .selectFrom('actor as requested')
    .innerJoin('actor', (join) =>
      join.on('actor.id', '=', sql<number>`coalesce(requested.merged_into_id, requested.id)`),
    )
    .select(['requested.id as requested_id', 'actor.id as actor_id'])
    .where('requested.id', '=', anyId(ids))
    .where(sharedRecordVisible(visibility, 'requested'))
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null)
    .orderBy('actor.id')
    .forShare()
    .execute();
}
