import type { EnumRef, InputObjectRef } from '@pothos/core';
import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { builder } from '../builder.js';
import { pageWindow, toPage, type ConnectionArgs, type Page } from '../common/connection.js';
import { listArgs, type ListArgs, type Types } from '../common/list-args.js';
import { updatedSinceArg, type UpdatedSince } from '../common/updated-since.js';
import type { Executor } from '../db/executor.js';
import type { Ordering, PageWindow, SortKeyed } from '../db/keyset.js';
import type { Visibility } from '../db/visibility.js';
import { loadPagesPerParent } from '../common/nested-connection.js';
import { connectionSql, sqlConnection, type ConnectionSql, type SqlEnv } from './sql-spec.js';

/**
 * A root list field defined once (issue: one source of truth per field): `listing` gives its
 * rows and ordering for the arguments; the compiled path nests that page in its statement, the
 * loader path runs the same page and count as statements of their own.
 */
export function listingField<Args extends ConnectionArgs, Row extends { id: number }>(
  listing: (env: SqlEnv, args: Args) => ConnectionSql,
) {
  return {
    extensions: sqlConnection(listing),
    resolve: async (_root: unknown, args: Args, ctx: SqlEnv): Promise<Page<Row & SortKeyed>> => {
      const connection = listing(ctx, args);
      const window = pageWindow(args, connection.ordering);
      const { rows } = await sql<Row & SortKeyed>`${connection.page(window)}`.execute(ctx.db);
      return toPage(rows, connection.ordering, window, async () => {
        const counted = await sql<{ count: number }>`${connection.count}`.execute(ctx.db);
        return Number(counted.rows[0]?.count ?? 0);
      });
    },
  };
}

/** What a root list is made of: its filter and orderings, and its visible rows for a filter. */
export interface RootListing<
  FilterInput extends object,
  Filter,
  Order extends string,
  QueryDB,
  TB extends keyof QueryDB,
  O,
> {
  filter: InputObjectRef<Types, FilterInput>;
  /** Reads the filter argument (checked by its input type) as the repository's filter. */
  toFilter: (input: FilterInput | null | undefined) => Filter;
  orderBy: EnumRef<Types, Order, Order>;
  defaultOrder: NoInfer<Order>;
  orderings: Record<Order, Ordering>;
  /** The rows the caller may see that meet the filter, for paging and counting. */
  rows: (env: SqlEnv, filter: Filter & UpdatedSince) => SelectQueryBuilder<QueryDB, TB, O>;
}

/**
 * A root list (`briefings`, `claims`, …): its arguments (page, `filter`, `orderBy`,
 * `updatedSince`) and both read paths, from its `RootListing`. Spread into `t.field` beside
 * the connection type and description.
 */
export function rootList<
  FilterInput extends object,
  Filter,
  Order extends string,
  QueryDB,
  TB extends keyof QueryDB,
  O extends { id: number },
>(listing: RootListing<FilterInput, Filter, Order, QueryDB, TB, O>) {
  return {
    args: builder.args((t) => ({
      ...t.connectionArgs(),
      ...listArgs(listing.filter, listing.orderBy, listing.defaultOrder),
      ...updatedSinceArg(),
    })),
    ...listingField<ConnectionArgs & ListArgs<FilterInput, Order> & UpdatedSince, O>((env, args) =>
      connectionSql(
        listing.rows(env, { ...listing.toFilter(args.filter), updatedSince: args.updatedSince }),
        listing.orderings[args.orderBy],
      ),
    ),
  };
}

/** A list nested under a parent, as its repository defines it (db/nested-listing.ts). */
interface NestedListingOf<QueryDB, TB extends keyof QueryDB, O, Row> {
  ordering: Ordering;
  rowsQuery: (
    db: Executor,
    visibility: Visibility,
    parentId: RawBuilder<number>,
  ) => SelectQueryBuilder<QueryDB, TB, O>;
  findPagePerParent: (
    db: Executor,
    visibility: Visibility,
    parentIds: readonly number[],
    window: PageWindow,
  ) => Promise<readonly Row[]>;
  countPerParent: (
    db: Executor,
    visibility: Visibility,
    parentIds: readonly number[],
  ) => Promise<{ parent_id: number; count: number }[]>;
}

/**
 * A connection field nested under a parent (`Actor.briefings`), from its repository's listing:
 * the page arguments, the compiled path's rows, and the loader path's page and count, each one
 * statement for a batch of parents. Spread into `t.loadable` beside the type and description.
 */
export function nestedList<
  QueryDB,
  TB extends keyof QueryDB,
  O,
  Row extends SortKeyed & { id: number; parent_id: number },
>(listing: NestedListingOf<QueryDB, TB, O, Row>) {
  return {
    args: builder.args((t) => t.connectionArgs()),
    extensions: sqlConnection((env, _args: object, row) =>
      connectionSql(listing.rowsQuery(env.db, env.visibility, row('id')), listing.ordering),
    ),
    byPath: true,
    resolve: (parent: { id: number }) => parent.id,
    load: (parentIds: number[], ctx: SqlEnv, args: ConnectionArgs) =>
      loadPagesPerParent(
        parentIds,
        args,
        listing.ordering,
        (window) => listing.findPagePerParent(ctx.db, ctx.visibility, parentIds, window),
        (ids) => listing.countPerParent(ctx.db, ctx.visibility, ids),
      ),
  };
}
