import type { Insertable } from 'kysely';
import type { ClaimDateTable, ClaimQuantityTable, TimeBound } from '../db/types.js';
import type { SeedClaimDate, SeedDate, SeedQuantity, SeedValidTime } from './seed-types.js';

// Seed values as table rows, with the defaults the API's inputs apply (claims/claim-facets.inputs.ts,
// mutations/common-inputs.ts), so a seeded claim reads back as the same claim entered through the API.

function boundOf(date: SeedDate | undefined, bound: TimeBound | undefined): TimeBound {
  return bound ?? (date ? 'KNOWN' : 'UNKNOWN');
}

export function validTimeColumns(validTime: SeedValidTime | undefined) {
  return {
    valid_from: validTime?.from?.date ?? null,
    valid_from_precision: validTime?.from?.precision ?? null,
    valid_from_bound: boundOf(validTime?.from, validTime?.fromBound),
    valid_to: validTime?.to?.date ?? null,
    valid_to_precision: validTime?.to?.precision ?? null,
    valid_to_bound: boundOf(validTime?.to, validTime?.toBound),
    valid_time_note: validTime?.note ?? null,
  };
}

export function quantityRows(
  claimId: number,
  quantities: readonly SeedQuantity[],
): Insertable<ClaimQuantityTable>[] {
  return quantities.map((q, position) => ({
    claim_id: claimId,
    position,
    role: q.role ?? 'STATED',
    label: q.label ?? null,
    kind: q.kind ?? (q.currency ? 'MONEY' : 'COUNT'),
    qualifier: q.qualifier,
    value: q.value ?? null,
    min: q.min ?? null,
    max: q.max ?? null,
    unit: q.unit ?? null,
    currency: q.currency ?? null,
    wording: q.wording ?? null,
  }));
}

export function claimDateRows(
  claimId: number,
  dates: readonly SeedClaimDate[],
): Insertable<ClaimDateTable>[] {
  return dates.map((d, position) => ({
    claim_id: claimId,
    position,
    role: d.role,
    label: d.label ?? null,
    bound: boundOf(d.date, d.bound),
    date: d.date?.date ?? null,
    precision: d.date?.precision ?? null,
    note: d.note ?? null,
  }));
}
