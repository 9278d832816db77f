import type { Insertable, RawBuilder, Selectable } from 'kysely';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { ClaimDateTable, ClaimQuantityTable } from '../db/types.js';

// A claim's quantities and dated qualifiers: small ordered lists that belong to their claim
// (read only through a claim the caller may already see, so no visibility of their own).

export type QuantityRow = Selectable<ClaimQuantityTable>;
export type ClaimDateRow = Selectable<ClaimDateTable>;
/** A quantity or dated qualifier to store; its claim and position come from the list. */
export type NewQuantity = Omit<Insertable<ClaimQuantityTable>, 'claim_id' | 'position'>;
export type NewClaimDate = Omit<Insertable<ClaimDateTable>, 'claim_id' | 'position'>;

export async function findQuantitiesByClaimIds(
  db: Executor,
  claimIds: readonly number[],
): Promise<QuantityRow[]> {
  return db
    .selectFrom('claim_quantity')
    .selectAll()
    .where('claim_id', '=', anyId(claimIds))
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
}

/** One claim's quantities, in order as `list_rank`: `Claim.quantities` for compiled reads. */
export function quantitiesOfClaimQuery(db: Executor, claimId: RawBuilder<number>) {
  return db
    .selectFrom('claim_quantity')
    .selectAll()
    .select('position as list_rank')
    .where('claim_id', '=', claimId);
}

/** One claim's first quantity: the deprecated `Claim.quantity` for compiled reads. */
export function firstQuantityOfClaimQuery(db: Executor, claimId: RawBuilder<number>) {
  return db
    .selectFrom('claim_quantity')
    .selectAll()
    .where('claim_id', '=', claimId)
    .orderBy('position')
    .limit(1);
}

export async function findClaimDatesByClaimIds(
  db: Executor,
  claimIds: readonly number[],
): Promise<ClaimDateRow[]> {
  return db
    .selectFrom('claim_date')
    .selectAll()
    .where('claim_id', '=', anyId(claimIds))
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
}

/** One claim's dated qualifiers, in order as `list_rank`: `Claim.dates` for compiled reads. */
export function datesOfClaimQuery(db: Executor, claimId: RawBuilder<number>) {
  return db
    .selectFrom('claim_date')
    .selectAll()
    .select('position as list_rank')
    .where('claim_id', '=', claimId);
}

/** Sets the claim's quantities: these, in this order, replacing any before. */
export async function replaceClaimQuantities(
  db: Executor,
  claimId: number,
  quantities: readonly NewQuantity[],
): Promise<void> {
  await db.deleteFrom('claim_quantity').where('claim_id', '=', claimId).execute();
  if (quantities.length === 0) return;
  await db
    .insertInto('claim_quantity')
    .values(quantities.map((q, position) => ({ ...q, claim_id: claimId, position })))
    .execute();
}

/** Sets the claim's dated qualifiers: these, in this order, replacing any before. */
export async function replaceClaimDates(
  db: Executor,
  claimId: number,
  dates: readonly NewClaimDate[],
): Promise<void> {
  await db.deleteFrom('claim_date').where('claim_id', '=', claimId).execute();
  if (dates.length === 0) return;
  await db
    .insertInto('claim_date')
    .values(dates.map((d, position) => ({ ...d, claim_id: claimId, position })))
    .execute();
}
