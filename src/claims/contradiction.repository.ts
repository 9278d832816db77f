import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { anyId } from '../db/any-id.js';
import { partialDateEndSql, partialDateLabelSql, quantityTextSql } from '../db/display-sql.js';
import type { Executor } from '../db/executor.js';
import type { DB } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { claimRowsQuery, visibleClaimIds, type ClaimFilter } from './claim.repository.js';

// Contradictions, computed in SQL from what the caller may see: two visible claims with the same
// visible subject, predicate and visible objects whose quantities of one role and unit cannot
// both hold over a time both may cover, or whose valid times cannot overlap; and a claim cited
// by a visible source in the CONTRADICTS role. A reason is built only from the two claims' own
// values and the visible source's title, so nothing hidden reaches it.

export type ContradictionKind = 'QUANTITY' | 'VALID_TIME' | 'CONTRADICTING_CITATION';

/** Where a kind sorts among one claim's contradictions. */
const KIND_RANK: Record<ContradictionKind, number> = {
  QUANTITY: 0,
  VALID_TIME: 1,
  CONTRADICTING_CITATION: 2,
};

/** An approximate quantity ("around 21") is read as its value ± this share of it. */
const APPROXIMATE_TOLERANCE = 0.1;

/** Where a contradiction sorts: its claim, its kind, the other claim or citation, the detail. */
export interface ContradictionKey {
  claimId: number;
  kindRank: number;
  refId: number;
  detail: number;
}

export interface ContradictionRow extends ContradictionKey {
  kind: ContradictionKind;
  /** The conflicting claim (QUANTITY, VALID_TIME). */
  otherClaimId: number | null;
  /** The contradicting source (CONTRADICTING_CITATION). */
  sourceId: number | null;
  reason: string;
}

interface RawRow {
  claim_id: string | number;
  kind: ContradictionKind;
  kind_rank: number;
  ref_id: string | number;
  detail: number;
  other_claim_id: string | number | null;
  source_id: string | number | null;
  reason: string;
}

/** The ids of visible claims the contradictions are read for (Kysely adds its parentheses). */
type ClaimIds = SelectQueryBuilder<DB, 'claim' | 'briefing', { id: number }>;

/** The widest period a claim's valid time may cover: a bound that is not a firm date is open. */
function widestPeriod(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const from = sql`case when ${column('valid_from_bound')} in ('KNOWN', 'NOT_BEFORE')
    then ${column('valid_from')} end`;
  const to = sql`case when ${column('valid_to_bound')} in ('KNOWN', 'NOT_AFTER')
    then ${partialDateEndSql(column('valid_to'), column('valid_to_precision'))}::date end`;
  return sql<string>`daterange(${from}, ${to}, '[]')`;
}

/** "2006-07", "2006-10–2008", "2000–…": a valid time as its reason shows it. */
function periodLabel(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const from = sql`coalesce(${partialDateLabelSql(column('valid_from'), column('valid_from_precision'))}, '…')`;
  const to = sql`coalesce(${partialDateLabelSql(column('valid_to'), column('valid_to_precision'))}, '…')`;
  return sql<string>`case when ${from} = ${to} then ${from} else ${from} || '–' || ${to} end`;
}

/** The claim's visible objects, in id order: two claims are about the same thing when equal. */
function visibleObjects(visibility: Visibility, alias: string): RawBuilder<number[]> {
  return sql<number[]>`array(select claim_object.actor_id from claim_object
    join actor on actor.id = claim_object.actor_id
    where claim_object.claim_id = ${sql.ref(`${alias}.id`)} and ${sharedRecordVisible(visibility, 'actor')}
    order by claim_object.actor_id)`;
}

/** The interval of values a quantity allows; a vague one without bounds allows every value. */
function quantityRange(alias: string): RawBuilder<string> {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const value = column('value');
  const spread = sql`abs(${value}) * ${APPROXIMATE_TOLERANCE}::numeric`;
  return sql<string>`numrange(
    case ${column('qualifier')} when 'EXACT' then ${value}
      when 'APPROXIMATE' then ${value} - ${spread}
      when 'AT_LEAST' then coalesce(${value}, ${column('min')})
      when 'AT_MOST' then null else ${column('min')} end,
    case ${column('qualifier')} when 'EXACT' then ${value}
      when 'APPROXIMATE' then ${value} + ${spread}
      when 'AT_LEAST' then null
      when 'AT_MOST' then coalesce(${value}, ${column('max')}) else ${column('max')} end,
    '[]')`;
}

/**
 * Every contradiction of the claims in `claimIds` (each seen from that claim: `claim_id` is it),
 * one row per conflicting pair of quantities, per pair of claims with disjoint valid times and
 * per contradicting citation.
 */
function contradictionsOf(db: Executor, visibility: Visibility, claimIds: ClaimIds) {
  const visible = visibleClaimIds(db, visibility);
  const quantityText = (alias: string) => quantityTextSql((name) => sql.ref(`${alias}.${name}`));
  // Each side's visible objects are read once per claim, so that the pair join is an equality
  // on (subject, predicate, objects) rather than two subqueries per candidate pair.
  const side = (ids: ClaimIds) => sql`select claim.*,
      ${visibleObjects(visibility, 'claim')} as objects
    from claim where claim.id in ${ids}`;
  const pairs = sql`select a.id as a_id, b.id as b_id,
      ${widestPeriod('a')} && ${widestPeriod('b')} as may_overlap,
      ${periodLabel('a')} as a_label, ${periodLabel('b')} as b_label
    from a join b on b.subject_actor_id = a.subject_actor_id and b.predicate = a.predicate
      and b.objects = a.objects and b.id <> a.id`;
  const sides = sql`a as materialized (${side(claimIds)}
      and exists (select 1 from actor where actor.id = claim.subject_actor_id
        and ${sharedRecordVisible(visibility, 'actor')})),
    b as materialized (${side(visible)}
      and (claim.subject_actor_id, claim.predicate) in (select a.subject_actor_id, a.predicate from a))`;
  return sql<RawRow>`with ${sides}, pair as (${pairs})
    select pair.a_id as claim_id, 'QUANTITY' as kind, ${KIND_RANK.QUANTITY}::int as kind_rank,
        pair.b_id as ref_id, qa.position * 100 + qb.position as detail,
        pair.b_id as other_claim_id, null::bigint as source_id,
        lower(case when qa.role = 'OTHER' then qa.label else qa.role end) || ' quantity '
          || ${quantityText('qa')} || ' vs ' || ${quantityText('qb')} as reason
      from pair
      -- Each claim's own quantities by its key (offset 0 keeps the planner from reading every
      -- quantity of a role instead, which it did on fresh tables).
      cross join lateral (select * from claim_quantity
        where claim_quantity.claim_id = pair.a_id offset 0) as qa
      join lateral (select * from claim_quantity
        where claim_quantity.claim_id = pair.b_id offset 0) as qb on qb.role = qa.role
        and qb.kind = qa.kind and qb.unit is not distinct from qa.unit
        and qb.currency is not distinct from qa.currency
        and (qa.role <> 'OTHER' or qb.label = qa.label)
      where pair.may_overlap and not (${quantityRange('qa')} && ${quantityRange('qb')})
    union all
    select pair.a_id, 'VALID_TIME', ${KIND_RANK.VALID_TIME}::int, pair.b_id, 0, pair.b_id, null,
        'valid times do not overlap: ' || pair.a_label || ' vs ' || pair.b_label
      from pair
      where not pair.may_overlap
    union all
    select citation.claim_id, 'CONTRADICTING_CITATION', ${KIND_RANK.CONTRADICTING_CITATION}::int,
        citation.id, 0, null, source.id, 'contradicted by the source “' || source.title || '”'
      from citation
      join source on source.id = citation.source_id
      where citation.claim_id in ${claimIds} and citation.role = 'CONTRADICTS'
        and ${sharedRecordVisible(visibility, 'source')}`;
}

function toRow(row: RawRow): ContradictionRow {
  return {
    claimId: Number(row.claim_id),
    kind: row.kind,
    kindRank: Number(row.kind_rank),
    refId: Number(row.ref_id),
    detail: Number(row.detail),
    otherClaimId: row.other_claim_id === null ? null : Number(row.other_claim_id),
    sourceId: row.source_id === null ? null : Number(row.source_id),
    reason: row.reason,
  };
}

const ORDER = sql`order by found.claim_id, found.kind_rank, found.ref_id, found.detail`;

/** Up to `cap` contradictions of each visible claim in `claimIds`, in one statement. */
export async function findContradictionsByClaimIds(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
  cap: number,
): Promise<ContradictionRow[]> {
  const ids = visibleClaimIds(db, visibility).where('claim.id', '=', anyId(claimIds));
  const { rows } = await sql<RawRow>`select * from (
      select found.*, row_number() over (partition by found.claim_id
        order by found.kind_rank, found.ref_id, found.detail) as rank
      from (${contradictionsOf(db, visibility, ids)}) as found) as found
    where found.rank <= ${cap} ${ORDER}`.execute(db);
  return rows.map(toRow);
}

/** Which contradictions the root list shows. */
export interface ContradictionFilter {
  /** At least one claim of the pair (the claim, for a citation) meets this filter. */
  claims: ClaimFilter;
  kinds: readonly ContradictionKind[] | null;
}

/**
 * Each contradiction once: a pair from its claim meeting the filter, from the lower id when both
 * do. The rows of `filter`, unordered, for a page or a count.
 */
function listedContradictions(db: Executor, visibility: Visibility, filter: ContradictionFilter) {
  const matching = claimRowsQuery(db, visibility, filter.claims).clearSelect().select('claim.id');
  const kinds = filter.kinds?.length ? filter.kinds : Object.keys(KIND_RANK);
  return sql<RawRow>`select found.* from (${contradictionsOf(db, visibility, matching)}) as found
    where found.kind in (${sql.join(kinds)})
      and (found.other_claim_id is null or found.claim_id < found.other_claim_id
        or found.other_claim_id not in ${matching})`;
}

/** One page of the listed contradictions after `after`, in one statement (`limit`: page + 1). */
export async function findContradictionsPage(
  db: Executor,
  visibility: Visibility,
  filter: ContradictionFilter,
  after: ContradictionKey | null,
  limit: number,
): Promise<ContradictionRow[]> {
  const afterKey = after
    ? sql`where (found.claim_id, found.kind_rank, found.ref_id, found.detail)
        > (${after.claimId}::bigint, ${after.kindRank}::int, ${after.refId}::bigint, ${after.detail}::int)`
    : sql``;
  const { rows } = await sql<RawRow>`select * from (${listedContradictions(db, visibility, filter)})
      as found ${afterKey} ${ORDER} limit ${limit}`.execute(db);
  return rows.map(toRow);
}

export async function countContradictions(
  db: Executor,
  visibility: Visibility,
  filter: ContradictionFilter,
): Promise<number> {
  const { rows } = await sql<{ count: string | number }>`select count(*) as count
    from (${listedContradictions(db, visibility, filter)}) as found`.execute(db);
  return Number(rows[0]?.count ?? 0);
}
