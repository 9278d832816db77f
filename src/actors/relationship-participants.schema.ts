import { defineParticipants } from '../common/participants-fields.js';
import { ActorRelationshipRef } from '../refs.js';
import {
  findParticipantsByRelationshipIds,
  participantsOfRelationshipQuery,
} from './relationship-participants.repository.js';
import { setRelationshipParticipants } from './relationship-participants.service.js';

// ActorRelationship.participants and setRelationshipParticipants: parties beyond its two ends.
// Apart from actor-relationship.schema.ts, which is long enough.

defineParticipants({
  parent: ActorRelationshipRef,
  typename: 'ActorRelationship',
  noun: 'relationship',
  beyond: 'its two ends',
  mutation: 'setRelationshipParticipants',
  result: 'relationship',
  ofParentQuery: participantsOfRelationshipQuery,
  findByParentIds: findParticipantsByRelationshipIds,
  set: setRelationshipParticipants,
});
