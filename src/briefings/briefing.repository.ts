import { ascending, defineOrderings, descending } from '../db/orderings.js';
import { sql, type Insertable, type RawBuilder, type Selectable, type Updateable } from 'kysely';
import { nestedListing } from '../db/nested-listing.js';
import type { Executor } from '../db/executor.js';
import { type SortKeyed } from '../db/keyset.js';
import type {
  AuthorTable,
  BriefingStatus,
  BriefingTable,
  Marking,
  MediaTable,
} from '../db/types.js';
import type { BriefingRow } from '../db/rows.js';
import type { Visibility } from '../db/visibility.js';
import { visibleBriefingRows } from '../visibility/visible-briefings.js';
import { visibleSurvivorId } from '../visibility/visible-actors.js';
import { anyId } from '../db/any-id.js';
import { visibleListing } from '../db/visible-listing.js';
import { updaterAtVersion } from '../db/at-version.js';
import { changedSince } from '../db/changed-since.js';

export type { BriefingRow };
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
  /** Only records changed at or after this instant (the change feed's `at`). */
  updatedSince?: Date | null;
}

export const BRIEFING_ORDERINGS = defineOrderings('Briefing', 'briefing', {
  PUBLISHED_AT_DESC: descending(sql`coalesce(briefing.published_at, '-infinity'::timestamptz)`),
  PUBLISHED_AT_ASC: ascending(sql`coalesce(briefing.published_at, '-infinity'::timestamptz)`),
  TITLE_ASC: ascending(sql`fold_text(briefing.title)`),
  CREATED_AT_DESC: descending(sql.ref('briefing.created_at')),
});
export type BriefingOrder = keyof typeof BRIEFING_ORDERINGS;

/** The visible briefings (visibleBriefingRows) narrowed by a list filter. */
function visibleBriefings(db: Executor, visibility: Visibility, filter: BriefingFilter = {}) {
  let query = visibleBriefingRows(db, visibility);
  if (filter.statuses?.length) query = query.where('briefing.status', 'in', filter.statuses);
  if (filter.markings?.length) query = query.where('briefing.marking', 'in', filter.markings);
  if (filter.publishedFrom)
    query = query.where('briefing.published_at', '>=', filter.publishedFrom);
  if (filter.publishedTo) query = query.where('briefing.published_at', '<', filter.publishedTo);
  if (filter.updatedSince)
    query = query.where(changedSince('Briefing', sql.ref('briefing.id'), filter.updatedSince));
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
    // A merged actor's id filters on its survivor, which now holds its claims; an actor the
    // caller may not see (or one merged into such) matches nothing, like an unknown id.
    const actorId = visibleSurvivorId(db, visibility, mentionsActorId);
    query = query.where((eb) =>
      eb.exists(
        eb
          .selectFrom('claim')
          .select(sql.lit(1).as('one'))
          .whereRef('claim.briefing_id', '=', 'briefing.id')
          .where('claim.marking', 'in', visibility.markings)
          .where((inner) =>
            inner.or([
              inner('claim.subject_actor_id', '=', actorId),
              inner.exists(
                inner
                  .selectFrom('claim_object')
                  .select(sql.lit(1).as('one'))
                  .whereRef('claim_object.claim_id', '=', 'claim.id')
                  .where('claim_object.actor_id', '=', actorId),
              ),
            ]),
          ),
      ),
    );
  }
  return query;
}

const BRIEFINGS = visibleListing({
  table: 'briefing',
  visible: visibleBriefings,
  select: (rows) => rows.selectAll('briefing'),
});
export const { rowsQuery: briefingRowsQuery, byIdQuery: briefingByIdQuery } = BRIEFINGS;

/** The visible briefing with this slug (none when hidden), for compiled reads. */
export function briefingBySlugQuery(db: Executor, visibility: Visibility, slug: string) {
  return visibleBriefings(db, visibility).selectAll('briefing').where('briefing.slug', '=', slug);
}

export async function findBriefingBySlug(
  db: Executor,
  visibility: Visibility,
  slug: string,
): Promise<BriefingRow | undefined> {
  return briefingBySlugQuery(db, visibility, slug).executeTakeFirst();
}

/**
 * Authors by id, each only when it is on the byline of a briefing the caller may see: an author
 * of drafts or of briefings above the caller's clearance, or on no byline at all, does not exist
 * for that caller.
 */
export async function findAuthorsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<AuthorRow[]> {
  const bylinedInVisibleBriefing = visibleBriefings(db, visibility)
    .innerJoin('briefing_author', 'briefing_author.briefing_id', 'briefing.id')
    .select('briefing_author.author_id')
    .where('briefing_author.author_id', '=', anyId(ids));
  return db
    .selectFrom('author')
    .selectAll('author')
    .where('author.id', '=', anyId(ids))
    .where('author.id', 'in', bylinedInVisibleBriefing)
    .execute();
}

/** `Actor.briefings` lists an actor's briefings newest first. */
export const ACTOR_BRIEFING_ORDERING = BRIEFING_ORDERINGS.PUBLISHED_AT_DESC;

/** Visible briefings whose visible claims name one actor, as subject or object. */
function briefingsNamingActor(db: Executor, visibility: Visibility, actorId: RawBuilder<number>) {
  return visibleBriefings(db, visibility).where(
    'briefing.id',
    'in',
    db
      .selectFrom('claim')
      .select('claim.briefing_id')
      .where('claim.subject_actor_id', '=', actorId)
      .where('claim.marking', 'in', visibility.markings)
      .union(
        db
          .selectFrom('claim_object')
          .innerJoin('claim', 'claim.id', 'claim_object.claim_id')
          .select('claim.briefing_id')
          .where('claim_object.actor_id', '=', actorId)
          .where('claim.marking', 'in', visibility.markings),
      ),
  );
}

/** `Actor.briefings`: the visible briefings naming each actor, newest first. */
export const BRIEFINGS_NAMING_ACTOR = nestedListing({
  ordering: ACTOR_BRIEFING_ORDERING,
  ofParent: briefingsNamingActor,
  select: (rows) => rows.selectAll('briefing'),
});

export type NewBriefing = Insertable<BriefingTable>;
export type BriefingUpdate = Updateable<BriefingTable>;
export type NewMedia = Omit<Insertable<MediaTable>, 'briefing_id' | 'position'>;

/** The other briefing (visible or not: slugs are unique across all) that has this slug. */
export async function findSlugHolderId(
  db: Executor,
  slug: string,
  exceptBriefingId: number | null = null,
): Promise<number | undefined> {
  let query = db.selectFrom('briefing').select('id').where('slug', '=', slug);
  if (exceptBriefingId !== null) query = query.where('id', '<>', exceptBriefingId);
  return (await query.executeTakeFirst())?.id;
}

export async function insertBriefing(db: Executor, values: NewBriefing): Promise<BriefingRow> {
  return db.insertInto('briefing').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Applies the update only at `expectedVersion`, bumping it; a ConflictError when the version moved on. */
export const updateBriefingAtVersion = updaterAtVersion({
  typename: 'Briefing',
  update: (db) => db.updateTable('briefing'),
  returning: (update) => update.returningAll(),
});

/**
 * Moves the briefing to `status` at `expectedVersion`, bumping it; stamps `published_at` (with
 * `publishedAt` when given) or the retraction with the database's clock. A ConflictError when
 * the version moved on.
 */
export async function transitionBriefingAtVersion(
  db: Executor,
  id: number,
  expectedVersion: number,
  status: BriefingStatus,
  details: { publishedAt: Date | null; retractionReason: string | null },
): Promise<BriefingRow> {
  const { publishedAt, retractionReason } = details;
  return updateBriefingAtVersion(db, id, expectedVersion, {
    status,
    ...(status === 'PUBLISHED' ? { published_at: publishedAt ?? sql`now()` } : {}),
    ...(status === 'RETRACTED'
      ? { retracted_at: sql`now()`, retraction_reason: retractionReason }
      : {}),
  });
}
