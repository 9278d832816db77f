import { sql, type Kysely } from 'kysely';

// Frozen: the root `contradictions` reads claims one by one and counts, for each, the claims of
// its subject and predicate after it (its candidate pairs); this index answers that count and
// the pair join from the index alone, for groups of thousands of claims.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index claim_subject_predicate_idx on claim (subject_actor_id, predicate, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index claim_subject_predicate_idx`.execute(db);
}
