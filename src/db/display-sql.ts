import { sql, type RawBuilder } from 'kysely';

// How values are written for display, in SQL, for compiled reads; the same rules as
// common/time-and-quantity.schema.ts (partialDateLabel, partialDateEnd, quantityText), which the
// differential test (tests/api/compiled-reads.test.ts) holds them to.

export function partialDateLabelSql(
  date: RawBuilder<unknown>,
  precision: RawBuilder<unknown>,
): RawBuilder<string> {
  return sql<string>`case ${precision}
    when 'DAY' then to_char(${date}, 'YYYY-MM-DD')
    when 'MONTH' then to_char(${date}, 'YYYY-MM')
    when 'QUARTER' then to_char(${date}, 'YYYY') || '-Q' || extract(quarter from ${date})::int
    when 'YEAR' then to_char(${date}, 'YYYY')
    when 'DECADE' then to_char(${date}, 'YYYY') || 's' end`;
}

export function partialDateEndSql(
  date: RawBuilder<unknown>,
  precision: RawBuilder<unknown>,
): RawBuilder<string> {
  const months = sql`case ${precision} when 'MONTH' then 1 when 'QUARTER' then 3 when 'YEAR' then 12 when 'DECADE' then 120 end`;
  return sql<string>`to_char(case ${precision} when 'DAY' then ${date}::timestamp
    else date_trunc('month', ${date}::timestamp) + make_interval(months => ${months}) - interval '1 day' end, 'YYYY-MM-DD')`;
}

/** A number as `toLocaleString('en-US', { maximumFractionDigits: 6 })` writes it. */
function formattedNumberSql(value: RawBuilder<unknown>): RawBuilder<string> {
  const digits = sql`to_char(round(${value}::numeric, 6), 'FM999,999,999,999,999,999,990.999999')`;
  return sql<string>`rtrim(${digits}, '.')`;
}

/** Quantity.text, by the rules of common/time-and-quantity.schema.ts quantityText. */
export function quantityTextSql(row: (column: string) => RawBuilder<unknown>): RawBuilder<string> {
  const number = (value: RawBuilder<unknown>) => formattedNumberSql(sql`coalesce(${value}, 0)`);
  const value = row('quantity_value');
  const min = row('quantity_min');
  const max = row('quantity_max');
  const unit = sql`coalesce(' ' || nullif(${row('quantity_unit')}, ''), '')`;
  return sql<string>`case ${row('quantity_qualifier')}
    when 'EXACT' then ${number(value)}
    when 'APPROXIMATE' then '~' || ${number(value)}
    when 'AT_LEAST' then '≥ ' || ${number(sql`coalesce(${value}, ${min})`)}
    when 'AT_MOST' then '≤ ' || ${number(sql`coalesce(${value}, ${max})`)}
    when 'RANGE' then ${number(min)} || '–' || ${number(max)}
    else '' end || case when ${row('quantity_qualifier')} is null then '' else ${unit} end`;
}
