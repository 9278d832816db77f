import type { GraphQLField } from 'graphql';
import { sql } from 'kysely';
import type { FieldSql, RowRef } from './sql-spec.js';

const known = new WeakMap<GraphQLField<unknown, unknown>, readonly string[] | null>();

/**
 * The columns of its row a field reads, from the same declaration the compiled path uses
 * (`extensions.sql`, or the property an exposed field reads), so the loader path can select
 * just those: one source of truth per field. Null when the field declares nothing (its loader
 * then reads whole rows). Specifications are run once against a row that records what it is
 * asked for.
 */
export function columnsOfField(field: GraphQLField<unknown, unknown>): readonly string[] | null {
  let columns = known.get(field);
  if (columns === undefined) {
    columns = declaredColumns(field);
    known.set(field, columns);
  }
  return columns;
}

function declaredColumns(field: GraphQLField<unknown, unknown>): readonly string[] | null {
  const exposed: unknown = field.extensions.pothosExposedField;
  if (typeof exposed === 'string') return [exposed];
  const declared: unknown = field.extensions.sql;
  // A node's `id` is its row's id, which every read selects.
  if (!declared || typeof declared !== 'object') return field.name === 'id' ? [] : null;
  const spec = declared as FieldSql;
  const read: string[] = [];
  const row: RowRef = <T>(column: string) => {
    read.push(column);
    return sql.ref<T>(column);
  };
  switch (spec.kind) {
    case 'column':
    case 'prefixed':
      return [spec.column];
    case 'embedded':
      spec.present(row);
      return [...new Set([...Object.values(spec.columns), ...read])];
    case 'expression':
      spec.value(row);
      return read;
    case 'union':
      spec.id(row);
      return [...new Set([spec.discriminator, ...read])];
    case 'joinedRef':
      // The loader path reads the record by id.
      spec.id(row);
      return read;
    case 'ref':
      try {
        spec.id(row, {});
      } catch {
        return null;
      }
      return read;
    case 'resolverOnly':
      return spec.columns;
    case 'globalId':
    case 'list':
    case 'connection':
    case 'one':
    case 'anyNode':
      // Only the row's id, to look the rest up.
      return [];
  }
}
