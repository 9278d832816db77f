import { sql, type UpdateObject, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import type { Executor } from './executor.js';
import type { DB } from './types.js';
import { encodeGlobalId } from '../common/global-id.js';
import { ConflictError } from '../errors/domain-errors.js';

/**
 * For `executeTakeFirstOrThrow` after `UPDATE … WHERE id = … AND version = expected`: no row
 * means another writer moved the record on first. Writers lock the row before they check its
 * version, so this is the backstop, not the usual refusal.
 */
export function movedOn(
  typename: string,
  id: number,
  expectedVersion: number,
): () => ConflictError {
  return () =>
    new ConflictError(
      `${typename} ${encodeGlobalId(typename, id)} moved on from version ${expectedVersion} during the write: re-read it and retry`,
    );
}

/**
 * A table's update-at-version: applies the update only at `expectedVersion`, bumping it and
 * `updated_at`; a ConflictError when the version moved on. `update` names the table (Kysely cannot
 * start an update from a table-name type parameter), `returning` what comes back.
 */
/** Tables with optimistic concurrency: a `version` the writer must have read. */
type VersionedTable = {
  [T in keyof DB & string]: 'version' extends keyof DB[T] ? T : never;
}[keyof DB & string];

export function updaterAtVersion<T extends VersionedTable, O>(spec: {
  typename: string;
  update: (db: Executor) => UpdateQueryBuilder<DB, T, T, UpdateResult>;
  returning: (
    update: UpdateQueryBuilder<DB, T, T, UpdateResult>,
  ) => UpdateQueryBuilder<DB, T, T, O>;
}) {
  // Unqualified: an UPDATE names one table, and a versioned table has both columns.
  const id = sql.ref<number>('id');
  const version = sql.ref<number>('version');
  return (db: Executor, rowId: number, expectedVersion: number, values: UpdateObject<DB, T, T>) =>
    spec
      .returning(
        spec
          .update(db)
          .set({ ...values, version: sql`version + 1`, updated_at: sql`now()` })
          .where(id, '=', rowId)
          .where(version, '=', expectedVersion),
      )
      .executeTakeFirstOrThrow(movedOn(spec.typename, rowId, expectedVersion));
}
