import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import { type ClaimRow, QUALIFIED_CLAIM_COLUMNS } from '../db/rows.js';
import type { Visibility } from '../db/visibility.js';

/**
 * Claims the caller may see, unfiltered: their own marking and their briefing's status and
 * marking. claims/ narrows it by its list filter.
 */
export function visibleClaimRows(db: Executor, visibility: Visibility) {
  return db
    .selectFrom('claim')
    .innerJoin('briefing', 'briefing.id', 'claim.briefing_id')
    .where('claim.marking', 'in', visibility.markings)
    .where('briefing.marking', 'in', visibility.markings)
    .where('briefing.status', 'in', visibility.briefingStatuses);
}

/** Ids of the claims the caller may see, as a subquery. */
export function visibleClaimIds(db: Executor, visibility: Visibility) {
  return visibleClaimRows(db, visibility).select('claim.id as id');
}

/** Visible claims by id, in no particular order; a hidden or unknown id is left out. */
export async function findClaimsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<ClaimRow[]> {
  return visibleClaimRows(db, visibility)
    .select(QUALIFIED_CLAIM_COLUMNS)
    .where('claim.id', '=', anyId(ids))
    .execute();
}

/** The claim as the caller may see it, locked for the rest of the transaction. */
export async function lockVisibleClaim(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<ClaimRow | undefined> {
  return visibleClaimRows(db, visibility)
    .select(QUALIFIED_CLAIM_COLUMNS)
    .where('claim.id', '=', id)
    .forUpdate('claim')
    .executeTakeFirst();
}
