import { builder } from '../builder.js';
import { MarkingEnum, MediaKindEnum, TagKindEnum } from '../common/enums.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type { BriefingStatus, Marking, TagKind } from '../db/types.js';
import { PartialDateInput, validTimeColumns } from '../mutations/common-inputs.js';
import {
  Issues,
  ifGiven,
  parseAtVersion,
  parsed,
  type ParsedAtVersion,
  type Parsed,
  type Path,
  type Reference,
  type UpdateArgs,
} from '../mutations/validate.js';
import type { NewMedia } from './briefing.repository.js';
import { codePointLength } from '../common/quote-anchoring.js';

// Limits from the migration (PostgreSQL's length() counts code points), and caps on list inputs
// so one request cannot write unbounded rows.
const MAX_BODY = 200_000;
const MAX_TAGS = LIST_CAPS.briefingTags;
const MAX_AUTHORS = LIST_CAPS.briefingAuthors;
const MAX_MEDIA = LIST_CAPS.briefingMedia;

export const TagInput = builder.inputType('TagInput', {
  description: 'A topic or region to file a briefing under.',
  fields: (t) => ({
    name: t.field({
      type: 'Slug',
      required: true,
      description: 'E.g. `arms-transfers` (at most 80 characters).',
    }),
    kind: t.field({
      type: TagKindEnum,
      required: true,
      description: 'Whether it names a topic or a region.',
    }),
  }),
});

export const BriefingAuthorInput = builder.inputType('BriefingAuthorInput', {
  description:
    'One byline entry: either `id` of an existing author, or `name` (and optionally `bio`) of a new one.',
  fields: (t) => ({
    id: t.id({ description: 'An existing author.' }),
    name: t.string({ description: 'A new author’s name, 1 to 200 characters.' }),
    bio: t.string({ description: 'A new author’s bio, at most 5,000 characters.' }),
  }),
});

export const LicenceInput = builder.inputType('LicenceInput', {
  description: 'Terms under which a media item may be reused.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'E.g. `CC BY 4.0` (1 to 200 characters).' }),
    url: t.string({ description: 'The licence text, an http(s) URL.' }),
  }),
});

export const MediaInput = builder.inputType('MediaInput', {
  description: 'A photo or other item illustrating a briefing, with its credit and licence.',
  fields: (t) => ({
    kind: t.field({
      type: MediaKindEnum,
      required: true,
      description: 'Photo, video, map, chart or document.',
    }),
    url: t.string({ description: 'An http(s) URL.' }),
    caption: t.string({ required: true, description: '1 to 2,000 characters.' }),
    credit: t.string({
      required: true,
      description: 'Who made it, as they are to be credited (1 to 500 characters).',
    }),
    licence: t.field({
      type: LicenceInput,
      required: true,
      description: 'The terms it may be reused under.',
    }),
    takenOn: t.field({ type: PartialDateInput, description: 'When it was made.' }),
  }),
});

export const CreateBriefingInput = builder.inputType('CreateBriefingInput', {
  description: 'A new briefing; it starts as a DRAFT.',
  fields: (t) => ({
    slug: t.field({
      type: 'Slug',
      required: true,
      description: 'Unique among briefings; its address on the public site.',
    }),
    title: t.string({ required: true, description: '1 to 300 characters.' }),
    summary: t.string({ description: 'At most 2,000 characters.' }),
    body: t.string({
      required: true,
      description:
        'Markdown, stored exactly as given (never rendered or run here); at most 200,000 characters. Claim spans index into it.',
    }),
    language: t.field({ type: 'LanguageTag', description: 'Default `en`.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    tags: t.field({ type: [TagInput], description: 'Topics and regions (each once).' }),
    authors: t.field({ type: [BriefingAuthorInput], description: 'The byline, in order.' }),
    media: t.field({ type: [MediaInput], description: 'Photos and other media, in order.' }),
    asSourceId: t.id({
      description: 'The source record standing for this briefing in attribution chains.',
    }),
  }),
});

export const UpdateBriefingInput = builder.inputType('UpdateBriefingInput', {
  description:
    'Changes to a briefing: omitted fields stay as they are; null clears an optional one. `tags`, `authors` and `media`, when given, replace the whole list. A new `body` moves the spans of the claims that quote it.',
  fields: (t) => ({
    slug: t.field({
      type: 'Slug',
      description: 'Unique among briefings; its address on the public site.',
    }),
    title: t.string({ description: '1 to 300 characters.' }),
    summary: t.string({ description: 'At most 2,000 characters.' }),
    body: t.string({
      description:
        'Markdown, stored exactly as given (never rendered or run here); at most 200,000 characters. Claim spans index into it.',
    }),
    language: t.field({ type: 'LanguageTag', description: 'BCP 47 language tag, e.g. `en`.' }),
    marking: t.field({
      type: MarkingEnum,
      description: 'At most your clearance.',
    }),
    tags: t.field({ type: [TagInput], description: 'Topics and regions (each once).' }),
    authors: t.field({ type: [BriefingAuthorInput], description: 'The byline, in order.' }),
    media: t.field({ type: [MediaInput], description: 'Photos and other media, in order.' }),
    asSourceId: t.id({
      description: 'The source record standing for this briefing in attribution chains.',
    }),
  }),
});

type TagShape = typeof TagInput.$inferInput;
type AuthorShape = typeof BriefingAuthorInput.$inferInput;
type MediaShape = typeof MediaInput.$inferInput;

export type BylineEntry =
  { kind: 'existing'; author: Reference } | { kind: 'new'; name: string; bio: string | null };

/** The lists a briefing write replaces; an omitted one stays as it is. */
export interface BriefingLists {
  tags?: { tag: string; kind: TagKind }[];
  authors?: BylineEntry[];
  media?: NewMedia[];
}

export interface CreateBriefingCommand {
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  language: string;
  marking: Marking;
  asSource: Reference | null;
  lists: BriefingLists;
}

/** Omitted fields are undefined (unchanged); null clears an optional one. */
export interface BriefingChange {
  slug: string | undefined;
  title: string | undefined;
  summary: string | null | undefined;
  body: string | undefined;
  language: string | undefined;
  marking: Marking | undefined;
  asSource: Reference | null | undefined;
  lists: BriefingLists;
}

export interface Transition {
  to: BriefingStatus;
  publishedAt: Date | null;
  retractionReason: string | null;
}

function checkBody(issues: Issues, path: Path, body: string): string {
  const length = codePointLength(body);
  if (body.trim() === '' || length > MAX_BODY) {
    issues.add(
      path,
      `expected 1 to ${MAX_BODY} characters of text, got ${body.trim() === '' ? 'none' : length}`,
    );
  }
  // Stored untrimmed: whitespace can be Markdown syntax, and claim spans index into it.
  return body;
}

function checkTags(
  issues: Issues,
  path: Path,
  tags: readonly TagShape[],
): { tag: string; kind: TagKind }[] {
  if (tags.length > MAX_TAGS)
    issues.add(path, `expected at most ${MAX_TAGS} tags, got ${tags.length}`);
  const seen = new Map<string, number>();
  return tags.map((tag, i) => {
    const name = issues.slugOfAtMost([...path, i, 'name'], tag.name, 80);
    const earlier = seen.get(name);
    if (earlier !== undefined)
      issues.add(
        [...path, i, 'name'],
        `expected each tag once, got "${name}" again (tags.${earlier})`,
      );
    seen.set(name, i);
    return { tag: name, kind: tag.kind };
  });
}

function checkAuthors(issues: Issues, path: Path, authors: readonly AuthorShape[]): BylineEntry[] {
  if (authors.length > MAX_AUTHORS)
    issues.add(path, `expected at most ${MAX_AUTHORS} authors, got ${authors.length}`);
  const seen = new Map<number, number>();
  return authors.flatMap((author, i): BylineEntry[] => {
    const at = [...path, i];
    if (author.id != null) {
      if (author.name != null || author.bio != null)
        issues.add(
          at,
          'expected either `id` of an existing author or `name` of a new one, not both',
        );
      // An id that does not decode has its problem listed and no entry.
      const ref = issues.reference([...at, 'id'], author.id, 'Author');
      if (!ref) return [];
      const earlier = seen.get(ref.id);
      if (earlier !== undefined)
        issues.add(ref.path, `expected each author once, got authors.${earlier} again`);
      seen.set(ref.id, i);
      return [{ kind: 'existing', author: ref }];
    }
    if (author.name == null)
      issues.add(at, 'expected `id` of an existing author or `name` of a new one');
    return [
      {
        kind: 'new',
        name: issues.text([...at, 'name'], author.name, { max: 200 }) ?? '',
        bio: issues.text([...at, 'bio'], author.bio, { max: 5000 }),
      },
    ];
  });
}

function checkTakenOn(
  issues: Issues,
  path: Path,
  takenOn: MediaShape['takenOn'],
): Pick<NewMedia, 'taken_on' | 'taken_on_precision'> {
  if (!takenOn) return { taken_on: null, taken_on_precision: null };
  // validTimeColumns owns the rule that a date sits at the start of its period: it checks this
  // one date on the side and its findings are reported at this path.
  const scratch = new Issues();
  validTimeColumns(scratch, [], { from: takenOn });
  for (const issue of scratch.list) issues.add(path, issue.message);
  return { taken_on: takenOn.date, taken_on_precision: takenOn.precision };
}

function checkMedia(issues: Issues, path: Path, media: readonly MediaShape[]): NewMedia[] {
  if (media.length > MAX_MEDIA)
    issues.add(path, `expected at most ${MAX_MEDIA} media, got ${media.length}`);
  return media.map((item, i) => {
    const at = [...path, i];
    return {
      kind: item.kind,
      url: issues.url([...at, 'url'], item.url),
      caption: issues.text([...at, 'caption'], item.caption, { max: 2000 }) ?? '',
      credit: issues.text([...at, 'credit'], item.credit, { max: 500 }) ?? '',
      licence_name: issues.text([...at, 'licence', 'name'], item.licence.name, { max: 200 }) ?? '',
      licence_url: issues.url([...at, 'licence', 'url'], item.licence.url),
      ...checkTakenOn(issues, [...at, 'takenOn'], item.takenOn),
    };
  });
}

function asSource(issues: Issues, globalId: string): Reference | undefined {
  return issues.reference(['input', 'asSourceId'], globalId, 'Source');
}

export function parseCreateBriefing(
  input: typeof CreateBriefingInput.$inferInput,
): Parsed<CreateBriefingCommand> {
  const issues = new Issues();
  const draft = {
    slug: input.slug,
    title: issues.text(['input', 'title'], input.title, { max: 300 }) ?? '',
    summary: issues.text(['input', 'summary'], input.summary, { max: 2000 }),
    body: checkBody(issues, ['input', 'body'], input.body),
    language: input.language ?? 'en',
    marking: input.marking ?? 'CLEAR',
    asSource: input.asSourceId == null ? null : asSource(issues, input.asSourceId),
    lists: {
      tags: checkTags(issues, ['input', 'tags'], input.tags ?? []),
      authors: checkAuthors(issues, ['input', 'authors'], input.authors ?? []),
      media: checkMedia(issues, ['input', 'media'], input.media ?? []),
    },
  };
  const { asSource: source } = draft;
  return parsed(issues, source === undefined ? undefined : { ...draft, asSource: source }, {});
}

export function parseUpdateBriefing(
  args: UpdateArgs<typeof UpdateBriefingInput.$inferInput>,
): ParsedAtVersion<BriefingChange> {
  const { input } = args;
  return parseAtVersion(args, 'Briefing', (issues): BriefingChange => ({
    slug: issues.required(['input', 'slug'], input.slug, (slug) => slug),
    title: issues.required(
      ['input', 'title'],
      input.title,
      (title) => issues.text(['input', 'title'], title, { max: 300 }) ?? '',
    ),
    summary: ifGiven(input.summary, (summary) =>
      issues.text(['input', 'summary'], summary, { max: 2000 }),
    ),
    body: issues.required(['input', 'body'], input.body, (body) =>
      checkBody(issues, ['input', 'body'], body),
    ),
    language: issues.required(['input', 'language'], input.language, (language) => language),
    marking: issues.required(['input', 'marking'], input.marking, (marking) => marking),
    asSource: input.asSourceId == null ? input.asSourceId : asSource(issues, input.asSourceId),
    // A null list clears it; an omitted one stays.
    lists: {
      tags: ifGiven(input.tags, (tags) => checkTags(issues, ['input', 'tags'], tags ?? [])),
      authors: ifGiven(input.authors, (authors) =>
        checkAuthors(issues, ['input', 'authors'], authors ?? []),
      ),
      media: ifGiven(input.media, (media) => checkMedia(issues, ['input', 'media'], media ?? [])),
    },
  }));
}

export function parseTransitionBriefing(args: {
  id: string;
  expectedVersion: number;
  to: BriefingStatus;
  reason?: string | null;
  publishedAt?: Date | null;
}): ParsedAtVersion<Transition> {
  const { to, reason, publishedAt } = args;
  return parseAtVersion(args, 'Briefing', (issues): Transition => {
    const retractionReason = issues.text(['reason'], reason, { max: 2000 });
    if (to === 'RETRACTED' && reason == null)
      issues.add(['reason'], 'expected a reason to retract a briefing');
    if (to !== 'RETRACTED' && reason != null)
      issues.add(['reason'], `expected no reason: only a retraction records one, not ${to}`);
    if (publishedAt && to !== 'PUBLISHED')
      issues.add(
        ['publishedAt'],
        `expected no publishedAt: only a publication records one, not ${to}`,
      );
    if (publishedAt && publishedAt.getTime() > Date.now())
      issues.add(
        ['publishedAt'],
        `expected an instant in the past, got ${publishedAt.toISOString()}`,
      );
    return { to, publishedAt: publishedAt ?? null, retractionReason };
  });
}
