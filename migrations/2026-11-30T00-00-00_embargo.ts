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
// forget it. The claim-side triggers are per statement over transition tables, so a bulk
// insert of thousands of claims costs a few set-based statements, not one call per row.

const MARKINGS = `('CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED')`;
const SHARED_TABLES = ['actor', 'source', 'actor_relationship'] as const;
/** Briefing statuses that have been out: a retraction keeps the record of what was published. */
const PUBLISHED = `('PUBLISHED', 'RETRACTED')`;

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
  // chain here, in one statement. UNION keeps each (id, level) once, so a cycle ends the walk.
  `create function release_sources(ids bigint[], levels text[]) returns void language sql as $$
     with recursive reach(id, level) as (
       select id, level from unnest(ids, levels) as start(id, level) where id is not null
       union
       select source.derived_from_id, stricter_marking(reach.level, source.marking)
         from reach join source on source.id = reach.id
        where source.derived_from_id is not null
     ), wanted as (
       select id, (array_agg(level order by marking_rank(level)))[1] as level from reach group by id
     )
     update source set released_to = wanted.level from wanted
      where source.id = wanted.id and ${lowers('source')} $$`,

  `create function release_claim_references(claim_ids bigint[]) returns void language plpgsql as $$
     begin
       perform release_actors(array_agg(id), array_agg(level)) from (
         select claim.subject_actor_id as id, stricter_marking(briefing.marking, claim.marking) as level
           from claim join briefing on briefing.id = claim.briefing_id
          where claim.id = any(claim_ids) and briefing.status in ${PUBLISHED}
            and claim.subject_actor_id is not null
         union all
         select claim_object.actor_id, stricter_marking(briefing.marking, claim.marking)
           from claim_object join claim on claim.id = claim_object.claim_id
           join briefing on briefing.id = claim.briefing_id
          where claim_object.claim_id = any(claim_ids) and briefing.status in ${PUBLISHED}
       ) refs;
       perform release_sources(array_agg(citation.source_id),
                               array_agg(stricter_marking(briefing.marking, claim.marking)))
          from citation join claim on claim.id = citation.claim_id
          join briefing on briefing.id = claim.briefing_id
         where citation.claim_id = any(claim_ids) and briefing.status in ${PUBLISHED};
       perform release_relationships(array_agg(relationship_evidence.relationship_id),
                                     array_agg(stricter_marking(briefing.marking, claim.marking)))
          from relationship_evidence join claim on claim.id = relationship_evidence.claim_id
          join briefing on briefing.id = claim.briefing_id
         where relationship_evidence.claim_id = any(claim_ids) and briefing.status in ${PUBLISHED};
     end $$`,
  `create function release_briefing_references(briefing_ids bigint[]) returns void language plpgsql as $$
     begin
       perform release_claim_references(array(
         select claim.id from claim join briefing on briefing.id = claim.briefing_id
          where claim.briefing_id = any(briefing_ids) and briefing.status in ${PUBLISHED}));
       perform release_sources(array_agg(source_id), array_agg(marking)) from briefing
        where id = any(briefing_ids) and status in ${PUBLISHED} and source_id is not null;
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
  // Transition tables allow one event per trigger, hence an insert and an update trigger each.
  ...[
    ['briefing', 'release_changed_briefings'],
    ['claim', 'release_changed_claims'],
    ['claim_object', 'release_changed_claim_links'],
    ['citation', 'release_changed_claim_links'],
    ['relationship_evidence', 'release_changed_claim_links'],
  ].flatMap(([table, fn]) =>
    ['insert', 'update'].map(
      (event) =>
        `create trigger ${table}_release_on_${event} after ${event} on ${table}
           referencing new table as changed for each statement execute function ${fn}()`,
    ),
  ),

  // A released relationship shows its two ends; a released source, what it relays. These fire
  // on the release itself and on a later change of ends, marking or derivation.
  `create function release_relationship_ends() returns trigger language plpgsql as $$
     begin
       perform release_actors(array[new.from_actor_id, new.to_actor_id],
                              array_fill(stricter_marking(new.released_to, new.marking), array[2]));
       return null;
     end $$`,
  `create trigger actor_relationship_release_ends after insert or update on actor_relationship
     for each row when (new.released_to is not null) execute function release_relationship_ends()`,
  `create function release_derivation() returns trigger language plpgsql as $$
     begin
       perform release_sources(array[new.derived_from_id],
                               array[stricter_marking(new.released_to, new.marking)]);
       return null;
     end $$`,
  `create trigger source_release_derivation after insert or update on source
     for each row when (new.released_to is not null and new.derived_from_id is not null)
     execute function release_derivation()`,

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
  `drop trigger source_release_derivation on source`,
  `drop function release_derivation()`,
  `drop trigger actor_relationship_release_ends on actor_relationship`,
  `drop function release_relationship_ends()`,
  ...['briefing', 'claim', 'claim_object', 'citation', 'relationship_evidence'].flatMap((table) =>
    ['insert', 'update'].map((event) => `drop trigger ${table}_release_on_${event} on ${table}`),
  ),
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
