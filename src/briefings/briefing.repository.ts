import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import { paginate, type Ordering, type PageWindow, type SortKeyed } from '../db/keyset.js';
import type {
  AuthorTable,
  BriefingStatus,
  BriefingTable,
  Marking,
  MediaTable,
  TagKind,
} from '../db/types.js';
import type { Visibility } from '../db/visibility.js';

export type BriefingRow = Selectable<BriefingTable>;
export type BriefingPageRow = BriefingRow & SortKeyed;
export type AuthorRow = Selectable<AuthorTable>;
export type MediaRow = Selectable<MediaTable>;

export interface BriefingFilter {
  statuses?: readonly BriefingStatus[] | null;
  markings?: readonly Marking[] | null;
  /** Briefings carrying any of these tags. */
  tags?: readonly string[] | null;
  authorId?: number | null;
  publishedFrom?: Date | null;
  publishedTo?: Date | null;
  /** Briefings with a visible claim naming this actor as subject or object. */
  mentionsActorId?: number | null;
}

export const BRIEFING_ORDERINGS = {
  PUBLISHED_AT_DESC: {
    name: 'PUBLISHED_AT_DESC',
    keys: [sql`coalesce(briefing.published_at, '-infinity'::timestamptz)`],
    id: sql.ref('briefing.id'),
    descending: true,
  },
  PUBLISHED_AT_ASC: {
    name: 'PUBLISHED_AT_ASC',
    keys: [sql`coalesce(briefing.published_at, '-infinity'::timestamptz)`],
    id: sql.ref('briefing.id'),
    descending: false,
  },
  TITLE_ASC: {
    name: 'TITLE_ASC',
    keys: [sql`fold_text(briefing.title)`],
    id: sql.ref('briefing.id'),
    descending: false,
  },
  CREATED_AT_DESC: {
    name: 'CREATED_AT_DESC',
    keys: [sql.ref('briefing.created_at')],
    id: sql.ref('briefing.id'),
    descending: true,
  },
} satisfies Record<string, Ordering>;
export type BriefingOrder = keyof typeof BRIEFING_ORDERINGS;

function visibleBriefings(db: Executor, visibility: Visibility, filter: BriefingFilter = {}) {
  let query = db
    .selectFrom('briefing')
    .where('briefing.marking', 'in', visibility.markings)
    .where('briefing.status', 'in', visibility.briefingStatuses);
  if (filter.statuses?.length) query = query.where('briefing.status', 'in', filter.statuses);
  if (filter.markings?.length) query = query.where('briefing.marking', 'in', filter.markings);
  if (filter.publishedFrom)
    query = query.where('briefing.published_at', '>=', filter.publishedFrom);
  if (filter.publishedTo) query = query.where('briefing.published_at', '<', filter.publishedTo);
  const { tags, authorId, mentionsActorId } = filter;
  if (tags?.length) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('briefing_tag')
          .select(sql.lit(1).as('one'))
          .whereRef('briefing_tag.briefing_id', '=', 'briefing.id')
          .where('briefing_tag.tag', 'in', tags),
      ),
    );
  }
  if (authorId != null) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('briefing_author')
          .select(sql.lit(1).as('one'))
          .whereRef('briefing_author.briefing_id', '=', 'briefing.id')
          .where('briefing_author.author_id', '=', authorId),
      ),
    );
  }
  if (mentionsActorId != null) {
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('claim')
          .select(sql.lit(1).as('one'))
          .whereRef('claim.briefing_id', '=', 'briefing.id')
          .where('claim.marking', 'in', visibility.markings)
          .where((inner) =>
            inner.or([
              inner('claim.subject_actor_id', '=', mentionsActorId),
              inner.exists(
                inner
                  .selectFrom('claim_object')
                  .select(sql.lit(1).as('one'))
                  .whereRef('claim_object.claim_id', '=', 'claim.id')
                  .where('claim_object.actor_id', '=', mentionsActorId),
              ),
            ]),
          ),
      ),
    );
  }
  return query;
}

export async function findBriefingsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<BriefingRow[]> {
  return visibleBriefings(db, visibility)
    .selectAll('briefing')
    .where('briefing.id', 'in', ids)
    .execute();
}

export async function findBriefingBySlug(
  db: Executor,
  visibility: Visibility,
  slug: string,
): Promise<BriefingRow | undefined> {
  return visibleBriefings(db, visibility)
    .selectAll('briefing')
    .where('briefing.slug', '=', slug)
    .executeTakeFirst();
}

export async function findBriefingsPage(
  db: Executor,
  visibility: Visibility,
  filter: BriefingFilter,
  order: BriefingOrder,
  window: PageWindow,
): Promise<BriefingPageRow[]> {
  return paginate(
    visibleBriefings(db, visibility, filter).selectAll('briefing'),
    BRIEFING_ORDERINGS[order],
    window,
  ).execute();
}

export async function countBriefings(
  db: Executor,
  visibility: Visibility,
  filter: BriefingFilter,
): Promise<number> {
  const row = await visibleBriefings(db, visibility, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export async function findAuthorsByIds(db: Executor, ids: readonly number[]): Promise<AuthorRow[]> {
  return db.selectFrom('author').selectAll().where('id', 'in', ids).execute();
}

export async function findAuthorsByBriefingIds(
  db: Executor,
  briefingIds: readonly number[],
): Promise<(AuthorRow & { briefing_id: number })[]> {
  return db
    .selectFrom('briefing_author')
    .innerJoin('author', 'author.id', 'briefing_author.author_id')
    .selectAll('author')
    .select('briefing_author.briefing_id')
    .where('briefing_author.briefing_id', 'in', briefingIds)
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
    .where('briefing_id', 'in', briefingIds)
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
    .where('briefing_id', 'in', briefingIds)
    .orderBy('briefing_id')
    .orderBy('kind')
    .orderBy('tag')
    .execute();
}

/** Ids of the visible briefings whose visible claims name each actor, newest first. */
export async function findBriefingIdsMentioningActors(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
): Promise<{ actor_id: number; briefing_id: number }[]> {
  const mentions = db
    .selectFrom('claim')
    .select(['claim.briefing_id', sql<number>`claim.subject_actor_id`.as('actor_id')])
    .where('claim.subject_actor_id', 'in', actorIds)
    .where('claim.marking', 'in', visibility.markings)
    .union(
      db
        .selectFrom('claim_object')
        .innerJoin('claim', 'claim.id', 'claim_object.claim_id')
        .select(['claim.briefing_id', 'claim_object.actor_id'])
        .where('claim_object.actor_id', 'in', actorIds)
        .where('claim.marking', 'in', visibility.markings),
    );
  return visibleBriefings(db, visibility)
    .innerJoin(mentions.as('mention'), 'mention.briefing_id', 'briefing.id')
    .select(['mention.actor_id', 'mention.briefing_id'])
    .orderBy('mention.actor_id')
    .orderBy(sql`coalesce(briefing.published_at, '-infinity'::timestamptz)`, 'desc')
    .orderBy('briefing.id', 'desc')
    .execute();
}
