import { sql, type Kysely } from 'kysely';

// Frozen: search's misspelt-name matches (`<%`, word similarity) computed fold_text(actor.name),
// a long translate(), for every trigram candidate, twice (index recheck and ranking): a third of
// a broad search's time (31 ms of a query matching 700 names on the bench data, 14.5 ms reading a
// stored folded name). The folded name lives in the actor's search companion row, kept by the
// same rebuild as its document, so actor rows and their audit snapshots stay as they are. A later
// migration that changes fold_text must rebuild these rows too (as 2026-11-30T20-00-00 rebuilt
// the indexes on fold_text).

const rebuild = (
  withName: boolean,
) => `create or replace function actor_search_rebuild(p_actor_id bigint)
  returns void language sql as $$
     insert into actor_search (actor_id, language, document${withName ? ', name_folded' : ''})
     select actor.id, 'multi', search_vector_multi(actor.name, 'A')
       || search_vector_multi((select string_agg(alias, ' ; ' order by alias) from actor_alias
            where actor_alias.actor_id = actor.id), 'A')
       || search_vector_multi(actor.description, 'C')${withName ? ', fold_text(actor.name)' : ''}
     from actor where actor.id = p_actor_id
     on conflict (actor_id) do update set document = excluded.document${withName ? ', name_folded = excluded.name_folded' : ''}
   $$`;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `alter table actor_search add column name_folded text not null default ''`,
    `update actor_search set name_folded = fold_text(actor.name)
       from actor where actor.id = actor_search.actor_id`,
    rebuild(true),
    `create index actor_search_name_trgm_idx on actor_search using gin (name_folded gin_trgm_ops)`,
  ])
    await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of [
    `drop index actor_search_name_trgm_idx`,
    rebuild(false),
    `alter table actor_search drop column name_folded`,
  ])
    await sql.raw(statement).execute(db);
}
