import { builder } from '../builder.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { BriefingStatusEnum, MarkingEnum, MediaKindEnum, TagKindEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import {
  findClaimLinks,
  lockQuotedClaimsOfBriefing,
  updateClaimAtVersion,
  type ClaimRow,
} from '../claims/claim.repository.js';
import type { Executor } from '../db/executor.js';
import type { BriefingStatus, TagKind } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import { PartialDateInput, validTimeColumns } from '../mutations/common-inputs.js';
import { Issues, assertMarkingAllowed, type Path } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import { runWrite, type Write } from '../mutations/write.js';
import { BriefingRef } from '../refs.js';
import { codePointLength, locateQuote } from './quote-anchoring.js';
import { findSourcesByIds } from '../sources/source.repository.js';
import {
  findAuthorsByBriefingIds,
  findAuthorsByIds,
  findMediaByBriefingIds,
  findTagsByBriefingIds,
  insertAuthor,
  insertBriefing,
  findBriefingsByIds,
  findSlugHolderId,
  lockVisibleBriefing,
  replaceBriefingAuthors,
  replaceBriefingMedia,
  replaceBriefingTags,
  transitionBriefingAtVersion,
  updateBriefingAtVersion,
  type BriefingRow,
  type NewMedia,
} from './briefing.repository.js';

// Limits from the migration (PostgreSQL's length() counts code points), and caps on list inputs
// so one request cannot write unbounded rows.
const MAX_BODY = 200_000;
const MAX_TAGS = LIST_CAPS.briefingTags;
const MAX_AUTHORS = LIST_CAPS.briefingAuthors;
const MAX_MEDIA = LIST_CAPS.briefingMedia;
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;

/** The editorial workflow: the only moves allowed from each status. */
const TRANSITIONS: Record<BriefingStatus, readonly BriefingStatus[]> = {
  DRAFT: ['IN_REVIEW'],
  IN_REVIEW: ['DRAFT', 'PUBLISHED'],
  PUBLISHED: ['RETRACTED'],
  RETRACTED: [],
};

export const TagInput = builder.inputType('TagInput', {
  description: 'A topic or region to file a briefing under.',
  fields: (t) => ({
    name: t.string({
      required: true,
      description: 'A slug, e.g. `arms-transfers` (at most 80 characters).',
    }),
    kind: t.field({ type: TagKindEnum, required: true }),
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
    kind: t.field({ type: MediaKindEnum, required: true }),
    url: t.string({ description: 'An http(s) URL.' }),
    caption: t.string({ required: true, description: '1 to 2,000 characters.' }),
    credit: t.string({
      required: true,
      description: 'Who made it, as they are to be credited (1 to 500 characters).',
    }),
    licence: t.field({ type: LicenceInput, required: true }),
    takenOn: t.field({ type: PartialDateInput, description: 'When it was made.' }),
  }),
});

export const CreateBriefingInput = builder.inputType('CreateBriefingInput', {
  description: 'A new briefing; it starts as a DRAFT.',
  fields: (t) => ({
    slug: t.string({
      required: true,
      description: 'Unique, URL-safe: lower-case letters, digits and single hyphens (at most 120).',
    }),
    title: t.string({ required: true, description: '1 to 300 characters.' }),
    summary: t.string({ description: 'At most 2,000 characters.' }),
    body: t.string({
      required: true,
      description:
        'Markdown, stored exactly as given (never rendered or run here); at most 200,000 characters. Claim spans index into it.',
    }),
    language: t.string({ description: 'BCP 47 tag such as `en` or `pt-BR`; default `en`.' }),
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
    slug: t.string(),
    title: t.string(),
    summary: t.string(),
    body: t.string(),
    language: t.string(),
    marking: t.field({ type: MarkingEnum }),
    tags: t.field({ type: [TagInput] }),
    authors: t.field({ type: [BriefingAuthorInput] }),
    media: t.field({ type: [MediaInput] }),
    asSourceId: t.id(),
  }),
});

type TagShape = typeof TagInput.$inferInput;
type AuthorShape = typeof BriefingAuthorInput.$inferInput;
type MediaShape = typeof MediaInput.$inferInput;

type BylineEntry =
  | { kind: 'existing'; id: number; reference: string; path: Path }
  | { kind: 'new'; name: string; bio: string | null };

interface BriefingLists {
  tags?: { tag: string; kind: TagKind }[];
  authors?: BylineEntry[];
  media?: NewMedia[];
}

/** A retracted briefing is kept as it was, for the record: neither it nor its claims change. */
export function assertEditable(briefing: BriefingRow): void {
  if (briefing.status === 'RETRACTED') {
    throw new ConflictError(
      `briefing ${encodeGlobalId('Briefing', briefing.id)} is RETRACTED: it and its claims are kept as they were`,
    );
  }
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

function checkLanguage(issues: Issues, path: Path, value: string): string {
  const trimmed = value.trim();
  if (!LANGUAGE.test(trimmed)) {
    issues.add(
      path,
      `expected a BCP 47 language tag such as en or pt-BR, got ${JSON.stringify(trimmed.slice(0, 80))}`,
    );
  }
  return trimmed;
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
    const name = issues.slug([...path, i, 'name'], tag.name, 80);
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
  return authors.map((author, i): BylineEntry => {
    const at = [...path, i];
    if (author.id != null) {
      if (author.name != null || author.bio != null)
        issues.add(
          at,
          'expected either `id` of an existing author or `name` of a new one, not both',
        );
      const id = issues.id([...at, 'id'], author.id, 'Author');
      const earlier = seen.get(id);
      if (id && earlier !== undefined)
        issues.add([...at, 'id'], `expected each author once, got authors.${earlier} again`);
      seen.set(id, i);
      return { kind: 'existing', id, reference: author.id, path: [...at, 'id'] };
    }
    if (author.name == null)
      issues.add(at, 'expected `id` of an existing author or `name` of a new one');
    return {
      kind: 'new',
      name: issues.text([...at, 'name'], author.name, { max: 200 }) ?? '',
      bio: issues.text([...at, 'bio'], author.bio, { max: 5000 }),
    };
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

/** A field an update may change but not clear: undefined leaves it, null is refused. */
function requiredChange<T, R>(
  issues: Issues,
  path: Path,
  value: T | null | undefined,
  check: (value: T) => R,
): R | undefined {
  if (value === undefined) return undefined;
  if (value === null) {
    issues.add(path, 'expected a value, got null (this field cannot be cleared)');
    return undefined;
  }
  return check(value);
}

/**
 * Refuses a slug another briefing has. Only a briefing the caller may see is named: for a
 * hidden one the slug is merely unavailable, so the refusal proves nothing about it.
 */
async function assertSlugFree(
  db: Executor,
  visibility: Visibility,
  slug: string,
  exceptBriefingId: number | null,
): Promise<void> {
  const holderId = await findSlugHolderId(db, slug, exceptBriefingId);
  if (holderId === undefined) return;
  const [holder] = await findBriefingsByIds(db, visibility, [holderId]);
  throw new ConflictError(
    holder
      ? `slug "${slug}" is already taken by briefing ${encodeGlobalId('Briefing', holder.id)}`
      : `slug "${slug}" is unavailable: choose another`,
  );
}

async function assertSourceVisible(
  db: Executor,
  visibility: Visibility,
  sourceId: number | null | undefined,
  reference: string,
): Promise<void> {
  if (!sourceId) return;
  const [source] = await findSourcesByIds(db, visibility, [sourceId]);
  if (!source) throw new NotFoundError('Source', reference, ['input', 'asSourceId']);
}

/**
 * Checks that the named authors exist for the caller (on the byline of a briefing they may
 * see), creates the new ones, and returns the byline's ids.
 */
async function resolveByline(
  db: Executor,
  visibility: Visibility,
  entries: readonly BylineEntry[],
): Promise<number[]> {
  const existing = entries.flatMap((entry) => (entry.kind === 'existing' ? [entry] : []));
  if (existing.length > 0) {
    const found = new Set(
      (
        await findAuthorsByIds(
          db,
          visibility,
          existing.map((e) => e.id),
        )
      ).map((a) => a.id),
    );
    const missing = existing.find((entry) => !found.has(entry.id));
    if (missing) throw new NotFoundError('Author', missing.reference, missing.path);
  }
  const ids: number[] = [];
  for (const entry of entries) {
    ids.push(
      entry.kind === 'existing'
        ? entry.id
        : (await insertAuthor(db, { name: entry.name, bio: entry.bio })).id,
    );
  }
  return ids;
}

async function writeLists(
  db: Executor,
  briefingId: number,
  lists: BriefingLists,
  authorIds: number[] | undefined,
): Promise<void> {
  if (lists.tags) await replaceBriefingTags(db, briefingId, lists.tags);
  if (authorIds) await replaceBriefingAuthors(db, briefingId, authorIds);
  if (lists.media) await replaceBriefingMedia(db, briefingId, lists.media);
}

/** The briefing with its lists, as the audit log records it. */
async function briefingSnapshot(db: Executor, row: BriefingRow): Promise<Record<string, unknown>> {
  const tags = await findTagsByBriefingIds(db, [row.id]);
  const authors = await findAuthorsByBriefingIds(db, [row.id]);
  const media = await findMediaByBriefingIds(db, [row.id]);
  return {
    ...row,
    tags: tags.map(({ tag, kind }) => ({ tag, kind })),
    authorIds: authors.map((a) => a.id),
    media,
  };
}

interface SpanMove {
  claim: ClaimRow;
  span: { start: number; end: number };
}

/**
 * A new body must keep every claim's quote: spans before the edited stretch stay, spans after it
 * shift by the change in length, and a quote inside it must still occur exactly once. Problems
 * go to `issues`; the moves are applied once everything has been checked.
 */
async function planSpanMoves(
  db: Executor,
  visibility: Visibility,
  briefingId: number,
  oldBody: string,
  newBody: string,
  issues: Issues,
): Promise<SpanMove[]> {
  const claims = await lockQuotedClaimsOfBriefing(db, briefingId);
  if (claims.length === 0 || oldBody === newBody) return [];
  const before = [...oldBody];
  const after = [...newBody];
  const shortest = Math.min(before.length, after.length);
  let prefix = 0;
  while (prefix < shortest && before[prefix] === after[prefix]) prefix++;
  let suffix = 0;
  while (
    suffix < shortest - prefix &&
    before[before.length - 1 - suffix] === after[after.length - 1 - suffix]
  )
    suffix++;
  const editedUpTo = before.length - suffix;
  const shift = after.length - before.length;
  const moves: SpanMove[] = [];
  for (const claim of claims) {
    const { quote, span_start: start, span_end: end } = claim;
    if (quote === null || start === null || end === null || end <= prefix) continue;
    if (start >= editedUpTo) {
      moves.push({ claim, span: { start: start + shift, end: end + shift } });
      continue;
    }
    const located = locateQuote(newBody, quote);
    if (located.span) {
      if (located.span.start !== start) moves.push({ claim, span: located.span });
    } else if (visibility.markings.includes(claim.marking)) {
      issues.add(
        ['input', 'body'],
        `expected the body to keep the quote of claim ${encodeGlobalId('Claim', claim.id)} (${JSON.stringify(quote.slice(0, 80))}) exactly once, found it ${located.count === 0 ? 'nowhere' : `${located.count} times`}`,
      );
    } else {
      issues.add(
        ['input', 'body'],
        'expected the body to keep, exactly once, the text quoted by a claim you may not see',
      );
    }
  }
  return moves;
}

async function applySpanMoves(write: Write, moves: readonly SpanMove[]): Promise<void> {
  for (const { claim, span } of moves) {
    const links = await findClaimLinks(write.trx, claim.id);
    const moved = await updateClaimAtVersion(write.trx, claim.id, claim.version, {
      span_start: span.start,
      span_end: span.end,
    });
    if (!moved) throw new ConflictError(`claim ${encodeGlobalId('Claim', claim.id)} moved on`);
    await write.audit({
      action: 'claim.reanchor',
      entityType: 'Claim',
      entityId: claim.id,
      before: { ...claim, ...links },
      after: { ...moved, ...links },
    });
  }
}

builder.mutationFields((t) => ({
  createBriefing: t.field({
    type: BriefingRef,
    description: 'Starts a briefing as a DRAFT, with its tags, byline and media.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'briefing' } },
    args: {
      input: t.arg({ type: CreateBriefingInput, required: true }),
      idempotencyKey: t.arg.string({
        description:
          'Retries with the same key within 24 h return the first result and write nothing.',
      }),
    },
    resolve: async (_root, { input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        { operation: 'createBriefing', role: 'editor', idempotencyKey, input },
        async (write) => {
          const { trx, audit, viewer } = write;
          const issues = new Issues();
          const slug = issues.slug(['input', 'slug'], input.slug);
          const title = issues.text(['input', 'title'], input.title, { max: 300 }) ?? '';
          const summary = issues.text(['input', 'summary'], input.summary, { max: 2000 });
          const body = checkBody(issues, ['input', 'body'], input.body);
          const language = checkLanguage(issues, ['input', 'language'], input.language ?? 'en');
          const sourceId =
            input.asSourceId == null
              ? null
              : issues.id(['input', 'asSourceId'], input.asSourceId, 'Source');
          const lists: BriefingLists = {
            tags: checkTags(issues, ['input', 'tags'], input.tags ?? []),
            authors: checkAuthors(issues, ['input', 'authors'], input.authors ?? []),
            media: checkMedia(issues, ['input', 'media'], input.media ?? []),
          };
          issues.throwIfAny();
          const marking = input.marking ?? 'CLEAR';
          assertMarkingAllowed(viewer, marking);
          await assertSlugFree(trx, ctx.visibility, slug, null);
          await assertSourceVisible(trx, ctx.visibility, sourceId, input.asSourceId ?? '');
          const authorIds = await resolveByline(trx, ctx.visibility, lists.authors ?? []);
          const row = await insertBriefing(trx, {
            slug,
            title,
            summary,
            body,
            language,
            marking,
            source_id: sourceId,
          });
          await writeLists(trx, row.id, lists, authorIds);
          await audit({
            action: 'briefing.create',
            entityType: 'Briefing',
            entityId: row.id,
            before: null,
            after: await briefingSnapshot(trx, row),
          });
          return row.id;
        },
      ),
  }),
  updateBriefing: t.field({
    type: BriefingRef,
    description:
      'Changes a briefing at the version you read (`expectedVersion`). Its claims have their own versions: adding or editing claims does not change the briefing’s.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'briefing' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateBriefingInput, required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { id, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'updateBriefing',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, input },
        },
        async (write) => {
          const { trx, audit, viewer } = write;
          const issues = new Issues();
          const briefingId = issues.id(['id'], id, 'Briefing');
          const slug = requiredChange(issues, ['input', 'slug'], input.slug, (v) =>
            issues.slug(['input', 'slug'], v),
          );
          const title = requiredChange(
            issues,
            ['input', 'title'],
            input.title,
            (v) => issues.text(['input', 'title'], v, { max: 300 }) ?? '',
          );
          const summary =
            input.summary === undefined
              ? undefined
              : issues.text(['input', 'summary'], input.summary, { max: 2000 });
          const body = requiredChange(issues, ['input', 'body'], input.body, (v) =>
            checkBody(issues, ['input', 'body'], v),
          );
          const language = requiredChange(issues, ['input', 'language'], input.language, (v) =>
            checkLanguage(issues, ['input', 'language'], v),
          );
          const marking = requiredChange(issues, ['input', 'marking'], input.marking, (v) => v);
          const sourceId =
            input.asSourceId == null
              ? input.asSourceId
              : issues.id(['input', 'asSourceId'], input.asSourceId, 'Source');
          // A null list clears it; an omitted one stays.
          const lists: BriefingLists = {
            tags:
              input.tags === undefined
                ? undefined
                : checkTags(issues, ['input', 'tags'], input.tags ?? []),
            authors:
              input.authors === undefined
                ? undefined
                : checkAuthors(issues, ['input', 'authors'], input.authors ?? []),
            media:
              input.media === undefined
                ? undefined
                : checkMedia(issues, ['input', 'media'], input.media ?? []),
          };
          // An invalid id (0) finds nothing: its issue is then reported with the others.
          const before = await lockVisibleBriefing(trx, ctx.visibility, briefingId);
          if (!before) {
            issues.throwIfAny();
            throw new NotFoundError('Briefing', id, ['id']);
          }
          // The body's problems need the briefing, so they are found here, and listed with the rest.
          const moves =
            body === undefined
              ? []
              : await planSpanMoves(trx, ctx.visibility, before.id, before.body, body, issues);
          issues.throwIfAny();
          if (marking) assertMarkingAllowed(viewer, marking);
          assertVersion('Briefing', id, before, expectedVersion);
          assertEditable(before);
          if (slug !== undefined) await assertSlugFree(trx, ctx.visibility, slug, before.id);
          await assertSourceVisible(trx, ctx.visibility, sourceId, input.asSourceId ?? '');
          const authorIds =
            lists.authors && (await resolveByline(trx, ctx.visibility, lists.authors));
          const beforeSnapshot = await briefingSnapshot(trx, before);
          await applySpanMoves(write, moves);
          const after = await updateBriefingAtVersion(trx, before.id, expectedVersion, {
            slug,
            title,
            summary,
            body,
            language,
            marking,
            source_id: sourceId,
          });
          if (!after) throw new ConflictError(`briefing ${id} moved on during the update`);
          await writeLists(trx, after.id, lists, authorIds);
          await audit({
            action: 'briefing.update',
            entityType: 'Briefing',
            entityId: after.id,
            before: beforeSnapshot,
            after: await briefingSnapshot(trx, after),
          });
          return after.id;
        },
      ),
  }),
  transitionBriefing: t.field({
    type: BriefingRef,
    description:
      'Moves a briefing along the workflow: DRAFT → IN_REVIEW, IN_REVIEW → DRAFT, IN_REVIEW → PUBLISHED (sets `publishedAt`: now, or an earlier date given), PUBLISHED → RETRACTED (needs a `reason`; the briefing is kept, with `retractedAt` and `retractionReason`).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'briefing' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      to: t.arg({ type: BriefingStatusEnum, required: true }),
      reason: t.arg.string({
        description: 'Why it is retracted (1 to 2,000 characters); only with `to: RETRACTED`.',
      }),
      publishedAt: t.arg({
        type: 'DateTime',
        description:
          'Only with `to: PUBLISHED`: when the article first appeared, for one published elsewhere before (not in the future). Default: now.',
      }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { id, expectedVersion, to, reason, publishedAt, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'transitionBriefing',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, to, reason, publishedAt },
        },
        async ({ trx, audit }) => {
          const issues = new Issues();
          const briefingId = issues.id(['id'], id, 'Briefing');
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
          const before = await lockVisibleBriefing(trx, ctx.visibility, briefingId);
          if (!before) {
            issues.throwIfAny();
            throw new NotFoundError('Briefing', id, ['id']);
          }
          const allowed = TRANSITIONS[before.status];
          if (!allowed.includes(to)) {
            issues.add(
              ['to'],
              `expected a move allowed from ${before.status} (${allowed.length ? `to ${allowed.join(' or ')}` : 'none: it is final'}), got ${before.status} → ${to}`,
            );
          }
          issues.throwIfAny();
          assertVersion('Briefing', id, before, expectedVersion);
          const beforeSnapshot = await briefingSnapshot(trx, before);
          const after = await transitionBriefingAtVersion(trx, before.id, expectedVersion, to, {
            publishedAt: publishedAt ?? null,
            retractionReason,
          });
          if (!after) throw new ConflictError(`briefing ${id} moved on during the transition`);
          await audit({
            action: 'briefing.transition',
            entityType: 'Briefing',
            entityId: after.id,
            before: beforeSnapshot,
            after: await briefingSnapshot(trx, after),
          });
          return after.id;
        },
      ),
  }),
}));
