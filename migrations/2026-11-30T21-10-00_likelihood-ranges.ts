import { sql, type Kysely } from 'kysely';

// Frozen: an ICD 203 judgement may span bands ("roughly even chance to likely"): `likelihood`
// stays the band, or the lower band of a range, and `likelihood_to` the upper band. Ranks make
// the bands comparable in constraints and filters (an index on the rank serves minLikelihood).

const BANDS = `'ALMOST_NO_CHANCE', 'VERY_UNLIKELY', 'UNLIKELY', 'ROUGHLY_EVEN_CHANCE', 'LIKELY', 'VERY_LIKELY', 'ALMOST_CERTAIN'`;

const upStatements = [
  `create function likelihood_rank(band text) returns smallint language sql immutable strict parallel safe
     as $$ select array_position(array[${BANDS}], band)::smallint $$`,
  `alter table claim add column likelihood_to text check (likelihood_to in (${BANDS}))`,
  `alter table claim add constraint claim_likelihood_range_ordered check (likelihood_to is null
     or (likelihood is not null and likelihood_rank(likelihood_to) > likelihood_rank(likelihood)))`,
  `create index claim_likelihood_rank_idx on claim (likelihood_rank(likelihood), id)`,
];

const downStatements = [
  `drop index claim_likelihood_rank_idx`,
  `alter table claim drop column likelihood_to`,
  `drop function likelihood_rank(text)`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
