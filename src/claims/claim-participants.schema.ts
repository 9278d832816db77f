import { defineParticipants } from '../common/participants-fields.js';
import { ClaimRef } from '../refs.js';
import {
  findParticipantsByClaimIds,
  participantsOfClaimQuery,
} from './claim-participants.repository.js';
import { setClaimParticipants } from './claim-participants.service.js';

// Claim.participants and setClaimParticipants: parties beyond subject and objects. Apart from
// claim.schema.ts and claim.inputs.ts so that those stay about the claim's own fields.

defineParticipants({
  parent: ClaimRef,
  typename: 'Claim',
  noun: 'claim',
  beyond: 'subject and objects',
  mutation: 'setClaimParticipants',
  result: 'claim',
  ofParentQuery: participantsOfClaimQuery,
  findByParentIds: findParticipantsByClaimIds,
  set: setClaimParticipants,
});
