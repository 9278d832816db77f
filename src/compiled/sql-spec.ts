import { sql, type Expression, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import type { Database } from '../db/database.js';
import { rankedPage, type Ordering, type PageWindow } from '../db/keyset.js';
import type { Visibility } from '../db/visibility.js';

// How a field is read in SQL, declared next to its Pothos definition (`extensions: { sql }`),
// so that a whole read can be compiled into one statement that builds its JSON answer
// (src/compiled/compile.ts). A field without one is answered by its resolver instead: the
// operation then runs on the loader path, so the compiler grows field by field.

/** What a specification builds SQL with: the caller's database handle and visibility. */
export interface SqlEnv {
  db: Database;
  visibility: Visibility;
}

/** A column of the row being answered, as a reference into the compiled statement. */
export type RowRef = <T = unknown>(column: string) => RawBuilder<T>;

/** A value in SQL (a parent's id inside a nested list), as specifications pass them on. */
export type SqlValue<T> = RawBuilder<T>;

/** One page of a connection: the ordering its cursors name, and its rows and count in SQL. */
export interface ConnectionSql {
  ordering: Ordering;
  /** The window's rows, with `sort_key` and `page_rank` (db/keyset.ts rankedPage). */
  page: (window: PageWindow) => Expression<unknown>;
  /** A scalar subquery counting the whole list (`totalCount`). */
  count: Expression<unknown>;
}

export type FieldSql =
  /** A column of the row (leaf fields; the compiler formats it by the field's GraphQL type). */
  | { kind: 'column'; column: string }
  /** A text column behind a fixed prefix, null when the column is null or empty (a URL). */
  | { kind: 'prefixed'; column: string; prefix: string }
  /** A value computed from the row's columns in SQL (a partial date's label). */
  | { kind: 'expression'; value: (row: RowRef) => RawBuilder<unknown> }
  /** The row's own global id (`Citation.id`); node types' `id` needs no declaration. */
  | { kind: 'globalId'; typename: string }
  /** An object made of the same row's columns (`TextSpan`), absent when `present` is false. */
  | {
      kind: 'embedded';
      columns: Readonly<Record<string, string>>;
      present: (row: RowRef) => RawBuilder<boolean>;
    }
  /**
   * Another record whose row the query already joined (to check its visibility), its columns
   * carried under a prefix: read from them when `joined` holds, else by id like `ref`.
   */
  | {
      kind: 'joinedRef';
      columns: Readonly<Record<string, string>>;
      joined: (row: RowRef) => RawBuilder<boolean>;
      id: (row: RowRef) => RawBuilder<number>;
    }
  /** Another record by id, read through its type's `byId` (so with its visibility). */
  | {
      kind: 'ref';
      id: (row: RowRef, args: Record<string, unknown>) => RawBuilder<number> | number | null;
    }
  /**
   * A record of one of the union's member types, read by id through that type's `byId` (so
   * with its visibility): `members` maps the values of the row's `discriminator` column to type
   * names (a search hit's `type` to its record's). `checked`: the row's id comes from a
   * statement that applied its type's visibility already (search's candidates), so the record
   * is read through `byCheckedId`, without checking the same rules again per record.
   */
  | {
      kind: 'union';
      discriminator: string;
      members: Readonly<Record<string, string>>;
      id: (row: RowRef) => RawBuilder<number>;
      checked?: boolean;
    }
  /** Rows of the field's type, each with a `list_rank` giving their order (capped lists). */
  | { kind: 'list'; rows: (env: SqlEnv, row: RowRef) => Expression<unknown> }
  /**
   * At most one row of the field's type: a root lookup such as `briefing(slug:)`, or a row that
   * hangs off the parent's (`Claim.quantity`, its first quantity).
   */
  | {
      kind: 'one';
      row: (env: SqlEnv, args: Record<string, unknown>, row: RowRef) => Expression<unknown> | null;
    }
  /** A Relay connection over rows of the node type. */
  | {
      kind: 'connection';
      page: (env: SqlEnv, args: Record<string, unknown>, row: RowRef) => ConnectionSql;
    }
  /** `node(id:)`: a record of whichever node type its global id names. */
  | { kind: 'anyNode' }
  /**
   * Answered by its resolver only (a breadth-first walk is one statement per level, not a
   * subquery): an operation selecting it runs on the loader path, which reads `columns`.
   */
  | { kind: 'resolverOnly'; columns: readonly string[] };

/** How a node type's records are read by id, with the caller's visibility. */
export interface TypeSql {
  byId: (env: SqlEnv, id: RawBuilder<number> | number) => Expression<unknown>;
  /**
   * The record by an id the statement found visible already (a `checked` union's), without
   * repeating the checks: the same row `byId` yields for a visible id.
   */
  byCheckedId?: (env: SqlEnv, id: RawBuilder<number>) => Expression<unknown>;
}

/** Thrown while compiling when a read needs the loader path (e.g. `briefing(asOf:)`). */
export class NotCompilable extends Error {}

/** A connection over `rows` (a query selecting whole rows, unordered) in `ordering`. */
export function connectionSql<QueryDB, TB extends keyof QueryDB, O>(
  rows: SelectQueryBuilder<QueryDB, TB, O>,
  ordering: Ordering,
): ConnectionSql {
  return {
    ordering,
    page: (window) => rankedPage(rows, ordering, window),
    count: sql`select count(*) from (${rows}) as counted`,
  };
}

/** True when none of `values` is null (an embedded object made of optional columns). */
export function allPresent(...values: RawBuilder<unknown>[]): RawBuilder<boolean> {
  return sql<boolean>`${sql.join(
    values.map((value) => sql`${value} is not null`),
    sql` and `,
  )}`;
}

/** True when any of `values` is neither null nor empty text (JavaScript's truthiness). */
export function anyPresent(...values: RawBuilder<unknown>[]): RawBuilder<boolean> {
  return sql<boolean>`(${sql.join(
    values.map((value) => sql`coalesce(${value}::text, '') <> ''`),
    sql` or `,
  )})`;
}

/** True when `value` is null. */
export function isNull(value: RawBuilder<unknown>): RawBuilder<boolean> {
  return sql<boolean>`${value} is null`;
}

/** Always true: an embedded object that is never null (`Media.licence`). */
export const ALWAYS_PRESENT = sql<boolean>`true`;

/**
 * A capped list field's extensions: its cap for the cost limit (common/list-caps.ts) and its
 * rows in SQL, read at most `cap` at a time.
 */
export function sqlCappedList(
  cap: number,
  rows: (env: SqlEnv, row: RowRef, cap: number) => Expression<unknown>,
): { extensions: { maxItems: number; sql: FieldSql } } {
  return {
    extensions: { maxItems: cap, sql: { kind: 'list', rows: (env, row) => rows(env, row, cap) } },
  };
}

export function sqlField(spec: FieldSql): { sql: FieldSql } {
  return { sql: spec };
}

/**
 * A connection field's SQL, given the field's arguments as GraphQL coerced them: `Args` is the
 * shape the field declares (execution checked the values against it).
 */
export function sqlConnection<Args extends object>(
  page: (env: SqlEnv, args: Args, row: RowRef) => ConnectionSql,
): { sql: FieldSql } {
  return { sql: { kind: 'connection', page: (env, args, row) => page(env, args as Args, row) } };
}

/** A `one` field's SQL, given its arguments as GraphQL coerced them (as sqlConnection). */
export function sqlOne<Args extends object>(
  row: (env: SqlEnv, args: Args, parent: RowRef) => Expression<unknown> | null,
): { sql: FieldSql } {
  return { sql: { kind: 'one', row: (env, args, parent) => row(env, args as Args, parent) } };
}

export function sqlColumn(column: string): { sql: FieldSql } {
  return { sql: { kind: 'column', column } };
}

export function sqlType(spec: TypeSql): { sql: TypeSql } {
  return { sql: spec };
}
