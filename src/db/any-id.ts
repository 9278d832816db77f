import { sql, type RawBuilder } from 'kysely';

/**
 * `= any($1::bigint[])`: a batch of ids as one array parameter instead of `IN ($1, …, $n)`, so a
 * statement's text is the same whatever the batch size and PostgreSQL parses and binds one
 * value instead of hundreds. An empty batch simply matches nothing.
 */
export function anyId(ids: readonly number[]): RawBuilder<number> {
  return sql<number>`any(${[...ids]}::bigint[])`;
}
