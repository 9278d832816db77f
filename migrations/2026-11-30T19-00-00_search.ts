import { sql, type Kysely } from 'kysely';

// Frozen: full-text search over briefings, claims, sources and actors (issue 14, part 1).
//
// Each searchable table gets a companion table holding its weighted tsvector, kept by triggers,
// instead of a generated column on the table itself: the repositories read rows with
// selectAll/returningAll and the audit log stores those rows, so a tsvector column there would
// be shipped with every read and copied into every audit entry. A claim's vector also depends
// on its briefing's language, which a generated column cannot read.
//
// Accent folding lives inside the text-search configurations (unaccent as a filtering
// dictionary before the stemmer), so to_tsvector(config, text) stays IMMUTABLE and "Chavez"
// finds "Chávez"; unaccent() itself is only STABLE. Only non-ASCII token types need it.

const LANGUAGES = [
  ['bg_english', 'english', 'english_stem'],
  ['bg_spanish', 'spanish', 'spanish_stem'],
  ['bg_russian', 'russian', 'russian_stem'],
] as const;

const statements = [
  `create extension if not exists unaccent`,
  ...LANGUAGES.flatMap(([name, parent, stemmer]) => [
    `create text search configuration ${name} (copy = ${parent})`,
    `alter text search configuration ${name}
       alter mapping for hword, hword_part, word with unaccent, ${stemmer}`,
  ]),
  `create text search configuration bg_simple (copy = simple)`,
  `alter text search configuration bg_simple
     alter mapping for hword, hword_part, word with unaccent, simple`,

  // The default parser splits designators badly ("Shahed-136" → 'shahe' '-136', "S-300" →
  // '-300' as "s" is a stop word), so each letters-then-digits designator, with a hyphen, a
  // space or nothing between, is written as its compact form followed by its parts:
  // "Su-30MK2" → "Su30MK2 Su 30MK2". "su30mk2", "Su-30MK2" and "Su 30MK2" then all index
  // 'su30mk2', 'su' and '30mk2'. ASCII classes only: what [[:alpha:]] means for non-ASCII
  // text depends on the server's locale and version.
  `create function search_designators(t text) returns text
     language sql immutable strict parallel safe
     as $$ select regexp_replace(t, '\\m([A-Za-z]{1,12})[- ]?([0-9][A-Za-z0-9]*)', '\\1\\2 \\1 \\2', 'g') $$`,
  // A BCP 47 tag → the search language its text is indexed in.
  `create function search_language(tag text) returns text
     language sql immutable parallel safe
     as $$ select case
       when tag ~ '^en(-|$)' then 'english'
       when tag ~ '^es(-|$)' then 'spanish'
       when tag ~ '^ru(-|$)' then 'russian'
       else 'simple' end $$`,
  `create function search_config(language text) returns regconfig
     language sql immutable parallel safe
     as $$ select case language
       when 'english' then 'bg_english'::regconfig
       when 'spanish' then 'bg_spanish'::regconfig
       when 'russian' then 'bg_russian'::regconfig
       else 'bg_simple'::regconfig end $$`,
  `create function search_vector(language text, body text, weight "char") returns tsvector
     language sql immutable parallel safe
     as $$ select setweight(to_tsvector(search_config(language),
       search_designators(coalesce(body, ''))), weight) $$`,
  // Sources and actors belong to no one language (a source's title may be in any; a name is
  // a name): 'multi' indexes them in each stemmed language, so a query matches in any.
  `create function search_vector_multi(body text, weight "char") returns tsvector
     language sql immutable parallel safe
     as $$ select search_vector('english', body, weight) || search_vector('spanish', body, weight)
       || search_vector('russian', body, weight) $$`,

  ...['briefing', 'claim', 'source', 'actor'].flatMap((table) => [
    `create table ${table}_search (
       ${table}_id bigint primary key references ${table} (id) on delete cascade,
       language text not null check (language in ('english', 'spanish', 'russian', 'simple', 'multi')),
       document tsvector not null
     )`,
    `create index ${table}_search_document_idx on ${table}_search using gin (document)`,
  ]),

  // Weights: title A, summary/statement B, body/quote C (issue 14).
  `create function briefing_search_refresh() returns trigger language plpgsql as $$
   declare
     lang text := search_language(new.language);
   begin
     insert into briefing_search (briefing_id, language, document)
     values (new.id, lang, search_vector(lang, new.title, 'A') || search_vector(lang, new.summary, 'B')
       || search_vector(lang, new.body, 'C'))
     on conflict (briefing_id) do update set language = excluded.language, document = excluded.document;
     -- Claims are indexed in their briefing's language.
     if tg_op = 'UPDATE' and new.language is distinct from old.language then
       insert into claim_search (claim_id, language, document)
       select claim.id, lang, search_vector(lang, claim.statement, 'B') || search_vector(lang, claim.quote, 'C')
       from claim where claim.briefing_id = new.id
       on conflict (claim_id) do update set language = excluded.language, document = excluded.document;
     end if;
     return null;
   end $$`,
  `create trigger briefing_search_refresh after insert or update of title, summary, body, language
     on briefing for each row execute function briefing_search_refresh()`,

  `create function claim_search_refresh() returns trigger language plpgsql as $$
   begin
     insert into claim_search (claim_id, language, document)
     select new.id, lang, search_vector(lang, new.statement, 'B') || search_vector(lang, new.quote, 'C')
     from (select search_language(briefing.language) as lang from briefing where briefing.id = new.briefing_id) b
     on conflict (claim_id) do update set language = excluded.language, document = excluded.document;
     return null;
   end $$`,
  `create trigger claim_search_refresh after insert or update of statement, quote, briefing_id
     on claim for each row execute function claim_search_refresh()`,

  `create function source_search_refresh() returns trigger language plpgsql as $$
   begin
     insert into source_search (source_id, language, document)
     values (new.id, 'multi', search_vector_multi(new.title, 'A') || search_vector_multi(new.publisher, 'B')
       || search_vector_multi(new.description, 'C'))
     on conflict (source_id) do update set document = excluded.document;
     return null;
   end $$`,
  `create trigger source_search_refresh after insert or update of title, publisher, description
     on source for each row execute function source_search_refresh()`,

  // An actor's document includes its aliases, so it is rebuilt when they change too. An actor
  // deleted with its aliases has no row left to index (the select yields nothing).
  `create function actor_search_rebuild(p_actor_id bigint) returns void language sql as $$
     insert into actor_search (actor_id, language, document)
     select actor.id, 'multi', search_vector_multi(actor.name, 'A')
       || search_vector_multi((select string_agg(alias, ' ; ' order by alias) from actor_alias
            where actor_alias.actor_id = actor.id), 'A')
       || search_vector_multi(actor.description, 'C')
     from actor where actor.id = p_actor_id
     on conflict (actor_id) do update set document = excluded.document
   $$`,
  `create function actor_search_refresh() returns trigger language plpgsql as $$
   begin
     perform actor_search_rebuild(new.id);
     return null;
   end $$`,
  `create trigger actor_search_refresh after insert or update of name, description
     on actor for each row execute function actor_search_refresh()`,
  `create function actor_alias_search_refresh() returns trigger language plpgsql as $$
   begin
     if tg_op in ('UPDATE', 'DELETE') then perform actor_search_rebuild(old.actor_id); end if;
     if tg_op in ('INSERT', 'UPDATE') then perform actor_search_rebuild(new.actor_id); end if;
     return null;
   end $$`,
  `create trigger actor_alias_search_refresh after insert or update or delete
     on actor_alias for each row execute function actor_alias_search_refresh()`,

  // Rows that exist already.
  `insert into briefing_search (briefing_id, language, document)
   select id, search_language(language), search_vector(search_language(language), title, 'A')
     || search_vector(search_language(language), summary, 'B') || search_vector(search_language(language), body, 'C')
   from briefing`,
  `insert into claim_search (claim_id, language, document)
   select claim.id, search_language(briefing.language),
     search_vector(search_language(briefing.language), claim.statement, 'B')
     || search_vector(search_language(briefing.language), claim.quote, 'C')
   from claim join briefing on briefing.id = claim.briefing_id`,
  `insert into source_search (source_id, language, document)
   select id, 'multi', search_vector_multi(title, 'A') || search_vector_multi(publisher, 'B')
     || search_vector_multi(description, 'C')
   from source`,
  `select actor_search_rebuild(id) from actor`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  const drops = [
    `drop trigger actor_alias_search_refresh on actor_alias`,
    `drop trigger actor_search_refresh on actor`,
    `drop trigger source_search_refresh on source`,
    `drop trigger claim_search_refresh on claim`,
    `drop trigger briefing_search_refresh on briefing`,
    `drop function actor_alias_search_refresh()`,
    `drop function actor_search_refresh()`,
    `drop function actor_search_rebuild(bigint)`,
    `drop function source_search_refresh()`,
    `drop function claim_search_refresh()`,
    `drop function briefing_search_refresh()`,
    `drop table actor_search, source_search, claim_search, briefing_search`,
    `drop function search_vector_multi(text, "char")`,
    `drop function search_vector(text, text, "char")`,
    `drop function search_config(text)`,
    `drop function search_language(text)`,
    `drop function search_designators(text)`,
    `drop text search configuration bg_simple`,
    ...LANGUAGES.map(([name]) => `drop text search configuration ${name}`),
    `drop extension unaccent`,
  ];
  for (const statement of drops) await sql.raw(statement).execute(db);
}
