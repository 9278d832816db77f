import { builder } from '../builder.js';
import type { Selectable } from 'kysely';
import type { ClaimQuantityTable, Precision, TimeBound } from '../db/types.js';
import {
  DatePrecisionEnum,
  QuantityKindEnum,
  QuantityQualifierEnum,
  QuantityRoleEnum,
  TimeBoundEnum,
} from './enums.js';
import { sql } from 'kysely';
import { allPresent, anyPresent, sqlField } from '../compiled/sql-spec.js';
import { VALID_TIME_COLUMN_NAMES } from '../db/rows.js';
import { partialDateEndSql, partialDateLabelSql, quantityTextSql } from '../db/display-sql.js';

export interface PartialDateShape {
  date: string;
  precision: Precision;
}

export interface ValidTimeColumns {
  valid_from: string | null;
  valid_from_precision: Precision | null;
  valid_to: string | null;
  valid_to_precision: Precision | null;
  valid_time_note: string | null;
  valid_from_bound: TimeBound;
  valid_to_bound: TimeBound;
}

/** One of a claim's quantities, as stored. */
export type QuantityRow = Selectable<ClaimQuantityTable>;

export function partialDate(
  date: string | null,
  precision: Precision | null,
): PartialDateShape | null {
  return date && precision ? { date, precision } : null;
}

export function partialDateLabel({ date, precision }: PartialDateShape): string {
  const [year = '', month = ''] = date.split('-');
  switch (precision) {
    case 'DAY':
      return date;
    case 'MONTH':
      return `${year}-${month}`;
    case 'QUARTER':
      return `${year}-Q${Math.floor((Number(month) - 1) / 3) + 1}`;
    case 'YEAR':
      return year;
    case 'DECADE':
      return `${year}s`;
  }
}

const MONTHS_IN: Record<Precision, number> = {
  DAY: 0,
  MONTH: 1,
  QUARTER: 3,
  YEAR: 12,
  DECADE: 120,
};

/** Last day of the period a partial date stands for (what the database computes for valid_period). */
export function partialDateEnd({ date, precision }: PartialDateShape): string {
  const [y, m, d] = date.split('-').map(Number);
  const end =
    precision === 'DAY'
      ? new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 1))
      : new Date(Date.UTC(y ?? 0, (m ?? 1) - 1 + MONTHS_IN[precision], 0));
  return end.toISOString().slice(0, 10);
}

/** A partial date made of two of the row's columns, null unless both are set. */
export function partialDateSql(date: string, precision: string) {
  return sqlField({
    kind: 'embedded',
    columns: { date, precision },
    present: (row) => allPresent(row(date), row(precision)),
  });
}

/**
 * `ValidTime` over the row's valid-time columns: null when nothing is known (no date, no note,
 * both bounds UNKNOWN), an object otherwise; the same rule as validTimeOf.
 */
export const VALID_TIME_SQL = sqlField({
  kind: 'embedded',
  columns: Object.fromEntries(VALID_TIME_COLUMN_NAMES.map((column) => [column, column])),
  present: (row) =>
    sql<boolean>`(${anyPresent(row('valid_from'), row('valid_to'), row('valid_time_note'))}
      or ${row('valid_from_bound')} <> 'UNKNOWN' or ${row('valid_to_bound')} <> 'UNKNOWN')`,
});

export const PartialDateRef = builder.objectRef<PartialDateShape>('PartialDate').implement({
  description:
    'A date known to a given precision: `2006-07-01` with MONTH precision means “July 2006”.',
  fields: (t) => ({
    date: t.expose('date', { type: 'Date', description: 'First day of the period.' }),
    precision: t.expose('precision', {
      type: DatePrecisionEnum,
      description: 'How precisely `date` is known: `date` is the first day of that period.',
    }),
    end: t.field({
      type: 'Date',
      description: 'Last day of the period.',
      extensions: sqlField({
        kind: 'expression',
        value: (row) => partialDateEndSql(row('date'), row('precision')),
      }),
      resolve: partialDateEnd,
    }),
    label: t.string({
      description:
        'The date as precisely as it is known: `2006-07-15`, `2006-07`, `2006-Q4`, `2006`, `2000s`.',
      extensions: sqlField({
        kind: 'expression',
        value: (row) => partialDateLabelSql(row('date'), row('precision')),
      }),
      resolve: partialDateLabel,
    }),
  }),
});

export const ValidTimeRef = builder.objectRef<ValidTimeColumns>('ValidTime').implement({
  description:
    'When a claim or relationship holds (valid time, not when it was recorded). Each bound says what its date is (`fromBound`, `toBound`): a date, a limit (“no later than”), or unknown, undisclosed or open. The whole value is null when nothing is known.',
  fields: (t) => ({
    from: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'Start, at its own precision; null unless `fromBound` carries a date.',
      extensions: partialDateSql('valid_from', 'valid_from_precision'),
      resolve: (v) => partialDate(v.valid_from, v.valid_from_precision),
    }),
    fromBound: t.expose('valid_from_bound', {
      type: TimeBoundEnum,
      description:
        'What `from` is: KNOWN, NOT_BEFORE or NOT_AFTER its date, or UNKNOWN, UNDISCLOSED or OPEN (no start).',
    }),
    to: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'End, at its own precision; null unless `toBound` carries a date.',
      extensions: partialDateSql('valid_to', 'valid_to_precision'),
      resolve: (v) => partialDate(v.valid_to, v.valid_to_precision),
    }),
    toBound: t.expose('valid_to_bound', {
      type: TimeBoundEnum,
      description:
        'What `to` is: KNOWN, NOT_BEFORE or NOT_AFTER its date, or UNKNOWN, UNDISCLOSED or OPEN (still in force).',
    }),
    note: t.exposeString('valid_time_note', {
      nullable: true,
      description: 'The source’s own wording of the time, e.g. “early 2000s”, “end of 2006”.',
    }),
  }),
});

export function validTimeOf(row: ValidTimeColumns): ValidTimeColumns | null {
  const known =
    row.valid_from ||
    row.valid_to ||
    row.valid_time_note ||
    row.valid_from_bound !== 'UNKNOWN' ||
    row.valid_to_bound !== 'UNKNOWN';
  return known ? row : null;
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

/** Quantity.text: the amount with its uncertainty, currency and unit; a vague one's wording. */
export function quantityText(q: QuantityRow): string {
  if (q.qualifier === 'VAGUE') return q.wording ?? '';
  const number = (n: number | null) => formatNumber(n ?? 0);
  const amount = (() => {
    switch (q.qualifier) {
      case 'EXACT':
        return number(q.value);
      case 'APPROXIMATE':
        return `~${number(q.value)}`;
      case 'AT_LEAST':
        return `≥ ${number(q.value ?? q.min)}`;
      case 'AT_MOST':
        return `≤ ${number(q.value ?? q.max)}`;
      case 'RANGE':
        return `${number(q.min)}–${number(q.max)}`;
    }
  })();
  const currency = q.currency ? `${q.currency} ` : '';
  const unit = q.unit ? ` ${q.unit}` : '';
  return `${currency}${amount}${unit}`;
}

export const QuantityRef = builder.objectRef<QuantityRow>('Quantity').implement({
  description:
    'A number with its uncertainty, role and unit, as in the SIPRI arms-transfer register (“24 aircraft ordered”, “~21 operational”, “USD 2.2 bn contract”), or a vague amount kept in its own words (“several squadrons”).',
  fields: (t) => ({
    role: t.expose('role', {
      type: QuantityRoleEnum,
      description:
        'What the quantity counts in the claim: ordered, delivered, operational, the contract value…',
    }),
    label: t.exposeString('label', {
      nullable: true,
      description: 'The role in words, when OTHER (or more precisely than the role says).',
    }),
    kind: t.expose('kind', {
      type: QuantityKindEnum,
      description: 'Whether it counts things, is money or a physical measure.',
    }),
    qualifier: t.expose('qualifier', {
      type: QuantityQualifierEnum,
      description:
        'How exact it is; VAGUE quantities keep their wording and never pretend to a number.',
    }),
    value: t.exposeFloat('value', {
      nullable: true,
      description: 'The stated number, when one is given (never for VAGUE).',
    }),
    min: t.exposeFloat('min', { nullable: true, description: 'Lower bound, when known.' }),
    max: t.exposeFloat('max', { nullable: true, description: 'Upper bound, when known.' }),
    unit: t.exposeString('unit', {
      nullable: true,
      description: 'What is counted or measured, e.g. `aircraft`, `km`; none for money.',
    }),
    currency: t.expose('currency', {
      type: 'CurrencyCode',
      nullable: true,
      description: 'The currency of a MONEY quantity, e.g. `USD`.',
    }),
    wording: t.exposeString('wording', {
      nullable: true,
      description: 'The source’s own words for it (“a USD 1 bn state loan”, “several squadrons”).',
    }),
    text: t.string({
      description: 'Human-readable form, e.g. `~21 aircraft`, `USD 2,200,000,000`.',
      extensions: sqlField({ kind: 'expression', value: (row) => quantityTextSql(row) }),
      resolve: quantityText,
    }),
  }),
});
