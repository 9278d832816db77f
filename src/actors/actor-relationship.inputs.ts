import { builder } from '../builder.js';
import { MarkingEnum } from '../common/enums.js';
import {
  ParticipantInput,
  parseParticipants,
  type ParticipantCommand,
} from '../common/participant.schema.js';
import type { PartialDateShape, ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import type { Marking } from '../db/types.js';
import { ValidTimeInput, validTimeColumns } from '../mutations/common-inputs.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  parsed,
  type AtVersion,
  type Parsed,
  type Path,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';

/** Attributes are a handful of facts about a link, not a document store. */
const MAX_ATTRIBUTES_LENGTH = 10_000;

export const RelateActorsInput = builder.inputType('RelateActorsInput', {
  description: 'A new relationship, read from → to (`Russia supplies Venezuela`).',
  fields: (t) => ({
    fromId: t.id({ required: true, description: 'The actor the link reads from.' }),
    toId: t.id({ required: true, description: 'Another actor than `fromId`.' }),
    type: t.field({
      type: 'RelationshipType',
      required: true,
      description: 'What the link is, as a slug read from → to (`supplies`, `leads`).',
    }),
    validTime: t.field({
      type: ValidTimeInput,
      description: 'When the link holds; omitted, it is unknown.',
    }),
    confidence: t.int({ description: '0 to 100 (STIX 2.1 scale).' }),
    attributes: t.field({
      type: 'JSONObject',
      description: 'Extra facts, e.g. `{"quantity": 24}`; default `{}`.',
    }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    evidenceClaimIds: t.idList({ description: 'Claims that support the link, each once.' }),
    participants: t.field({
      type: [ParticipantInput],
      description:
        'Parties beyond its two ends (equipment, carrier, place…), in order (at most 20, each actor once per role), checked as `setRelationshipParticipants` checks them.',
    }),
  }),
});

export const UpdateRelationshipInput = builder.inputType('UpdateRelationshipInput', {
  description:
    'Changes to a relationship: omitted fields stay as they are; null clears an optional one; `validTime`, when given, replaces the whole value; `evidenceClaimIds` replaces the evidence you may see (claims above your clearance stay).',
  fields: (t) => ({
    fromId: t.id({ description: 'The actor the link now reads from.' }),
    toId: t.id({ description: 'Another actor than `fromId`.' }),
    type: t.field({
      type: 'RelationshipType',
      description: 'What the link is, as a slug read from → to.',
    }),
    validTime: t.field({
      type: ValidTimeInput,
      description: 'Replaces when it holds; null clears it (unknown).',
    }),
    confidence: t.int({ description: '0 to 100 (STIX 2.1 scale).' }),
    attributes: t.field({
      type: 'JSONObject',
      description: 'Extra facts, e.g. `{"quantity": 24}`.',
    }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({
      type: MarkingEnum,
      description: 'At most your clearance.',
    }),
    evidenceClaimIds: t.idList({ description: 'Claims that support the link, each once.' }),
  }),
});

export interface RelateActorsCommand {
  from: Reference;
  to: Reference;
  type: string;
  validTime: ValidTimeColumns;
  confidence: number | null;
  attributes: Record<string, unknown>;
  description: string | null;
  marking: Marking;
  evidence: Reference[];
  participants: ParticipantCommand[];
}

/** Omitted fields are undefined (unchanged); null clears an optional one. */
export interface RelationshipChange {
  from: Reference | undefined;
  to: Reference | undefined;
  type: string | undefined;
  validTime: ValidTimeColumns | undefined;
  confidence: number | null | undefined;
  attributes: Record<string, unknown> | undefined;
  description: string | null | undefined;
  marking: Marking | undefined;
  evidence: Reference[] | undefined;
}

export type UpdateRelationshipCommand = AtVersion & RelationshipChange;

export type EndRelationshipCommand = AtVersion & { validTo: PartialDateShape };

function attributesValue(
  issues: Issues,
  path: Path,
  attributes: Record<string, unknown>,
): Record<string, unknown> {
  const length = JSON.stringify(attributes).length;
  if (length > MAX_ATTRIBUTES_LENGTH) {
    issues.add(path, `expected at most ${MAX_ATTRIBUTES_LENGTH} characters of JSON, got ${length}`);
  }
  return attributes;
}

/** References to claims, each once; those that decode (the others' problems are listed). */
function claimReferences(issues: Issues, path: Path, globalIds: readonly string[]): Reference[] {
  const seen = new Map<number, number>();
  return globalIds.flatMap((globalId, i) => {
    const ref = issues.reference([...path, i], globalId, 'Claim');
    if (!ref) return [];
    const first = seen.get(ref.id);
    if (first === undefined) seen.set(ref.id, i);
    else issues.add(ref.path, `expected each claim once, got a repeat of index ${first}`);
    return [ref];
  });
}

/**
 * Checks an end date with the shared valid-time rules (aligned to its precision, not before
 * `start`); those name the bound `to`, this mutation's argument is `validTo`.
 */
export function checkEnd(
  issues: Issues,
  start: PartialDateShape | null,
  validTo: PartialDateShape,
): void {
  const bound = new Issues();
  validTimeColumns(bound, [], { from: start, to: validTo });
  for (const issue of bound.list) issues.add(['validTo', ...issue.path.slice(1)], issue.message);
}

export function parseRelateActors(
  input: typeof RelateActorsInput.$inferInput,
): Parsed<RelateActorsCommand> {
  const issues = new Issues();
  const from = issues.reference(['input', 'fromId'], input.fromId, 'Actor');
  const to = issues.reference(['input', 'toId'], input.toId, 'Actor');
  if (from && from.id === to?.id) {
    issues.add(['input', 'toId'], 'expected another actor than fromId, got the same one');
  }
  const draft = {
    type: input.type,
    validTime: validTimeColumns(issues, ['input', 'validTime'], input.validTime),
    confidence: issues.intRange(['input', 'confidence'], input.confidence, 0, 100),
    attributes: attributesValue(issues, ['input', 'attributes'], input.attributes ?? {}),
    description: issues.description(input.description),
    evidence: claimReferences(issues, ['input', 'evidenceClaimIds'], input.evidenceClaimIds ?? []),
    marking: input.marking ?? 'CLEAR',
    participants: parseParticipants(issues, input.participants ?? [], ['input', 'participants']),
  };
  return parsed(issues, from && to && { from, to, ...draft }, {});
}

export function parseUpdateRelationship(
  args: UpdateArgs<typeof UpdateRelationshipInput.$inferInput>,
): Parsed<UpdateRelationshipCommand> {
  const { input } = args;
  return parseAtVersion(args, 'ActorRelationship', (issues): RelationshipChange => {
    // Both ends are refused as null before either is decoded, so their issues come in that order.
    const fromId = issues.required(['input', 'fromId'], input.fromId, (end) => end, 'an actor');
    const toId = issues.required(['input', 'toId'], input.toId, (end) => end, 'an actor');
    return {
      from: ifGiven(fromId, (end) => issues.reference(['input', 'fromId'], end, 'Actor')),
      to: ifGiven(toId, (end) => issues.reference(['input', 'toId'], end, 'Actor')),
      type: issues.required(['input', 'type'], input.type, (type) => type, 'a type'),
      validTime: ifGiven(input.validTime, (validTime) =>
        validTimeColumns(issues, ['input', 'validTime'], validTime),
      ),
      confidence: ifGiven(input.confidence, (confidence) =>
        issues.intRange(['input', 'confidence'], confidence, 0, 100),
      ),
      attributes: ifGiven(input.attributes, (attributes) =>
        attributesValue(issues, ['input', 'attributes'], attributes ?? {}),
      ),
      description: ifGiven(input.description, (description) => issues.description(description)),
      marking: issues.required(
        ['input', 'marking'],
        input.marking,
        (marking) => marking,
        'a marking',
      ),
      evidence: ifGiven(input.evidenceClaimIds, (ids) =>
        claimReferences(issues, ['input', 'evidenceClaimIds'], ids ?? []),
      ),
    };
  });
}

export function parseEndRelationship(args: {
  id: string;
  expectedVersion: number;
  validTo: PartialDateShape;
}): Parsed<EndRelationshipCommand> {
  return parseAtVersion(args, 'ActorRelationship', (issues) => {
    checkEnd(issues, null, args.validTo);
    return { validTo: args.validTo };
  });
}

export function parseRemoveRelationship(args: {
  id: string;
  expectedVersion: number;
}): Parsed<AtVersion> {
  return parseAtVersion(args, 'ActorRelationship', () => ({}));
}
