import { builder } from '../builder.js';
import type { Precision, QuantityQualifier } from '../db/types.js';
import { DatePrecisionEnum, QuantityQualifierEnum } from './enums.js';
import { allPresent, anyPresent, sqlField } from '../compiled/sql-spec.js';
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
}

export interface QuantityColumns {
  quantity_value: number | null;
  quantity_min: number | null;
  quantity_max: number | null;
  quantity_unit: string | null;
  quantity_qualifier: QuantityQualifier | null;
}

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

/** `ValidTime` over the row's valid-time columns: null when none of them is set. */
export const VALID_TIME_SQL = sqlField({
  kind: 'embedded',
  columns: Object.fromEntries(
    ['valid_from', 'valid_from_precision', 'valid_to', 'valid_to_precision', 'valid_time_note'].map(
      (column) => [column, column],
    ),
  ),
  present: (row) => anyPresent(row('valid_from'), row('valid_to'), row('valid_time_note')),
});

/** `Quantity` over the row's quantity columns: null without a qualifier. */
export const QUANTITY_SQL = sqlField({
  kind: 'embedded',
  columns: Object.fromEntries(
    ['quantity_value', 'quantity_min', 'quantity_max', 'quantity_unit', 'quantity_qualifier'].map(
      (column) => [column, column],
    ),
  ),
  present: (row) => allPresent(row('quantity_qualifier')),
});

export const PartialDateRef = builder.objectRef<PartialDateShape>('PartialDate').implement({
  description:
    'A date known to a given precision: `2006-07-01` with MONTH precision means “July 2006”.',
  fields: (t) => ({
    date: t.expose('date', { type: 'Date', description: 'First day of the period.' }),
    precision: t.expose('precision', { type: DatePrecisionEnum }),
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
    'When a claim or relationship holds (valid time, not when it was recorded). Either bound may be open (null).',
  fields: (t) => ({
    from: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'Start, at its own precision; null when unknown or open.',
      extensions: partialDateSql('valid_from', 'valid_from_precision'),
      resolve: (v) => partialDate(v.valid_from, v.valid_from_precision),
    }),
    to: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'End, at its own precision; null while ongoing or unknown.',
      extensions: partialDateSql('valid_to', 'valid_to_precision'),
      resolve: (v) => partialDate(v.valid_to, v.valid_to_precision),
    }),
    note: t.exposeString('valid_time_note', {
      nullable: true,
      description: 'The source’s own wording of the time, e.g. “early 2000s”, “end of 2006”.',
    }),
  }),
});

export function validTimeOf(row: ValidTimeColumns): ValidTimeColumns | null {
  return row.valid_from || row.valid_to || row.valid_time_note ? row : null;
}

function formatNumber(value: number): string {
  return value.toLocaleString('en-US', { maximumFractionDigits: 6 });
}

export function quantityText(q: QuantityColumns): string {
  const unit = q.quantity_unit ? ` ${q.quantity_unit}` : '';
  const value = q.quantity_value;
  switch (q.quantity_qualifier) {
    case 'EXACT':
      return `${formatNumber(value ?? 0)}${unit}`;
    case 'APPROXIMATE':
      return `~${formatNumber(value ?? 0)}${unit}`;
    case 'AT_LEAST':
      return `≥ ${formatNumber(value ?? q.quantity_min ?? 0)}${unit}`;
    case 'AT_MOST':
      return `≤ ${formatNumber(value ?? q.quantity_max ?? 0)}${unit}`;
    case 'RANGE':
      return `${formatNumber(q.quantity_min ?? 0)}–${formatNumber(q.quantity_max ?? 0)}${unit}`;
    case null:
      return '';
  }
}

export const QuantityRef = builder
  .objectRef<QuantityColumns & { quantity_qualifier: QuantityQualifier }>('Quantity')
  .implement({
    description:
      'A number with its uncertainty, as in the SIPRI arms-transfer register (“~21 aircraft”, “5–10 radars”).',
    fields: (t) => ({
      value: t.exposeFloat('quantity_value', {
        nullable: true,
        description: 'The stated number, when one is given.',
      }),
      min: t.exposeFloat('quantity_min', {
        nullable: true,
        description: 'Lower bound, when known.',
      }),
      max: t.exposeFloat('quantity_max', {
        nullable: true,
        description: 'Upper bound, when known.',
      }),
      unit: t.exposeString('quantity_unit', {
        nullable: true,
        description: 'What is counted, e.g. `aircraft`, `km`.',
      }),
      qualifier: t.expose('quantity_qualifier', { type: QuantityQualifierEnum }),
      text: t.string({
        description: 'Human-readable form, e.g. `~21 aircraft`.',
        extensions: sqlField({ kind: 'expression', value: (row) => quantityTextSql(row) }),
        resolve: quantityText,
      }),
    }),
  });

export function quantityOf<T extends QuantityColumns>(
  row: T,
): (T & { quantity_qualifier: QuantityQualifier }) | null {
  const qualifier = row.quantity_qualifier;
  return qualifier ? { ...row, quantity_qualifier: qualifier } : null;
}
