import { sql, type RawBuilder } from 'kysely';
import { actorRowsQuery } from '../actors/actor.repository.js';
import { visibleBriefingIds } from '../briefings/briefing.repository.js';
import { visibleClaimIds } from '../claims/claim.repository.js';
import type { Executor } from '../db/executor.js';
import type { ActorKind, SourceKind } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { sourceRowsQuery } from '../sources/source.repository.js';

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
  /** Rows to read: the page size plus one, to know whether another page follows. */
  limit: number;
  /** At most this many matches of each type are ranked (the newest). */
  candidateCap: number;
}

export interface SearchHitRow {
  type: SearchType;
  id: number;
  rank: number;
  rank_text: string;
  /** The matching text with highlights between U+0002 and U+0003 (see snippet.ts). */
  snippet: string;
}

export interface SearchPage {
  hits: SearchHitRow[];
  /** Hits among the ranked candidates (every page together). */
  total: number;
  /** Whether some type had more matches than were ranked. */
  capped: boolean;
}

/** Highlight delimiters no briefing text uses; snippet.ts turns them into escaped HTML. */
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
 * instead; `capped` tells the client.
 */
function candidates(
  table: 'briefing' | 'claim' | 'source' | 'actor',
  type: SearchType,
  visibleIds: RawBuilder<number> | { compile: unknown },
  request: SearchRequest,
) {
  const id = sql.ref(`d.${table}_id`);
  return sql`(select ${sql.lit(type)}::text as type, ${id} as id, d.language, d.document
    from ${sql.table(`${table}_search`)} as d
    where ${matches(request.query)} and ${id} in (${visibleIds})
    order by ${id} desc limit ${request.candidateCap})`;
}

/**
 * One page of hits, ranked, with snippets for that page only, their total and whether ranking
 * was capped: one statement. The caller's visibility is applied through each domain's own
 * builder of visible rows, so a hit never names a record the caller could not read.
 */
export async function searchPage(
  db: Executor,
  visibility: Visibility,
  request: SearchRequest,
): Promise<SearchPage> {
  const wanted = new Set(request.types);
  const actorIds = actorRowsQuery(db, visibility, { kinds: request.filter.actorKinds })
    .clearSelect()
    .select('actor.id');
  const sourceIds = sourceRowsQuery(db, visibility, { kinds: request.filter.sourceKinds })
    .clearSelect()
    .select('source.id');
  const branches = [
    wanted.has('BRIEFING') &&
      candidates('briefing', 'BRIEFING', visibleBriefingIds(db, visibility), request),
    wanted.has('CLAIM') && candidates('claim', 'CLAIM', visibleClaimIds(db, visibility), request),
    wanted.has('SOURCE') && candidates('source', 'SOURCE', sourceIds, request),
    wanted.has('ACTOR') && candidates('actor', 'ACTOR', actorIds, request),
  ].filter((branch) => branch !== false);
  if (branches.length === 0) return { hits: [], total: 0, capped: false };

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
    sql`(select ts_headline(search_config(c.language), ${text}, ${queryFor(request.highlightQuery)}, ${HEADLINE_OPTIONS})
      from ${sql.table(table)} join ${sql.table(`${table}_search`)} as c on c.${sql.raw(`${table}_id`)} = ${sql.table(table)}.id
      where ${sql.table(table)}.id = p.id)`;

  const result = await sql<{
    type: SearchType | null;
    id: number | null;
    rank: number | null;
    rank_text: string | null;
    snippet: string | null;
    total: number;
    capped: boolean;
  }>`
    with candidate as materialized (${sql.join(branches, sql` union all `)}),
    ranked as (
      select c.type, c.id, ts_rank_cd(c.document, ${queryFor(request.query)}, 32) as rank from candidate c
      ${byName}
    ),
    merged as materialized (select type, id, max(rank) as rank from ranked group by type, id),
    page as (select type, id, rank from merged ${after} order by rank desc, type, id desc limit ${request.limit}),
    summary as (
      select (select count(*) from merged)::int as total,
        coalesce((select max(n) from (select count(*) as n from candidate group by type) t), 0) >= ${request.candidateCap} as capped
    )
    select p.type, p.id, p.rank, p.rank::text as rank_text,
      case p.type
        when 'BRIEFING' then ${headline('briefing', sql`concat_ws(' ', briefing.summary, briefing.body)`)}
        when 'CLAIM' then ${headline('claim', sql`concat_ws(' ', claim.statement, claim.quote)`)}
        when 'SOURCE' then ${headline('source', sql`concat_ws(' ', source.title, source.publisher, source.description)`)}
        when 'ACTOR' then ${headline(
          'actor',
          sql`concat_ws(' ', actor.name, (select string_agg(alias, ', ' order by alias) from actor_alias where actor_alias.actor_id = actor.id), actor.description)`,
        )}
      end as snippet,
      s.total, s.capped
    from summary s left join page p on true
    order by p.rank desc, p.type, p.id desc`.execute(db);

  const first = result.rows[0];
  const hits = result.rows.flatMap((row) =>
    row.type !== null && row.id !== null && row.rank !== null && row.rank_text !== null
      ? [
          {
            type: row.type,
            id: Number(row.id),
            rank: row.rank,
            rank_text: row.rank_text,
            snippet: row.snippet ?? '',
          },
        ]
      : [],
  );
  return { hits, total: first?.total ?? 0, capped: first?.capped ?? false };
}
