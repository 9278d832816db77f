import { builder } from '../builder.js';
import { PartialDateInput } from '../mutations/common-inputs.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField, writeInput } from '../mutations/write-field.js';
import { ActorRef, ActorRelationshipRef } from '../refs.js';
import {
  RelateActorsInput,
  UpdateRelationshipInput,
  parseEndRelationship,
  parseRelateActors,
  parseRemoveRelationship,
  parseUpdateRelationship,
} from './actor-relationship.inputs.js';
import {
  endRelationship,
  relateActors,
  removeRelationship,
  updateRelationship,
} from './actor-relationship.service.js';

builder.mutationFields((t) => ({
  relateActors: t.field({
    type: ActorRelationshipRef,
    description: 'Records a relationship between two actors, with the claims that evidence it.',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: {
        ...writeInput(RelateActorsInput),
      },
      run: (args, write) => relateActors(write, commandOf(parseRelateActors(args.input))),
    }),
  }),

  updateRelationship: t.field({
    type: ActorRelationshipRef,
    description: 'Changes a relationship at the version you read (`expectedVersion`).',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: {
        ...atVersion(),
        ...writeInput(UpdateRelationshipInput),
      },
      run: (args, write) => updateRelationship(write, commandOf(parseUpdateRelationship(args))),
    }),
  }),

  endRelationship: t.field({
    type: ActorRelationshipRef,
    description:
      'Sets when a relationship ended (or corrects that end), at the version you read; the end may not precede the start.',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: {
        ...atVersion(),
        validTo: t.arg({
          type: PartialDateInput,
          required: true,
          description: 'When the link ended, as precisely as known.',
        }),
      },
      run: (args, write) => endRelationship(write, commandOf(parseEndRelationship(args))),
    }),
  }),

  removeRelationship: t.field({
    type: ActorRef,
    description:
      'Deletes a relationship recorded in error (with its evidence links and participants) at the version you read; returns its `from` actor. To say it stopped holding, use `endRelationship`. Its last state stays in the audit log (`Actor.relationshipsRecordAsOf`). Refused when it has evidence or participants above your clearance.',
    ...writeField({
      role: 'editor',
      result: 'actor',
      args: { ...atVersion() },
      run: (args, write) => removeRelationship(write, commandOf(parseRemoveRelationship(args))),
    }),
  }),
}));
