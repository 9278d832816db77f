import { sql, type Kysely } from 'kysely';

// Frozen: lookups by identifier, so imports and editors find a record before creating it again.
// Actors already have unique indexes on wikidata_qid and on (scheme, value) of their external
// ids; sources are found by URL, compared in one normalised form that the database computes
// (an expression index, so every writer and reader agrees on it without a stored copy).
//
// normalize_url keeps what names a document and drops what only names a way to reach it: the
// scheme (http and https serve the same page), user info, a leading `www.`, default ports, a
// trailing slash, the fragment, empty and tracking query parameters (utm_*, fbclid, gclid,
// mc_cid, mc_eid); the host is lower-cased and the remaining parameters sorted. The path keeps
// its case: servers may tell /Doc from /doc. Null for text that is not an http(s) URL.

const upStatements = [
  `create function normalize_url(u text) returns text language sql immutable strict parallel safe as $$
     select regexp_replace(lower(m[1]), '^www\\.', '')
         || case when coalesce(m[2], '') in ('', '80', '443') then '' else ':' || m[2] end
         || regexp_replace(coalesce(m[3], ''), '/+$', '')
         || coalesce('?' || nullif(array_to_string(array(
              select p from unnest(string_to_array(m[4], '&')) as p
               where p <> '' and p !~* '^(utm_[a-z0-9_]*|fbclid|gclid|mc_cid|mc_eid)(=|$)'
               order by p), '&'), ''), '')
       from regexp_match(u, '^[hH][tT][tT][pP][sS]?://(?:[^@/?#]*@)?([^:/?#]+)(?::([0-9]*))?([^?#]*)(?:\\?([^#]*))?') as m
      where m is not null
   $$`,
  `create index source_url_normalized_idx on source (normalize_url(url), id)`,
];

const downStatements = [
  `drop index source_url_normalized_idx`,
  `drop function normalize_url(text)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
