import type { Keyset, Ordering, PageWindow, SortKeyed } from '../db/keyset.js';
import { badInput, unstorableCharacterIn } from '../errors/bad-input.js';

export const DEFAULT_PAGE_SIZE = 20;
/** Larger requests are capped, not refused: clients page on with `after`. */
export const MAX_PAGE_SIZE = 100;

/**
 * Spread into every nested list field: it is null only when its own arguments are refused (a
 * bad cursor), so that error stays on the list and the parent's other fields survive.
 */
export const NESTED_LIST = { nullable: true } as const;

export interface ConnectionArgs {
  first?: number | null;
  last?: number | null;
  after?: string | null;
  before?: string | null;
}

export interface Page<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage: boolean;
    startCursor: string | null;
    endCursor: string | null;
  };
  /** Counted only when the client asks for it. */
  totalCount: () => Promise<number>;
}

export interface CursorPayload {
  o: string;
  k: string[];
  i: number;
}

export function encodeCursor(orderingName: string, row: SortKeyed & { id: number }): string {
  const payload: CursorPayload = { o: orderingName, k: row.sort_key, i: row.id };
  return Buffer.from(JSON.stringify(payload)).toString('base64url');
}

/**
 * A cursor's content, exactly as encodeCursor writes it (keys as the database's own text,
 * storable and bounded, and a positive row id JavaScript holds exactly); null for anything else.
 * Key values the database cannot read as the key's type are left to the read's backstop
 * (src/errors/pg-errors.ts).
 */
export function readCursor(cursor: string): CursorPayload | null {
  // encodeCursor's JSON starts `{"`, which base64url writes `ey`: other text (every String
  // variable is tried, e.g. a search's words) is refused before a JSON.parse that throws.
  if (!cursor.startsWith('ey') || !/^[A-Za-z0-9_-]+$/.test(cursor)) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const valid =
    typeof payload === 'object' &&
    payload !== null &&
    Object.keys(payload).sort().join() === 'i,k,o' &&
    'o' in payload &&
    'k' in payload &&
    'i' in payload &&
    typeof payload.o === 'string' &&
    Array.isArray(payload.k) &&
    payload.k.every(
      (v: unknown) => typeof v === 'string' && v.length <= 1000 && !unstorableCharacterIn(v),
    ) &&
    Number.isSafeInteger(payload.i) &&
    (payload.i as number) >= 1;
  return valid ? (payload as CursorPayload) : null;
}

function decodeCursor(cursor: string, ordering: Ordering, argument: string): Keyset {
  const payload = readCursor(cursor);
  if (!payload || payload.k.length !== ordering.keys.length) {
    throw badInput(
      `expected \`${argument}\` to be a cursor returned by this connection, got ${JSON.stringify(cursor.slice(0, 80))}`,
      'INVALID_CURSOR',
      argument,
    );
  }
  const { o, k, i } = payload;
  if (o !== ordering.name) {
    throw badInput(
      `expected \`${argument}\` to be a cursor for orderBy ${ordering.name}, got one for ${o}`,
      'INVALID_CURSOR',
      argument,
    );
  }
  return { values: k, id: i };
}

function pageSize(value: number | null | undefined, argument: string): number | null {
  if (value == null) return null;
  if (value < 0)
    throw badInput(`expected \`${argument}\` >= 0, got ${value}`, 'BAD_USER_INPUT', argument);
  return Math.min(value, MAX_PAGE_SIZE);
}

export function pageWindow(
  args: ConnectionArgs,
  ordering: Ordering,
): PageWindow & { size: number } {
  const first = pageSize(args.first, 'first');
  const last = pageSize(args.last, 'last');
  if (first !== null && last !== null) {
    throw badInput('expected either `first` or `last`, got both', 'BAD_USER_INPUT', 'last');
  }
  const size = first ?? last ?? DEFAULT_PAGE_SIZE;
  return {
    after: args.after ? decodeCursor(args.after, ordering, 'after') : null,
    before: args.before ? decodeCursor(args.before, ordering, 'before') : null,
    limit: size + 1,
    size,
    inverted: last !== null,
  };
}

/** Turns the rows fetched for a window (one extra row at most) into a Relay connection. */
export function toPage<T extends SortKeyed & { id: number }>(
  rows: readonly T[],
  ordering: Ordering,
  window: PageWindow & { size: number },
  totalCount: () => Promise<number>,
): Page<T> {
  const hasMore = rows.length > window.size;
  const nodes = rows.slice(0, window.size);
  if (window.inverted) nodes.reverse();
  // Cursors are encoded only when asked for: most reads never select them.
  const edges = nodes.map((node) => ({
    node,
    get cursor() {
      return encodeCursor(ordering.name, node);
    },
  }));
  const first = nodes[0];
  const last = nodes.at(-1);
  return {
    edges,
    pageInfo: {
      hasNextPage: window.inverted ? window.before !== null : hasMore,
      hasPreviousPage: window.inverted ? hasMore : window.after !== null,
      startCursor: first ? encodeCursor(ordering.name, first) : null,
      endCursor: last ? encodeCursor(ordering.name, last) : null,
    },
    totalCount,
  };
}

/**
 * A page of a list already in memory and in `ordering`'s order (ascending), with the cursors
 * and window rules of a page read in SQL; `compare` places a row against a cursor's keyset.
 */
export function pageInMemory<T extends SortKeyed & { id: number }>(
  rows: readonly T[],
  ordering: Ordering,
  window: PageWindow & { size: number },
  compare: (row: T, keyset: Keyset) => number,
): Page<T> {
  const { after, before } = window;
  const inside = rows.filter(
    (row) => (!after || compare(row, after) > 0) && (!before || compare(row, before) < 0),
  );
  // As SQL reads them: a `last` page from the end backwards, one row more than the page.
  const fetched = window.inverted
    ? inside.slice(-window.limit).reverse()
    : inside.slice(0, window.limit);
  return toPage(fetched, ordering, window, () => Promise.resolve(rows.length));
}

/**
 * pageInMemory's `compare` for rows ordered by one text key then id (a title, an ISO date),
 * compared in code-unit order, as the rows were sorted; also sorts such rows (`rows.sort((a, b) =>
 * byTextKey(a, { values: b.sort_key, id: b.id }))`).
 */
export function byTextKey(row: SortKeyed & { id: number }, keyset: Keyset): number {
  const [key = ''] = row.sort_key;
  const [other = ''] = keyset.values;
  return key < other ? -1 : key > other ? 1 : row.id - keyset.id;
}

/** A connection with nothing in it (e.g. a field the caller's role may not read). */
export function emptyPage<T>(): Page<T> {
  return {
    edges: [],
    pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    totalCount: () => Promise.resolve(0),
  };
}
