import { sql, type RawBuilder } from 'kysely';
import type { ChangeEntityType as ChangedType } from './column-values.js';

/**
 * The record's latest change number (0 before its first), as a sort key: lists ordered
 * `CHANGED_ASC` read in the order the change feed numbers writes.
 */
export function latestChange(type: ChangedType, id: RawBuilder<number>): RawBuilder<number> {
  return sql<number>`coalesce((select max(change.id) from change
    where change.entity_type = ${type} and change.entity_id = ${id}), 0)`;
}

/** The record changed at or after `since`: the `updatedSince` argument of every root list. */
export function changedSince(
  type: ChangedType,
  id: RawBuilder<number>,
  since: Date,
): RawBuilder<boolean> {
  return sql<boolean>`exists (select 1 from change
    where change.entity_type = ${type} and change.entity_id = ${id} and change.at >= ${since})`;
}
