import { builder } from '../builder.js';
import { LIST_CAPS } from '../common/list-caps.js';
import {
  SourceActorInput,
  parseSourceActorLinks,
  type SourceActorLinkCommand,
} from './source-actor.inputs.js';
import { MarkingEnum, ReliabilityEnum, SourceKindEnum } from '../common/enums.js';
import type { Marking, Precision, Reliability, SourceKind } from '../db/types.js';
import { PartialDateInput, checkAligned } from '../mutations/common-inputs.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  parsed,
  type AtVersion,
  type Parsed,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';

const PUBLISHED_AT = 'The exact instant of publication; or `publishedOn`, not both.';
const PUBLISHED_ON =
  'The publication date when only a day, month or year is known (“May 2024”); or `publishedAt`, not both.';

/** When a source was published: an exact instant (no precision), or a date at a precision. */
export interface Published {
  at: Date | string | null;
  precision: Precision | null;
}

type PublishedInput = {
  publishedAt?: Date | null;
  publishedOn?: { date: string; precision: Precision } | null;
};

/**
 * The publication columns from `publishedAt` or `publishedOn` (a partial date, stored at UTC
 * midnight of its first day); undefined when neither is given, cleared by a null.
 */
function publishedOf(issues: Issues, input: PublishedInput): Published | undefined {
  const { publishedAt, publishedOn } = input;
  if (publishedAt != null && publishedOn != null) {
    issues.add(['input', 'publishedOn'], 'expected publishedAt or publishedOn, got both');
    return undefined;
  }
  if (publishedOn) {
    checkAligned(issues, ['input', 'publishedOn'], publishedOn);
    return { at: `${publishedOn.date}T00:00:00Z`, precision: publishedOn.precision };
  }
  if (publishedAt !== undefined) return { at: publishedAt, precision: null };
  if (publishedOn === null) return { at: null, precision: null };
  return undefined;
}

export const CreateSourceInput = builder.inputType('CreateSourceInput', {
  description: 'A new source.',
  fields: (t) => ({
    kind: t.field({
      type: SourceKindEnum,
      required: true,
      description: 'What sort of source it is.',
    }),
    title: t.string({ required: true, description: '1 to 500 characters.' }),
    publisher: t.string({ description: 'At most 200 characters.' }),
    url: t.string({ description: 'An http(s) URL.' }),
    publishedAt: t.field({ type: 'DateTime', description: PUBLISHED_AT }),
    publishedOn: t.field({ type: PartialDateInput, description: PUBLISHED_ON }),
    accessedAt: t.field({
      type: 'DateTime',
      description: 'When the source was retrieved (for web pages that may change).',
    }),
    reliability: t.field({
      type: ReliabilityEnum,
      description: 'Admiralty reliability grade, A (reliable) to F (cannot be judged).',
    }),
    derivedFromId: t.id({ description: 'The source this one relays.' }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    actors: t.field({
      type: [SourceActorInput],
      description: `Who speaks in, wrote, published or is the subject of it, in order (at most ${LIST_CAPS.sourceActors}).`,
    }),
  }),
});

export const UpdateSourceInput = builder.inputType('UpdateSourceInput', {
  description: 'Changes to a source: omitted fields stay as they are; null clears an optional one.',
  fields: (t) => ({
    kind: t.field({ type: SourceKindEnum, description: 'The new kind.' }),
    title: t.string({ description: '1 to 500 characters.' }),
    publisher: t.string({ description: 'At most 200 characters.' }),
    url: t.string({ description: 'An http(s) URL.' }),
    publishedAt: t.field({ type: 'DateTime', description: PUBLISHED_AT }),
    publishedOn: t.field({ type: PartialDateInput, description: PUBLISHED_ON }),
    accessedAt: t.field({ type: 'DateTime', description: 'When the source was last retrieved.' }),
    reliability: t.field({
      type: ReliabilityEnum,
      description: 'Admiralty reliability grade, A (reliable) to F (cannot be judged).',
    }),
    derivedFromId: t.id({ description: 'The source this one relays.' }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({
      type: MarkingEnum,
      description: 'At most your clearance.',
    }),
    actors: t.field({
      type: [SourceActorInput],
      description:
        'Replaces the actor links you may see (links to actors above your clearance stay); null or [] removes them.',
    }),
  }),
});

export interface CreateSourceCommand {
  kind: SourceKind;
  title: string;
  publisher: string | null;
  url: string | null;
  published: Published;
  accessedAt: Date | null;
  reliability: Reliability | null;
  derivedFrom: Reference | null;
  description: string | null;
  marking: Marking;
  actors: SourceActorLinkCommand[];
}

/** Omitted fields are undefined (unchanged); null clears an optional one. */
export interface SourceChange {
  kind: SourceKind | undefined;
  title: string | undefined;
  publisher: string | null | undefined;
  url: string | null | undefined;
  published: Published | undefined;
  accessedAt: Date | null | undefined;
  reliability: Reliability | null | undefined;
  derivedFrom: Reference | null | undefined;
  description: string | null | undefined;
  marking: Marking | undefined;
  actors: SourceActorLinkCommand[] | undefined;
}

export type UpdateSourceCommand = AtVersion & SourceChange;

export function parseCreateSource(
  input: typeof CreateSourceInput.$inferInput,
): Parsed<CreateSourceCommand> {
  const issues = new Issues();
  const draft = {
    kind: input.kind,
    title: issues.text(['input', 'title'], input.title, { max: 500 }) ?? '',
    publisher: issues.text(['input', 'publisher'], input.publisher, { max: 200 }),
    url: issues.url(['input', 'url'], input.url),
    published: publishedOf(issues, input) ?? { at: null, precision: null },
    accessedAt: input.accessedAt ?? null,
    reliability: input.reliability ?? null,
    description: issues.description(input.description),
    derivedFrom: input.derivedFromId
      ? issues.reference(['input', 'derivedFromId'], input.derivedFromId, 'Source')
      : null,
    marking: input.marking ?? 'CLEAR',
    actors: parseSourceActorLinks(issues, input.actors ?? []),
  };
  const { derivedFrom } = draft;
  return parsed(issues, derivedFrom === undefined ? undefined : { ...draft, derivedFrom }, {});
}

export function parseUpdateSource(
  args: UpdateArgs<typeof UpdateSourceInput.$inferInput>,
): Parsed<UpdateSourceCommand> {
  const { input } = args;
  return parseAtVersion(args, 'Source', (issues): SourceChange => ({
    title: ifGiven(
      input.title,
      (title) => issues.text(['input', 'title'], title ?? '', { max: 500 }) ?? '',
    ),
    publisher: ifGiven(input.publisher, (publisher) =>
      issues.text(['input', 'publisher'], publisher, { max: 200 }),
    ),
    url: ifGiven(input.url, (url) => issues.url(['input', 'url'], url)),
    description: ifGiven(input.description, (description) => issues.description(description)),
    derivedFrom: ifGiven(input.derivedFromId, (derivedFromId) =>
      derivedFromId === null
        ? null
        : issues.reference(['input', 'derivedFromId'], derivedFromId, 'Source'),
    ),
    kind: issues.required(['input', 'kind'], input.kind, (kind) => kind, 'a kind'),
    published: publishedOf(issues, input),
    accessedAt: input.accessedAt,
    reliability: input.reliability,
    marking: input.marking ?? undefined,
    actors: ifGiven(input.actors, (actors) => parseSourceActorLinks(issues, actors ?? [])),
  }));
}
