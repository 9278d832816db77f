import type { CitationRow } from '../db/rows.js';
import { sql, type Insertable, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import {
  countPerParent,
  paginatePerParent,
  type Ordering,
  type PageWindow,
  type SortKeyed,
} from '../db/keyset.js';
import type { CitationTable } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { citedSourceColumns } from '../common/field-columns.js';

// A claim's citations: the links to its sources, read per source and written per claim.

export type NewCitation = Omit<Insertable<CitationTable>, 'claim_id' | 'position'>;

export const CITATION_ORDERING: Ordering = {
  name: 'CITATION',
  keys: [],
  id: sql.ref('citation.id'),
  descending: false,
};

/** One source's citations from visible claims, unordered: a nested list for compiled reads. */
export function citationRowsOfSourceQuery(
  db: Executor,
  visibility: Visibility,
  sourceId: RawBuilder<number>,
) {
  return citationsOfSource(db, visibility, sourceId)
    .innerJoin('source', 'source.id', 'citation.source_id')
    .selectAll('citation')
    .select(citedSourceColumns());
}

/** Citations of each source from claims the caller may see, paged per source. */
export async function findCitationsPagePerSource(
  db: Executor,
  visibility: Visibility,
  sourceIds: readonly number[],
  window: PageWindow,
): Promise<(CitationRow & SortKeyed & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    sourceIds,
    (sourceId) => citationsOfSource(db, visibility, sourceId).selectAll('citation'),
    CITATION_ORDERING,
    window,
  );
}

function citationsOfSource(db: Executor, visibility: Visibility, sourceId: RawBuilder<number>) {
  return db
    .selectFrom('citation')
    .innerJoin('claim', 'claim.id', 'citation.claim_id')
    .innerJoin('briefing', 'briefing.id', 'claim.briefing_id')
    .where('citation.source_id', '=', sourceId)
    .where('claim.marking', 'in', visibility.markings)
    .where('briefing.marking', 'in', visibility.markings)
    .where('briefing.status', 'in', visibility.briefingStatuses);
}

export async function countCitationsPerSource(
  db: Executor,
  visibility: Visibility,
  sourceIds: readonly number[],
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, sourceIds, (sourceId) => citationsOfSource(db, visibility, sourceId));
}

/**
 * Sets the claim's citations, in this order (the attribution chain), replacing any before; a
 * citation given with its `id` is stored again under that id.
 */
export async function replaceCitations(
  db: Executor,
  claimId: number,
  citations: readonly NewCitation[],
): Promise<void> {
  await db.deleteFrom('citation').where('claim_id', '=', claimId).execute();
  if (citations.length === 0) return;
  await db
    .insertInto('citation')
    .values(citations.map((citation, position) => ({ ...citation, claim_id: claimId, position })))
    .execute();
}

/** Adds a citation after the claim's last one. */
export async function appendCitation(
  db: Executor,
  claimId: number,
  citation: NewCitation,
): Promise<CitationRow> {
  return db
    .insertInto('citation')
    .values((eb) => ({
      ...citation,
      claim_id: claimId,
      position: eb
        .selectFrom('citation')
        .select(sql<number>`coalesce(max(position) + 1, 0)`.as('next'))
        .where('claim_id', '=', claimId),
    }))
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function deleteCitation(
  db: Executor,
  claimId: number,
  citationId: number,
): Promise<void> {
  await db
    .deleteFrom('citation')
    .where('id', '=', citationId)
    .where('claim_id', '=', claimId)
    .execute();
}
