import { sql, type RawBuilder } from 'kysely';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { ParticipantRole } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import type { ParticipantRow } from '../common/participant.schema.js';

// A relationship's participants beyond its two ends (relationship_participant). A participant shows
// only when its actor is visible to the caller; merges move participants to survivors.

function visibleParticipants(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('relationship_participant as p')
    .innerJoin('actor', 'actor.id', 'p.actor_id')
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null)
    .select(['p.relationship_id as parent_id', 'p.actor_id', 'p.role', 'p.position', 'p.note']);
}

/** One relationship's visible participants in order as `list_rank`, at most `cap` (compiled reads). */
export function participantsOfRelationshipQuery(
  db: Executor,
  visibility: Visibility,
  relationshipId: RawBuilder<number>,
  cap: number,
) {
  return visibleParticipants(db, visibility)
    .select(sql<number>`row_number() over (order by p.position)`.as('list_rank'))
    .where('p.relationship_id', '=', relationshipId)
    .orderBy('p.position')
    .limit(cap);
}

export async function findParticipantsByRelationshipIds(
  db: Executor,
  visibility: Visibility,
  relationshipIds: readonly number[],
): Promise<ParticipantRow[]> {
  return visibleParticipants(db, visibility)
    .where('p.relationship_id', '=', anyId(relationshipIds))
    .orderBy('p.relationship_id')
    .orderBy('p.position')
    .execute();
}

/** Every participant of one relationship, visible or not (audit snapshot, replacement). */
export async function findAllParticipantsOfRelationship(
  db: Executor,
  relationshipId: number,
): Promise<ParticipantRow[]> {
  return findAllParticipantsOfRelationships(db, [relationshipId]);
}

/** Every participant of these relationships, visible or not, by relationship then position. */
export async function findAllParticipantsOfRelationships(
  db: Executor,
  relationshipIds: readonly number[],
): Promise<ParticipantRow[]> {
  return db
    .selectFrom('relationship_participant')
    .select(['relationship_id as parent_id', 'actor_id', 'role', 'position', 'note'])
    .where('relationship_id', '=', anyId(relationshipIds))
    .orderBy('relationship_id')
    .orderBy('position')
    .execute();
}

export async function replaceRelationshipParticipants(
  db: Executor,
  relationshipId: number,
  participants: readonly { actorId: number; role: ParticipantRole; note: string | null }[],
): Promise<void> {
  await db
    .deleteFrom('relationship_participant')
    .where('relationship_id', '=', relationshipId)
    .execute();
  if (participants.length === 0) return;
  await db
    .insertInto('relationship_participant')
    .values(
      participants.map((p, position) => ({
        relationship_id: relationshipId,
        actor_id: p.actorId,
        role: p.role,
        note: p.note,
        position,
      })),
    )
    .execute();
}
