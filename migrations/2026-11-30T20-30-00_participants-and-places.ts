import { sql, type Kysely } from 'kysely';

// Frozen: more than two parties, and places. "One state supplied another with a radar, flown in
// on a chartered cargo aircraft to a named air base" names a supplier (subject), a recipient
// (object), the equipment, the carrier and a place: claims and relationships get role-tagged
// participants beyond subject/object and from/to, and actors a PLACE kind (city, region, base…)
// with its country (the existing column) and optional WGS 84 coordinates.
//
// Embargo: a published claim exposes its participants as it does its objects, and a released
// relationship its participants as it does its ends, at the same levels. The frozen release
// functions are left as they are; these triggers run beside them, on the same events.

const ROLES = `('EQUIPMENT', 'CARRIER', 'LOCATION', 'INTERMEDIARY', 'FINANCIER', 'MANUFACTURER',
  'OPERATOR', 'BENEFICIARY', 'OTHER')`;
const KINDS_BEFORE = `'STATE', 'PERSON', 'ORGANIZATION', 'GOVERNMENT_BODY', 'MILITARY_UNIT', 'EQUIPMENT', 'PROGRAM'`;
const PUBLISHED = `('PUBLISHED', 'RETRACTED')`;

function participantTable(table: string, parent: string, parentTable: string): string[] {
  return [
    `create table ${table} (
      ${parent} bigint not null references ${parentTable} (id) on delete cascade,
      actor_id bigint not null references actor (id) on delete restrict,
      role text not null check (role in ${ROLES}),
      -- Positions run from 0: this caps the list at 20, as the API does.
      position smallint not null check (position >= 0 and position < 20),
      note text check (length(note) between 1 and 200),
      primary key (${parent}, actor_id, role),
      unique (${parent}, position)
    )`,
    // Actor.claims / relationships by participation, and merges, find rows by actor.
    `create index ${table}_actor_id_idx on ${table} (actor_id, role)`,
  ];
}

const upStatements = [
  `alter table actor drop constraint actor_kind_check`,
  `alter table actor add constraint actor_kind_check check (kind in (${KINDS_BEFORE}, 'PLACE'))`,
  `alter table actor
     add column place_type text check (place_type in ('CITY', 'REGION', 'BASE', 'FACILITY', 'OTHER')),
     add column latitude numeric(9, 6) check (latitude between -90 and 90),
     add column longitude numeric(9, 6) check (longitude between -180 and 180),
     add constraint actor_coordinates_paired check ((latitude is null) = (longitude is null)),
     add constraint actor_place_fields_on_places check (
       kind = 'PLACE' or (place_type is null and latitude is null))`,
  `create index actor_place_type_idx on actor (place_type, id) where place_type is not null`,

  ...participantTable('claim_participant', 'claim_id', 'claim'),
  ...participantTable('relationship_participant', 'relationship_id', 'actor_relationship'),

  // Participants of the claims given that published briefings show, at the claim's level.
  `create function release_claim_participants(claim_ids bigint[]) returns void language plpgsql as $$
     declare
       ids bigint[];
       levels text[];
     begin
       select array_agg(p.actor_id), array_agg(stricter_marking(briefing.marking, claim.marking))
         into ids, levels
         from unnest(claim_ids) as changed(id)
         join claim on claim.id = changed.id
         join briefing on briefing.id = claim.briefing_id
         join claim_participant p on p.claim_id = claim.id
        where briefing.status in ${PUBLISHED};
       if ids is not null then perform release_actors(ids, levels); end if;
     end $$`,
  `create function release_relationship_participants(relationship_ids bigint[]) returns void language plpgsql as $$
     declare
       ids bigint[];
       levels text[];
     begin
       select array_agg(p.actor_id), array_agg(stricter_marking(r.released_to, r.marking))
         into ids, levels
         from unnest(relationship_ids) as changed(id)
         join actor_relationship r on r.id = changed.id
         join relationship_participant p on p.relationship_id = r.id
        where r.released_to is not null;
       if ids is not null then perform release_actors(ids, levels); end if;
     end $$`,
  `create function release_participants_of_changed_briefings() returns trigger language plpgsql as $$
     begin
       perform release_claim_participants(array(
         select claim.id from changed join claim on claim.briefing_id = changed.id
          where changed.status in ${PUBLISHED}));
       return null;
     end $$`,
  `create function release_participants_of_changed_claims() returns trigger language plpgsql as $$
     begin perform release_claim_participants(array(select id from changed)); return null; end $$`,
  `create function release_changed_claim_participants() returns trigger language plpgsql as $$
     begin
       perform release_claim_participants(array(select distinct claim_id from changed));
       return null;
     end $$`,
  `create function release_participants_of_changed_relationships() returns trigger language plpgsql as $$
     begin
       perform release_relationship_participants(array(select id from changed where released_to is not null));
       return null;
     end $$`,
  `create function release_changed_relationship_participants() returns trigger language plpgsql as $$
     begin
       perform release_relationship_participants(array(select distinct relationship_id from changed));
       return null;
     end $$`,
  ...['insert', 'update'].flatMap((event) =>
    [
      ['briefing', 'release_participants_of_changed_briefings'],
      ['claim', 'release_participants_of_changed_claims'],
      ['claim_participant', 'release_changed_claim_participants'],
      ['actor_relationship', 'release_participants_of_changed_relationships'],
      ['relationship_participant', 'release_changed_relationship_participants'],
    ].map(
      ([table, fn]) =>
        `create trigger ${table}_participants_release_on_${event} after ${event} on ${table}
           referencing new table as changed for each statement execute function ${fn}()`,
    ),
  ),
];

const downStatements = [
  ...['insert', 'update'].flatMap((event) =>
    [
      'briefing',
      'claim',
      'claim_participant',
      'actor_relationship',
      'relationship_participant',
    ].map((table) => `drop trigger ${table}_participants_release_on_${event} on ${table}`),
  ),
  `drop function release_changed_relationship_participants()`,
  `drop function release_participants_of_changed_relationships()`,
  `drop function release_changed_claim_participants()`,
  `drop function release_participants_of_changed_claims()`,
  `drop function release_participants_of_changed_briefings()`,
  `drop function release_relationship_participants(bigint[])`,
  `drop function release_claim_participants(bigint[])`,
  `drop table relationship_participant`,
  `drop table claim_participant`,
  `drop index actor_place_type_idx`,
  `alter table actor drop constraint actor_place_fields_on_places,
     drop constraint actor_coordinates_paired,
     drop column longitude, drop column latitude, drop column place_type`,
  `alter table actor drop constraint actor_kind_check`,
  `alter table actor add constraint actor_kind_check check (kind in (${KINDS_BEFORE}))`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
