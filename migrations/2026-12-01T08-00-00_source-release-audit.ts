import { sql, type Kysely } from 'kysely';

// Frozen: a source's release from embargo is mostly written by the database's own triggers (a
// briefing's publication releases the sources its claims cite), which the application never
// sees, so the audit log did not know from when a caller under embargo could see a source. Each
// change of source.released_to is now logged, in the writer's transaction, as the publish
// mutation logs its own (which it still does, naming the editor; this entry names the
// mechanism), as 2026-12-01T06-50-00 does for relationships.
//
// A source released before this trigger existed has snapshots that still say embargoed: one
// entry per such source records its release as of now (from what its last logged state held),
// so `Briefing.recordAsOf` shows it to callers under embargo from here on, not only from its
// next write. A source with no entry at all is not rebuilt from the log, so it gets none.

const upStatements = [
  `create function audit_source_release() returns trigger language plpgsql as $$
     begin
       insert into audit_log (actor_name, action, entity_type, entity_id, before, after)
       values ('embargo', 'source.release', 'Source', new.id,
               jsonb_build_object('released_to', old.released_to),
               jsonb_build_object('released_to', new.released_to));
       return null;
     end $$`,
  `create trigger source_audit_release
     after update of released_to on source
     for each row when (old.released_to is distinct from new.released_to)
     execute function audit_source_release()`,
  `insert into audit_log (actor_name, action, entity_type, entity_id, before, after)
   select 'embargo', 'source.release', 'Source', source.id,
          jsonb_build_object('released_to', logged.released_to),
          jsonb_build_object('released_to', source.released_to)
     from source
     cross join lateral (
       select entry.after ->> 'released_to' as released_to
         from audit_log entry
        where entry.entity_type = 'Source' and entry.entity_id = source.id
          and entry.after ? 'released_to'
        order by entry.at desc, entry.id desc
        limit 1
     ) logged
    where logged.released_to is distinct from source.released_to::text
    order by source.id`,
];

const downStatements = [
  `drop trigger source_audit_release on source`,
  `drop function audit_source_release()`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
