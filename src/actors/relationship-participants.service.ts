import type { ParticipantCommand } from '../common/participant.schema.js';
import { setParticipants } from '../mutations/participants.js';
import type { AtVersion } from '../mutations/validate.js';
import type { Write } from '../mutations/write.js';
import {
  findAllParticipantsOfRelationship,
  replaceRelationshipParticipants,
} from './relationship-participants.repository.js';
import { lockVisibleRelationship } from '../visibility/visible-relationships.js';
import { updateRelationshipAtVersion } from './actor-relationship.repository.js';

export type SetRelationshipParticipantsCommand = AtVersion & { participants: ParticipantCommand[] };

/** Replaces a relationship's participants at the version the caller read, bumping it. */
export function setRelationshipParticipants(
  write: Write,
  command: SetRelationshipParticipantsCommand,
): Promise<number> {
  return setParticipants(write, command, {
    entityType: 'ActorRelationship',
    action: 'relationship.set-participants',
    lock: lockVisibleRelationship,
    find: findAllParticipantsOfRelationship,
    bump: (trx, id, expectedVersion) => updateRelationshipAtVersion(trx, id, expectedVersion, {}),
    replace: replaceRelationshipParticipants,
  });
}
