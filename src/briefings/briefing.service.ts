import { encodeGlobalId } from '../common/global-id.js';
import type { Executor } from '../db/executor.js';
import type { BriefingStatus } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import {
  assertMarkingAllowed,
  commandOf,
  issuesOf,
  type ParsedAtVersion,
  type Reference,
} from '../mutations/validate.js';
import { assertEditable } from '../mutations/editable.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import { findSourcesByIds } from '../visibility/visible-sources.js';
import type {
  BriefingLists,
  BylineEntry,
  BriefingChange,
  CreateBriefingCommand,
  Transition,
} from './briefing.inputs.js';
import { lockVisibleBriefing, findBriefingsByIds } from '../visibility/visible-briefings.js';
import {
  findAuthorsByIds,
  findSlugHolderId,
  insertBriefing,
  transitionBriefingAtVersion,
  updateBriefingAtVersion,
  type BriefingRow,
} from './briefing.repository.js';
import {
  findAuthorsByBriefingIds,
  findMediaByBriefingIds,
  findTagsByBriefingIds,
  insertAuthor,
  replaceBriefingAuthors,
  replaceBriefingTags,
  replaceBriefingMedia,
} from './briefing-parts.repository.js';
import { planSpanMoves, type QuotedClaims, type QuotingClaim } from '../common/quote-anchoring.js';

/** The editorial workflow: the only moves allowed from each status. */
const TRANSITIONS: Record<BriefingStatus, readonly BriefingStatus[]> = {
  DRAFT: ['IN_REVIEW'],
  IN_REVIEW: ['DRAFT', 'PUBLISHED'],
  PUBLISHED: ['RETRACTED'],
  RETRACTED: [],
};

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
  source: Reference | null | undefined,
): Promise<void> {
  if (!source) return;
  const [found] = await findSourcesByIds(db, visibility, [source.id]);
  if (!found) throw new NotFoundError('Source', source.globalId, source.path);
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
  const existing = entries.flatMap((entry) => (entry.kind === 'existing' ? [entry.author] : []));
  if (existing.length > 0) {
    const found = new Set(
      (
        await findAuthorsByIds(
          db,
          visibility,
          existing.map((author) => author.id),
        )
      ).map((a) => a.id),
    );
    const missing = existing.find((author) => !found.has(author.id));
    if (missing) throw new NotFoundError('Author', missing.globalId, missing.path);
  }
  const ids: number[] = [];
  for (const entry of entries) {
    ids.push(
      entry.kind === 'existing'
        ? entry.author.id
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

export async function createBriefing(
  { trx, audit, viewer, visibility }: Write,
  { asSource, lists, ...briefing }: CreateBriefingCommand,
): Promise<number> {
  assertMarkingAllowed(viewer, briefing.marking);
  await assertSlugFree(trx, visibility, briefing.slug, null);
  await assertSourceVisible(trx, visibility, asSource);
  const authorIds = await resolveByline(trx, visibility, lists.authors ?? []);
  const row = await insertBriefing(trx, { ...briefing, source_id: asSource?.id ?? null });
  await writeLists(trx, row.id, lists, authorIds);
  await audit({
    action: 'briefing.create',
    entityType: 'Briefing',
    entityId: row.id,
    before: null,
    after: await briefingSnapshot(trx, row),
  });
  return row.id;
}

/**
 * Takes a failed parse too: a new body's problems, found against the quoting claims, join it.
 * The claims' spans move with the body, in the same transaction.
 */
export async function updateBriefing<Claim extends QuotingClaim>(
  write: Write,
  parse: ParsedAtVersion<BriefingChange>,
  quotedClaims: QuotedClaims<Claim>,
): Promise<number> {
  const { trx, audit, viewer, visibility } = write;
  const issues = issuesOf(parse);
  const { id: ref, body } = parse.ok ? parse.command : parse.known;
  const before = ref && (await lockVisibleBriefing(trx, visibility, ref.id));
  const moves =
    before && body !== undefined
      ? planSpanMoves(
          await quotedClaims.lockOfBriefing(trx, before.id),
          before.body,
          body,
          visibility.markings,
          issues,
        )
      : [];
  const { id, expectedVersion, asSource, lists, ...change } = commandOf(parse);
  issues.throwIfAny();
  if (!before) throw new NotFoundError('Briefing', id.globalId, id.path);
  if (change.marking) assertMarkingAllowed(viewer, change.marking);
  assertVersion('Briefing', id.globalId, before, expectedVersion);
  assertEditable(before);
  if (change.slug !== undefined) await assertSlugFree(trx, visibility, change.slug, before.id);
  await assertSourceVisible(trx, visibility, asSource);
  const authorIds = lists.authors && (await resolveByline(trx, visibility, lists.authors));
  const beforeSnapshot = await briefingSnapshot(trx, before);
  await quotedClaims.reanchor(write, moves);
  const after = await updateBriefingAtVersion(trx, before.id, expectedVersion, {
    ...change,
    source_id: asSource === undefined ? undefined : (asSource?.id ?? null),
  });
  await writeLists(trx, after.id, lists, authorIds);
  await audit({
    action: 'briefing.update',
    entityType: 'Briefing',
    entityId: after.id,
    before: beforeSnapshot,
    after: await briefingSnapshot(trx, after),
  });
  return after.id;
}

/** Takes a failed parse too: a move the workflow forbids, found on the row, joins it. */
export async function transitionBriefing(
  { trx, audit, visibility }: Write,
  parse: ParsedAtVersion<Transition>,
): Promise<number> {
  const issues = issuesOf(parse);
  const { id: ref, to } = parse.ok ? parse.command : parse.known;
  const before = ref && (await lockVisibleBriefing(trx, visibility, ref.id));
  const allowed = before && TRANSITIONS[before.status];
  if (before && allowed && !allowed.includes(to)) {
    issues.add(
      ['to'],
      `expected a move allowed from ${before.status} (${allowed.length ? `to ${allowed.join(' or ')}` : 'none: it is final'}), got ${before.status} → ${to}`,
    );
  }
  const command = commandOf(parse);
  const { id, expectedVersion } = command;
  issues.throwIfAny();
  if (!before) throw new NotFoundError('Briefing', id.globalId, id.path);
  assertVersion('Briefing', id.globalId, before, expectedVersion);
  const beforeSnapshot = await briefingSnapshot(trx, before);
  const after = await transitionBriefingAtVersion(trx, before.id, expectedVersion, to, {
    publishedAt: command.publishedAt,
    retractionReason: command.retractionReason,
  });
  await audit({
    action: 'briefing.transition',
    entityType: 'Briefing',
    entityId: after.id,
    before: beforeSnapshot,
    after: await briefingSnapshot(trx, after),
  });
  return after.id;
}
