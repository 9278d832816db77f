import { sql, type Kysely } from 'kysely';

// Frozen: every record an audit entry names, before or after the write, so that whether a
// caller may see the entry is decided in SQL (pages and totalCount stay exact). A trigger fills
// it for every writer (mutations, the seed loader, the persisted-operation registry), in the
// writer's own transaction; existing entries are backfilled from their snapshots.

const upStatements = [
  `create table audit_mention (
    audit_id bigint not null references audit_log (id),
    entity_type text not null,
    entity_id bigint not null,
    primary key (audit_id, entity_type, entity_id)
  )`,
  `create index audit_mention_entity_idx on audit_mention (entity_type, entity_id)`,
  // What an entry names, read from its snapshots: the record itself, a claim's briefing (also
  // looked up while the claim exists, for snapshots without it), subject, objects and cited
  // sources, a briefing's source, a source's origin, a merged actor's survivor, a
  // relationship's ends and evidence. Lists that are not JSON arrays are read as empty.
  `create function audit_mentions(p_type text, p_id bigint, p_before jsonb, p_after jsonb)
   returns table (entity_type text, entity_id bigint) language sql stable as $$
     with snapshot (doc) as (
       select d from unnest(array[p_before, p_after]) as d where jsonb_typeof(d) = 'object'
     ),
     list (name, items) as (
       select k, case when jsonb_typeof(doc -> k) = 'array' then doc -> k else '[]'::jsonb end
       from snapshot, unnest(array['objectIds', 'object_ids', 'citations', 'evidence_claim_ids']) as k
     ),
     mention (entity_type, entity_id) as (
       select p_type, p_id
         where p_id is not null and p_type in ('Briefing', 'Claim', 'Source', 'Actor', 'ActorRelationship')
       union all
       select 'Briefing', (doc ->> 'briefing_id')::bigint from snapshot where p_type = 'Claim'
       union all
       select 'Briefing', claim.briefing_id from claim where p_type = 'Claim' and claim.id = p_id
       union all
       select 'Actor', (doc ->> 'subject_actor_id')::bigint from snapshot where p_type = 'Claim'
       union all
       select 'Actor', item::bigint from list, jsonb_array_elements_text(items) as item
         where p_type = 'Claim' and name in ('objectIds', 'object_ids')
       union all
       select 'Source', (item ->> 'source_id')::bigint from list, jsonb_array_elements(items) as item
         where p_type = 'Claim' and name = 'citations' and jsonb_typeof(item) = 'object'
       union all
       select 'Source', (doc ->> 'source_id')::bigint from snapshot where p_type = 'Briefing'
       union all
       select 'Source', (doc ->> 'derived_from_id')::bigint from snapshot where p_type = 'Source'
       union all
       select 'Actor', (doc ->> 'merged_into_id')::bigint from snapshot where p_type = 'Actor'
       union all
       select 'Actor', (doc ->> k)::bigint
         from snapshot, unnest(array['from_actor_id', 'to_actor_id']) as k
         where p_type = 'ActorRelationship'
       union all
       select 'Claim', item::bigint from list, jsonb_array_elements_text(items) as item
         where p_type = 'ActorRelationship' and name = 'evidence_claim_ids'
     )
     select distinct mention.entity_type, mention.entity_id from mention
     where mention.entity_id is not null
   $$`,
  `create function audit_log_record_mentions() returns trigger language plpgsql as $$
     begin
       insert into audit_mention (audit_id, entity_type, entity_id)
       select new.id, m.entity_type, m.entity_id
       from audit_mentions(new.entity_type, new.entity_id, new.before, new.after) as m;
       return null;
     end $$`,
  `create trigger audit_log_record_mentions after insert on audit_log
     for each row execute function audit_log_record_mentions()`,
  `insert into audit_mention (audit_id, entity_type, entity_id)
   select audit_log.id, m.entity_type, m.entity_id
   from audit_log
   cross join lateral audit_mentions(audit_log.entity_type, audit_log.entity_id, audit_log.before, audit_log.after) as m`,
];

const downStatements = [
  `drop trigger audit_log_record_mentions on audit_log`,
  `drop function audit_log_record_mentions()`,
  `drop function audit_mentions(text, bigint, jsonb, jsonb)`,
  `drop table audit_mention`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
