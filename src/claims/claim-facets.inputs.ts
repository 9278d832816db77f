import { builder } from '../builder.js';
import {
  ClaimDateRoleEnum,
  QuantityKindEnum,
  QuantityQualifierEnum,
  QuantityRoleEnum,
  TimeBoundEnum,
} from '../common/enums.js';
import { LIST_CAPS } from '../common/list-caps.js';
import type {
  ClaimDateRole,
  Likelihood,
  Precision,
  QuantityKind,
  QuantityQualifier,
  QuantityRole,
  TimeBound,
} from '../db/types.js';
import { LIKELIHOODS } from '../db/types.js';
import { PartialDateInput, checkAligned, checkBound } from '../mutations/common-inputs.js';
import type { Issues, Path } from '../mutations/validate.js';
import type { NewClaimDate, NewQuantity } from './claim-facets.repository.js';

// Inputs for a claim's quantities, dated qualifiers and likelihood range, and their checks:
// each rule the database enforces (migrations 2026-11-30T21…) is refused here first, with its path.

export const QuantityInput = builder.inputType('QuantityInput', {
  description:
    'A number with its uncertainty: EXACT/APPROXIMATE need `value`; RANGE needs `min` and `max`; VAGUE needs `wording` and takes no `value`. Money is kind MONEY with an ISO 4217 `currency` and no `unit`.',
  fields: (t) => ({
    role: t.field({ type: QuantityRoleEnum, description: 'Default STATED.' }),
    label: t.string({
      description: 'The role in words (at most 80 characters); required for OTHER.',
    }),
    kind: t.field({
      type: QuantityKindEnum,
      description: 'Default MONEY with a `currency`, COUNT otherwise.',
    }),
    qualifier: t.field({
      type: QuantityQualifierEnum,
      required: true,
      description:
        'How exact it is: EXACT and APPROXIMATE need `value`, AT_LEAST/AT_MOST a bound, RANGE `min` and `max`, VAGUE `wording`.',
    }),
    value: t.float({ description: 'The number, for EXACT, APPROXIMATE, AT_LEAST and AT_MOST.' }),
    min: t.float({ description: 'The lower bound, for RANGE (optional for VAGUE).' }),
    max: t.float({ description: 'The upper bound, for RANGE (optional for VAGUE).' }),
    unit: t.string({ description: 'What is counted, e.g. `aircraft` (at most 80 characters).' }),
    currency: t.field({ type: 'CurrencyCode', description: 'For MONEY, e.g. `USD`.' }),
    wording: t.string({
      description: 'The source’s own words, e.g. “dozens of drones” (at most 500 characters).',
    }),
  }),
});

export const ClaimDateInput = builder.inputType('ClaimDateInput', {
  description:
    'A dated qualifier: its role, and a date with its bound (KNOWN by default) or, without a date, why there is none (UNKNOWN, UNDISCLOSED, OPEN).',
  fields: (t) => ({
    role: t.field({ type: ClaimDateRoleEnum, required: true, description: 'What the date marks.' }),
    label: t.string({
      description: 'The role in words (at most 80 characters); required for OTHER.',
    }),
    date: t.field({
      type: PartialDateInput,
      description: 'The date, as precisely as known; none when `bound` is UNKNOWN or UNDISCLOSED.',
    }),
    bound: t.field({
      type: TimeBoundEnum,
      description:
        'What `date` is: KNOWN (default with a date), NOT_BEFORE, NOT_AFTER, or UNKNOWN/UNDISCLOSED without one.',
    }),
    note: t.string({ description: 'The source’s own wording (at most 200 characters).' }),
  }),
});

type QuantityShape = typeof QuantityInput.$inferInput;
type ClaimDateShape = typeof ClaimDateInput.$inferInput;

function checkRole<Role extends string>(
  issues: Issues,
  path: Path,
  role: Role,
  label: string | null | undefined,
): string | null {
  const checked = issues.text([...path, 'label'], label, { max: 80 });
  if (role === 'OTHER' && checked === null)
    issues.add([...path, 'label'], 'expected a label for role OTHER, got none');
  return checked;
}

export function checkQuantity(issues: Issues, path: Path, input: QuantityShape): NewQuantity {
  const role: QuantityRole = input.role ?? 'STATED';
  const qualifier: QuantityQualifier = input.qualifier;
  const value = input.value ?? null;
  const min = input.min ?? null;
  const max = input.max ?? null;
  for (const [name, n] of [
    ['value', value],
    ['min', min],
    ['max', max],
  ] as const) {
    if (n !== null && !Number.isFinite(n))
      issues.add([...path, name], `expected a finite number, got ${n}`);
  }
  const wording = issues.text([...path, 'wording'], input.wording, { max: 500 });
  const unit = issues.text([...path, 'unit'], input.unit, { max: 80 });
  const currency = input.currency ?? null;
  const kind: QuantityKind = input.kind ?? (currency ? 'MONEY' : 'COUNT');
  if (kind === 'MONEY' && !currency)
    issues.add([...path, 'currency'], 'expected a currency for MONEY, got none');
  if (kind !== 'MONEY' && currency)
    issues.add([...path, 'kind'], `expected kind MONEY with a currency, got ${kind}`);
  if (kind === 'MONEY' && unit !== null)
    issues.add([...path, 'unit'], 'expected no unit for MONEY (the currency is its unit)');
  if (kind === 'MEASURE' && unit === null)
    issues.add([...path, 'unit'], 'expected a unit for MEASURE, e.g. km');
  if ((qualifier === 'EXACT' || qualifier === 'APPROXIMATE') && value === null)
    issues.add([...path, 'value'], `expected a value for ${qualifier}`);
  if (qualifier === 'RANGE' && (min === null || max === null))
    issues.add([...path, min === null ? 'min' : 'max'], 'expected both min and max for RANGE');
  if (qualifier === 'AT_LEAST' && value === null && min === null)
    issues.add([...path, 'value'], 'expected a value (or min) for AT_LEAST');
  if (qualifier === 'AT_MOST' && value === null && max === null)
    issues.add([...path, 'value'], 'expected a value (or max) for AT_MOST');
  if (qualifier === 'VAGUE' && value !== null)
    issues.add([...path, 'value'], `expected no value for VAGUE (it is not exact), got ${value}`);
  if (qualifier === 'VAGUE' && wording === null)
    issues.add([...path, 'wording'], 'expected the wording of a VAGUE quantity, got none');
  if (min !== null && max !== null && min > max)
    issues.add([...path, 'min'], `expected min <= max, got ${min} > ${max}`);
  if (value !== null && ((min !== null && value < min) || (max !== null && value > max)))
    issues.add([...path, 'value'], `expected value within [min, max], got ${value}`);
  return {
    role,
    label: checkRole(issues, path, role, input.label),
    kind,
    qualifier,
    value,
    min,
    max,
    unit,
    currency,
    wording,
  };
}

/** A claim's quantities: at most the cap, each checked. */
export function checkQuantities(
  issues: Issues,
  path: Path,
  list: readonly QuantityShape[],
): NewQuantity[] {
  const cap = LIST_CAPS.claimQuantities;
  if (list.length > cap) issues.add(path, `expected at most ${cap} quantities, got ${list.length}`);
  return list.map((q, i) => checkQuantity(issues, [...path, i], q));
}

export function checkClaimDate(issues: Issues, path: Path, input: ClaimDateShape): NewClaimDate {
  const role: ClaimDateRole = input.role;
  const date: { date: string; precision: Precision } | null = input.date ?? null;
  if (date) checkAligned(issues, [...path, 'date'], date);
  const bound: TimeBound = checkBound(issues, [...path, 'bound'], date, input.bound);
  return {
    role,
    label: checkRole(issues, path, role, input.label),
    bound,
    date: date?.date ?? null,
    precision: date?.precision ?? null,
    note: issues.text([...path, 'note'], input.note, { max: 200 }),
  };
}

/** A claim's dated qualifiers: at most the cap, each checked. */
export function checkClaimDates(
  issues: Issues,
  path: Path,
  list: readonly ClaimDateShape[],
): NewClaimDate[] {
  const cap = LIST_CAPS.claimDates;
  if (list.length > cap)
    issues.add(path, `expected at most ${cap} dated qualifiers, got ${list.length}`);
  return list.map((d, i) => checkClaimDate(issues, [...path, i], d));
}

/** `likelihoodTo` needs a band below it in `likelihood`: a range reads upwards. */
export function checkLikelihoodRange(
  issues: Issues,
  path: Path,
  from: Likelihood | null | undefined,
  to: Likelihood | null | undefined,
): void {
  if (to == null) return;
  if (from == null) {
    issues.add(path, `expected likelihood (the lower band) with likelihoodTo ${to}, got none`);
    return;
  }
  if (LIKELIHOODS.indexOf(to) <= LIKELIHOODS.indexOf(from))
    issues.add(path, `expected likelihoodTo above likelihood, got ${from} to ${to}`);
}
