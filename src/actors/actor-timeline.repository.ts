import { sql } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { Precision } from '../db/types.js';
import {
  timelineColumns,
  timelineCount,
  timelinePage,
  type TimelineEventRow,
  type TimelineRange,
  type TimelineWindow,
} from '../db/timeline.js';
import type { Visibility } from '../db/visibility.js';
import { visibleRelationships } from './actor-relationship.repository.js';

/** Which bounds of an actor's relationships make events. */
export interface RelationshipBounds {
  starts: boolean;
  ends: boolean;
}

/**
 * The starts and ends of the visible relationships at either end of an actor (a merged actor's
 * id stands for its survivor), each event dated by its bound; an undated bound is none.
 */
function relationshipEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  bounds: RelationshipBounds,
) {
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
  return starts.unionAll(ends);
}

/** A page of an actor's relationship events. */
export async function findRelationshipEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  bounds: RelationshipBounds,
  window: TimelineWindow,
): Promise<TimelineEventRow[]> {
  return timelinePage(db, relationshipEventsOfActor(db, visibility, actorId, bounds), window);
}

/** How many relationship events an actor has in the range. */
export async function countRelationshipEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  bounds: RelationshipBounds,
  range: TimelineRange,
): Promise<number> {
  return timelineCount(db, relationshipEventsOfActor(db, visibility, actorId, bounds), range);
}
