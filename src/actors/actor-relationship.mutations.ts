import { builder } from '../builder.js';
import { PartialDateInput } from '../mutations/common-inputs.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField } from '../mutations/write-field.js';
import { ActorRelationshipRef } from '../refs.js';
import {
  RelateActorsInput,
  UpdateRelationshipInput,
  parseEndRelationship,
  parseRelateActors,
  parseUpdateRelationship,
} from './actor-relationship.inputs.js';
import { endRelationship, relateActors, updateRelationship } from './actor-relationship.service.js';

builder.mutationFields((t) => ({
  relateActors: t.field({
    type: ActorRelationshipRef,
    description: 'Records a relationship between two actors, with the claims that evidence it.',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: {
        input: t.arg({
          type: RelateActorsInput,
          required: true,
          description:
            'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
        }),
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
        input: t.arg({
          type: UpdateRelationshipInput,
          required: true,
          description:
            'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
        }),
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
}));
