import type { ParticipantCommand } from '../common/participant.schema.js';
import type { AtVersion } from '../mutations/validate.js';
import { nextParticipants, participantsSnapshot } from '../mutations/participants.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import {
  findAllParticipantsOfClaim,
  replaceClaimParticipants,
} from './claim-participants.repository.js';
import { lockVisibleClaim, updateClaimAtVersion } from './claim.repository.js';

export type SetClaimParticipantsCommand = AtVersion & { participants: ParticipantCommand[] };

/** Replaces a claim's participants at the version the caller read, bumping it. */
export async function setClaimParticipants(
  { trx, audit, visibility }: Write,
  { id, expectedVersion, participants }: SetClaimParticipantsCommand,
): Promise<number> {
  const before = await lockVisibleClaim(trx, visibility, id.id);
  assertVersion('Claim', id.globalId, before, expectedVersion);
  const existing = await findAllParticipantsOfClaim(trx, id.id);
  const next = await nextParticipants(trx, visibility, existing, participants);
  const after = await updateClaimAtVersion(trx, id.id, expectedVersion, {});
  await replaceClaimParticipants(trx, id.id, next);
  await audit({
    action: 'claim.set-participants',
    entityType: 'Claim',
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
