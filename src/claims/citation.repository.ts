import type { CitationRow, SourceRow, SourceColumn } from '../db/rows.js';
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
import { citedSourceColumns, qualifiedSourceColumns } from '../common/field-columns.js';
import { visibleSourceRows } from '../visibility/visible-sources.js';

// A claim's citations: the links to its sources, read per source and per claim, written per claim.

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

/** A claim's citations in its attribution order (origin first). */
export const CLAIM_CITATION_ORDERING: Ordering = {
  name: 'POSITION',
  keys: [sql.ref('citation.position')],
  id: sql.ref('citation.id'),
  descending: false,
};

/** One claim's citations whose source the caller may see. */
function citationsOfClaim(db: Executor, visibility: Visibility, claimId: RawBuilder<number>) {
  return visibleSourceRows(db, visibility)
    .innerJoin('citation', 'citation.source_id', 'source.id')
    .where('citation.claim_id', '=', claimId);
}

/** One claim's citations whose source the caller may see, unordered, for compiled reads. */
export function citationRowsOfClaimQuery(
  db: Executor,
  visibility: Visibility,
  claimId: RawBuilder<number>,
) {
  return citationsOfClaim(db, visibility, claimId)
    .selectAll('citation')
    .select(citedSourceColumns());
}

/**
 * A page of each claim's citations whose source the caller may see, each with its source's
 * row (`columns`), so that `citation { source }` needs no statement of its own.
 */
export async function findCitationsPagePerClaim<C extends SourceColumn>(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
  window: PageWindow,
  columns: readonly (C | 'id')[],
): Promise<
  { citation: CitationRow & SortKeyed & { parent_id: number }; source: Pick<SourceRow, C | 'id'> }[]
> {
  const rows = await paginatePerParent(
    db,
    claimIds,
    (claimId) =>
      citationsOfClaim(db, visibility, claimId)
        .select(qualifiedSourceColumns(columns))
        .select([
          'citation.id as citation_id',
          'citation.claim_id',
          'citation.position',
          'citation.role',
          'citation.locator',
          'citation.quote',
          'citation.credibility',
        ]),
    CLAIM_CITATION_ORDERING,
    window,
  );
  return rows.map(
    ({
      citation_id,
      claim_id,
      position,
      role,
      locator,
      quote,
      credibility,
      sort_key,
      parent_id,
      ...source
    }) => ({
      citation: {
        id: citation_id,
        claim_id,
        source_id: source.id,
        position,
        role,
        locator,
        quote,
        credibility,
        sort_key,
        parent_id,
      },
      source,
    }),
  );
}

export async function countCitationsPerClaim(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
): Promise<{ parent_id: number; count: number }[]> {
  return countPerParent(db, claimIds, (claimId) => citationsOfClaim(db, visibility, claimId));
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
