import { sql, type Expression, type RawBuilder } from 'kysely';
import type { RowRef } from './sql-spec.js';

// The JSON text builders of compile.ts: PostgreSQL writes the answer as compact JSON text
// (concat and string_agg, each part appended once), which Node relays as it is.

/** PostgreSQL functions take at most 100 arguments; longer `concat`s are nested. */
const MAX_CONCAT_ARGUMENTS = 100;

/** JSON text from parts that are never SQL NULL, in one pass. */
function concatText(parts: RawBuilder<unknown>[]): RawBuilder<string> {
  if (parts.length <= MAX_CONCAT_ARGUMENTS) return sql<string>`concat(${sql.join(parts)})`;
  const chunks: RawBuilder<unknown>[] = [];
  for (let i = 0; i < parts.length; i += MAX_CONCAT_ARGUMENTS)
    chunks.push(concatText(parts.slice(i, i + MAX_CONCAT_ARGUMENTS)));
  return concatText(chunks);
}

/** A leaf value as JSON text (SQL NULL stays NULL; the object it goes into writes `null`). */
export function scalarJson(value: RawBuilder<unknown> | Expression<unknown>): RawBuilder<unknown> {
  return sql`to_json(${value})::text`;
}

/** A JSON array of `item` texts in `order`; `[]` when there are none (or none pass `filter`). */
export function arrayJson(
  item: RawBuilder<unknown>,
  order: RawBuilder<unknown>,
  filter?: RawBuilder<unknown>,
): RawBuilder<unknown> {
  const aggregate = filter
    ? sql`string_agg(${item}, ',' order by ${order}) filter (where ${filter})`
    : sql`string_agg(${item}, ',' order by ${order})`;
  return sql`coalesce('[' || ${aggregate} || ']', '[]')`;
}

/**
 * `{"key":value,…}` from entries whose values are JSON text or SQL NULL (written `null`).
 * Keys are GraphQL response names (letters, digits, `_`), which need no escaping.
 */
export function jsonObject(entries: [string, RawBuilder<unknown>][]): RawBuilder<unknown> {
  if (entries.length === 0) return sql`'{}'`;
  const parts = entries.flatMap(([key, value], index) => [
    sql`${`${index === 0 ? '{' : ','}"${key}":`}::text`,
    sql`coalesce(${value}, 'null')`,
  ]);
  return concatText([...parts, sql`'}'`]);
}

/** The `id` of a node type: its global id, base64url("Type:id") as common/global-id.ts writes. */
export function globalIdJson(typename: string, id: RawBuilder<unknown>): RawBuilder<unknown> {
  return sql`translate(encode(convert_to(${typename}::text || ':' || ${id}, 'UTF8'), 'base64'), ${'+/=\n'}, ${'-_'})`;
}

/** A cursor as common/connection.ts encodeCursor writes it: base64url of {"o","k","i"}. */
export function cursorJson(orderingName: string, row: RowRef): RawBuilder<unknown> {
  const payload = sql`'{"o":' || to_json(${orderingName}::text)::text || ',"k":' || array_to_json(${row('sort_key')})::text || ',"i":' || ${row('id')} || '}'`;
  return sql`translate(encode(convert_to(${payload}, 'UTF8'), 'base64'), ${'+/=\n'}, ${'-_'})`;
}
