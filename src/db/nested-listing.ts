import type { RawBuilder, SelectQueryBuilder } from 'kysely';
import type { Executor } from './executor.js';
import { countPerParent, paginatePerParent, type Ordering, type PageWindow } from './keyset.js';
import type { Visibility } from './visibility.js';

/**
 * A list nested under a parent (`Actor.briefings`), defined once in its repository from one
 * parent's rows the caller may see (`ofParent`, unselected, so they can be counted), how they
 * are selected, and their order. Every read comes from that one definition: the compiled path's
 * rows, and the loader path's page and count for a batch of parents.
 */
export function nestedListing<QueryDB, TB extends keyof QueryDB, Base, O>(spec: {
  ordering: Ordering;
  ofParent: (
    db: Executor,
    visibility: Visibility,
    parentId: RawBuilder<number>,
  ) => SelectQueryBuilder<QueryDB, TB, Base>;
  select: (rows: SelectQueryBuilder<QueryDB, TB, Base>) => SelectQueryBuilder<QueryDB, TB, O>;
}) {
  const rowsQuery = (db: Executor, visibility: Visibility, parentId: RawBuilder<number>) =>
    spec.select(spec.ofParent(db, visibility, parentId));
  return {
    ordering: spec.ordering,
    /** One parent's rows, selected and unordered, for compiled reads. */
    rowsQuery,
    findPagePerParent: (
      db: Executor,
      visibility: Visibility,
      parentIds: readonly number[],
      window: PageWindow,
    ) =>
      paginatePerParent(
        db,
        parentIds,
        (parentId) => rowsQuery(db, visibility, parentId),
        spec.ordering,
        window,
      ),
    countPerParent: (db: Executor, visibility: Visibility, parentIds: readonly number[]) =>
      countPerParent(db, parentIds, (parentId) => spec.ofParent(db, visibility, parentId)),
  };
}
