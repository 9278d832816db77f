import { sql, type Kysely } from 'kysely';

// Frozen: a claim states several quantities (ordered, delivered, operational, a contract value,
// a credit), each with a role, a typed unit (ISO 4217 currency for money) and the source's own
// wording; a vague one ("several squadrons") keeps its wording and optional bounds and never a
// value. The claim's single quantity columns move into the list (role STATED) and are dropped,
// so the list is the only place a claim's quantities live.

const upStatements = [
  `create table claim_quantity (
    claim_id bigint not null references claim (id) on delete cascade,
    position smallint not null check (position >= 0 and position < 20),
    role text not null default 'STATED' check (role in ('STATED', 'ORDERED', 'DELIVERED',
      'OPERATIONAL', 'REQUESTED', 'VALUE', 'CREDIT', 'OTHER')),
    label text check (length(label) between 1 and 80),
    kind text not null default 'COUNT' check (kind in ('COUNT', 'MONEY', 'MEASURE')),
    qualifier text not null check (qualifier in ('EXACT', 'APPROXIMATE', 'AT_LEAST', 'AT_MOST', 'RANGE', 'VAGUE')),
    value numeric,
    min numeric,
    max numeric,
    unit text check (length(unit) between 1 and 80),
    currency text check (currency ~ '^[A-Z]{3}$'),
    wording text check (length(wording) between 1 and 500),
    primary key (claim_id, position),
    constraint claim_quantity_other_has_label check (role <> 'OTHER' or label is not null),
    constraint claim_quantity_money_has_currency check ((kind = 'MONEY') = (currency is not null)),
    constraint claim_quantity_money_has_no_unit check (kind <> 'MONEY' or unit is null),
    constraint claim_quantity_measure_has_unit check (kind <> 'MEASURE' or unit is not null),
    constraint claim_quantity_shape check (
      (qualifier = 'RANGE' and min is not null and max is not null)
      or (qualifier in ('EXACT', 'APPROXIMATE') and value is not null)
      or (qualifier = 'AT_LEAST' and coalesce(value, min) is not null)
      or (qualifier = 'AT_MOST' and coalesce(value, max) is not null)
      or (qualifier = 'VAGUE' and value is null and wording is not null)),
    constraint claim_quantity_min_le_max check (min is null or max is null or min <= max),
    constraint claim_quantity_value_in_range check (value is null
      or ((min is null or value >= min) and (max is null or value <= max)))
  )`,
  // Filters: claims with a quantity in a role, and money in a currency.
  `create index claim_quantity_role_idx on claim_quantity (role, claim_id)`,
  `create index claim_quantity_currency_idx on claim_quantity (currency, claim_id) where currency is not null`,
  `insert into claim_quantity (claim_id, position, role, kind, qualifier, value, min, max, unit)
     select id, 0, 'STATED', 'COUNT', quantity_qualifier, quantity_value, quantity_min, quantity_max, quantity_unit
       from claim where quantity_qualifier is not null`,
  `alter table claim drop constraint claim_quantity_shape`,
  `alter table claim drop constraint claim_quantity_min_le_max`,
  `alter table claim drop constraint claim_quantity_value_in_range`,
  `alter table claim drop column quantity_value, drop column quantity_min, drop column quantity_max,
     drop column quantity_unit, drop column quantity_qualifier`,
];

// Back to one quantity per claim: the first of each list, whatever its role; money and vague
// quantities have no column to go to and are lost, as the old schema could not hold them.
const downStatements = [
  `alter table claim add column quantity_value numeric, add column quantity_min numeric,
     add column quantity_max numeric,
     add column quantity_unit text check (length(quantity_unit) between 1 and 80),
     add column quantity_qualifier text check (quantity_qualifier in ('EXACT', 'APPROXIMATE', 'AT_LEAST', 'AT_MOST', 'RANGE'))`,
  `update claim set quantity_value = q.value, quantity_min = q.min, quantity_max = q.max,
       quantity_unit = q.unit, quantity_qualifier = q.qualifier
     from claim_quantity q
    where q.claim_id = claim.id and q.position = 0 and q.qualifier <> 'VAGUE' and q.kind <> 'MONEY'`,
  `alter table claim add constraint claim_quantity_shape check (
      (quantity_qualifier is null and quantity_value is null and quantity_min is null and quantity_max is null and quantity_unit is null)
      or (quantity_qualifier = 'RANGE' and quantity_min is not null and quantity_max is not null)
      or (quantity_qualifier in ('EXACT', 'APPROXIMATE') and quantity_value is not null)
      or (quantity_qualifier = 'AT_LEAST' and coalesce(quantity_value, quantity_min) is not null)
      or (quantity_qualifier = 'AT_MOST' and coalesce(quantity_value, quantity_max) is not null))`,
  `alter table claim add constraint claim_quantity_min_le_max check (quantity_min is null or quantity_max is null or quantity_min <= quantity_max)`,
  `alter table claim add constraint claim_quantity_value_in_range check (quantity_value is null
      or ((quantity_min is null or quantity_value >= quantity_min) and (quantity_max is null or quantity_value <= quantity_max)))`,
  `drop table claim_quantity`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
