import type { ParticipantCommand } from '../common/participant.schema.js';
import { setParticipants } from '../mutations/participants.js';
import type { AtVersion } from '../mutations/validate.js';
import type { Write } from '../mutations/write.js';
import {
  findAllParticipantsOfClaim,
  replaceClaimParticipants,
} from './claim-participants.repository.js';
import { lockVisibleClaim } from '../visibility/visible-claims.js';
import { updateClaimAtVersion } from './claim.repository.js';

export type SetClaimParticipantsCommand = AtVersion & { participants: ParticipantCommand[] };

/** Replaces a claim's participants at the version the caller read, bumping it. */
export function setClaimParticipants(
  write: Write,
  command: SetClaimParticipantsCommand,
): Promise<number> {
  return setParticipants(write, command, {
    entityType: 'Claim',
    action: 'claim.set-participants',
    lock: lockVisibleClaim,
    find: findAllParticipantsOfClaim,
    bump: (trx, id, expectedVersion) => updateClaimAtVersion(trx, id, expectedVersion, {}),
    replace: replaceClaimParticipants,
  });
}
