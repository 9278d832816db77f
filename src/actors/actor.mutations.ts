import { builder } from '../builder.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField, writeInput } from '../mutations/write-field.js';
import { ActorRef } from '../refs.js';
import { mergeActors } from './actor-merge.service.js';
import {
  CreateActorInput,
  UpdateActorInput,
  parseCreateActor,
  parseMergeActors,
  parseUpdateActor,
} from './actor.inputs.js';
import { createActor, updateActor } from './actor.service.js';

builder.mutationFields((t) => ({
  createActor: t.field({
    type: ActorRef,
    description: 'Records an actor with its aliases and external ids.',
    ...writeField({
      role: 'editor',
      result: 'actor',
      args: {
        ...writeInput(CreateActorInput),
      },
      run: (args, write) => createActor(write, commandOf(parseCreateActor(args.input))),
    }),
  }),

  updateActor: t.field({
    type: ActorRef,
    description: 'Changes an actor at the version you read (`expectedVersion`).',
    ...writeField({
      role: 'editor',
      result: 'actor',
      args: {
        ...atVersion(),
        ...writeInput(UpdateActorInput),
      },
      run: (args, write) => updateActor(write, commandOf(parseUpdateActor(args))),
    }),
  }),

  mergeActors: t.field({
    type: ActorRef,
    description: [
      'Merges a duplicate (`mergedId`) into the actor that stays (`survivorId`), losing nothing: the',
      'duplicate’s name and aliases become aliases of the survivor, its claims (as subject or',
      'object), relationships, external ids and missing Wikidata item, country and description',
      'move to the survivor. A relationship between the two would link the survivor to itself: it',
      'is deleted, and recorded in the audit log with its evidence (the merge is refused when such a',
      'relationship is above your clearance). The duplicate’s id keeps',
      'resolving to the survivor. Both actors must be of the same kind, the duplicate marked no',
      'stricter than the survivor, and not carry another Wikidata item. Returns the survivor.',
    ].join(' '),
    ...writeField({
      role: 'editor',
      result: 'actor',
      args: {
        survivorId: t.arg.id({ required: true, description: 'The actor that stays.' }),
        expectedSurvivorVersion: t.arg.int({
          required: true,
          description: 'The `version` of the survivor you read.',
        }),
        mergedId: t.arg.id({ required: true, description: 'The duplicate merged into it.' }),
        expectedMergedVersion: t.arg.int({
          required: true,
          description: 'The `version` of the actor merged away you read.',
        }),
      },
      run: (args, write) => mergeActors(write, commandOf(parseMergeActors(args))),
    }),
  }),
}));
