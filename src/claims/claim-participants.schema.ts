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
import { ClaimRef } from '../refs.js';
import {
  findParticipantsByClaimIds,
  participantsOfClaimQuery,
} from './claim-participants.repository.js';
import { setClaimParticipants } from './claim-participants.service.js';

// Claim.participants and setClaimParticipants: parties beyond subject and objects. Apart from
// claim.schema.ts and claim.inputs.ts so that those stay about the claim's own fields.

builder.objectField(ClaimRef, 'participants', (t) =>
  t.loadableList({
    type: ParticipantRef,
    description: `Parties beyond subject and objects (equipment, carrier, place, intermediary…), in order (at most ${LIST_CAPS.participants}); actors you may not see are left out.`,
    ...sqlCappedList(LIST_CAPS.participants, (env, row, cap) =>
      participantsOfClaimQuery(env.db, env.visibility, row('id'), cap),
    ),
    resolve: (claim) => claim.id,
    load: async (claimIds: number[], ctx) =>
      capLists(
        groupByKey(
          claimIds,
          await findParticipantsByClaimIds(ctx.db, ctx.visibility, claimIds),
          (p) => p.parent_id,
        ),
        LIST_CAPS.participants,
      ),
  }),
);

builder.mutationField('setClaimParticipants', (t) =>
  t.field({
    type: ClaimRef,
    description:
      'Replaces a claim’s participants you may see (those above your clearance stay), at the version you read.',
    ...writeField({
      role: 'editor',
      result: 'claim',
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
        setClaimParticipants(
          write,
          commandOf(
            parseAtVersion(args, 'Claim', (issues) => ({
              participants: parseParticipants(issues, args.participants),
            })),
          ),
        ),
    }),
  }),
);
