import { sql, type Kysely } from 'kysely';

// Frozen: the change feed (outbox). One row per record per committed write, numbered in commit
// order (the writer holds an advisory lock from numbering to COMMIT), so a reader that has
// seen change n has seen every change before it. `audiences` are the audiences that could see
// the record right after the change, `seen_by` every audience that ever could: the feed sends
// a tombstone only to audiences in `seen_by`, so it never reveals a record a caller could
// never see.
//
// Writes run through the application, which names the records it changed; a few changes
// happen in the database on their own and are queued in change_pending for the writer to
// number: a release lowering released_to (triggers), and cascaded deletes of claims and
// relationships.

const upStatements = [
  `create table change (
    id bigint generated always as identity primary key,
    entity_type text not null check (entity_type in
      ('Briefing', 'Claim', 'Source', 'Actor', 'ActorRelationship')),
    entity_id bigint not null,
    operation text not null check (operation in ('UPSERT', 'DELETE')),
    at timestamptz not null default now(),
    audiences text[] not null,
    seen_by text[] not null
  )`,
  // The latest change of a record, and whether a newer one exists.
  `create index change_entity_idx on change (entity_type, entity_id, id)`,
  `create table change_pending (
    entity_type text not null,
    entity_id bigint not null
  )`,
  `create function queue_released_changes() returns trigger language plpgsql as $$
     begin
       insert into change_pending (entity_type, entity_id)
       select tg_argv[0], changed.id from changed join prior on prior.id = changed.id
        where changed.released_to is distinct from prior.released_to;
       return null;
     end $$`,
  `create function queue_deleted_changes() returns trigger language plpgsql as $$
     begin
       insert into change_pending (entity_type, entity_id) select tg_argv[0], id from gone;
       return null;
     end $$`,
  ...(
    [
      ['actor', 'Actor'],
      ['source', 'Source'],
      ['actor_relationship', 'ActorRelationship'],
    ] as const
  ).map(
    ([table, type]) =>
      `create trigger ${table}_queue_release_change after update on ${table}
         referencing old table as prior new table as changed
         for each statement execute function queue_released_changes('${type}')`,
  ),
  ...(
    [
      ['claim', 'Claim'],
      ['actor_relationship', 'ActorRelationship'],
    ] as const
  ).map(
    ([table, type]) =>
      `create trigger ${table}_queue_delete_change after delete on ${table}
         referencing old table as gone
         for each statement execute function queue_deleted_changes('${type}')`,
  ),
];

const downStatements = [
  `drop trigger claim_queue_delete_change on claim`,
  `drop trigger actor_relationship_queue_delete_change on actor_relationship`,
  `drop trigger actor_queue_release_change on actor`,
  `drop trigger source_queue_release_change on source`,
  `drop trigger actor_relationship_queue_release_change on actor_relationship`,
  `drop function queue_deleted_changes()`,
  `drop function queue_released_changes()`,
  `drop table change_pending`,
  `drop table change`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
