import type { ParticipantCommand } from '../common/participant.schema.js';
import type { AtVersion } from '../mutations/validate.js';
import { nextParticipants, participantsSnapshot } from '../mutations/participants.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import {
  findAllParticipantsOfRelationship,
  replaceRelationshipParticipants,
} from './relationship-participants.repository.js';
import {
  lockVisibleRelationship,
  updateRelationshipAtVersion,
} from './actor-relationship.repository.js';

export type SetRelationshipParticipantsCommand = AtVersion & { participants: ParticipantCommand[] };

/** Replaces a relationship's participants at the version the caller read, bumping it. */
export async function setRelationshipParticipants(
  { trx, audit, visibility }: Write,
  { id, expectedVersion, participants }: SetRelationshipParticipantsCommand,
): Promise<number> {
  const before = await lockVisibleRelationship(trx, visibility, id.id);
  assertVersion('ActorRelationship', id.globalId, before, expectedVersion);
  const existing = await findAllParticipantsOfRelationship(trx, id.id);
  const next = await nextParticipants(trx, visibility, existing, participants);
  const after = await updateRelationshipAtVersion(trx, id.id, expectedVersion, {});
  await replaceRelationshipParticipants(trx, id.id, next);
  await audit({
    action: 'relationship.set-participants',
    entityType: 'ActorRelationship',
    entityId: id.id,
    before: { ...before, participants: participantsSnapshot(existing) },
    after: {
      ...after,
      participants: participantsSnapshot(
        next.map((p) => ({ actor_id: p.actorId, role: p.role, note: p.note })),
      ),
    },
  });
  return id.id;
}
