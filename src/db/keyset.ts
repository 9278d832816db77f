import { sql, type Kysely, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { DB } from './types.js';

/**
 * Keyset (seek) pagination: a page starts right after the last row seen, compared as a row
 * tuple `(key1, key2, id) > (v1, v2, last_id)`, so inserts never shift or repeat rows (OFFSET
 * would). Sort keys must be non-null expressions; their values travel in cursors as the
 * database's own text, which avoids JS Date rounding of timestamps.
 */
export interface Ordering {
  /** Name carried in cursors, so a cursor can't be replayed under another order. */
  name: string;
  keys: RawBuilder<unknown>[];
  id: RawBuilder<unknown>;
  descending: boolean;
}

export interface Keyset {
  values: string[];
  id: number;
}

export interface PageWindow {
  after: Keyset | null;
  before: Keyset | null;
  /** Rows to fetch: the page size plus one, to learn whether another page exists. */
  limit: number;
  /** `last`/`before` pages are read backwards, then flipped. */
  inverted: boolean;
}

export interface SortKeyed {
  sort_key: string[];
}

export function sortKeySelection(ordering: Ordering): RawBuilder<string[]> {
  return sql<string[]>`array[${sql.join(ordering.keys.map((key) => sql`(${key})::text`))}]::text[]`;
}

function tupleCompare(ordering: Ordering, keyset: Keyset, greater: boolean): RawBuilder<boolean> {
  if (keyset.values.length !== ordering.keys.length)
    throw new Error('keyset does not match ordering');
  const columns = sql.join([...ordering.keys, ordering.id]);
  const values = sql.join([...keyset.values.map((value) => sql`${value}`), sql`${keyset.id}`]);
  return greater
    ? sql<boolean>`(${columns}) > (${values})`
    : sql<boolean>`(${columns}) < (${values})`;
}

/** The WHERE condition selecting rows strictly inside the window's cursors. */
export function keysetCondition(ordering: Ordering, window: PageWindow): RawBuilder<boolean> {
  const conditions: RawBuilder<boolean>[] = [];
  if (window.after) conditions.push(tupleCompare(ordering, window.after, !ordering.descending));
  if (window.before) conditions.push(tupleCompare(ordering, window.before, ordering.descending));
  return conditions.length === 0
    ? sql<boolean>`true`
    : sql<boolean>`${sql.join(conditions, sql` and `)}`;
}

/** ORDER BY list for the window: the ordering's own direction, reversed for `last` pages. */
export function orderList(
  ordering: Ordering,
  window: Pick<PageWindow, 'inverted'>,
): RawBuilder<unknown> {
  const direction = ordering.descending !== window.inverted ? sql`desc` : sql`asc`;
  return sql.join([...ordering.keys, ordering.id].map((key) => sql`${key} ${direction}`));
}

/** `row_number()` per parent, so one statement serves many parents each with its own limit. */
export function rowNumberPerParent(
  ordering: Ordering,
  window: Pick<PageWindow, 'inverted'>,
  parent: RawBuilder<unknown>,
): RawBuilder<number> {
  return sql<number>`row_number() over (partition by ${parent} order by ${orderList(ordering, window)})`;
}

/**
 * Applies an ordering and window to a query: selects `sort_key` (for cursors), keeps rows past
 * the cursors, orders, and limits. For one list (a root connection).
 */
export function paginate<QueryDB, TB extends keyof QueryDB, O>(
  query: SelectQueryBuilder<QueryDB, TB, O>,
  ordering: Ordering,
  window: PageWindow,
) {
  return query
    .select(sortKeySelection(ordering).as('sort_key'))
    .where(keysetCondition(ordering, window))
    .orderBy(orderList(ordering, window))
    .limit(window.limit);
}

/**
 * The same for many parents at once (a nested connection): each parent gets its own first
 * `limit` rows via row_number(), never a shared `IN (…) LIMIT n`.
 */
export function paginatePerParent<QueryDB, TB extends keyof QueryDB, O>(
  db: Kysely<DB>,
  query: SelectQueryBuilder<QueryDB, TB, O>,
  ordering: Ordering,
  window: PageWindow,
  parent: RawBuilder<unknown>,
) {
  const ranked = query
    .select([
      sortKeySelection(ordering).as('sort_key'),
      rowNumberPerParent(ordering, window, parent).as('page_rank'),
    ])
    .where(keysetCondition(ordering, window));
  return db
    .selectFrom(ranked.as('page'))
    .selectAll()
    .where(sql<boolean>`page.page_rank <= ${window.limit}`)
    .orderBy(sql`page.page_rank`);
}
