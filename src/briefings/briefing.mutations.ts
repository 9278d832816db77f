import { builder } from '../builder.js';
import { BriefingStatusEnum } from '../common/enums.js';
import type { QuotedClaims, QuotingClaim } from '../common/quote-anchoring.js';
import { commandOf } from '../mutations/validate.js';
import { atVersion, writeField, writeInput } from '../mutations/write-field.js';
import { BriefingRef } from '../refs.js';
import {
  CreateBriefingInput,
  UpdateBriefingInput,
  parseCreateBriefing,
  parseTransitionBriefing,
  parseUpdateBriefing,
} from './briefing.inputs.js';
import { createBriefing, transitionBriefing, updateBriefing } from './briefing.service.js';

/**
 * The briefings' mutations. A body rewrite moves the spans of the claims quoting it, which the
 * claims' domain does: src/schema.ts passes `quotedClaims` in, so this folder imports nothing of
 * claims/.
 */
export function addBriefingMutations<Claim extends QuotingClaim>(
  quotedClaims: QuotedClaims<Claim>,
): void {
  builder.mutationFields((t) => ({
    createBriefing: t.field({
      type: BriefingRef,
      description: 'Starts a briefing as a DRAFT, with its tags, byline and media.',
      ...writeField({
        role: 'editor',
        result: 'briefing',
        args: {
          ...writeInput(CreateBriefingInput),
        },
        run: (args, write) => createBriefing(write, commandOf(parseCreateBriefing(args.input))),
      }),
    }),
    updateBriefing: t.field({
      type: BriefingRef,
      description:
        'Changes a briefing at the version you read (`expectedVersion`). Its claims have their own versions: adding or editing claims does not change the briefing’s.',
      ...writeField({
        role: 'editor',
        result: 'briefing',
        args: {
          ...atVersion(),
          ...writeInput(UpdateBriefingInput),
        },
        run: (args, write) => updateBriefing(write, parseUpdateBriefing(args), quotedClaims),
      }),
    }),
    transitionBriefing: t.field({
      type: BriefingRef,
      description:
        'Moves a briefing along the workflow: DRAFT → IN_REVIEW, IN_REVIEW → DRAFT, IN_REVIEW → PUBLISHED (sets `publishedAt`: now, or an earlier date given), PUBLISHED → RETRACTED (needs a `reason`; the briefing is kept, with `retractedAt` and `retractionReason`).',
      ...writeField({
        role: 'editor',
        result: 'briefing',
        args: {
          ...atVersion(),
          to: t.arg({
            type: BriefingStatusEnum,
            required: true,
            description: 'The status to move to; only the workflow’s transitions are allowed.',
          }),
          reason: t.arg.string({
            description: 'Why it is retracted (1 to 2,000 characters); only with `to: RETRACTED`.',
          }),
          publishedAt: t.arg({
            type: 'DateTime',
            description:
              'Only with `to: PUBLISHED`: when the article first appeared, for one published elsewhere before (not in the future). Default: now.',
          }),
        },
        run: (args, write) => transitionBriefing(write, parseTransitionBriefing(args)),
      }),
    }),
  }));
}
