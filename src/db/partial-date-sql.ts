import { sql, type RawBuilder } from 'kysely';

// A partial date's label and last day in SQL, for compiled reads; the same rules as
// common/time-and-quantity.schema.ts (partialDateLabel, partialDateEnd), which the
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
