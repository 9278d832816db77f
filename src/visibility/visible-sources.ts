import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { SourceRow } from '../db/rows.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';

/** Sources the caller may see (clearance and embargo), unfiltered; sources/ narrows it. */
export function visibleSourceRows(db: Executor, visibility: Visibility) {
  return db.selectFrom('source').where(sharedRecordVisible(visibility, 'source'));
}

/** Ids of the sources the caller may see, as a subquery. */
export function visibleSourceIds(db: Executor, visibility: Visibility) {
  return visibleSourceRows(db, visibility).select('source.id as id');
}

/** Visible sources by id, in no particular order; a hidden or unknown id is left out. */
export async function findSourcesByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<SourceRow[]> {
  return visibleSourceRows(db, visibility)
    .selectAll('source')
    .where('source.id', '=', anyId(ids))
    .execute();
}

/** The row as the caller may see it, locked for the rest of the transaction. */
export async function lockVisibleSource(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<SourceRow | undefined> {
  return visibleSourceRows(db, visibility)
    .selectAll('source')
    .where('source.id', '=', id)
    .forUpdate()
    .executeTakeFirst();
}
