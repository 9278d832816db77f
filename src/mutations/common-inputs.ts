import { builder } from '../builder.js';
import { DatePrecisionEnum, QuantityQualifierEnum } from '../common/enums.js';
import {
  partialDateLabel,
  type QuantityColumns,
  type ValidTimeColumns,
} from '../common/time-and-quantity.schema.js';
import type { Precision, QuantityQualifier } from '../db/types.js';
import type { Issues, Path } from './validate.js';

export const PartialDateInput = builder.inputType('PartialDateInput', {
  description:
    'A date at a precision; `date` must be the first day of its period (July 2006 is 2006-07-01 with MONTH).',
  fields: (t) => ({
    date: t.field({ type: 'Date', required: true }),
    precision: t.field({ type: DatePrecisionEnum, required: true }),
  }),
});

export const ValidTimeInput = builder.inputType('ValidTimeInput', {
  description: 'When something holds; either bound may be left open.',
  fields: (t) => ({
    from: t.field({ type: PartialDateInput }),
    to: t.field({ type: PartialDateInput }),
    note: t.string({
      description: 'The source’s own wording, e.g. “early 2000s” (at most 200 characters).',
    }),
  }),
});

export const QuantityInput = builder.inputType('QuantityInput', {
  description:
    'A number with its uncertainty: EXACT/APPROXIMATE need `value`; RANGE needs `min` and `max`.',
  fields: (t) => ({
    qualifier: t.field({ type: QuantityQualifierEnum, required: true }),
    value: t.float(),
    min: t.float(),
    max: t.float(),
    unit: t.string({ description: 'What is counted, e.g. `aircraft` (at most 80 characters).' }),
  }),
});

type PartialDateShape = { date: string; precision: Precision };

function checkAligned(issues: Issues, path: Path, value: PartialDateShape): void {
  const [year = 0, month = 1, day = 1] = value.date.split('-').map(Number);
  const aligned =
    value.precision === 'DAY' ||
    (day === 1 &&
      (value.precision === 'MONTH' ||
        (value.precision === 'QUARTER' && [1, 4, 7, 10].includes(month)) ||
        (value.precision === 'YEAR' && month === 1) ||
        (value.precision === 'DECADE' && month === 1 && year % 10 === 0)));
  if (!aligned) {
    issues.add(
      path,
      `expected ${value.date} to be the first day of its ${value.precision.toLowerCase()} (precision ${value.precision})`,
    );
  }
}

export function validTimeColumns(
  issues: Issues,
  path: Path,
  input:
    | { from?: PartialDateShape | null; to?: PartialDateShape | null; note?: string | null }
    | null
    | undefined,
): ValidTimeColumns {
  const from = input?.from ?? null;
  const to = input?.to ?? null;
  if (from) checkAligned(issues, [...path, 'from'], from);
  if (to) checkAligned(issues, [...path, 'to'], to);
  // The database compares the periods' first days (valid_to >= valid_from): so do we.
  if (from && to && to.date < from.date) {
    issues.add(
      [...path, 'to'],
      `expected valid_to >= valid_from, got ${partialDateLabel(to)} < ${partialDateLabel(from)}`,
    );
  }
  return {
    valid_from: from?.date ?? null,
    valid_from_precision: from?.precision ?? null,
    valid_to: to?.date ?? null,
    valid_to_precision: to?.precision ?? null,
    valid_time_note: issues.text([...path, 'note'], input?.note, { max: 200 }),
  };
}

export function quantityColumns(
  issues: Issues,
  path: Path,
  input:
    | {
        qualifier: QuantityQualifier;
        value?: number | null;
        min?: number | null;
        max?: number | null;
        unit?: string | null;
      }
    | null
    | undefined,
): QuantityColumns {
  if (!input)
    return {
      quantity_qualifier: null,
      quantity_value: null,
      quantity_min: null,
      quantity_max: null,
      quantity_unit: null,
    };
  const { qualifier } = input;
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
  if ((qualifier === 'EXACT' || qualifier === 'APPROXIMATE') && value === null)
    issues.add([...path, 'value'], `expected a value for ${qualifier}`);
  if (qualifier === 'RANGE' && (min === null || max === null))
    issues.add(
      [...path, qualifier === 'RANGE' && min === null ? 'min' : 'max'],
      'expected both min and max for RANGE',
    );
  if (qualifier === 'AT_LEAST' && value === null && min === null)
    issues.add([...path, 'value'], 'expected a value (or min) for AT_LEAST');
  if (qualifier === 'AT_MOST' && value === null && max === null)
    issues.add([...path, 'value'], 'expected a value (or max) for AT_MOST');
  if (min !== null && max !== null && min > max)
    issues.add([...path, 'min'], `expected min <= max, got ${min} > ${max}`);
  if (value !== null && ((min !== null && value < min) || (max !== null && value > max))) {
    issues.add([...path, 'value'], `expected value within [min, max], got ${value}`);
  }
  return {
    quantity_qualifier: qualifier,
    quantity_value: value,
    quantity_min: min,
    quantity_max: max,
    quantity_unit: issues.text([...path, 'unit'], input.unit, { max: 80 }),
  };
}
