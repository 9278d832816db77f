import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { BriefingRow } from '../db/rows.js';
import type { Visibility } from '../db/visibility.js';

/**
 * Briefings the caller may see, unfiltered: within the caller's clearance and in a status the
 * caller may read. briefings/ narrows it by its list filter.
 */
export function visibleBriefingRows(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('briefing')
    .where('briefing.marking', 'in', visibility.markings)
    .where('briefing.status', 'in', visibility.briefingStatuses);
}

/** Ids of the briefings the caller may see, as a subquery. */
export function visibleBriefingIds(db: Executor, visibility: Visibility) {
  return visibleBriefingRows(db, visibility).select('briefing.id as id');
}

/**
 * The briefing as the caller may see it, locked for the rest of the transaction. NO KEY UPDATE
 * is enough (its id never changes) and still lets other transactions insert rows that
 * reference it.
 */
export async function lockVisibleBriefing(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<BriefingRow | undefined> {
  return visibleBriefingRows(db, visibility)
    .selectAll('briefing')
    .where('briefing.id', '=', id)
    .forNoKeyUpdate()
    .executeTakeFirst();
}

/** Visible briefings by id, in no particular order; a hidden or unknown id is left out. */
export async function findBriefingsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<BriefingRow[]> {
  return visibleBriefingRows(db, visibility)
    .selectAll('briefing')
    .where('briefing.id', '=', anyId(ids))
    .execute();
}
