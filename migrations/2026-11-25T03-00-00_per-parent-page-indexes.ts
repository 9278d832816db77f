import { sql, type Kysely } from 'kysely';

// Frozen: indexes that end in the tie-breaker id, so a per-parent page (LATERAL … ORDER BY type,
// id LIMIT n) reads its first rows straight from the index instead of sorting every
// relationship of a hub actor.

const upStatements = [
  `drop index actor_relationship_from_idx`,
  `drop index actor_relationship_to_idx`,
  `create index actor_relationship_from_idx on actor_relationship (from_actor_id, type, id)`,
  `create index actor_relationship_to_idx on actor_relationship (to_actor_id, type, id)`,
  `create index citation_source_id_id_idx on citation (source_id, id)`,
  `drop index citation_source_id_idx`,
];

const downStatements = [
  `drop index actor_relationship_from_idx`,
  `drop index actor_relationship_to_idx`,
  `create index actor_relationship_from_idx on actor_relationship (from_actor_id, type)`,
  `create index actor_relationship_to_idx on actor_relationship (to_actor_id, type)`,
  `create index citation_source_id_idx on citation (source_id)`,
  `drop index citation_source_id_id_idx`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
