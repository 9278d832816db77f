import { sql } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { Precision } from '../db/types.js';
import {
  timelineColumns,
  timelinePage,
  type TimelineEventRow,
  type TimelineWindow,
} from '../db/timeline.js';
import type { Visibility } from '../db/visibility.js';
import { visibleRelationships } from './actor-relationship.repository.js';

/**
 * A page of the starts and ends of the visible relationships at either end of an actor (a merged
 * actor's id stands for its survivor), each event dated by its bound; an undated bound is none.
 */
export async function findRelationshipEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  bounds: { starts: boolean; ends: boolean },
  window: TimelineWindow,
): Promise<TimelineEventRow[]> {
  const linked = () => visibleRelationships(db, visibility, { actorId });
  const id = sql.ref<number>('actor_relationship.id');
  const starts = linked()
    .select(
      timelineColumns(
        'RELATIONSHIP_START',
        id,
        sql<string | null>`actor_relationship.valid_from`,
        sql<Precision | null>`actor_relationship.valid_from_precision`,
      ),
    )
    .where('actor_relationship.valid_from', 'is not', null)
    .where('actor_relationship.valid_from_precision', 'is not', null)
    .where(sql.lit(bounds.starts));
  const ends = linked()
    .select(
      timelineColumns(
        'RELATIONSHIP_END',
        id,
        sql<string | null>`actor_relationship.valid_to`,
        sql<Precision | null>`actor_relationship.valid_to_precision`,
      ),
    )
    .where('actor_relationship.valid_to', 'is not', null)
    .where('actor_relationship.valid_to_precision', 'is not', null)
    .where(sql.lit(bounds.ends));
  return timelinePage(db, starts.unionAll(ends), window);
}
