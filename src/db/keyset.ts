import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Executor } from './executor.js';

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
 * `paginate` with each row's place in the page (`page_rank`, 1 first), for a page read inside
 * a larger statement (src/compiled), where the outer query orders and cuts by it.
 */
export function rankedPage<QueryDB, TB extends keyof QueryDB, O>(
  query: SelectQueryBuilder<QueryDB, TB, O>,
  ordering: Ordering,
  window: PageWindow,
) {
  const order = orderList(ordering, window);
  return query
    .select([
      sortKeySelection(ordering).as('sort_key'),
      sql<number>`row_number() over (order by ${order})`.as('page_rank'),
    ])
    .where(keysetCondition(ordering, window))
    .orderBy(order)
    .limit(window.limit);
}

/** The parent id inside a per-parent query: the row of `unnest(parentIds)` being joined. */
const PARENT_ID = sql<number>`parent.id`;

/** One row per distinct parent id, as the `parent` relation that per-parent queries join to. */
function parents(parentIds: readonly number[]) {
  return sql<{ id: number }>`(select distinct unnest(${[...parentIds]}::bigint[]) as id)`.as(
    'parent',
  );
}

/**
 * The same for many parents at once (a nested connection), in one statement: for each parent a
 * LATERAL subquery reads only that parent's first `limit` rows, in index order where there is
 * one, instead of ranking every child of every parent (row_number over all children) or sharing
 * one `IN (…) LIMIT n` between parents. `ofParent` builds one parent's rows from a parent id.
 *
 * A single parent is passed as a plain parameter instead: the planner then sees its value and
 * its statistics, so a hub with thousands of children is read in index order and stopped at
 * `limit`, where the generic LATERAL estimate (the average child count) would sort them all.
 */
export async function paginatePerParent<QueryDB, TB extends keyof QueryDB, O>(
  db: Executor,
  parentIds: readonly number[],
  ofParent: (parentId: RawBuilder<number>) => SelectQueryBuilder<QueryDB, TB, O>,
  ordering: Ordering,
  window: PageWindow,
) {
  const order = orderList(ordering, window);
  const page = (parentId: RawBuilder<number>) =>
    ofParent(parentId)
      .select([
        sortKeySelection(ordering).as('sort_key'),
        parentId.as('parent_id'),
        sql<number>`row_number() over (order by ${order})`.as('page_rank'),
      ])
      .where(keysetCondition(ordering, window))
      .orderBy(order)
      .limit(window.limit);
  const [onlyParent] = parentIds;
  if (parentIds.length === 1 && onlyParent !== undefined)
    return page(sql<number>`${onlyParent}::bigint`).execute();
  return db
    .selectFrom(parents(parentIds))
    .crossJoinLateral(page(PARENT_ID).as('page'))
    .selectAll('page')
    .orderBy(sql`page.parent_id`)
    .orderBy(sql`page.page_rank`)
    .execute();
}

/** How many rows `ofParent` has for each parent, in one statement (for `totalCount`). */
export async function countPerParent<QueryDB, TB extends keyof QueryDB, O>(
  db: Executor,
  parentIds: readonly number[],
  ofParent: (parentId: RawBuilder<number>) => SelectQueryBuilder<QueryDB, TB, O>,
): Promise<{ parent_id: number; count: number }[]> {
  const counted = ofParent(PARENT_ID).select(sql<number>`count(*)`.as('count'));
  const rows = await db
    .selectFrom(parents(parentIds))
    .crossJoinLateral(counted.as('counted'))
    .select([PARENT_ID.as('parent_id'), sql<number>`counted.count`.as('count')])
    .execute();
  return rows.map((row) => ({ parent_id: Number(row.parent_id), count: Number(row.count) }));
}
