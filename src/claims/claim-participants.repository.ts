import { sql, type RawBuilder } from 'kysely';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { ParticipantRole } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import type { ParticipantRow } from '../common/participant.schema.js';

// A claim's participants beyond subject and objects (claim_participant). A participant shows
// only when its actor is visible to the caller; merges move participants to survivors.

function visibleParticipants(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('claim_participant as p')
    .innerJoin('actor', 'actor.id', 'p.actor_id')
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null)
    .select(['p.claim_id as parent_id', 'p.actor_id', 'p.role', 'p.position', 'p.note']);
}

/** One claim's visible participants in order as `list_rank`, at most `cap` (compiled reads). */
export function participantsOfClaimQuery(
  db: Executor,
  visibility: Visibility,
  claimId: RawBuilder<number>,
  cap: number,
) {
  return visibleParticipants(db, visibility)
    .select(sql<number>`row_number() over (order by p.position)`.as('list_rank'))
    .where('p.claim_id', '=', claimId)
    .orderBy('p.position')
    .limit(cap);
}

export async function findParticipantsByClaimIds(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
): Promise<ParticipantRow[]> {
  return visibleParticipants(db, visibility)
    .where('p.claim_id', '=', anyId(claimIds))
    .orderBy('p.claim_id')
    .orderBy('p.position')
    .execute();
}

/** Every participant of one claim, visible or not (audit snapshot, replacement). */
export async function findAllParticipantsOfClaim(
  db: Executor,
  claimId: number,
): Promise<ParticipantRow[]> {
  return findAllParticipantsOfClaims(db, [claimId]);
}

/** Every participant of these claims, visible or not, by claim then position (audit snapshots). */
export async function findAllParticipantsOfClaims(
  db: Executor,
  claimIds: readonly number[],
): Promise<ParticipantRow[]> {
  return db
    .selectFrom('claim_participant')
    .select(['claim_id as parent_id', 'actor_id', 'role', 'position', 'note'])
    .where('claim_id', '=', anyId(claimIds))
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
}

export async function replaceClaimParticipants(
  db: Executor,
  claimId: number,
  participants: readonly { actorId: number; role: ParticipantRole; note: string | null }[],
): Promise<void> {
  await db.deleteFrom('claim_participant').where('claim_id', '=', claimId).execute();
  if (participants.length === 0) return;
  await db
    .insertInto('claim_participant')
    .values(
      participants.map((p, position) => ({
        claim_id: claimId,
        actor_id: p.actorId,
        role: p.role,
        note: p.note,
        position,
      })),
    )
    .execute();
}
