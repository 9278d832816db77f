import { builder } from '../builder.js';
import { ClaimKindEnum, ClaimStatusEnum, LikelihoodEnum, MarkingEnum } from '../common/enums.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { Types } from '../common/list-args.js';
import {
  ParticipantInput,
  parseParticipants,
  type ParticipantCommand,
} from '../common/participant.schema.js';
import type { ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import type { Span } from '../common/quote-anchoring.js';
import type { ClaimKind, ClaimStatus, Likelihood, Marking } from '../db/types.js';
import { ValidTimeInput, validTimeColumns } from '../mutations/common-inputs.js';
import {
  ClaimDateInput,
  QuantityInput,
  checkClaimDates,
  checkLikelihoodRange,
  checkQuantities,
  checkQuantity,
} from './claim-facets.inputs.js';
import type { NewClaimDate, NewQuantity } from './claim-facets.repository.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  type ParsedAtVersion,
  parsed,
  type AtVersion,
  type Parsed,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';
import { CitationInput, checkCitations, type CheckedCitation } from './citation.inputs.js';

// Caps on list inputs, so one request cannot write unbounded rows.
const MAX_OBJECTS = LIST_CAPS.claimObjects;

export const TextSpanInput = builder.inputType('TextSpanInput', {
  description:
    'Where a quote sits in the briefing body, in Unicode code points: `body[start, end)`.',
  fields: (t) => ({
    start: t.int({
      required: true,
      description: 'First character, counted in Unicode code points from 0.',
    }),
    end: t.int({ required: true, description: 'One past the last character.' }),
  }),
});

/** Fields AddClaimInput and UpdateClaimInput declare alike (their types and descriptions). */
type ClaimFieldBuilder = PothosSchemaTypes.InputFieldBuilder<Types, 'InputObject'>;

/** Where the claim sits in the text, and whom it is about. */
function anchorFields(t: ClaimFieldBuilder) {
  return {
    quote: t.string({
      description:
        'The briefing’s own words for the claim (at most 5,000 characters). Without `span` it must occur exactly once in the body.',
    }),
    span: t.field({
      type: TextSpanInput,
      description:
        'Where the quote sits, when it occurs more than once; `body[start, end)` must equal it.',
    }),
    subjectId: t.id({ description: 'The actor the claim is about.' }),
  };
}

/** The claim's objects and quantities. */
function objectFields(t: ClaimFieldBuilder) {
  return {
    objectIds: t.idList({
      description: 'The other actors in the claim, in order (at most 20, each once).',
    }),
    quantities: t.field({
      type: [QuantityInput],
      description:
        'The quantities the claim states, each with its role (at most 20), e.g. ORDERED 24 aircraft and OPERATIONAL ~21 aircraft.',
    }),
    quantity: t.field({
      type: QuantityInput,
      description: 'One quantity, role STATED by default: the same as `quantities: [quantity]`.',
      deprecationReason: 'A claim states several quantities: use `quantities`.',
    }),
  };
}

/** Its dated qualifiers and how sure the briefing is of it. */
function judgementFields(t: ClaimFieldBuilder) {
  return {
    dates: t.field({
      type: [ClaimDateInput],
      description:
        'Dated qualifiers beside the valid time (at most 20): ordered, delivered, reported…',
    }),
    likelihood: t.field({
      type: LikelihoodEnum,
      description:
        'ICD 203 band; with `likelihoodTo`, the lower band of a range. Setting it without `likelihoodTo` makes the judgement a single band.',
    }),
    likelihoodTo: t.field({
      type: LikelihoodEnum,
      description:
        'The upper band of a range (“roughly even chance to likely”), above `likelihood`, which it needs.',
    }),
    confidence: t.int({ description: '0 to 100 (STIX 2.1 scale).' }),
  };
}

const CITATIONS_DESCRIPTION =
  'The sources behind the claim, origin first (at most 50; each source once per role).';

export const AddClaimInput = builder.inputType('AddClaimInput', {
  description: 'A new claim, appended after the briefing’s last one.',
  fields: (t) => ({
    statement: t.string({
      required: true,
      description: 'The claim as one normalised sentence (1 to 2,000 characters).',
    }),
    kind: t.field({ type: ClaimKindEnum, description: 'Default FACT.' }),
    ...anchorFields(t),
    predicate: t.field({
      type: 'Slug',
      required: true,
      description: 'What is claimed of the subject, e.g. `requested-from` (at most 80 characters).',
    }),
    ...objectFields(t),
    validTime: t.field({
      type: ValidTimeInput,
      description: 'When the claim holds; omitted, it is unknown.',
    }),
    ...judgementFields(t),
    status: t.field({ type: ClaimStatusEnum, description: 'Default REPORTED.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    citations: t.field({ type: [CitationInput], description: CITATIONS_DESCRIPTION }),
    participants: t.field({
      type: [ParticipantInput],
      description:
        'Parties beyond subject and objects (equipment, carrier, place…), in order (at most 20, each actor once per role), checked as `setClaimParticipants` checks them.',
    }),
  }),
});

export const UpdateClaimInput = builder.inputType('UpdateClaimInput', {
  description:
    'Changes to a claim: omitted fields stay as they are; null clears an optional one. `objectIds` and `citations`, when given, replace the entries you may see; objects and citations of records above your clearance stay where they were. A new `quote` without `span` is located in the body again.',
  fields: (t) => ({
    statement: t.string({
      description: 'The claim as one normalised sentence (1 to 2,000 characters).',
    }),
    kind: t.field({ type: ClaimKindEnum, description: 'FACT or ASSESSMENT.' }),
    ...anchorFields(t),
    predicate: t.field({
      type: 'Slug',
      description: 'What is claimed of the subject, e.g. `requested-from` (at most 80 characters).',
    }),
    ...objectFields(t),
    validTime: t.field({
      type: ValidTimeInput,
      description: 'Replaces when it holds; null clears it (unknown).',
    }),
    ...judgementFields(t),
    status: t.field({
      type: ClaimStatusEnum,
      description: 'The claim’s standing after review.',
    }),
    marking: t.field({
      type: MarkingEnum,
      description: 'At most your clearance.',
    }),
    citations: t.field({ type: [CitationInput], description: CITATIONS_DESCRIPTION }),
  }),
});

export interface AddClaimCommand {
  briefing: Reference;
  statement: string;
  kind: ClaimKind;
  quote: string | null;
  span: Span | null | undefined;
  subject: Reference | null;
  predicate: string;
  objects: Reference[];
  quantities: NewQuantity[];
  validTime: ValidTimeColumns;
  dates: NewClaimDate[];
  likelihood: Likelihood | null;
  likelihoodTo: Likelihood | null;
  confidence: number | null;
  status: ClaimStatus;
  marking: Marking;
  citations: CheckedCitation[];
  participants: ParticipantCommand[];
}

/** What addClaim checks against the briefing even when the parse failed: the quote and span. */
export interface AddClaimKnown {
  briefing: Reference | undefined;
  quote: string | null;
  span: Span | null | undefined;
}

/** Omitted fields are undefined (unchanged); null clears an optional one. */
export interface ClaimChange {
  statement: string | undefined;
  kind: ClaimKind | undefined;
  quote: string | null | undefined;
  span: Span | null | undefined;
  subject: Reference | null | undefined;
  predicate: string | undefined;
  objects: Reference[] | undefined;
  quantities: NewQuantity[] | undefined;
  validTime: Partial<ValidTimeColumns>;
  dates: NewClaimDate[] | undefined;
  likelihood: Likelihood | null | undefined;
  likelihoodTo: Likelihood | null | undefined;
  confidence: number | null | undefined;
  status: ClaimStatus | undefined;
  marking: Marking | undefined;
  citations: CheckedCitation[] | undefined;
}

function checkObjectIds(issues: Issues, ids: readonly string[]): Reference[] {
  const path = ['input', 'objectIds'];
  if (ids.length > MAX_OBJECTS)
    issues.add(path, `expected at most ${MAX_OBJECTS} objects, got ${ids.length}`);
  const seen = new Map<number, number>();
  // An id that does not decode has its problem listed and no reference.
  return ids.flatMap((globalId, i) => {
    const ref = issues.reference([...path, i], globalId, 'Actor');
    if (!ref) return [];
    const earlier = seen.get(ref.id);
    if (earlier !== undefined)
      issues.add(ref.path, `expected each actor once, got objectIds.${earlier} again`);
    seen.set(ref.id, i);
    return [ref];
  });
}

/**
 * The quantities to store from `quantities` or the deprecated `quantity` (a list of one; null
 * clears): undefined when neither is given, refused when both are.
 */
function quantitiesOf(
  issues: Issues,
  input: {
    quantities?: (typeof QuantityInput.$inferInput)[] | null;
    quantity?: typeof QuantityInput.$inferInput | null;
  },
): NewQuantity[] | undefined {
  if (input.quantities !== undefined && input.quantity !== undefined) {
    issues.add(['input', 'quantity'], 'expected quantities or quantity, got both');
    return undefined;
  }
  // The deprecated single form keeps its paths (`input.quantity.min`), as clients know them.
  if (input.quantity !== undefined)
    return input.quantity === null
      ? []
      : [checkQuantity(issues, ['input', 'quantity'], input.quantity)];
  return ifGiven(input.quantities, (list) =>
    checkQuantities(issues, ['input', 'quantities'], list ?? []),
  );
}

/**
 * An update's upper band: given with `likelihood` (checked against it), or cleared when
 * `likelihood` alone is given, so that a band set on its own is a single band.
 */
function likelihoodToOf(
  issues: Issues,
  input: { likelihood?: Likelihood | null; likelihoodTo?: Likelihood | null },
): Likelihood | null | undefined {
  if (input.likelihoodTo != null && input.likelihood === undefined) {
    issues.add(
      ['input', 'likelihoodTo'],
      'expected likelihood (the lower band) with likelihoodTo, got none',
    );
    return undefined;
  }
  if (input.likelihood === undefined) return undefined;
  checkLikelihoodRange(issues, ['input', 'likelihoodTo'], input.likelihood, input.likelihoodTo);
  return input.likelihoodTo ?? null;
}

export function parseAddClaim(args: {
  briefingId: string;
  input: typeof AddClaimInput.$inferInput;
}): Parsed<AddClaimCommand, AddClaimKnown> {
  const { input } = args;
  const issues = new Issues();
  checkLikelihoodRange(issues, ['input', 'likelihoodTo'], input.likelihood, input.likelihoodTo);
  // Read whole, in the order its issues are listed; then typed once its references decoded.
  const draft = {
    briefing: issues.reference(['briefingId'], args.briefingId, 'Briefing'),
    statement: issues.text(['input', 'statement'], input.statement, { max: 2000 }) ?? '',
    kind: input.kind ?? 'FACT',
    quote: issues.text(['input', 'quote'], input.quote, { max: 5000 }),
    span: input.span,
    subject:
      input.subjectId == null
        ? null
        : issues.reference(['input', 'subjectId'], input.subjectId, 'Actor'),
    predicate: issues.slugOfAtMost(['input', 'predicate'], input.predicate, 80),
    objects: checkObjectIds(issues, input.objectIds ?? []),
    quantities: quantitiesOf(issues, input) ?? [],
    validTime: validTimeColumns(issues, ['input', 'validTime'], input.validTime),
    dates: checkClaimDates(issues, ['input', 'dates'], input.dates ?? []),
    likelihood: input.likelihood ?? null,
    likelihoodTo: input.likelihoodTo ?? null,
    confidence: issues.intRange(['input', 'confidence'], input.confidence, 0, 100),
    status: input.status ?? 'REPORTED',
    marking: input.marking ?? 'CLEAR',
    citations: checkCitations(issues, input.citations ?? []),
    participants: parseParticipants(issues, input.participants ?? [], ['input', 'participants']),
  };
  const { briefing, subject, quote, span } = draft;
  const command = briefing && subject !== undefined ? { ...draft, briefing, subject } : undefined;
  return parsed(issues, command, { briefing, quote, span });
}

export function parseUpdateClaim(
  args: UpdateArgs<typeof UpdateClaimInput.$inferInput>,
): ParsedAtVersion<ClaimChange> {
  const { input } = args;
  return parseAtVersion(args, 'Claim', (issues): ClaimChange => {
    // The fields that may not be cleared are refused first, so their issues lead the list.
    const keep = <T>(name: keyof typeof input, value: T | null | undefined) =>
      issues.required(['input', name], value, (given) => given);
    const statement = keep('statement', input.statement);
    const kind = keep('kind', input.kind);
    const predicate = keep('predicate', input.predicate);
    const status = keep('status', input.status);
    const marking = keep('marking', input.marking);
    return {
      statement: ifGiven(
        statement,
        (text) => issues.text(['input', 'statement'], text, { max: 2000 }) ?? '',
      ),
      kind,
      quote: ifGiven(input.quote, (quote) => issues.text(['input', 'quote'], quote, { max: 5000 })),
      span: input.span,
      subject: ifGiven(input.subjectId, (subjectId) =>
        subjectId === null ? null : issues.reference(['input', 'subjectId'], subjectId, 'Actor'),
      ),
      predicate: ifGiven(predicate, (slug) =>
        issues.slugOfAtMost(['input', 'predicate'], slug, 80),
      ),
      objects: ifGiven(input.objectIds, (ids) => checkObjectIds(issues, ids ?? [])),
      quantities: quantitiesOf(issues, input),
      validTime:
        ifGiven(input.validTime, (validTime) =>
          validTimeColumns(issues, ['input', 'validTime'], validTime),
        ) ?? {},
      dates: ifGiven(input.dates, (dates) =>
        checkClaimDates(issues, ['input', 'dates'], dates ?? []),
      ),
      likelihood: input.likelihood,
      likelihoodTo: likelihoodToOf(issues, input),
      confidence: ifGiven(input.confidence, (confidence) =>
        issues.intRange(['input', 'confidence'], confidence, 0, 100),
      ),
      status,
      marking,
      citations: ifGiven(input.citations, (citations) => checkCitations(issues, citations ?? [])),
    };
  });
}

export function parseRemoveClaim(args: { id: string; expectedVersion: number }): Parsed<AtVersion> {
  return parseAtVersion(args, 'Claim', () => ({}));
}
