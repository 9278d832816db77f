import { sql, type Kysely } from 'kysely';

// Frozen: the root `contradictions` reads, for one claim at a time, the claims of its subject and
// predicate after it (its candidate pairs, counted and compared); this index finds them by
// (subject, predicate, id) instead of reading every claim of the subject, which for a hub actor
// with many predicates is thousands of rows per claim.

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`create index claim_subject_predicate_idx on claim (subject_actor_id, predicate, id)`.execute(
    db,
  );
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop index claim_subject_predicate_idx`.execute(db);
}
