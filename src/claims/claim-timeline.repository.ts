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
import { claimRowsQuery } from './claim.repository.js';

/**
 * The visible claims involving an actor (subject or object; a merged actor's id stands for its
 * survivor), as timeline events dated by the start of their valid time, or its end when only
 * that is known. Claims with no dated valid time have no place on a timeline.
 */
function claimEventsOfActor(db: Executor, visibility: Visibility, actorId: number) {
  const date = sql<string | null>`coalesce(claim.valid_from, claim.valid_to)`;
  const precision = sql<Precision | null>`case when claim.valid_from is not null
    then claim.valid_from_precision else claim.valid_to_precision end`;
  return claimRowsQuery(db, visibility, { actor: { id: actorId, role: 'ANY' } })
    .clearSelect()
    .select(timelineColumns('CLAIM', sql.ref('claim.id'), date, precision))
    .where(date, 'is not', null)
    .where(precision, 'is not', null);
}

/** A page of an actor's claim events. */
export async function findClaimEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  window: TimelineWindow,
): Promise<TimelineEventRow[]> {
  return timelinePage(db, claimEventsOfActor(db, visibility, actorId), window);
}

/** How many claim events an actor has in the range. */
export async function countClaimEventsOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: number,
  range: TimelineRange,
): Promise<number> {
  return timelineCount(db, claimEventsOfActor(db, visibility, actorId), range);
}
