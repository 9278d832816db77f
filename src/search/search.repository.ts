import { sql, type RawBuilder } from 'kysely';
import { visibleActorRows } from '../visibility/visible-actors.js';
import { visibleBriefingIds } from '../visibility/visible-briefings.js';
import { visibleClaimIds } from '../visibility/visible-claims.js';
import type { Executor } from '../db/executor.js';
import type { ActorKind, SourceKind } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { visibleSourceRows } from '../visibility/visible-sources.js';

export const SEARCH_TYPES = ['BRIEFING', 'CLAIM', 'SOURCE', 'ACTOR'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export interface SearchFilter {
  actorKinds?: readonly ActorKind[] | null;
  sourceKinds?: readonly SourceKind[] | null;
}

/** Where a page starts: after this hit in (rank desc, type, id desc) order. */
export interface SearchKeyset {
  /** The rank as PostgreSQL printed it (a real prints exactly and reads back the same). */
  rank: string;
  type: SearchType;
  id: number;
}

export interface SearchRequest {
  /** Web-search syntax, designators already folded (see search.inputs.ts). */
  query: string;
  /** What snippets highlight: the query plus each designator's parts as a phrase. */
  highlightQuery: string;
  /** Compared with actor names and aliases by trigram word similarity; null skips that. */
  nameQuery: string | null;
  /**
   * Similar spellings of names are looked for only when the words themselves match fewer actors
   * than this: when they match many, they are spelt as the names are.
   */
  nameMatchesBelow: number;
  types: readonly SearchType[];
  filter: SearchFilter;
  after: SearchKeyset | null;
  /** Hits in the page. */
  pageSize: number;
  /** At most this many matches of each type are ranked (the newest). */
  candidateCap: number;
}

export interface SearchHitRow {
  type: SearchType;
  id: number;
  rank: number;
  rank_text: string;
  /** Where it matched, highlights unmarked. */
  snippet_text: string;
  /** The same as HTML: escaped, each highlight in <mark>…</mark>. */
  snippet_html: string;
}

export interface SearchPage {
  hits: SearchHitRow[];
  /** Hits among the ranked candidates (every page together). */
  total: number;
  /** Whether some type had more matches than were ranked. */
  capped: boolean;
  hasNextPage: boolean;
}

/**
 * Highlight delimiters: ts_headline marks with these rather than HTML, since the text is not
 * HTML-safe; searchStatement escapes it and then turns them into <mark> tags. They are removed
 * from the text first, so every one in a headline is ts_headline's own, in pairs.
 */
export const HIGHLIGHT_START = '\u0002';
export const HIGHLIGHT_STOP = '\u0003';
const HEADLINE_OPTIONS = `StartSel="${HIGHLIGHT_START}", StopSel="${HIGHLIGHT_STOP}", MaxWords=30, MinWords=12, ShortWord=2, MaxFragments=2, FragmentDelimiter=" … "`;

/** A row's language (the companion tables' `language`) → its text-search configuration. */
const CONFIGS = {
  english: sql.lit('bg_english'),
  spanish: sql.lit('bg_spanish'),
  russian: sql.lit('bg_russian'),
  simple: sql.lit('bg_simple'),
} as const;
type Language = keyof typeof CONFIGS;

function tsquery(language: Language, text: string): RawBuilder<string> {
  return sql`websearch_to_tsquery(${CONFIGS[language]}::regconfig, ${text})`;
}

/**
 * Whether `document` (aliased `d`) matches, each row in its own language: a briefing in Spanish
 * against the query's Spanish stems only, so `-word` excludes what it should. 'multi' rows
 * (sources, actors) hold every stemmed language and match in any. Each arm is `document @@
 * constant`, so PostgreSQL ORs bitmap scans of the GIN index.
 */
function matches(text: string): RawBuilder<boolean> {
  return sql<boolean>`(
    (d.language in ('english', 'multi') and d.document @@ ${tsquery('english', text)})
    or (d.language in ('spanish', 'multi') and d.document @@ ${tsquery('spanish', text)})
    or (d.language in ('russian', 'multi') and d.document @@ ${tsquery('russian', text)})
    or (d.language = 'simple' and d.document @@ ${tsquery('simple', text)}))`;
}

/**
 * The query a row is ranked and highlighted against, in that row's language. A 'multi' row's is
 * the three languages' queries or-ed, each only once: most words stem alike in all three
 * ("chavez" is 'chavez' thrice), and ts_rank_cd's work grows with the query's operators though
 * repeated operands rank the same. Every part is constant, so the planner folds the lot.
 */
function queryFor(text: string): RawBuilder<string> {
  const [english, spanish, russian] = [
    tsquery('english', text),
    tsquery('spanish', text),
    tsquery('russian', text),
  ];
  return sql<string>`case c.language
    when 'english' then ${english}
    when 'spanish' then ${spanish}
    when 'russian' then ${russian}
    when 'simple' then ${tsquery('simple', text)}
    else ${english}
      || case when ${spanish} = ${english} then ''::tsquery else ${spanish} end
      || case when ${russian} in (${english}, ${spanish}) then ''::tsquery else ${russian} end end`;
}

/**
 * One type's candidates: its matching rows the caller may see, the newest `cap` of them. Ranking
 * (ts_rank_cd) grows with the matches, so a query matching most rows ranks a bounded set
 * instead; `capped` tells the client. The visible ids (each once: a primary key) are joined
 * rather than tested with `in`, which PostgreSQL plans as a semi-join whose tables it must join
 * among themselves first: a claim's briefing was then looked up for every claim walked past,
 * not only for the matching ones (a broad query's claims 1.24 → 0.94 ms).
 */
function candidates(
  table: 'briefing' | 'claim' | 'source' | 'actor',
  type: SearchType,
  visibleIds: RawBuilder<number> | { compile: unknown },
  request: SearchRequest,
) {
  const id = sql.ref(`d.${table}_id`);
  return sql`(select ${sql.lit(type)}::text as type, ${id} as id, d.language, d.document
    from ${sql.table(`${table}_search`)} as d join (${visibleIds}) as visible on visible.id = ${id}
    where ${matches(request.query)}
    order by ${id} desc limit ${request.candidateCap})`;
}

/** HTML's special characters and their escapes, `&` first (the others add one). */
const HTML_ESCAPES = [
  ['&', '&amp;'],
  ['<', '&lt;'],
  ['>', '&gt;'],
  ['"', '&quot;'],
  ["'", '&#39;'],
] as const;

/** A headline as HTML: the text escaped, each highlight in <mark>…</mark>. */
function headlineHtml(marked: RawBuilder<string>): RawBuilder<string> {
  let html = marked;
  for (const [character, escape] of HTML_ESCAPES)
    html = sql<string>`replace(${html}, ${character}::text, ${escape}::text)`;
  return sql<string>`replace(replace(${html}, ${HIGHLIGHT_START}::text, '<mark>'), ${HIGHLIGHT_STOP}::text, '</mark>')`;
}

/**
 * A hit's cursor as encodeSearchCursor (search.inputs.ts) writes it: base64url of
 * {"r","t","i"}, the rank as PostgreSQL printed it.
 */
export function searchCursorSql(
  rankText: RawBuilder<unknown>,
  type: RawBuilder<unknown>,
  id: RawBuilder<unknown>,
): RawBuilder<string> {
  const payload = sql`'{"r":' || to_json(${rankText}::text)::text || ',"t":' || to_json(${type}::text)::text || ',"i":' || ${id} || '}'`;
  return sql<string>`translate(encode(convert_to(${payload}, 'UTF8'), 'base64'), ${'+/=\n'}, ${'-_'})`;
}

/** The one row searchStatement yields: the page's hits as arrays, in order. */
export interface SearchStatementRow {
  totalCount: number;
  capped: boolean;
  has_next_page: boolean;
  has_previous_page: boolean;
  start_cursor: string | null;
  end_cursor: string | null;
  hit_type: SearchType[] | null;
  hit_id: (number | string)[] | null;
  hit_rank: number[] | null;
  hit_rank_text: string[] | null;
  hit_snippet_text: string[] | null;
  hit_snippet_html: string[] | null;
}

/**
 * One page of hits, ranked, with snippets (text and HTML) for that page only, their total,
 * whether ranking was capped and the page's ends: one statement yielding one row, the hits as
 * parallel arrays. Both read paths run it: the loader path unpacks the arrays, the compiled path
 * nests it in its statement and reads the hits with `searchHitRows`, so the two answer alike.
 * The caller's visibility is applied through each record kind's builder of visible rows
 * (src/visibility/), so a hit never names a record the caller could not read.
 */
export function searchStatement(
  db: Executor,
  visibility: Visibility,
  request: SearchRequest,
): RawBuilder<SearchStatementRow> {
  const wanted = new Set(request.types);
  const { actorKinds, sourceKinds } = request.filter;
  const actorIds = visibleActorRows(db, visibility)
    .$if(Boolean(actorKinds?.length), (q) => q.where('actor.kind', 'in', actorKinds ?? []))
    .select('actor.id');
  const sourceIds = visibleSourceRows(db, visibility)
    .$if(Boolean(sourceKinds?.length), (q) => q.where('source.kind', 'in', sourceKinds ?? []))
    .select('source.id');
  const branches = [
    wanted.has('BRIEFING') &&
      candidates('briefing', 'BRIEFING', visibleBriefingIds(db, visibility), request),
    wanted.has('CLAIM') && candidates('claim', 'CLAIM', visibleClaimIds(db, visibility), request),
    wanted.has('SOURCE') && candidates('source', 'SOURCE', sourceIds, request),
    wanted.has('ACTOR') && candidates('actor', 'ACTOR', actorIds, request),
  ].filter((branch) => branch !== false);
  const candidate =
    branches.length > 0
      ? sql.join(branches, sql` union all `)
      : sql`select null::text as type, null::bigint as id, null::text as language, null::tsvector as document where false`;

  // Misspelt names: an actor whose name or alias is close to the query by trigram word
  // similarity (pg_trgm's `<%` on trigram indexes: the name's folded form is stored in its
  // search row, the aliases' computed, being few) is a hit too, ranked at half
  // its similarity (a one-word title match ranks 0.5 under ts_rank_cd's normalisation 32).
  // Only when the words matched few actors themselves: a word many names contain ("chavez" on
  // the bench data, 700 names) is spelt right, and comparing it with every name costs more
  // than the rest of the search (a sequential scan of the names: the planner prices `<%` as
  // cheap). The condition reads no row, so PostgreSQL checks it once and skips both scans.
  const fewByWords = sql`(select count(*) from candidate where type = 'ACTOR') < ${request.nameMatchesBelow}`;
  const byName =
    wanted.has('ACTOR') && request.nameQuery !== null
      ? sql`union all
        (select 'ACTOR', named.actor_id, (0.5 * word_similarity(fold_text(${request.nameQuery}), named.name_folded))::real
          from actor_search as named where ${fewByWords} and fold_text(${request.nameQuery}) <% named.name_folded
            and named.actor_id in (${actorIds})
          limit ${request.candidateCap})
        union all
        (select 'ACTOR', actor_alias.actor_id, (0.5 * word_similarity(fold_text(${request.nameQuery}), fold_text(actor_alias.alias)))::real
          from actor_alias where ${fewByWords} and fold_text(${request.nameQuery}) <% fold_text(actor_alias.alias)
            and actor_alias.actor_id in (${actorIds})
          limit ${request.candidateCap})`
      : sql``;

  // Order: rank desc, then type, then id desc (newest first, as the candidate cap keeps the
  // newest): mixed directions, so the keyset is spelt out rather than a row comparison.
  const after = request.after
    ? sql`where (rank < ${request.after.rank}::real
        or (rank = ${request.after.rank}::real and (type > ${request.after.type}::text
          or (type = ${request.after.type}::text and id < ${request.after.id}::bigint))))`
    : sql``;

  const headline = (table: string, text: RawBuilder<string>) =>
    sql`(select ts_headline(search_config(c.language), translate(${text}, ${HIGHLIGHT_START + HIGHLIGHT_STOP}::text, ''), ${queryFor(request.highlightQuery)}, ${HEADLINE_OPTIONS})
      from ${sql.table(table)} join ${sql.table(`${table}_search`)} as c on c.${sql.raw(`${table}_id`)} = ${sql.table(table)}.id
      where ${sql.table(table)}.id = h.id)`;
  const cursor = (edge: string) =>
    sql`(select ${searchCursorSql(sql.ref('rank_text'), sql.ref('type'), sql.ref('id'))} from hit order by n ${sql.raw(edge)} limit 1)`;
  const ordered = (column: RawBuilder<unknown>) => sql`array_agg(${column} order by n)`;
  const marked = sql<string>`marked`;

  return sql<SearchStatementRow>`
    with candidate as materialized (${candidate}),
    ranked as (
      select c.type, c.id, ts_rank_cd(c.document, ${queryFor(request.query)}, 32) as rank from candidate c
      ${byName}
    ),
    merged as materialized (select type, id, max(rank) as rank from ranked group by type, id),
    page as (select type, id, rank from merged ${after} order by rank desc, type, id desc limit ${request.pageSize + 1}),
    hit as materialized (
      select h.type, h.id, h.rank, h.rank::text as rank_text, h.n,
        case h.type
          when 'BRIEFING' then ${headline('briefing', sql`concat_ws(' ', briefing.summary, briefing.body)`)}
          when 'CLAIM' then ${headline('claim', sql`concat_ws(' ', claim.statement, claim.quote)`)}
          when 'SOURCE' then ${headline('source', sql`concat_ws(' ', source.title, source.publisher, source.description)`)}
          when 'ACTOR' then ${headline(
            'actor',
            sql`concat_ws(' ', actor.name, (select string_agg(alias, ', ' order by alias) from actor_alias where actor_alias.actor_id = actor.id), actor.description)`,
          )}
        end as marked
      from (select page.*, row_number() over (order by rank desc, type, id desc) as n from page) h
      where h.n <= ${request.pageSize}
    )
    select (select count(*) from merged)::int as "totalCount",
      coalesce((select max(n) from (select count(*) as n from candidate group by type) t), 0) >= ${request.candidateCap} as capped,
      (select count(*) from page) > ${request.pageSize} as has_next_page,
      ${sql.lit(request.after !== null)} as has_previous_page,
      ${cursor('asc')} as start_cursor, ${cursor('desc')} as end_cursor,
      hits.*
    from (select ${ordered(sql`type`)} as hit_type, ${ordered(sql`id`)} as hit_id,
        ${ordered(sql`rank`)} as hit_rank, ${ordered(sql`rank_text`)} as hit_rank_text,
        ${ordered(sql`translate(${marked}, ${HIGHLIGHT_START + HIGHLIGHT_STOP}::text, '')`)} as hit_snippet_text,
        ${ordered(headlineHtml(marked))} as hit_snippet_html
      from hit) hits`;
}

/**
 * The hits of searchStatement's row (`row` names its columns) as rows with a `list_rank`, for the
 * compiled path. The rank is the number PostgreSQL printed, as the loader path reads it.
 */
export function searchHitRows(row: <T>(column: string) => RawBuilder<T>): RawBuilder<unknown> {
  return sql`select h.type, h.id, h.rank_text::numeric as rank, h.rank_text, h.snippet_text, h.snippet_html, h.list_rank
    from unnest(${row('hit_type')}, ${row('hit_id')}, ${row('hit_rank_text')}, ${row('hit_snippet_text')}, ${row('hit_snippet_html')})
      with ordinality as h(type, id, rank_text, snippet_text, snippet_html, list_rank)`;
}

/** searchStatement's page, its hits unpacked (the loader path). */
export async function searchPage(
  db: Executor,
  visibility: Visibility,
  request: SearchRequest,
): Promise<SearchPage> {
  const {
    rows: [row],
  } = await searchStatement(db, visibility, request).execute(db);
  if (!row) throw new Error('expected one row from the search statement, got none');
  const hits = (row.hit_type ?? []).map((type, i) => ({
    type,
    id: Number(row.hit_id?.[i]),
    rank: row.hit_rank?.[i] ?? 0,
    rank_text: row.hit_rank_text?.[i] ?? '',
    snippet_text: row.hit_snippet_text?.[i] ?? '',
    snippet_html: row.hit_snippet_html?.[i] ?? '',
  }));
  return { hits, total: row.totalCount, capped: row.capped, hasNextPage: row.has_next_page };
}
