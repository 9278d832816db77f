import DataLoader from 'dataloader';
import type { Ordering, PageWindow, SortKeyed } from '../db/keyset.js';
import { pageWindow, toPage, type ConnectionArgs, type Page } from './connection.js';

/**
 * Splits the rows of one per-parent page query into a connection for each parent, in key
 * order. `countPerParent` runs once for all parents, and only if some client asks for
 * `totalCount`.
 */
export function pagesPerParent<Row extends SortKeyed & { id: number; parent_id: number }>(
  parentIds: readonly number[],
  rows: readonly Row[],
  ordering: Ordering,
  window: PageWindow & { size: number },
  countPerParent: (parentIds: readonly number[]) => Promise<{ parent_id: number; count: number }[]>,
): Page<Row>[] {
  const counts = new DataLoader<number, number>(async (ids) => {
    const found = new Map((await countPerParent(ids)).map((row) => [row.parent_id, row.count]));
    return ids.map((id) => found.get(id) ?? 0);
  });
  const byParent = new Map<number, Row[]>();
  for (const row of rows) {
    const list = byParent.get(row.parent_id);
    if (list) list.push(row);
    else byParent.set(row.parent_id, [row]);
  }
  return parentIds.map((parentId) =>
    toPage(byParent.get(parentId) ?? [], ordering, window, () => counts.load(parentId)),
  );
}

/** Groups rows by a key into lists, one per requested key in key order (for loadable lists). */
export function groupByKey<Row, Key>(
  keys: readonly Key[],
  rows: readonly Row[],
  keyOf: (row: Row) => Key,
): Row[][] {
  const groups = new Map<Key, Row[]>();
  for (const row of rows) {
    const key = keyOf(row);
    const list = groups.get(key);
    if (list) list.push(row);
    else groups.set(key, [row]);
  }
  return keys.map((key) => groups.get(key) ?? []);
}

/**
 * A nested connection's pages for a batch of parents: one statement for the rows of every
 * parent's page (`findPage`, a per-parent LATERAL … LIMIT) and, only if `totalCount` is asked
 * for, one for the counts.
 */
export async function loadPagesPerParent<Row extends SortKeyed & { id: number; parent_id: number }>(
  parentIds: readonly number[],
  args: ConnectionArgs,
  ordering: Ordering,
  findPage: (window: PageWindow) => Promise<readonly Row[]>,
  countPerParent: (parentIds: readonly number[]) => Promise<{ parent_id: number; count: number }[]>,
): Promise<Page<Row>[]> {
  const window = pageWindow(args, ordering);
  return pagesPerParent(parentIds, await findPage(window), ordering, window, countPerParent);
}
