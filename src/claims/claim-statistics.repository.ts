import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { SourceKind } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { claimRowsQuery, type ClaimFilter } from './claim.repository.js';

// Claim counts for dashboards, grouped in SQL over the visible claims a filter leaves: one
// statement gives the groups and, through a grouping set, the total.

export type StatisticsDimension = 'YEAR' | 'MONTH' | 'PREDICATE' | 'ACTOR' | 'SOURCE_KIND';

export interface StatisticsGroupRow {
  count: number;
  year: number | null;
  month: string | null;
  predicate: string | null;
  actorId: number | null;
  sourceKind: SourceKind | null;
}

export interface ClaimStatisticsRows {
  total: number;
  /** The groups, at most `cap`; null when there are more. */
  groups: StatisticsGroupRow[] | null;
}

/** A claim's date on a dashboard: where its valid time starts, or ends when only that is known. */
const DATE = sql`coalesce(c.valid_from, c.valid_to)`;
const PRECISION = sql`case when c.valid_from is not null then c.valid_from_precision
  else c.valid_to_precision end`;

/** Each dimension's value for a claim (as `c`, its source kinds as `kinds`). */
function dimensionSql(dimension: StatisticsDimension, visibility: Visibility): RawBuilder<unknown> {
  switch (dimension) {
    case 'YEAR':
      return sql`case when ${PRECISION} <> 'DECADE' then extract(year from ${DATE})::int end`;
    case 'MONTH':
      return sql`case when ${PRECISION} in ('DAY', 'MONTH') then to_char(${DATE}, 'YYYY-MM') end`;
    case 'PREDICATE':
      return sql`c.predicate`;
    case 'ACTOR':
      return sql`case when exists (select 1 from actor where actor.id = c.subject_actor_id
        and ${sharedRecordVisible(visibility, 'actor')}) then c.subject_actor_id end`;
    case 'SOURCE_KIND':
      return sql`kinds.kind`;
  }
}

const COLUMN: Record<StatisticsDimension, string> = {
  YEAR: 'year',
  MONTH: 'month',
  PREDICATE: 'predicate',
  ACTOR: 'actor_id',
  SOURCE_KIND: 'source_kind',
};

interface RawGroup {
  is_total: number;
  count: string | number;
  year: number | null;
  month: string | null;
  predicate: string | null;
  actor_id: string | number | null;
  source_kind: SourceKind | null;
}

/**
 * The visible claims `filter` leaves, counted by `dimensions` (distinct, in order), groups in
 * that order with unknowns last; `groups` is null when there are more than `cap`.
 */
export async function countClaimsByGroup(
  db: Executor,
  visibility: Visibility,
  filter: ClaimFilter,
  dimensions: readonly StatisticsDimension[],
  cap: number,
): Promise<ClaimStatisticsRows> {
  const claims = claimRowsQuery(db, visibility, filter);
  // A claim counts once under each kind of visible source it cites (and under none without).
  const kinds = dimensions.includes('SOURCE_KIND')
    ? sql`left join lateral (select distinct source.kind from citation
        join source on source.id = citation.source_id
        where citation.claim_id = c.id and ${sharedRecordVisible(visibility, 'source')}) as kinds on true`
    : sql``;
  const selected = dimensions.map(
    (dimension) => sql`${dimensionSql(dimension, visibility)} as ${sql.ref(COLUMN[dimension])}`,
  );
  const keys = dimensions.map((dimension) => sql.ref(`per_claim.${COLUMN[dimension]}`));
  const output = (Object.keys(COLUMN) as StatisticsDimension[]).map((dimension) =>
    dimensions.includes(dimension)
      ? sql.ref(`per_claim.${COLUMN[dimension]}`)
      : sql`null as ${sql.ref(COLUMN[dimension])}`,
  );
  const grouped = keys.length > 0;
  const { rows } = await sql<RawGroup>`select count(distinct per_claim.id) as count,
      ${grouped ? sql`grouping(${sql.join(keys)})` : sql`0`} as is_total, ${sql.join(output)}
    from (select c.id${grouped ? sql`, ${sql.join(selected)}` : sql``} from ${claims} as c ${kinds})
      as per_claim
    group by ${grouped ? sql`grouping sets ((${sql.join(keys)}), ())` : sql`()`}
    order by is_total desc${grouped ? sql`, ${sql.join(keys.map((key) => sql`${key} nulls last`))}` : sql``}
    limit ${cap + 2}`.execute(db);
  return toStatistics(rows, grouped, cap);
}

function toStatistics(rows: RawGroup[], grouped: boolean, cap: number): ClaimStatisticsRows {
  const groups = rows
    .filter((row) => !grouped || Number(row.is_total) === 0)
    .map((row) => ({
      count: Number(row.count),
      year: row.year === null ? null : Number(row.year),
      month: row.month,
      predicate: row.predicate,
      actorId: row.actor_id === null ? null : Number(row.actor_id),
      sourceKind: row.source_kind,
    }));
  const totalRow = grouped ? rows.find((row) => Number(row.is_total) !== 0) : rows[0];
  return {
    total: Number(totalRow?.count ?? 0),
    groups: groups.length > cap ? null : groups,
  };
}
