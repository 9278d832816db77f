import { sql, type Kysely } from 'kysely';

// Frozen: the database's own guard on the small ordered lists the API caps (README "Cost and
// size limits"): their positions run from 0, so a cap on the position caps the list. Unordered
// lists (aliases, external ids, tags) are capped by the API only: a count check needs a trigger.

const upStatements = [
  `alter table briefing_author add constraint briefing_author_position_cap check (position < 20)`,
  `alter table media add constraint media_position_cap check (position < 50)`,
  `alter table claim_object add constraint claim_object_position_cap check (position < 20)`,
];

const downStatements = [
  `alter table briefing_author drop constraint briefing_author_position_cap`,
  `alter table media drop constraint media_position_cap`,
  `alter table claim_object drop constraint claim_object_position_cap`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
