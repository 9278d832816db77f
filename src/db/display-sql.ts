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
  const value = row('value');
  const min = row('min');
  const max = row('max');
  const currency = sql`coalesce(${row('currency')} || ' ', '')`;
  const unit = sql`coalesce(' ' || nullif(${row('unit')}, ''), '')`;
  return sql<string>`case ${row('qualifier')}
    when 'VAGUE' then coalesce(${row('wording')}, '')
    else ${currency} || case ${row('qualifier')}
      when 'EXACT' then ${number(value)}
      when 'APPROXIMATE' then '~' || ${number(value)}
      when 'AT_LEAST' then '≥ ' || ${number(sql`coalesce(${value}, ${min})`)}
      when 'AT_MOST' then '≤ ' || ${number(sql`coalesce(${value}, ${max})`)}
      when 'RANGE' then ${number(min)} || '–' || ${number(max)} end || ${unit} end`;
}

/** Claim.likelihood: the band, or null when the judgement spans a range of bands. */
export function singleLikelihoodSql(
  likelihood: RawBuilder<unknown>,
  likelihoodTo: RawBuilder<unknown>,
): RawBuilder<string | null> {
  return sql<string | null>`case when ${likelihoodTo} is null then ${likelihood} end`;
}

/** The first of two values that is not null (LikelihoodRange.to: the upper band, or the band). */
export function coalesceSql(
  first: RawBuilder<unknown>,
  then: RawBuilder<unknown>,
): RawBuilder<unknown> {
  return sql`coalesce(${first}, ${then})`;
}

/** Source.publishedAt: the instant as toISOString writes it, or null when only a date is known. */
export function exactInstantSql(
  at: RawBuilder<unknown>,
  precision: RawBuilder<unknown>,
): RawBuilder<string | null> {
  return sql<string | null>`case when ${precision} is null
    then to_char(${at} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') end`;
}
