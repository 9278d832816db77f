import { sql, type Kysely } from 'kysely';

// Frozen: dated qualifiers of a claim, in the spirit of Wikidata's point-in-time/start/end
// qualifiers: "ordered in 2005, delivered in batches from March 2008" is two facets, each with
// its role, partial date, precision and bound (KNOWN, NOT_BEFORE, NOT_AFTER carry a date;
// UNKNOWN, UNDISCLOSED, OPEN none). The claim's valid time stays its main span.

const BOUNDS = `('KNOWN', 'NOT_BEFORE', 'NOT_AFTER', 'UNKNOWN', 'UNDISCLOSED', 'OPEN')`;
const PRECISIONS = `('DAY', 'MONTH', 'QUARTER', 'YEAR', 'DECADE')`;

const upStatements = [
  `create table claim_date (
    claim_id bigint not null references claim (id) on delete cascade,
    position smallint not null check (position >= 0 and position < 20),
    role text not null check (role in ('POINT_IN_TIME', 'START', 'END', 'ORDERED', 'CONTRACTED',
      'DELIVERED', 'DELIVERY_START', 'DELIVERY_END', 'REPORTED', 'AS_OF', 'OTHER')),
    label text check (length(label) between 1 and 80),
    bound text not null default 'KNOWN' check (bound in ${BOUNDS}),
    date date,
    precision text check (precision in ${PRECISIONS}),
    note text check (length(note) between 1 and 200),
    primary key (claim_id, position),
    constraint claim_date_other_has_label check (role <> 'OTHER' or label is not null),
    constraint claim_date_dated check ((date is not null) = (bound in ('KNOWN', 'NOT_BEFORE', 'NOT_AFTER'))),
    constraint claim_date_precision_with_date check ((date is null) = (precision is null)),
    constraint claim_date_aligned check (date is null
      or precision = 'DAY'
      or (precision = 'MONTH' and extract(day from date) = 1)
      or (precision = 'QUARTER' and extract(day from date) = 1 and extract(month from date) in (1, 4, 7, 10))
      or (precision = 'YEAR' and extract(day from date) = 1 and extract(month from date) = 1)
      or (precision = 'DECADE' and extract(day from date) = 1 and extract(month from date) = 1 and extract(year from date)::int % 10 = 0))
  )`,
  // Filter: claims with a dated facet in a role, within a range of days.
  `create index claim_date_role_idx on claim_date (role, date, claim_id)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table claim_date`.execute(db);
}
