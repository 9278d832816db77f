import { builder } from '../builder.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField, writeInput } from '../mutations/write-field.js';
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

/** `claimId` and `expectedVersion`: a citation write changes its claim, at the version read. */
function claimAtVersion() {
  return builder.args((t) => ({
    claimId: t.id({ required: true, description: 'The claim’s global id.' }),
    expectedVersion: t.int({
      required: true,
      description: 'The claim’s `version` you read; a ConflictError when it has moved on.',
    }),
  }));
}

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
        ...writeInput(AddClaimInput),
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
        ...writeInput(UpdateClaimInput),
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
        ...claimAtVersion(),
        ...writeInput(CitationInput),
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
        ...claimAtVersion(),
        citationId: t.arg.id({ required: true, description: 'A `Citation.id` of this claim.' }),
      },
      run: (args, write) => removeCitation(write, commandOf(parseRemoveCitation(args))),
    }),
  }),
}));
