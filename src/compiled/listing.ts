import { sql } from 'kysely';
import { pageWindow, toPage, type ConnectionArgs, type Page } from '../common/connection.js';
import type { SortKeyed } from '../db/keyset.js';
import { sqlConnection, type ConnectionSql, type SqlEnv } from './sql-spec.js';

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
