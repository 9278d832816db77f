import { builder } from '../builder.js';
import {
  ClaimDateRoleEnum,
  ClaimKindEnum,
  ClaimStatusEnum,
  LikelihoodEnum,
  QuantityQualifierEnum,
  QuantityRoleEnum,
} from '../common/enums.js';
import { requireIdOf } from '../common/global-id.js';
import { DateRangeInput, toDateRange } from '../common/date-range.inputs.js';
import { badInput } from '../errors/bad-input.js';
import { ParticipantRoleEnum } from '../common/participant.schema.js';
import { ActorRoleEnum } from './claim-enums.js';
import { CitedFilterInput, toCitationFilter } from './corroboration.inputs.js';
import type { ClaimFilter } from './claim.repository.js';

// The claims filter as GraphQL takes it, and its conversion into the repository's ClaimFilter.

export { DateRangeInput };

export const DatedQualifierFilterInput = builder.inputType('DatedQualifierFilter', {
  description: 'Claims with a dated qualifier in one of these roles, optionally within a range.',
  fields: (t) => ({
    role: t.field({
      type: [ClaimDateRoleEnum],
      required: true,
      description: 'Dated qualifiers of these roles.',
    }),
    during: t.field({
      type: DateRangeInput,
      description:
        'Only qualifiers whose date (its whole period) overlaps this range; undated ones never match it.',
    }),
  }),
});

export const QuantityAmountFilterInput = builder.inputType('QuantityAmountFilter', {
  description:
    'Quantities certainly within a range of numbers, as stated, whatever they count (narrow with `quantityRole`, `currency`). A quantity matches when the bounds it states lie within the range: EXACT its value; APPROXIMATE its value (or its min/max when stated); AT_LEAST its value as a lower bound and no upper one; AT_MOST the reverse; RANGE its min and max; VAGUE (“dozens”) only the bounds stated with it, so a vague quantity without bounds never matches. A side the quantity leaves open never satisfies a limit on that side: AT_LEAST 20 matches `min: 20` but not `max: 30`.',
  fields: (t) => ({
    min: t.float({ description: 'The quantity’s lower bound is at least this.' }),
    max: t.float({ description: 'The quantity’s upper bound is at most this.' }),
  }),
});

export const ClaimFilterInput = builder.inputType('ClaimFilter', {
  description: 'Narrows a claim list; all given conditions must hold.',
  fields: (t) => ({
    briefingId: t.id({ description: 'Only claims of this briefing.' }),
    actorId: t.id({
      description:
        'Only claims that involve this actor (see `actorRole`); a merged actor’s id stands for its survivor. An actor you may not see matches nothing, like an unknown id.',
    }),
    actorRole: t.field({
      type: ActorRoleEnum,
      description: 'How `actorId` must be involved; default ANY.',
    }),
    participantId: t.id({
      description:
        'Only claims this actor takes part in beyond subject and objects (the carrier, the equipment, the place…; see `participantRole`); a merged actor’s id stands for its survivor, an actor you may not see matches nothing.',
    }),
    participantRole: t.field({
      type: [ParticipantRoleEnum],
      description: 'With `participantId`: only in these roles.',
    }),
    predicate: t.field({
      type: ['Slug'],
      description: 'Only these predicates (e.g. `requested-from`).',
    }),
    status: t.field({ type: [ClaimStatusEnum], description: 'Only claims in these statuses.' }),
    kind: t.field({ type: [ClaimKindEnum], description: 'Only facts or only assessments.' }),
    validDuring: t.field({
      type: DateRangeInput,
      description:
        'Only claims whose valid time overlaps this range. A claim with an UNKNOWN or UNDISCLOSED bound, or no valid time, is left out unless `includeUndated`; OPEN bounds reach as far as they go.',
    }),
    includeUndated: t.boolean({
      description:
        'With `validDuring`: also claims whose valid time is unknown, in whole or at a bound (such a bound then counts as open). Default false.',
    }),
    minConfidence: t.int({ description: 'Only claims with confidence at least this (0–100).' }),
    minLikelihood: t.field({
      type: LikelihoodEnum,
      description: 'Only claims judged at least this likely (a range counts by its lower band).',
    }),
    quantityRole: t.field({
      type: [QuantityRoleEnum],
      description:
        'Only claims stating a quantity in one of these roles (e.g. DELIVERED). All quantity conditions (`quantityRole`, `currency`, `quantityQualifier`, `quantityAmount`) must hold for one and the same quantity.',
    }),
    currency: t.field({
      type: ['CurrencyCode'],
      description: 'Only claims stating an amount of money in one of these currencies.',
    }),
    quantityQualifier: t.field({
      type: [QuantityQualifierEnum],
      description:
        'Only claims stating a quantity with one of these qualifiers (e.g. VAGUE for “several squadrons”, AT_LEAST).',
    }),
    quantityAmount: t.field({
      type: QuantityAmountFilterInput,
      description:
        'Only claims stating a quantity certainly within this range (e.g. `{ min: 20 }` with `quantityRole: [DELIVERED]`: at least 20 delivered).',
    }),
    dated: t.field({
      type: DatedQualifierFilterInput,
      description: 'Only claims with a dated qualifier of these roles (in this range, if given).',
    }),
    minIndependentOrigins: t.int({
      description:
        'Only claims whose supporting citations trace back to at least this many independent origins (see `Claim.corroboration`).',
    }),
    cited: t.field({
      type: CitedFilterInput,
      description: 'Only claims cited in a given role, or by a source of a given reliability.',
    }),
  }),
});

export type ClaimFilterShape = typeof ClaimFilterInput.$inferInput;

/**
 * Checks and converts a GraphQL claim filter; bad values are client errors naming the field by
 * its whole input path (`path`: where the filter sits, e.g. `filter.claims` when nested).
 */
export function toClaimFilter(
  input: ClaimFilterShape | null | undefined,
  path = 'filter',
): ClaimFilter {
  if (!input) return {};
  const { minConfidence, validDuring } = input;
  if (minConfidence != null && (minConfidence < 0 || minConfidence > 100)) {
    throw badInput(
      `expected ${path}.minConfidence in 0..100, got ${minConfidence}`,
      'BAD_USER_INPUT',
      `${path}.minConfidence`,
    );
  }
  if (input.actorRole && !input.actorId) {
    throw badInput(
      `expected ${path}.actorId with ${path}.actorRole`,
      'BAD_USER_INPUT',
      `${path}.actorRole`,
    );
  }
  if (input.participantRole && !input.participantId) {
    throw badInput(
      `expected ${path}.participantId with ${path}.participantRole`,
      'BAD_USER_INPUT',
      `${path}.participantRole`,
    );
  }
  const amount = input.quantityAmount;
  if (amount && amount.min == null && amount.max == null) {
    throw badInput(
      `expected ${path}.quantityAmount.min or max, got neither`,
      'BAD_USER_INPUT',
      `${path}.quantityAmount`,
    );
  }
  if (amount?.min != null && amount.max != null && amount.max < amount.min) {
    throw badInput(
      `expected ${path}.quantityAmount.max >= min, got ${amount.max} < ${amount.min}`,
      'BAD_USER_INPUT',
      `${path}.quantityAmount`,
    );
  }
  if (input.includeUndated != null && !validDuring) {
    throw badInput(
      `expected ${path}.validDuring with ${path}.includeUndated`,
      'BAD_USER_INPUT',
      `${path}.includeUndated`,
    );
  }
  return {
    ...toCitationFilter(input, path),
    briefingIds: input.briefingId
      ? [requireIdOf(input.briefingId, 'Briefing', `${path}.briefingId`)]
      : null,
    actor: input.actorId
      ? {
          id: requireIdOf(input.actorId, 'Actor', `${path}.actorId`),
          role: input.actorRole ?? 'ANY',
        }
      : null,
    participant: input.participantId
      ? {
          id: requireIdOf(input.participantId, 'Actor', `${path}.participantId`),
          roles: input.participantRole ?? null,
        }
      : null,
    predicates: input.predicate,
    statuses: input.status,
    kinds: input.kind,
    validDuring: validDuring
      ? {
          ...toDateRange(validDuring, `${path}.validDuring`),
          includeUndated: input.includeUndated ?? false,
        }
      : null,
    minConfidence,
    minLikelihood: input.minLikelihood,
    quantityRoles: input.quantityRole,
    currencies: input.currency,
    quantityQualifiers: input.quantityQualifier,
    quantityAmount: amount ? { min: amount.min ?? null, max: amount.max ?? null } : null,
    dated: input.dated
      ? {
          roles: input.dated.role,
          during: input.dated.during
            ? toDateRange(input.dated.during, `${path}.dated.during`)
            : null,
        }
      : null,
  };
}
