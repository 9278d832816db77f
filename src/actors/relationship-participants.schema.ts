import { builder } from '../builder.js';
import { LIST_CAPS, capLists } from '../common/list-caps.js';
import { groupByKey } from '../common/nested-connection.js';
import {
  ParticipantInput,
  ParticipantRef,
  parseParticipants,
} from '../common/participant.schema.js';
import { sqlCappedList } from '../compiled/sql-spec.js';
import { commandOf, parseAtVersion } from '../mutations/validate.js';
import { atVersion, writeField } from '../mutations/write-field.js';
import { ActorRelationshipRef } from '../refs.js';
import {
  findParticipantsByRelationshipIds,
  participantsOfRelationshipQuery,
} from './relationship-participants.repository.js';
import { setRelationshipParticipants } from './relationship-participants.service.js';

// ActorRelationship.participants and setRelationshipParticipants: parties beyond its two ends. Apart from
// actor-relationship.schema.ts, which is long enough.

builder.objectField(ActorRelationshipRef, 'participants', (t) =>
  t.loadableList({
    type: ParticipantRef,
    description: `Parties beyond its two ends (equipment, carrier, place, intermediary…), in order (at most ${LIST_CAPS.participants}); actors you may not see are left out.`,
    ...sqlCappedList(LIST_CAPS.participants, (env, row, cap) =>
      participantsOfRelationshipQuery(env.db, env.visibility, row('id'), cap),
    ),
    resolve: (relationship) => relationship.id,
    load: async (relationshipIds: number[], ctx) =>
      capLists(
        groupByKey(
          relationshipIds,
          await findParticipantsByRelationshipIds(ctx.db, ctx.visibility, relationshipIds),
          (p) => p.parent_id,
        ),
        LIST_CAPS.participants,
      ),
  }),
);

builder.mutationField('setRelationshipParticipants', (t) =>
  t.field({
    type: ActorRelationshipRef,
    description:
      'Replaces a relationship’s participants you may see (those above your clearance stay), at the version you read.',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: {
        ...atVersion(),
        participants: t.arg({
          type: [ParticipantInput],
          required: true,
          description:
            'The new list, in order (at most 20, each actor once per role); [] removes them.',
        }),
      },
      run: (args, write) =>
        setRelationshipParticipants(
          write,
          commandOf(
            parseAtVersion(args, 'ActorRelationship', (issues) => ({
              participants: parseParticipants(issues, args.participants),
            })),
          ),
        ),
    }),
  }),
);
