import { sql, type Kysely } from 'kysely';

// Frozen: indexes for the filters an analyst uses on issue 13's facts.
//
// A quantity's stated bounds, for `quantityAmount`: the least and greatest it can be by what
// the claim states, null on a side it leaves open. EXACT is its value; APPROXIMATE its value
// unless min/max say more; AT_LEAST/AT_MOST bound one side by value or min/max (the tighter);
// RANGE and VAGUE only by the min/max stated with them, never by a value they do not have.
//
// A source's publication date as the period it stands for (a month runs to its last day), for
// `publishedDuring`; null when it has no date. Relationships' `validDuring` uses the existing
// index on valid_period, and actors' `placeType` the existing actor_place_type_idx.

const upStatements = [
  `create function quantity_low(p_qualifier text, p_value numeric, p_min numeric, p_max numeric)
     returns numeric language sql immutable parallel safe
     as $$ select case p_qualifier when 'EXACT' then p_value
       when 'APPROXIMATE' then coalesce(p_min, p_value) when 'AT_LEAST' then greatest(p_value, p_min)
       else p_min end $$`,
  `create function quantity_high(p_qualifier text, p_value numeric, p_min numeric, p_max numeric)
     returns numeric language sql immutable parallel safe
     as $$ select case p_qualifier when 'EXACT' then p_value
       when 'APPROXIMATE' then coalesce(p_max, p_value) when 'AT_MOST' then least(p_value, p_max)
       else p_max end $$`,
  `create index claim_quantity_qualifier_idx on claim_quantity (qualifier, claim_id)`,
  `create index claim_quantity_low_idx on claim_quantity (quantity_low(qualifier, value, min, max), claim_id)`,
  `create index claim_quantity_high_idx on claim_quantity (quantity_high(qualifier, value, min, max), claim_id)`,
  `create function partial_date_period(p_day date, p_precision text) returns daterange
     language sql immutable strict parallel safe
     as $$ select daterange(p_day, (p_day + case p_precision when 'DAY' then interval '1 day'
       when 'MONTH' then interval '1 month' when 'QUARTER' then interval '3 months'
       when 'YEAR' then interval '1 year' when 'DECADE' then interval '10 years' end)::date, '[)') $$`,
  `create index source_published_period_idx on source
     using gist (partial_date_period(published_on, published_on_precision))`,
];

const downStatements = [
  `drop index source_published_period_idx`,
  `drop function partial_date_period(date, text)`,
  `drop index claim_quantity_high_idx`,
  `drop index claim_quantity_low_idx`,
  `drop index claim_quantity_qualifier_idx`,
  `drop function quantity_high(text, numeric, numeric, numeric)`,
  `drop function quantity_low(text, numeric, numeric, numeric)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
