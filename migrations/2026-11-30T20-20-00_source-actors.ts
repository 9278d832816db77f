import { sql, type Kysely } from 'kysely';

// Frozen: who a source speaks for. An interview names the official who spoke (SPEAKER), a report
// its author (AUTHOR), an outlet its publishing organisation (PUBLISHER), a dossier the actor it
// is about (SUBJECT). `source.publisher` stays as the display text it always was; the link is
// what an analyst filters and joins on (`Actor.sources`).
//
// Embargo (see the embargo migration): a released source shows its linked actors, so releasing
// a source, or linking an actor to a released one, releases the actor at the stricter of the
// source's release and its own marking, in the same statement-level triggers as the others.
//
// Audit: an entry naming an actor in a snapshot's `actor_links` or `participants` list (source
// links here; claim and relationship participants later) mentions that actor, so an editor who
// may not see the actor does not see the entry. A second trigger adds these mentions beside the
// first one's, leaving the frozen audit_mentions function as it is.

const ROLES = `('SPEAKER', 'AUTHOR', 'PUBLISHER', 'SUBJECT')`;

const upStatements = [
  `create table source_actor (
    source_id bigint not null references source (id) on delete cascade,
    actor_id bigint not null references actor (id) on delete restrict,
    role text not null check (role in ${ROLES}),
    -- Positions run from 0, so this caps the list at LIST_CAPS.sourceActors (20).
    position smallint not null check (position >= 0 and position < 20),
    primary key (source_id, actor_id, role),
    unique (source_id, position)
  )`,
  // Actor.sources: an actor's links by role, then the sources' own ordering.
  `create index source_actor_actor_id_idx on source_actor (actor_id, role, source_id)`,

  `create function release_source_actor_links(source_ids bigint[]) returns void language plpgsql as $$
     declare
       ids bigint[];
       levels text[];
     begin
       select array_agg(link.actor_id), array_agg(stricter_marking(source.released_to, source.marking))
         into ids, levels
         from unnest(source_ids) as changed(id)
         join source on source.id = changed.id
         join source_actor link on link.source_id = source.id
        where source.released_to is not null;
       if ids is not null then perform release_actors(ids, levels); end if;
     end $$`,
  `create function release_changed_source_links() returns trigger language plpgsql as $$
     begin
       perform release_source_actor_links(array(select id from changed where released_to is not null));
       return null;
     end $$`,
  `create function release_changed_source_actors() returns trigger language plpgsql as $$
     begin
       perform release_source_actor_links(array(select distinct source_id from changed));
       return null;
     end $$`,
  ...['insert', 'update'].flatMap((event) => [
    `create trigger source_release_links_on_${event} after ${event} on source
       referencing new table as changed for each statement execute function release_changed_source_links()`,
    `create trigger source_actor_release_on_${event} after ${event} on source_actor
       referencing new table as changed for each statement execute function release_changed_source_actors()`,
  ]),

  `create function audit_link_mentions(p_before jsonb, p_after jsonb)
   returns table (entity_type text, entity_id bigint) language sql stable as $$
     select distinct 'Actor', (item ->> 'actor_id')::bigint
       from unnest(array[p_before, p_after]) as doc,
            unnest(array['actor_links', 'participants']) as k,
            jsonb_array_elements(case when jsonb_typeof(doc -> k) = 'array' then doc -> k else '[]'::jsonb end) as item
      where jsonb_typeof(doc) = 'object' and jsonb_typeof(item) = 'object'
        and jsonb_typeof(item -> 'actor_id') = 'number'
   $$`,
  `create function audit_log_record_link_mentions() returns trigger language plpgsql as $$
     begin
       insert into audit_mention (audit_id, entity_type, entity_id)
       select new.id, m.entity_type, m.entity_id from audit_link_mentions(new.before, new.after) as m
       on conflict do nothing;
       return null;
     end $$`,
  `create trigger audit_log_record_link_mentions after insert on audit_log
     for each row execute function audit_log_record_link_mentions()`,
];

const downStatements = [
  `drop trigger audit_log_record_link_mentions on audit_log`,
  `drop function audit_log_record_link_mentions()`,
  `drop function audit_link_mentions(jsonb, jsonb)`,
  ...['insert', 'update'].flatMap((event) => [
    `drop trigger source_release_links_on_${event} on source`,
    `drop trigger source_actor_release_on_${event} on source_actor`,
  ]),
  `drop function release_changed_source_actors()`,
  `drop function release_changed_source_links()`,
  `drop function release_source_actor_links(bigint[])`,
  `drop table source_actor`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
