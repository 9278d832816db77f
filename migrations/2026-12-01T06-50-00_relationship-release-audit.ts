import { sql, type Kysely } from 'kysely';

// Frozen: a relationship's release from embargo is mostly written by the database's own
// triggers (a briefing's publication releases the relationships its claims evidence), which the
// application never sees, so the audit log did not know from when a caller under embargo could
// see a relationship. Each change of actor_relationship.released_to is now logged, in the
// writer's transaction, as the publish mutation logs its own (which it still does, naming the
// editor; this entry names the mechanism).

const upStatements = [
  `create function audit_relationship_release() returns trigger language plpgsql as $$
     begin
       insert into audit_log (actor_name, action, entity_type, entity_id, before, after)
       values ('embargo', 'relationship.release', 'ActorRelationship', new.id,
               jsonb_build_object('released_to', old.released_to),
               jsonb_build_object('released_to', new.released_to));
       return null;
     end $$`,
  `create trigger actor_relationship_audit_release
     after update of released_to on actor_relationship
     for each row when (old.released_to is distinct from new.released_to)
     execute function audit_relationship_release()`,
];

const downStatements = [
  `drop trigger actor_relationship_audit_release on actor_relationship`,
  `drop function audit_relationship_release()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
