import { builder } from '../builder.js';
import { LIST_CAPS } from '../common/list-caps.js';
import {
  SourceActorInput,
  parseSourceActorLinks,
  type SourceActorLinkCommand,
} from './source-actor.inputs.js';
import { MarkingEnum, ReliabilityEnum, SourceKindEnum } from '../common/enums.js';
import type { Marking, Reliability, SourceKind } from '../db/types.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  type AtVersion,
  type Parsed,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';

export const CreateSourceInput = builder.inputType('CreateSourceInput', {
  description: 'A new source.',
  fields: (t) => ({
    kind: t.field({ type: SourceKindEnum, required: true }),
    title: t.string({ required: true, description: '1 to 500 characters.' }),
    publisher: t.string({ description: 'At most 200 characters.' }),
    url: t.string({ description: 'An http(s) URL.' }),
    publishedAt: t.field({ type: 'DateTime' }),
    accessedAt: t.field({ type: 'DateTime' }),
    reliability: t.field({ type: ReliabilityEnum }),
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
    kind: t.field({ type: SourceKindEnum }),
    title: t.string(),
    publisher: t.string(),
    url: t.string(),
    publishedAt: t.field({ type: 'DateTime' }),
    accessedAt: t.field({ type: 'DateTime' }),
    reliability: t.field({ type: ReliabilityEnum }),
    derivedFromId: t.id(),
    description: t.string(),
    marking: t.field({ type: MarkingEnum }),
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
  publishedAt: Date | null;
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
  publishedAt: Date | null | undefined;
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
  const command: CreateSourceCommand = {
    kind: input.kind,
    title: issues.text(['input', 'title'], input.title, { max: 500 }) ?? '',
    publisher: issues.text(['input', 'publisher'], input.publisher, { max: 200 }),
    url: issues.url(['input', 'url'], input.url),
    publishedAt: input.publishedAt ?? null,
    accessedAt: input.accessedAt ?? null,
    reliability: input.reliability ?? null,
    description: issues.description(input.description),
    derivedFrom: input.derivedFromId
      ? issues.reference(['input', 'derivedFromId'], input.derivedFromId, 'Source')
      : null,
    marking: input.marking ?? 'CLEAR',
    actors: parseSourceActorLinks(issues, input.actors ?? []),
  };
  return { command, issues };
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
    publishedAt: input.publishedAt,
    accessedAt: input.accessedAt,
    reliability: input.reliability,
    marking: input.marking ?? undefined,
    actors: ifGiven(input.actors, (actors) => parseSourceActorLinks(issues, actors ?? [])),
  }));
}
