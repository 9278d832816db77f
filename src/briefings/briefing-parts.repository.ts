import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { TagKind } from '../db/types.js';
import { anyId } from '../db/any-id.js';
import type { AuthorRow, MediaRow, NewMedia } from './briefing.repository.js';

// A briefing's byline, media and tags: read per briefing, replaced whole on write.

/** One visible briefing's byline, in order as `list_rank`, at most `cap` (compiled reads). */
export function authorsOfBriefingQuery(db: Executor, briefingId: RawBuilder<number>, cap: number) {
  return db
    .selectFrom('briefing_author')
    .innerJoin('author', 'author.id', 'briefing_author.author_id')
    .selectAll('author')
    .select('briefing_author.position as list_rank')
    .where('briefing_author.briefing_id', '=', briefingId)
    .orderBy('briefing_author.position')
    .limit(cap);
}

/** One visible briefing's media, in order as `list_rank`, at most `cap` (compiled reads). */
export function mediaOfBriefingQuery(db: Executor, briefingId: RawBuilder<number>, cap: number) {
  return db
    .selectFrom('media')
    .selectAll('media')
    .select('media.position as list_rank')
    .where('media.briefing_id', '=', briefingId)
    .orderBy('media.position')
    .limit(cap);
}

/** One visible briefing's tags by kind and name as `list_rank`, at most `cap` (compiled reads). */
export function tagsOfBriefingQuery(db: Executor, briefingId: RawBuilder<number>, cap: number) {
  return db
    .selectFrom('briefing_tag')
    .select([
      'briefing_tag.tag',
      'briefing_tag.kind',
      sql<number>`row_number() over (order by briefing_tag.kind, briefing_tag.tag)`.as('list_rank'),
    ])
    .where('briefing_tag.briefing_id', '=', briefingId)
    .orderBy('briefing_tag.kind')
    .orderBy('briefing_tag.tag')
    .limit(cap);
}

/** The bylines of briefings (which the caller has already been allowed to see), in order. */
export async function findAuthorsByBriefingIds(
  db: Executor,
  briefingIds: readonly number[],
): Promise<(AuthorRow & { briefing_id: number })[]> {
  return db
    .selectFrom('briefing_author')
    .innerJoin('author', 'author.id', 'briefing_author.author_id')
    .selectAll('author')
    .select('briefing_author.briefing_id')
    .where('briefing_author.briefing_id', '=', anyId(briefingIds))
    .orderBy('briefing_author.briefing_id')
    .orderBy('briefing_author.position')
    .execute();
}

export async function findMediaByBriefingIds(
  db: Executor,
  briefingIds: readonly number[],
): Promise<MediaRow[]> {
  return db
    .selectFrom('media')
    .selectAll()
    .where('briefing_id', '=', anyId(briefingIds))
    .orderBy('briefing_id')
    .orderBy('position')
    .execute();
}

export async function findTagsByBriefingIds(
  db: Executor,
  briefingIds: readonly number[],
): Promise<{ briefing_id: number; tag: string; kind: TagKind }[]> {
  return db
    .selectFrom('briefing_tag')
    .select(['briefing_id', 'tag', 'kind'])
    .where('briefing_id', '=', anyId(briefingIds))
    .orderBy('briefing_id')
    .orderBy('kind')
    .orderBy('tag')
    .execute();
}

export async function insertAuthor(
  db: Executor,
  author: { name: string; bio: string | null },
): Promise<AuthorRow> {
  return db.insertInto('author').values(author).returningAll().executeTakeFirstOrThrow();
}

/** Sets the byline: these authors, in this order, replacing any before. */
export async function replaceBriefingAuthors(
  db: Executor,
  briefingId: number,
  authorIds: readonly number[],
): Promise<void> {
  await db.deleteFrom('briefing_author').where('briefing_id', '=', briefingId).execute();
  if (authorIds.length === 0) return;
  await db
    .insertInto('briefing_author')
    .values(
      authorIds.map((authorId, position) => ({
        briefing_id: briefingId,
        author_id: authorId,
        position,
      })),
    )
    .execute();
}

export async function replaceBriefingTags(
  db: Executor,
  briefingId: number,
  tags: readonly { tag: string; kind: TagKind }[],
): Promise<void> {
  await db.deleteFrom('briefing_tag').where('briefing_id', '=', briefingId).execute();
  if (tags.length === 0) return;
  await db
    .insertInto('briefing_tag')
    .values(tags.map(({ tag, kind }) => ({ briefing_id: briefingId, tag, kind })))
    .execute();
}

/** Sets the briefing's media, in this order, replacing any before. */
export async function replaceBriefingMedia(
  db: Executor,
  briefingId: number,
  media: readonly NewMedia[],
): Promise<void> {
  await db.deleteFrom('media').where('briefing_id', '=', briefingId).execute();
  if (media.length === 0) return;
  await db
    .insertInto('media')
    .values(media.map((item, position) => ({ ...item, briefing_id: briefingId, position })))
    .execute();
}
