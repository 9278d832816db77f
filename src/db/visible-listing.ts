import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { anyId } from './any-id.js';
import type { Executor } from './executor.js';
import type { Visibility } from './visibility.js';

/**
 * A table's reads, defined once in its repository from the rows the caller may see under a
 * filter (`visible`, unselected) and how they are selected: whole rows for compiled reads
 * (`select`), and the row type the loaders hand out (`selectRow`, which may leave out generated
 * columns). Every read of the table by id or as a list starts from that one definition, so
 * none of them can forget a visibility rule.
 */
export function visibleListing<QueryDB, TB extends keyof QueryDB, Base, F, O, Row>(spec: {
  table: string;
  visible: (
    db: Executor,
    visibility: Visibility,
    filter?: F,
  ) => SelectQueryBuilder<QueryDB, TB, Base>;
  select: (rows: SelectQueryBuilder<QueryDB, TB, Base>) => SelectQueryBuilder<QueryDB, TB, O>;
  selectRow: (rows: SelectQueryBuilder<QueryDB, TB, Base>) => SelectQueryBuilder<QueryDB, TB, Row>;
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
    /** Ids of the rows the caller may see, as a subquery. */
    visibleIds: (db: Executor, visibility: Visibility) =>
      spec.visible(db, visibility).select(id.as('id')),
    /** Visible rows by id, in no particular order; a hidden or unknown id is left out. */
    findByIds: (db: Executor, visibility: Visibility, ids: readonly number[]): Promise<Row[]> =>
      spec.selectRow(spec.visible(db, visibility)).where(id, '=', anyId(ids)).execute(),
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
