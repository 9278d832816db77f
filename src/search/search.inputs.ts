import { builder } from '../builder.js';
import { ActorKindEnum, SourceKindEnum } from '../common/enums.js';
import { badInput, unstorableCharacterIn } from '../errors/bad-input.js';
import type { SearchFilter, SearchKeyset, SearchType } from './search.repository.js';
import { SEARCH_TYPES } from './search.repository.js';

export const SearchTypeEnum = builder.enumType('SearchType', {
  description: 'The kinds of record `search` can return.',
  values: {
    BRIEFING: { value: 'BRIEFING', description: 'Briefings: title, summary and body.' },
    CLAIM: { value: 'CLAIM', description: 'Claims: statement and quote.' },
    SOURCE: { value: 'SOURCE', description: 'Sources: title, publisher and description.' },
    ACTOR: {
      value: 'ACTOR',
      description: 'Actors: name, aliases (also by similar spelling) and description.',
    },
  } as const satisfies Record<SearchType, { value: SearchType; description: string }>,
});

export const SearchFilterInput = builder.inputType('SearchFilter', {
  description: 'Narrows search hits; all given conditions must hold.',
  fields: (t) => ({
    actorKind: t.field({
      type: [ActorKindEnum],
      description: 'Actor hits only of these kinds (other types are unaffected).',
    }),
    sourceKind: t.field({
      type: [SourceKindEnum],
      description: 'Source hits only of these kinds (other types are unaffected).',
    }),
  }),
});

export type SearchFilterShape = typeof SearchFilterInput.$inferInput;

export function toSearchFilter(input: SearchFilterShape | null | undefined): SearchFilter {
  return { actorKinds: input?.actorKind, sourceKinds: input?.sourceKind };
}

// A designator: letters, then a hyphen, a space or nothing, then a digit-led run ("Su-30MK2",
// "S-300", "Shahed 136", "su30mk2"). The migration indexes each as its compact form followed
// by its parts; see search_designators() there.
const HYPHENATED = /(?<![A-Za-z0-9])([A-Za-z]{1,12})-([0-9][A-Za-z0-9]*)/g;
const DESIGNATOR = /(?<![A-Za-z0-9])([A-Za-z]{1,12})[- ]?([0-9][A-Za-z0-9]*)/g;

/**
 * The query as websearch_to_tsquery should read it. A hyphenated designator becomes its compact
 * form ("S-300" → "S300", which matches every spelling of it and not "S-400"; split, "s" would
 * be dropped as a stop word) outside quotes, and its parts inside a quoted phrase, where the
 * index has them next to the following word. Spaced ones ("Shahed 136") stay as typed: their
 * parts are indexed for every spelling. Everything else is left to websearch_to_tsquery, which
 * accepts any text without a syntax error.
 */
export function foldDesignators(query: string): string {
  return query
    .split('"')
    .map((part, index) => part.replace(HYPHENATED, index % 2 === 0 ? '$1$2' : '$1 $2'))
    .join('"');
}

/** The query plus each designator's parts as a phrase, so snippets highlight "Su-30MK2" too. */
export function highlightQuery(query: string): string {
  const folded = foldDesignators(query);
  if ((query.match(/"/g) ?? []).length % 2 === 1) return folded;
  const phrases = [...query.matchAll(DESIGNATOR)].map((m) => `"${m[1]} ${m[2]}"`);
  return [folded, ...phrases].join(' or ');
}

/**
 * What is compared with actor names by trigram similarity: the words the user wants, without
 * quotes, exclusions and `or`. Too short a text is similar to everything, so it is skipped.
 */
export function nameQuery(query: string): string | null {
  const words = query
    .replace(/"/g, ' ')
    .split(/\s+/)
    .filter((word) => word !== '' && !word.startsWith('-') && word.toLowerCase() !== 'or');
  const text = words.join(' ');
  return text.length >= 3 && text.length <= 100 ? text : null;
}

interface CursorPayload {
  r: string;
  t: SearchType;
  i: number;
}

export function encodeSearchCursor(hit: { rank_text: string; type: SearchType; id: number }) {
  const payload: CursorPayload = { r: hit.rank_text, t: hit.type, i: hit.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

export function decodeSearchCursor(cursor: string): SearchKeyset {
  let payload: unknown = null;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    payload = null;
  }
  // Exactly what encodeSearchCursor writes: a real as PostgreSQL prints it, a type, a row id.
  if (
    /^[A-Za-z0-9_-]+$/.test(cursor) &&
    typeof payload === 'object' &&
    payload !== null &&
    Object.keys(payload).sort().join() === 'i,r,t' &&
    'r' in payload &&
    't' in payload &&
    'i' in payload &&
    typeof payload.r === 'string' &&
    /^-?[0-9]+(\.[0-9]+)?(e[-+][0-9]+)?$/.test(payload.r) &&
    typeof payload.t === 'string' &&
    (SEARCH_TYPES as readonly string[]).includes(payload.t) &&
    Number.isSafeInteger(payload.i) &&
    (payload.i as number) >= 1
  ) {
    const { r, t, i } = payload as CursorPayload;
    return { rank: r, type: t, id: i };
  }
  throw badInput(
    `expected \`after\` to be a cursor returned by search, got ${JSON.stringify(cursor.slice(0, 80))}`,
    'INVALID_CURSOR',
    'after',
  );
}

/** A query is text; only what PostgreSQL cannot store is refused (before any database work). */
export function checkSearchQuery(query: string): void {
  const unstorable = unstorableCharacterIn(query);
  if (unstorable) {
    throw badInput(`expected query without ${unstorable}`, 'BAD_USER_INPUT', 'query');
  }
}
