import { builder } from '../builder.js';
import { DatePrecisionEnum, TimeBoundEnum } from '../common/enums.js';
import { partialDateLabel, type ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import { DATED_BOUNDS, type Precision, type TimeBound } from '../db/types.js';
import type { Issues, Path } from './validate.js';

export const PartialDateInput = builder.inputType('PartialDateInput', {
  description:
    'A date at a precision; `date` must be the first day of its period (July 2006 is 2006-07-01 with MONTH).',
  fields: (t) => ({
    date: t.field({
      type: 'Date',
      required: true,
      description: 'The first day of the period, e.g. `2006-07-01` for July 2006.',
    }),
    precision: t.field({
      type: DatePrecisionEnum,
      required: true,
      description: 'How much of `date` is known: DAY, MONTH, QUARTER, YEAR or DECADE.',
    }),
  }),
});

export const ValidTimeInput = builder.inputType('ValidTimeInput', {
  description:
    'When something holds. Each bound is a date (KNOWN, or a limit: NOT_BEFORE, NOT_AFTER) or none (UNKNOWN, UNDISCLOSED, OPEN); a bound defaults to KNOWN with a date and UNKNOWN without.',
  fields: (t) => ({
    from: t.field({ type: PartialDateInput, description: 'When it began, as precisely as known.' }),
    fromBound: t.field({
      type: TimeBoundEnum,
      description: 'What `from` is; OPEN: no start.',
    }),
    to: t.field({
      type: PartialDateInput,
      description:
        'When it ended, as precisely as known; `toBound` says whether that is exact or a bound.',
    }),
    toBound: t.field({
      type: TimeBoundEnum,
      description: 'What `to` is; OPEN: still in force. NOT_AFTER: “by the time of the report”.',
    }),
    note: t.string({
      description: 'The source’s own wording, e.g. “early 2000s” (at most 200 characters).',
    }),
  }),
});

type PartialDateShape = { date: string; precision: Precision };

export function checkAligned(issues: Issues, path: Path, value: PartialDateShape): void {
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

/**
 * A bound's kind, checked against its date: a date needs KNOWN, NOT_BEFORE or NOT_AFTER (the
 * default); none needs UNKNOWN (the default), UNDISCLOSED or OPEN.
 */
export function checkBound(
  issues: Issues,
  path: Path,
  date: PartialDateShape | null,
  bound: TimeBound | null | undefined,
): TimeBound {
  const checked = bound ?? (date ? 'KNOWN' : 'UNKNOWN');
  const dated = DATED_BOUNDS.includes(checked);
  if (dated && !date) issues.add(path, `expected a date with ${checked}, got none`);
  if (!dated && date)
    issues.add(path, `expected no date with ${checked}, got ${partialDateLabel(date)}`);
  return checked;
}

export function validTimeColumns(
  issues: Issues,
  path: Path,
  input:
    | {
        from?: PartialDateShape | null;
        fromBound?: TimeBound | null;
        to?: PartialDateShape | null;
        toBound?: TimeBound | null;
        note?: string | null;
      }
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
    valid_from_bound: checkBound(issues, [...path, 'fromBound'], from, input?.fromBound),
    valid_to: to?.date ?? null,
    valid_to_precision: to?.precision ?? null,
    valid_to_bound: checkBound(issues, [...path, 'toBound'], to, input?.toBound),
    valid_time_note: issues.text([...path, 'note'], input?.note, { max: 200 }),
  };
}
