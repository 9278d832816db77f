import { builder } from '../builder.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField } from '../mutations/write-field.js';
import { BriefingRef, ClaimRef } from '../refs.js';
import { citeSource, removeCitation } from './citation.service.js';
import {
  AddClaimInput,
  UpdateClaimInput,
  parseAddClaim,
  parseRemoveClaim,
  parseUpdateClaim,
} from './claim.inputs.js';
import { CitationInput, parseCiteSource, parseRemoveCitation } from './citation.inputs.js';
import { addClaim, removeClaim, updateClaim } from './claim.service.js';

builder.mutationFields((t) => ({
  addClaim: t.field({
    type: ClaimRef,
    description:
      'Adds a claim at the end of a briefing, anchored in its body, with its objects and citations.',
    ...writeField({
      role: 'editor',
      result: 'claim',
      args: {
        briefingId: t.arg.id({ required: true, description: 'The briefing the claim belongs to.' }),
        input: t.arg({
          type: AddClaimInput,
          required: true,
          description:
            'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
        }),
      },
      run: (args, write) => addClaim(write, parseAddClaim(args)),
    }),
  }),
  updateClaim: t.field({
    type: ClaimRef,
    description: 'Changes a claim at the version you read (`expectedVersion`).',
    ...writeField({
      role: 'editor',
      result: 'claim',
      args: {
        ...atVersion(),
        input: t.arg({
          type: UpdateClaimInput,
          required: true,
          description:
            'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
        }),
      },
      run: (args, write) => updateClaim(write, parseUpdateClaim(args)),
    }),
  }),
  removeClaim: t.field({
    type: BriefingRef,
    description:
      'Deletes a claim (with its objects and citations) at the version you read; returns its briefing. Refused while an actor relationship cites the claim as evidence.',
    ...writeField({
      role: 'editor',
      result: 'briefing',
      args: {
        ...atVersion(),
      },
      run: (args, write) => removeClaim(write, commandOf(parseRemoveClaim(args))),
    }),
  }),
  citeSource: t.field({
    type: ClaimRef,
    description:
      'Adds a citation after the claim’s last one, at the claim version you read; bumps the claim’s version.',
    ...writeField({
      role: 'editor',
      result: 'claim',
      args: {
        claimId: t.arg.id({ required: true, description: 'The claim’s global id.' }),
        expectedVersion: t.arg.int({
          required: true,
          description: 'The claim’s `version` you read; a ConflictError when it has moved on.',
        }),
        input: t.arg({
          type: CitationInput,
          required: true,
          description:
            'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
        }),
      },
      run: (args, write) => citeSource(write, commandOf(parseCiteSource(args))),
    }),
  }),
  removeCitation: t.field({
    type: ClaimRef,
    description:
      'Removes one citation from a claim at the claim version you read; bumps the claim’s version.',
    ...writeField({
      role: 'editor',
      result: 'claim',
      args: {
        claimId: t.arg.id({ required: true, description: 'The claim’s global id.' }),
        expectedVersion: t.arg.int({
          required: true,
          description: 'The claim’s `version` you read; a ConflictError when it has moved on.',
        }),
        citationId: t.arg.id({ required: true, description: 'A `Citation.id` of this claim.' }),
      },
      run: (args, write) => removeCitation(write, commandOf(parseRemoveCitation(args))),
    }),
  }),
}));
