import { brandWithType } from '@pothos/core';
import { builder } from '../builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/connection.js';
import type { Context } from '../context.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef, BriefingRef, ClaimRef, SourceRef } from '../refs.js';
import {
  SearchFilterInput,
  SearchTypeEnum,
  checkSearchQuery,
  decodeSearchCursor,
  encodeSearchCursor,
  foldDesignators,
  highlightQuery,
  nameQuery,
  toSearchFilter,
  type SearchFilterShape,
} from './search.inputs.js';
import {
  SEARCH_TYPES,
  searchCursorSql,
  searchHitRows,
  searchPage,
  searchStatement,
  type SearchHitRow,
  type SearchRequest,
  type SearchType,
} from './search.repository.js';
import { ALWAYS_PRESENT, sqlColumn, sqlField, sqlOne } from '../compiled/sql-spec.js';

/**
 * How many matches of each type are ranked at most (the newest). Finding, checking visibility of
 * and ranking candidates costs about linearly in them (ts_rank_cd ≈ 300 ms at 50,000), so a
 * query matching a large share of the records ranks this many of each instead, and says so in
 * `capped`. 1,000 cost a broad search 27 ms of PostgreSQL time on the bench data, too much for
 * its p99 goal under load; 250 cost 5 ms. 200 keeps the first pages of a broad search ranked
 * among hundreds of its newest matches per type, for about 7 % less PostgreSQL time than 250
 * (150: −15 %, 100: −27 %, measured per statement on the bench data).
 */
export const SEARCH_CANDIDATE_CAP = 200;

/**
 * Actors are looked for by similar spellings of their names only when the query's words match
 * fewer actors than this themselves (see searchPage): a page's worth.
 */
export const SEARCH_NAME_MATCHES_BELOW = 20;

/** What the cost rule charges a search for its ranking work, on top of its page. */
export const SEARCH_BASE_COST = 100;

type SearchRecord =
  | typeof BriefingRef.$inferType
  | typeof ClaimRef.$inferType
  | typeof SourceRef.$inferType
  | NonNullable<typeof ActorRef.$inferType>;

interface SearchHit {
  row: SearchHitRow;
  record: SearchRecord;
}

interface SearchConnectionShape {
  edges: { cursor: string; node: SearchHit }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  totalCount: number;
  capped: boolean;
}

/** A hit's columns in searchHitRows' rows, as the hit and its snippet name them. */
const SNIPPET_COLUMNS = { snippet_text: 'snippet_text', snippet_html: 'snippet_html' };
const HIT_COLUMNS = { ...SNIPPET_COLUMNS, type: 'type', id: 'id', rank: 'rank' };

/** The GraphQL type of a hit's record, from its SearchType. */
const RECORD_TYPES = { BRIEFING: 'Briefing', CLAIM: 'Claim', SOURCE: 'Source', ACTOR: 'Actor' };

// Every field below declares its SQL, so a search is compiled into one statement (src/compiled/)
// around searchStatement's row: its hits come as arrays, which searchHitRows turns back into rows.

const SnippetRef = builder.objectRef<SearchHitRow>('SearchSnippet').implement({
  description:
    'Where a hit matches: up to two fragments of its text (“ … ” between them), matching words highlighted.',
  fields: (t) => ({
    text: t.exposeString('snippet_text', { description: 'Plain text, without highlights.' }),
    html: t.exposeString('snippet_html', {
      description:
        'The same text as HTML: escaped, each highlighted word in `<mark>…</mark>`. Safe to insert as HTML.',
    }),
  }),
});

const SearchRecordUnion = builder.unionType('SearchRecord', {
  description: 'A record a search hit points at.',
  types: [BriefingRef, ClaimRef, SourceRef, ActorRef],
});

const SearchHitRef = builder.objectRef<SearchHit>('SearchHit').implement({
  description: 'One record that matches a search, with how well and where.',
  fields: (t) => ({
    rank: t.float({
      description:
        'Relevance in [0, 1): ts_rank_cd (cover density, weighted title > summary or statement > body or quote) normalised as rank / (rank + 1); an actor found by a similar spelling of its name or alias ranks at half that similarity. Hits come highest first; ties by type, then newest first.',
      extensions: sqlColumn('rank'),
      resolve: (hit) => hit.row.rank,
    }),
    type: t.field({
      type: SearchTypeEnum,
      description: 'The kind of record.',
      extensions: sqlColumn('type'),
      resolve: (hit) => hit.row.type,
    }),
    snippet: t.field({
      type: SnippetRef,
      description: 'Where the query matched, with the matches marked.',
      extensions: sqlField({
        kind: 'embedded',
        columns: SNIPPET_COLUMNS,
        present: () => ALWAYS_PRESENT,
      }),
      resolve: (hit) => hit.row,
    }),
    record: t.field({
      type: SearchRecordUnion,
      description: 'The record itself.',
      extensions: sqlField({
        kind: 'union',
        discriminator: 'type',
        members: RECORD_TYPES,
        id: (row) => row('id'),
        // searchStatement read each hit through its type's visible rows.
        checked: true,
      }),
      resolve: (hit) => hit.record,
    }),
  }),
});

const SearchEdgeRef = builder
  .objectRef<SearchConnectionShape['edges'][number]>('SearchEdge')
  .implement({
    description: 'One hit in a page, with the cursor to continue after it.',
    fields: (t) => ({
      cursor: t.exposeString('cursor', {
        description: 'Opaque; pass it as `after` to continue from this hit.',
        extensions: sqlField({
          kind: 'expression',
          value: (row) => searchCursorSql(row('rank_text'), row('type'), row('id')),
        }),
      }),
      node: t.field({
        type: SearchHitRef,
        description: 'The hit.',
        extensions: sqlField({
          kind: 'embedded',
          columns: HIT_COLUMNS,
          present: () => ALWAYS_PRESENT,
        }),
        resolve: (edge) => edge.node,
      }),
    }),
  });

const SearchConnectionRef = builder.objectRef<SearchConnectionShape>('SearchConnection').implement({
  description: 'A page of search hits, best first.',
  fields: (t) => ({
    edges: t.field({
      type: [SearchEdgeRef],
      description: 'This page of hits, best first.',
      extensions: sqlField({ kind: 'list', rows: (_env, row) => searchHitRows(row) }),
      resolve: (c) => c.edges,
    }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Whether more hits follow, and the page’s ends.',
      extensions: sqlField({
        kind: 'embedded',
        columns: {
          hasNextPage: 'has_next_page',
          hasPreviousPage: 'has_previous_page',
          startCursor: 'start_cursor',
          endCursor: 'end_cursor',
        },
        present: () => ALWAYS_PRESENT,
      }),
      resolve: (c) => c.pageInfo,
    }),
    totalCount: t.exposeInt('totalCount', {
      description: 'How many hits there are (every page together) among the ranked matches.',
    }),
    capped: t.exposeBoolean('capped', {
      description: `True when some type had more than ${SEARCH_CANDIDATE_CAP} matches: only its newest ${SEARCH_CANDIDATE_CAP} were ranked. Narrow the query or its types.`,
    }),
  }),
});

/** Each hit's record through the per-request loaders: one statement per type on the page. */
async function loadRecord(
  ctx: Context,
  type: SearchType,
  id: number,
): Promise<SearchRecord | null> {
  const ref = { BRIEFING: BriefingRef, CLAIM: ClaimRef, SOURCE: SourceRef, ACTOR: ActorRef }[type];
  const record: SearchRecord | null = await ref.getDataloader(ctx).load(id);
  // The union tells its members apart by Pothos' brand, as `node(id:)` does.
  if (record) brandWithType(record, ref);
  return record;
}

function pageSize(first: number | null | undefined): number {
  if (first == null) return DEFAULT_PAGE_SIZE;
  if (first < 0) throw badInput(`expected \`first\` >= 0, got ${first}`, 'BAD_USER_INPUT', 'first');
  return Math.min(first, MAX_PAGE_SIZE);
}

interface SearchArgs {
  query: string;
  types?: readonly SearchType[] | null;
  filter?: SearchFilterShape | null;
  first?: number | null;
  after?: string | null;
}

/** What `search`'s arguments ask for, on either read path; throws on a refused argument. */
function searchRequest(args: SearchArgs): SearchRequest {
  checkSearchQuery(args.query);
  const query = args.query.trim();
  return {
    query: foldDesignators(query),
    highlightQuery: highlightQuery(query),
    nameQuery: nameQuery(query),
    types: args.types?.length ? args.types : SEARCH_TYPES,
    filter: toSearchFilter(args.filter),
    after: args.after ? decodeSearchCursor(args.after) : null,
    pageSize: pageSize(args.first),
    candidateCap: SEARCH_CANDIDATE_CAP,
    nameMatchesBelow: SEARCH_NAME_MATCHES_BELOW,
  };
}

builder.queryField('search', (t) =>
  t.field({
    type: SearchConnectionRef,
    description: `Full-text search over briefings, claims, sources and actors you may see, best first. \`query\` is web-search syntax and never a syntax error: words (all must match), \`"exact phrase"\`, \`-excluded\`, \`or\`. Accents and case are ignored (“chavez” finds “Chávez”), words match their inflections in English, Spanish and Russian, and designators match however they are written (“Su-30MK2”, “su30mk2”, “Su 30MK2”; “S-300” but not “S-400”). Actors are also found by a similar spelling of their name or an alias when the words match fewer than ${SEARCH_NAME_MATCHES_BELOW} actors themselves. At most ${SEARCH_CANDIDATE_CAP} matches of each type are ranked (see \`capped\`).`,
    args: {
      query: t.arg.string({ required: true, description: 'What to look for (web-search syntax).' }),
      types: t.arg({
        type: [SearchTypeEnum],
        description: 'Only hits of these kinds (default: all).',
      }),
      filter: t.arg({
        type: SearchFilterInput,
        description: 'Only the items that meet every condition given.',
      }),
      first: t.arg.int({
        description: `Page size: ${DEFAULT_PAGE_SIZE} by default, at most ${MAX_PAGE_SIZE}.`,
      }),
      after: t.arg.string({ description: 'A cursor from a previous page: the hits after it.' }),
    },
    extensions: {
      ownCost: SEARCH_BASE_COST,
      // GraphQL checked the arguments against those declared above; a refused value (a bad
      // cursor) makes the compiler give up, and the loader path raises its error.
      ...sqlOne<SearchArgs>((env, args) =>
        searchStatement(env.db, env.visibility, searchRequest(args)),
      ),
    },
    resolve: async (_root, args, ctx) => {
      const request = searchRequest(args);
      const page = await searchPage(ctx.db, ctx.visibility, request);
      const rows = page.hits;
      const records = await Promise.all(rows.map((row) => loadRecord(ctx, row.type, row.id)));
      // The search applied the caller's visibility already; a record gone since (deleted or
      // hidden between the two statements) is left out rather than answered as null.
      const edges = rows.flatMap((row, index) => {
        const record = records[index];
        return record
          ? [
              {
                cursor: encodeSearchCursor(row),
                node: { row, record },
              },
            ]
          : [];
      });
      return {
        edges,
        pageInfo: {
          hasNextPage: page.hasNextPage,
          hasPreviousPage: request.after !== null,
          startCursor: edges[0]?.cursor ?? null,
          endCursor: edges.at(-1)?.cursor ?? null,
        },
        totalCount: page.total,
        capped: page.capped,
      };
    },
  }),
);
