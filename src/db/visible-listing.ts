import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Executor } from './executor.js';
import type { Visibility } from './visibility.js';

/**
 * A table's compiled reads, defined once in its repository from the rows the caller may see
 * under a filter (`visible`, unselected, built on src/visibility/) and how they are selected.
 * The list and the by-id read both start from that one definition, so neither can forget a
 * visibility rule; lookups by ids, locks and id subqueries are in src/visibility/.
 */
export function visibleListing<QueryDB, TB extends keyof QueryDB, Base, F, O>(spec: {
  table: string;
  visible: (
    db: Executor,
    visibility: Visibility,
    filter?: F,
  ) => SelectQueryBuilder<QueryDB, TB, Base>;
  select: (rows: SelectQueryBuilder<QueryDB, TB, Base>) => SelectQueryBuilder<QueryDB, TB, O>;
}) {
  // The same `<table>.id` reference defineOrderings tie-breaks on.
  const id = sql.ref<number>(`${spec.table}.id`);
  return {
    /** Visible rows under a filter, unordered: a list for compiled reads to page. */
    rowsQuery: (db: Executor, visibility: Visibility, filter: F) =>
      spec.select(spec.visible(db, visibility, filter)),
    /** The visible row with this id (none when hidden), for compiled reads. */
    byIdQuery: (db: Executor, visibility: Visibility, rowId: RawBuilder<number> | number) =>
      spec.select(spec.visible(db, visibility)).where(id, '=', rowId),
  };
}

/**
 * The row of `table` with this id, read without visibility checks: only for an id the enclosing
 * statement has just found visible through the table's own rules (a search hit's record, see
 * `byCheckedId` in compiled/sql-spec.ts), where checking again per record cost planning time.
 */
export function checkedRowQuery(
  table: 'briefing' | 'claim' | 'source' | 'actor',
  id: RawBuilder<number>,
): RawBuilder<unknown> {
  const t = sql.table(table);
  return sql`select ${t}.* from ${t} where ${t}.id = ${id}`;
}
