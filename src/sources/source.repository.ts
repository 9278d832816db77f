import { ascending, defineOrderings, descending } from '../db/orderings.js';
import { type SourceRow, type SourceColumn } from '../db/rows.js';
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  countPerParent,
  paginatePerParent,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { Reliability, SourceKind, SourceTable } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { visibleSourceRows } from '../visibility/visible-sources.js';
import { anyId } from '../db/any-id.js';
import { visibleListing } from '../db/visible-listing.js';
import { containsPattern } from '../db/text-search.js';
import { qualifiedSourceColumns } from '../common/field-columns.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { updaterAtVersion } from '../db/at-version.js';
import { changedSince } from '../db/changed-since.js';

export type { SourceRow };
export type SourcePageRow = SourceRow & SortKeyed;

export interface SourceFilter {
  /** Only records changed at or after this instant (the change feed's `at`). */
  updatedSince?: Date | null;
  kinds?: readonly SourceKind[] | null;
  /** Substring of the publisher, case- and accent-insensitive. */
  publisher?: string | null;
  reliabilities?: readonly Reliability[] | null;
  /** Same document as this URL, compared in normalize_url's form (migrations/, find-by-identifier). */
  url?: string | null;
  /**
   * Sources whose publication date (the whole day, month… it stands for) overlaps [from, to]
   * (either end open); undated sources only with `includeUndated`.
   */
  publishedDuring?: { from: string | null; to: string | null; includeUndated: boolean } | null;
}

export const SOURCE_ORDERINGS = defineOrderings('Source', 'source', {
  TITLE_ASC: ascending(sql`fold_text(source.title)`),
  PUBLISHED_AT_DESC: descending(sql`coalesce(source.published_at, '-infinity'::timestamptz)`),
  // Unjudged sources sort last, after F.
  RELIABILITY_ASC: ascending(sql`coalesce(source.reliability, 'Z')`),
});
export type SourceOrder = keyof typeof SOURCE_ORDERINGS;

/** The visible sources (visibleSourceRows) narrowed by a list filter. */
function visibleSources(db: Executor, visibility: Visibility, filter: SourceFilter = {}) {
  let query = visibleSourceRows(db, visibility);
  if (filter.kinds?.length) query = query.where('source.kind', 'in', filter.kinds);
  if (filter.updatedSince)
    query = query.where(changedSince('Source', sql.ref('source.id'), filter.updatedSince));
  if (filter.reliabilities?.length)
    query = query.where('source.reliability', 'in', filter.reliabilities);
  if (filter.url) {
    // The left side matches source_url_normalized_idx's expression.
    query = query.where(sql`normalize_url(source.url)`, '=', sql`normalize_url(${filter.url})`);
  }
  if (filter.publishedDuring) {
    const { from, to, includeUndated } = filter.publishedDuring;
    // The left side matches source_published_period_idx's expression.
    const overlaps = sql<boolean>`partial_date_period(source.published_on, source.published_on_precision)
      && daterange(${from}::date, ${to}::date, '[]')`;
    query = query.where((eb) =>
      includeUndated
        ? eb.or([eb(overlaps, '=', true), eb('source.published_on', 'is', null)])
        : eb(overlaps, '=', true),
    );
  }
  if (filter.publisher) {
    query = query.where(
      sql`fold_text(source.publisher)`,
      'like',
      sql`fold_text(${containsPattern(filter.publisher)})`,
    );
  }
  return query;
}

const SOURCES = visibleListing({
  table: 'source',
  visible: visibleSources,
  select: (rows) => rows.selectAll('source'),
});
export const { rowsQuery: sourceRowsQuery, byIdQuery: sourceByIdQuery } = SOURCES;

/** Bounds the walk up a derivation chain, which the schema does not stop from looping. */
const MAX_CHAIN_DEPTH = LIST_CAPS.derivationChain;

/**
 * For each source, the ids of the sources it relays, nearest first ("article → newspaper →
 * intelligence briefing"), in one recursive statement for all of them.
 */
export async function findDerivationChains(
  db: Executor,
  sourceIds: readonly number[],
): Promise<{ start_id: number; source_id: number; depth: number }[]> {
  return db
    .withRecursive('chain(start_id, source_id, depth)', (qb) =>
      qb
        .selectFrom('source')
        .select([
          'source.id as start_id',
          sql<number>`source.derived_from_id`.as('source_id'),
          sql<number>`1`.as('depth'),
        ])
        .where('source.id', '=', anyId(sourceIds))
        .where('source.derived_from_id', 'is not', null)
        .unionAll(
          qb
            .selectFrom('chain')
            .innerJoin('source', 'source.id', 'chain.source_id')
            .select([
              'chain.start_id',
              sql<number>`source.derived_from_id`.as('source_id'),
              sql<number>`chain.depth + 1`.as('depth'),
            ])
            .where('source.derived_from_id', 'is not', null)
            .where('chain.depth', '<', MAX_CHAIN_DEPTH),
        ),
    )
    .selectFrom('chain')
    .select(['start_id', 'source_id', 'depth'])
    .orderBy('start_id')
    .orderBy('depth')
    .execute();
}

/**
 * One source's relay chain for compiled reads: the sources it derives from, nearest first
 * (`list_rank`), as findDerivationChains walks them, ending before the first source the caller
 * may not see (what lies beyond a hidden link would reveal it exists).
 */
export function derivationChainQuery(
  db: Executor,
  visibility: Visibility,
  sourceId: RawBuilder<number>,
) {
  return db
    .withRecursive('chain(source_id, depth)', (qb) =>
      qb
        .selectFrom('source')
        .select([sql<number>`source.derived_from_id`.as('source_id'), sql<number>`1`.as('depth')])
        .where('source.id', '=', sourceId)
        .where('source.derived_from_id', 'is not', null)
        .unionAll(
          qb
            .selectFrom('chain')
            .innerJoin('source', 'source.id', 'chain.source_id')
            .select([
              sql<number>`source.derived_from_id`.as('source_id'),
              sql<number>`chain.depth + 1`.as('depth'),
            ])
            .where(sharedRecordVisible(visibility, 'source'))
            .where('source.derived_from_id', 'is not', null)
            .where('chain.depth', '<', MAX_CHAIN_DEPTH),
        ),
    )
    .selectFrom('chain')
    .innerJoin('source', 'source.id', 'chain.source_id')
    .selectAll('source')
    .select('chain.depth as list_rank')
    .where(sharedRecordVisible(visibility, 'source'));
}

/** `Briefing.sources` lists a briefing's sources by title. */
export const BRIEFING_SOURCE_ORDERING = SOURCE_ORDERINGS.TITLE_ASC;

/** Visible sources that one briefing's visible claims cite. */
function sourcesOfBriefing(db: Executor, visibility: Visibility, briefingId: RawBuilder<number>) {
  return visibleSources(db, visibility).where(
    'source.id',
    'in',
    db
      .selectFrom('citation')
      .innerJoin('claim', 'claim.id', 'citation.claim_id')
      .select('citation.source_id')
      .where('claim.briefing_id', '=', briefingId)
      .where('claim.marking', 'in', visibility.markings),
  );
}

/** One briefing's visible cited sources' rows, unordered: a nested list for compiled reads. */
export function sourceRowsOfBriefingQuery(
  db: Executor,
  visibility: Visibility,
  briefingId: RawBuilder<number>,
) {
  return sourcesOfBriefing(db, visibility, briefingId).selectAll('source');
}

/**
 * A page of the distinct visible sources each briefing's visible claims cite, per briefing, each
 * row with the `columns` asked for.
 */
export async function findSourcesPagePerBriefing<C extends SourceColumn>(
  db: Executor,
  visibility: Visibility,
  briefingIds: readonly number[],
  window: PageWindow,
  columns: readonly C[],
): Promise<(Pick<SourceRow, C> & SortKeyed & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    briefingIds,
    (briefingId) =>
      sourcesOfBriefing(db, visibility, briefingId).select(qualifiedSourceColumns(columns)),
    BRIEFING_SOURCE_ORDERING,
    window,
  );
}

export async function countSourcesPerBriefing(
  db: Executor,
  visibility: Visibility,
  briefingIds: readonly number[],
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, briefingIds, (briefingId) =>
    sourcesOfBriefing(db, visibility, briefingId),
  );
}

export type NewSource = Insertable<SourceTable>;
export type SourceUpdate = Updateable<SourceTable>;

export async function insertSource(db: Executor, values: NewSource): Promise<SourceRow> {
  return db.insertInto('source').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Applies the update only at `expectedVersion`, bumping it; a ConflictError when the version moved on. */
export const updateSourceAtVersion = updaterAtVersion({
  typename: 'Source',
  update: (db) => db.updateTable('source'),
  returning: (update) => update.returningAll(),
});
