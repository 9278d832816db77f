import { sql, type RawBuilder } from 'kysely';
import { partialDateEndSql, partialDateLabelSql } from '../db/display-sql.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';

// What makes two claims conflict, as SQL over a claim (or quantity) row named by its alias: the
// claims' objects compared as a whole, their valid times read as the widest period each may
// cover, their quantities as the interval of values each allows. contradiction.repository.ts
// pairs claims and reads these; the labels are what its reasons show.

/** An approximate quantity ("around 21") is read as its value ± this share of it. */
const APPROXIMATE_TOLERANCE = 0.1;

/** The widest period a claim's valid time may cover: a bound that is not a firm date is open. */
export function widestPeriod(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const from = sql`case when ${column('valid_from_bound')} in ('KNOWN', 'NOT_BEFORE')
    then ${column('valid_from')} end`;
  const to = sql`case when ${column('valid_to_bound')} in ('KNOWN', 'NOT_AFTER')
    then ${partialDateEndSql(column('valid_to'), column('valid_to_precision'))}::date end`;
  return sql<string>`daterange(${from}, ${to}, '[]')`;
}

/** "2006-07", "2006-10–2008", "2000–…": a valid time as its reason shows it. */
export function periodLabel(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const from = sql`coalesce(${partialDateLabelSql(column('valid_from'), column('valid_from_precision'))}, '…')`;
  const to = sql`coalesce(${partialDateLabelSql(column('valid_to'), column('valid_to_precision'))}, '…')`;
  return sql<string>`case when ${from} = ${to} then ${from} else ${from} || '–' || ${to} end`;
}

/** The claim's visible objects, in id order: two claims are about the same thing when equal. */
export function visibleObjects(visibility: Visibility, alias: string): RawBuilder<number[]> {
  return sql<number[]>`array(select claim_object.actor_id from claim_object
    join actor on actor.id = claim_object.actor_id
    where claim_object.claim_id = ${sql.ref(`${alias}.id`)} and ${sharedRecordVisible(visibility, 'actor')}
    order by claim_object.actor_id)`;
}

/** The interval of values a quantity allows; a vague one without bounds allows every value. */
export function quantityRange(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const value = column('value');
  const spread = sql`abs(${value}) * ${APPROXIMATE_TOLERANCE}::numeric`;
  return sql<string>`numrange(
    case ${column('qualifier')} when 'EXACT' then ${value}
      when 'APPROXIMATE' then ${value} - ${spread}
      when 'AT_LEAST' then coalesce(${value}, ${column('min')})
      when 'AT_MOST' then null else ${column('min')} end,
    case ${column('qualifier')} when 'EXACT' then ${value}
      when 'APPROXIMATE' then ${value} + ${spread}
      when 'AT_LEAST' then null
      when 'AT_MOST' then coalesce(${value}, ${column('max')}) else ${column('max')} end,
    '[]')`;
}
