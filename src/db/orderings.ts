import { sql, type RawBuilder } from 'kysely';
import { latestChange } from './changed-since.js';
import type { ChangeEntityType } from './column-values.js';
import type { Ordering } from './keyset.js';

/** A sort before `defineOrderings` names it and adds the id tie-break. */
export interface Sort {
  keys: RawBuilder<unknown>[];
  descending: boolean;
}

export const ascending = (...keys: RawBuilder<unknown>[]): Sort => ({ keys, descending: false });
export const descending = (...keys: RawBuilder<unknown>[]): Sort => ({ keys, descending: true });

/**
 * A root list's orderings by enum value, each tie-broken on the row's id, followed by
 * CHANGED_ASC (the change feed's order), which every root list offers.
 */
export function defineOrderings<const Name extends string>(
  type: ChangeEntityType,
  table: string,
  sorts: Record<Name, Sort>,
): Record<Name | 'CHANGED_ASC', Ordering> {
  const id = sql.ref<number>(`${table}.id`);
  const all: Record<string, Sort> = { ...sorts, CHANGED_ASC: ascending(latestChange(type, id)) };
  return Object.fromEntries(
    Object.entries(all).map(([name, sort]) => [name, { name, id, ...sort }]),
  ) as Record<Name | 'CHANGED_ASC', Ordering>;
}
