import { sql, type Kysely } from 'kysely';

// Frozen: the embargo on shared records. Actors, sources and actor relationships are shared by
// briefings, so one created for a draft would otherwise reach anonymous callers before the
// briefing is out. Each gets `released_to`: the least restrictive TLP marking at which a
// published (or published, then retracted) briefing exposes it, or CLEAR once an editor
// publishes it explicitly; null while it is embargoed. It only ever goes down: once out, a
// record stays out.
//
// A reference exposes a record at the marking of what shows it: a claim is seen at the stricter
// of its own and its briefing's marking; a source up a derivation chain at the stricter of that
// and the markings of the sources in between; a relationship's ends at the stricter of its
// release and its own marking. What a published briefing references: its claims' subjects and
// objects, the sources they cite and everything those relay, the relationships its claims
// evidence (and their two ends), and the briefing's own source.
//
// Triggers keep it, not the services: every path that writes a claim, citation, object,
// evidence link or briefing status (the mutations, merges, the seed loader, bulk loads, SQL
// run by hand) releases what it exposes in the same transaction, so no new write path can
// forget it. The triggers run per statement over transition tables, so a bulk insert of
// thousands of claims costs a few set-based statements, not one call per row.

const MARKINGS = `('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')`;
const SHARED_TABLES = ['actor', 'source', 'actor_relationship'] as const;
/** Briefing statuses that have been out: a retraction keeps the record of what was published. */
const PUBLISHED = `('PUBLISHED', 'RETRACTED')`;

/** Tables whose writes can release something, with the trigger function that does it. */
const TRIGGERS = [
  ['briefing', 'release_changed_briefings'],
  ['claim', 'release_changed_claims'],
  ['claim_object', 'release_changed_claim_links'],
  ['citation', 'release_changed_claim_links'],
  ['relationship_evidence', 'release_changed_claim_links'],
  ['actor_relationship', 'release_changed_relationship_ends'],
  ['source', 'release_changed_derivations'],
] as const;

/** The lowest marking per id among (id, level) pairs, for a table's release function. */
function lowestLevelPerId(): string {
  return `select id, (array_agg(level order by marking_rank(level)))[1] as level
            from unnest(ids, levels) as wanted(id, level) where id is not null group by id`;
}

/** Only ever lowers released_to (null counts as above RED). */
function lowers(table: string): string {
  return `(${table}.released_to is null or marking_rank(${table}.released_to) > marking_rank(wanted.level))`;
}

const upStatements = [
  `create function marking_rank(marking text) returns integer language sql immutable strict parallel safe
     as $$ select array_position(array['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'], marking) $$`,
  `create function stricter_marking(a text, b text) returns text language sql immutable strict parallel safe
     as $$ select case when marking_rank(a) >= marking_rank(b) then a else b end $$`,

  ...SHARED_TABLES.map(
    (table) =>
      `alter table ${table} add column released_to text check (released_to in ${MARKINGS})`,
  ),

  // A release never goes back: stray SQL that would re-embargo a record is refused.
  `create function keep_released() returns trigger language plpgsql as $$
     begin
       if old.released_to is not null and (new.released_to is null
           or marking_rank(new.released_to) > marking_rank(old.released_to)) then
         raise exception 'expected released_to of % % to stay at % or below, got %',
           tg_table_name, old.id, old.released_to, coalesce(new.released_to, 'null')
           using errcode = '23514';
       end if;
       return new;
     end $$`,
  ...SHARED_TABLES.map(
    (table) =>
      `create trigger ${table}_keep_released before update of released_to on ${table}
         for each row execute function keep_released()`,
  ),

  `create function release_actors(ids bigint[], levels text[]) returns void language sql as $$
     update actor set released_to = wanted.level from (${lowestLevelPerId()}) wanted
      where actor.id = wanted.id and ${lowers('actor')} $$`,
  `create function release_relationships(ids bigint[], levels text[]) returns void language sql as $$
     update actor_relationship set released_to = wanted.level from (${lowestLevelPerId()}) wanted
      where actor_relationship.id = wanted.id and ${lowers('actor_relationship')} $$`,
  // A released source exposes the sources it relays (Source.derivationChain): walk up the
  // chain here, in one statement. The walk stops at a source already released low enough (the
  // triggers released its chain with it), and UNION keeps each (id, level) once, so a cycle
  // ends it too.
  `create function release_sources(ids bigint[], levels text[]) returns void language sql as $$
     with recursive reach(id, level) as (
       select id, level from unnest(ids, levels) as start(id, level) where id is not null
       union
       select source.derived_from_id, stricter_marking(reach.level, source.marking)
         from reach join source on source.id = reach.id
        where source.derived_from_id is not null
          and (source.released_to is null or marking_rank(source.released_to) > marking_rank(reach.level))
     ), wanted as (
       select id, (array_agg(level order by marking_rank(level)))[1] as level from reach group by id
     )
     update source set released_to = wanted.level from wanted
      where source.id = wanted.id and ${lowers('source')} $$`,

  // The ids are joined as a set (unnest), not tested with = any(array): a bulk insert hands over
  // thousands of ids, and = any() compares every row with each of them.
  `create function release_claim_references(claim_ids bigint[]) returns void language plpgsql as $$
     declare
       published_ids bigint[];
       levels text[];
     begin
       select array_agg(claim.id), array_agg(stricter_marking(briefing.marking, claim.marking))
         into published_ids, levels
         from unnest(claim_ids) as changed(id)
         join claim on claim.id = changed.id
         join briefing on briefing.id = claim.briefing_id
        where briefing.status in ${PUBLISHED};
       if published_ids is null then return; end if;
       perform release_actors(array_agg(refs.id), array_agg(refs.level)) from (
         select claim.subject_actor_id as id, shown.level
           from unnest(published_ids, levels) as shown(id, level)
           join claim on claim.id = shown.id
          where claim.subject_actor_id is not null
         union all
         select claim_object.actor_id, shown.level
           from unnest(published_ids, levels) as shown(id, level)
           join claim_object on claim_object.claim_id = shown.id
       ) refs;
       perform release_sources(array_agg(citation.source_id), array_agg(shown.level))
          from unnest(published_ids, levels) as shown(id, level)
          join citation on citation.claim_id = shown.id;
       perform release_relationships(array_agg(relationship_evidence.relationship_id),
                                     array_agg(shown.level))
          from unnest(published_ids, levels) as shown(id, level)
          join relationship_evidence on relationship_evidence.claim_id = shown.id;
     end $$`,
  `create function release_briefing_references(briefing_ids bigint[]) returns void language plpgsql as $$
     begin
       perform release_claim_references(array(
         select claim.id from unnest(briefing_ids) as changed(id)
           join briefing on briefing.id = changed.id
           join claim on claim.briefing_id = briefing.id
          where briefing.status in ${PUBLISHED}));
       perform release_sources(array_agg(briefing.source_id), array_agg(briefing.marking))
          from unnest(briefing_ids) as changed(id) join briefing on briefing.id = changed.id
         where briefing.status in ${PUBLISHED} and briefing.source_id is not null;
     end $$`,

  `create function release_changed_briefings() returns trigger language plpgsql as $$
     begin perform release_briefing_references(array(select id from changed)); return null; end $$`,
  `create function release_changed_claims() returns trigger language plpgsql as $$
     begin perform release_claim_references(array(select id from changed)); return null; end $$`,
  `create function release_changed_claim_links() returns trigger language plpgsql as $$
     begin
       perform release_claim_references(array(select distinct claim_id from changed));
       return null;
     end $$`,
  // A released relationship shows its two ends; a released source, what it relays. These fire
  // on the release itself and on a later change of ends, marking or derivation. A statement
  // trigger fires on zero rows too: each stops when nothing changed, or releases would recurse.
  `create function release_changed_relationship_ends() returns trigger language plpgsql as $$
     declare
       ids bigint[];
       levels text[];
     begin
       select array_agg(ends.id), array_agg(ends.level) into ids, levels from (
         select from_actor_id as id, stricter_marking(released_to, marking) as level
           from changed where released_to is not null
         union all
         select to_actor_id, stricter_marking(released_to, marking)
           from changed where released_to is not null
       ) ends;
       if ids is not null then perform release_actors(ids, levels); end if;
       return null;
     end $$`,
  `create function release_changed_derivations() returns trigger language plpgsql as $$
     declare
       ids bigint[];
       levels text[];
     begin
       select array_agg(derived_from_id), array_agg(stricter_marking(released_to, marking))
         into ids, levels
         from changed where released_to is not null and derived_from_id is not null;
       if ids is not null then perform release_sources(ids, levels); end if;
       return null;
     end $$`,

  // Per statement, over transition tables (which allow one event per trigger, hence an insert
  // and an update trigger each): a bulk load of thousands of rows costs a few set-based
  // statements, not one call per row.
  ...TRIGGERS.flatMap(([table, fn]) =>
    ['insert', 'update'].map(
      (event) =>
        `create trigger ${table}_release_on_${event} after ${event} on ${table}
           referencing new table as changed for each statement execute function ${fn}()`,
    ),
  ),

  // What published briefings reference today is released; what only drafts reference stays
  // embargoed.
  `select release_briefing_references(array(select id from briefing where status in ${PUBLISHED}))`,
  // Records no briefing references at all were public before the embargo and belong to no
  // unpublished work (the seed's wider network, reference data): they stay out, at CLEAR.
  `do $$
     declare ids bigint[];
     begin
       ids := array(select r.id from actor_relationship r where r.released_to is null
         and not exists (select 1 from relationship_evidence e where e.relationship_id = r.id));
       perform release_relationships(ids, array_fill('CLEAR'::text, array[cardinality(ids)]));
       ids := array(select a.id from actor a where a.released_to is null
         and not exists (select 1 from claim c where c.subject_actor_id = a.id)
         and not exists (select 1 from claim_object o where o.actor_id = a.id)
         and not exists (select 1 from actor_relationship r
           join relationship_evidence e on e.relationship_id = r.id
          where a.id in (r.from_actor_id, r.to_actor_id)));
       perform release_actors(ids, array_fill('CLEAR'::text, array[cardinality(ids)]));
       ids := array(
         with recursive referenced(id) as (
           select source_id from citation
           union select source_id from briefing where source_id is not null
           union select s.derived_from_id from referenced join source s on s.id = referenced.id
            where s.derived_from_id is not null
         )
         select s.id from source s where s.released_to is null
           and not exists (select 1 from referenced where referenced.id = s.id));
       perform release_sources(ids, array_fill('CLEAR'::text, array[cardinality(ids)]));
     end $$`,
];

const downStatements = [
  ...TRIGGERS.flatMap(([table]) =>
    ['insert', 'update'].map((event) => `drop trigger ${table}_release_on_${event} on ${table}`),
  ),
  `drop function release_changed_derivations()`,
  `drop function release_changed_relationship_ends()`,
  `drop function release_changed_claim_links()`,
  `drop function release_changed_claims()`,
  `drop function release_changed_briefings()`,
  `drop function release_briefing_references(bigint[])`,
  `drop function release_claim_references(bigint[])`,
  `drop function release_sources(bigint[], text[])`,
  `drop function release_relationships(bigint[], text[])`,
  `drop function release_actors(bigint[], text[])`,
  ...SHARED_TABLES.map((table) => `drop trigger ${table}_keep_released on ${table}`),
  `drop function keep_released()`,
  ...SHARED_TABLES.map((table) => `alter table ${table} drop column released_to`),
  `drop function stricter_marking(text, text)`,
  `drop function marking_rank(text)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
