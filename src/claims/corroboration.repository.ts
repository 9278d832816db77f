import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { CitationRow } from '../db/rows.js';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { CitationRole, DB, Reliability } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { LIST_CAPS } from '../common/list-caps.js';

// Corroboration by independent origin: each citation's source is followed up its derivedFrom
// chain to the chain's root, its origin; two outlets relaying one intelligence briefing share
// that root and so count once. A chain stops before a source the caller may not see, exactly
// as `Source.derivationChain` does: the last visible source is then the origin, so nothing
// beyond a hidden link shows, not even as a shared root.

/** Bounds the walk, as for `Source.derivationChain`: derivedFrom may loop or run long. */
const MAX_CHAIN_DEPTH = LIST_CAPS.derivationChain;

/** One citation followed to its origin. */
export interface CitationChainRow {
  citation: CitationRow;
  originId: number;
  /** Relays between the cited source and its origin (0: the cited source is the origin). */
  length: number;
  /** Best and worst Admiralty grade (A–E) on the chain; F and ungraded sources do not count. */
  strongest: Reliability | null;
  weakest: Reliability | null;
}

/** The condition that picks the citations a walk starts from. */
type CitationStart = (eb: ExpressionBuilder<DB, 'citation' | 'source'>) => Expression<SqlBool>;

/**
 * Every chain of the citations `start` picks (whose source the caller may see), one row per
 * citation with its origin, in one recursive statement. A loop in derivedFrom has no root: its
 * lowest source id stands for it, so every way into the loop reaches the same origin.
 */
function chainsOf(db: Executor, visibility: Visibility, start: CitationStart) {
  const walked = db
    .withRecursive('chain(citation_id, source_id, depth, path)', (qb) =>
      qb
        .selectFrom('citation')
        .innerJoin('source', 'source.id', 'citation.source_id')
        .where(sharedRecordVisible(visibility, 'source'))
        .where((eb) => start(eb))
        .select([
          'citation.id as citation_id',
          'citation.source_id as source_id',
          sql<number>`0`.as('depth'),
          sql<number[]>`array[citation.source_id]::bigint[]`.as('path'),
        ])
        .unionAll(
          qb
            .selectFrom('chain')
            .innerJoin('source as relay', 'relay.id', 'chain.source_id')
            .innerJoin('source', 'source.id', 'relay.derived_from_id')
            .where(sharedRecordVisible(visibility, 'source'))
            .where(sql<boolean>`source.id <> all(chain.path)`)
            .where('chain.depth', '<', MAX_CHAIN_DEPTH)
            .select([
              'chain.citation_id',
              'source.id as source_id',
              sql<number>`chain.depth + 1`.as('depth'),
              sql<number[]>`chain.path || source.id`.as('path'),
            ]),
        ),
    )
    // Each citation's last step: its path holds every source on the chain.
    .selectFrom('chain')
    .distinctOn('chain.citation_id')
    .select([
      'chain.citation_id',
      'chain.depth as length',
      'chain.source_id as last_id',
      'chain.path',
    ])
    .orderBy('chain.citation_id')
    .orderBy('chain.depth', 'desc');
  const grade = (worst: boolean) =>
    sql<Reliability | null>`(select ${sql.raw(worst ? 'max' : 'min')}(graded.reliability)
      from source as graded where graded.id = any(walked.path) and graded.reliability <> 'F')`;
  return db
    .selectFrom(walked.as('walked'))
    .innerJoin('source as last', 'last.id', 'walked.last_id')
    .innerJoin('citation', 'citation.id', 'walked.citation_id')
    .select([
      'walked.citation_id',
      'walked.length',
      grade(false).as('strongest'),
      grade(true).as('weakest'),
      sql<number>`case when last.derived_from_id = any(walked.path)
        then (select min(looped) from unnest(walked.path[array_position(walked.path, last.derived_from_id):]) as looped)
        else walked.last_id end`.as('origin_id'),
    ]);
}

/** Each claim's visible citations followed to their origins, in citation order: one statement. */
export async function findCitationChainsByClaimIds(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
): Promise<CitationChainRow[]> {
  const rows = await db
    .selectFrom(
      chainsOf(
        db,
        visibility,
        (eb) => sql<boolean>`${eb.ref('citation.claim_id')} = ${anyId(claimIds)}`,
      ).as('chains'),
    )
    .innerJoin('citation', 'citation.id', 'chains.citation_id')
    .selectAll('citation')
    .select(['chains.origin_id', 'chains.length', 'chains.strongest', 'chains.weakest'])
    .orderBy('citation.claim_id')
    .orderBy('citation.position')
    .orderBy('citation.id')
    .execute();
  return rows.map(({ origin_id, length, strongest, weakest, ...citation }) => ({
    citation,
    originId: Number(origin_id),
    length: Number(length),
    strongest,
    weakest,
  }));
}

/** What a claim's citations must show for it to be listed (ClaimFilter's citation conditions). */
export interface CitationFilter {
  /** At least this many independent origins among its supporting citations. */
  minIndependentOrigins?: number | null;
  /** A citation (of a visible source) in one of these roles, of one of these reliabilities (empty or null: no condition). */
  cited?: {
    roles: readonly CitationRole[] | null;
    reliabilities: readonly Reliability[] | null;
  } | null;
}

/** Citations that support a claim: every role but CONTRADICTS. */
export const SUPPORTING_ROLES: readonly CitationRole[] = ['ORIGIN', 'RELAY', 'CORROBORATES'];

/** The conditions `filter` puts on a query over visible claims (as `claim`). */
export function citationConditions(
  db: Executor,
  visibility: Visibility,
  eb: ExpressionBuilder<DB, 'claim'>,
  filter: CitationFilter,
) {
  const conditions = [];
  const min = filter.minIndependentOrigins;
  if (min != null) {
    // Correlated: only the claims the rest of the query leaves are walked.
    const origins = db
      .selectFrom(
        chainsOf(db, visibility, (inner) =>
          inner.and([
            inner(inner.ref('citation.claim_id'), '=', eb.ref('claim.id')),
            inner('citation.role', 'in', SUPPORTING_ROLES),
          ]),
        ).as('chains'),
      )
      .select(sql<number>`count(distinct chains.origin_id)`.as('origins'));
    conditions.push(eb(origins, '>=', min));
  }
  if (filter.cited) {
    const { roles, reliabilities } = filter.cited;
    let cited = db
      .selectFrom('citation')
      .innerJoin('source', 'source.id', 'citation.source_id')
      .select(sql.lit(1).as('one'))
      .where('citation.claim_id', '=', eb.ref('claim.id'))
      .where(sharedRecordVisible(visibility, 'source'));
    if (roles?.length) cited = cited.where('citation.role', 'in', roles);
    if (reliabilities?.length) cited = cited.where('source.reliability', 'in', reliabilities);
    conditions.push(eb.exists(cited));
  }
  return conditions;
}
