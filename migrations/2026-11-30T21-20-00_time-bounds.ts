import { sql, type Kysely } from 'kysely';

// Frozen: a valid-time bound says what its date is, so that null no longer means both
// "unknown" and "still in force". KNOWN, NOT_BEFORE ("from 2008 at the earliest") and NOT_AFTER
// ("no later than", "by the time of the report") carry a date; UNKNOWN, UNDISCLOSED (the source
// says it is withheld) and OPEN (no start, or still in force) carry none. Existing rows had a
// date (KNOWN) or did not (UNKNOWN): nothing recorded "open" before.
//
// A source's publication date gets a precision: null keeps `published_at` an exact instant; a
// precision makes it a day, month… starting at UTC midnight, instead of an invented time.
// `published_on` (generated) is that date as a partial date, an instant's UTC day.

const BOUNDS = `('KNOWN', 'NOT_BEFORE', 'NOT_AFTER', 'UNKNOWN', 'UNDISCLOSED', 'OPEN')`;
const DATED = `('KNOWN', 'NOT_BEFORE', 'NOT_AFTER')`;
const PRECISIONS = `('DAY', 'MONTH', 'QUARTER', 'YEAR', 'DECADE')`;

function boundStatements(table: string): string[] {
  return [
    `alter table ${table} add column valid_from_bound text check (valid_from_bound in ${BOUNDS}),
       add column valid_to_bound text check (valid_to_bound in ${BOUNDS})`,
    `update ${table} set
       valid_from_bound = case when valid_from is null then 'UNKNOWN' else 'KNOWN' end,
       valid_to_bound = case when valid_to is null then 'UNKNOWN' else 'KNOWN' end`,
    `alter table ${table} alter column valid_from_bound set not null,
       alter column valid_to_bound set not null,
       alter column valid_from_bound set default 'UNKNOWN',
       alter column valid_to_bound set default 'UNKNOWN'`,
    `alter table ${table} add constraint ${table}_valid_from_bound_dated
       check ((valid_from is not null) = (valid_from_bound in ${DATED}))`,
    `alter table ${table} add constraint ${table}_valid_to_bound_dated
       check ((valid_to is not null) = (valid_to_bound in ${DATED}))`,
    // Writers that name only dates (bulk loads, the bench, older tools) get what the columns
    // meant before: KNOWN for a date, UNKNOWN (the default) without one. On insert only, so an
    // update must name its bounds, as the API's writes do.
    `create trigger ${table}_fill_valid_time_bounds before insert on ${table}
       for each row execute function fill_valid_time_bounds()`,
  ];
}

const upStatements = [
  `create function fill_valid_time_bounds() returns trigger language plpgsql as $$
     begin
       if new.valid_from is not null and new.valid_from_bound = 'UNKNOWN' then
         new.valid_from_bound := 'KNOWN';
       end if;
       if new.valid_to is not null and new.valid_to_bound = 'UNKNOWN' then
         new.valid_to_bound := 'KNOWN';
       end if;
       return new;
     end $$`,
  ...boundStatements('claim'),
  ...boundStatements('actor_relationship'),
  `alter table source add column published_at_precision text check (published_at_precision in ${PRECISIONS})`,
  `alter table source add constraint source_published_at_aligned check (published_at_precision is null or (
     published_at is not null
     and published_at = (published_at at time zone 'UTC')::date::timestamp at time zone 'UTC'
     and (published_at_precision = 'DAY'
       or (extract(day from published_at at time zone 'UTC') = 1 and (
         published_at_precision = 'MONTH'
         or (published_at_precision = 'QUARTER' and extract(month from published_at at time zone 'UTC') in (1, 4, 7, 10))
         or (published_at_precision in ('YEAR', 'DECADE') and extract(month from published_at at time zone 'UTC') = 1
           and (published_at_precision = 'YEAR' or extract(year from published_at at time zone 'UTC')::int % 10 = 0)))))))`,
  // The publication date as a partial date, for reads and filters: an exact instant's UTC day.
  `alter table source
     add column published_on date generated always as ((published_at at time zone 'UTC')::date) stored,
     add column published_on_precision text generated always as (
       case when published_at is not null then coalesce(published_at_precision, 'DAY') end) stored
       check (published_on_precision in ${PRECISIONS})`,
];

const downStatements = [
  `alter table source drop column published_on, drop column published_on_precision`,
  `alter table source drop column published_at_precision`,
  ...['claim', 'actor_relationship'].flatMap((table) => [
    `drop trigger ${table}_fill_valid_time_bounds on ${table}`,
    `alter table ${table} drop column valid_from_bound, drop column valid_to_bound`,
  ]),
  `drop function fill_valid_time_bounds()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
