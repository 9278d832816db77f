import { sql, type RawBuilder, type SelectQueryBuilder } from 'kysely';
import { anyId } from '../db/any-id.js';
import { quantityTextSql } from '../db/display-sql.js';
import type { Executor } from '../db/executor.js';
import type { DB } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { visibleClaimIds } from '../visibility/visible-claims.js';
import { claimRowsQuery, type ClaimFilter } from './claim.repository.js';
import { periodLabel, quantityRange, visibleObjects, widestPeriod } from './contradiction-rules.js';

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

const LAST_KIND_RANK = Math.max(...Object.values(KIND_RANK));

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

/** Which pairs and citations `contradictionsOf` reads. */
interface Scope {
  kinds: readonly ContradictionKind[];
  /** Which visible claims (by id) the one claim read is compared with, when not every one. */
  pairedWith?: (other: RawBuilder<number>) => RawBuilder<boolean>;
}

const EVERY_KIND: Scope = { kinds: ['QUANTITY', 'VALID_TIME', 'CONTRADICTING_CITATION'] };

/**
 * The contradictions of the claims in `claimIds` (each seen from that claim: `claim_id` is it),
 * one row per conflicting pair of quantities, per pair of claims with disjoint valid times and
 * per contradicting citation, of the kinds in `scope`.
 */
function contradictionsOf(
  db: Executor,
  visibility: Visibility,
  claimIds: ClaimIds,
  scope: Scope = EVERY_KIND,
) {
  const quantityText = (alias: string) => quantityTextSql((name) => sql.ref(`${alias}.${name}`));
  // Each side's visible objects are read once per claim, so that the pair join is an equality
  // on (subject, predicate, objects) rather than two subqueries per candidate pair.
  const objects = visibleObjects(visibility, 'claim');
  const pairedWith = scope.pairedWith;
  // The other side is read by its subject and predicate (claim_subject_predicate_idx), its
  // visibility checked per claim, rather than every visible claim read and then narrowed.
  const group = claimRowsQuery(db, visibility, {})
    .select(objects.as('objects'))
    .where(
      sql<boolean>`(claim.subject_actor_id, claim.predicate)
        in (select a.subject_actor_id, a.predicate from a)`,
    );
  const others = pairedWith ? group.where(pairedWith(sql.ref('claim.id'))) : group;
  const pairs = sql`select a.id as a_id, b.id as b_id,
      ${widestPeriod('a')} && ${widestPeriod('b')} as may_overlap,
      ${periodLabel('a')} as a_label, ${periodLabel('b')} as b_label
    from a join b on b.subject_actor_id = a.subject_actor_id and b.predicate = a.predicate
      and b.objects = a.objects and b.id <> a.id`;
  const sides = sql`a as materialized (select claim.*, ${objects} as objects
      from claim where claim.id in ${claimIds}
        and exists (select 1 from actor where actor.id = claim.subject_actor_id
          and ${sharedRecordVisible(visibility, 'actor')})),
    b as materialized (${others})`;
  const branches: Record<ContradictionKind, RawBuilder<RawRow>> = {
    QUANTITY: sql`select pair.a_id as claim_id, 'QUANTITY' as kind,
        ${KIND_RANK.QUANTITY}::int as kind_rank, pair.b_id as ref_id,
        qa.position * 100 + qb.position as detail,
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
      where pair.may_overlap and not (${quantityRange('qa')} && ${quantityRange('qb')})`,
    VALID_TIME: sql`select pair.a_id as claim_id, 'VALID_TIME' as kind,
        ${KIND_RANK.VALID_TIME}::int as kind_rank, pair.b_id as ref_id, 0 as detail,
        pair.b_id as other_claim_id, null::bigint as source_id,
        'valid times do not overlap: ' || pair.a_label || ' vs ' || pair.b_label as reason
      from pair
      where not pair.may_overlap`,
    CONTRADICTING_CITATION: sql`select citation.claim_id, 'CONTRADICTING_CITATION' as kind,
        ${KIND_RANK.CONTRADICTING_CITATION}::int as kind_rank, citation.id as ref_id, 0 as detail,
        null::bigint as other_claim_id, source.id as source_id,
        'contradicted by the source “' || source.title || '”' as reason
      from citation
      join source on source.id = citation.source_id
      where citation.claim_id in ${claimIds} and citation.role = 'CONTRADICTS'
        and ${sharedRecordVisible(visibility, 'source')}`,
  };
  const selected = scope.kinds.map((kind) => branches[kind]);
  return sql<RawRow>`with ${sides}, pair as (${pairs})
    ${sql.join(selected, sql` union all `)}`;
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

/** The root list's limits on work, in candidate pairs (see `CONTRADICTION_CAPS`). */
export interface ContradictionCaps {
  /** A page stops starting claims once its claims had this many candidates. */
  pageCandidates: number;
  /** `totalCount` refuses to count more than this many candidates. */
  countCandidates: number;
}

/** A page's bounds and direction: rows after `after` and before `before`, `limit` of them. */
export interface ContradictionWindow {
  after: ContradictionKey | null;
  before: ContradictionKey | null;
  limit: number;
  /** From `before` (or the end) backwards, for `last`; the rows come back in list order. */
  backward: boolean;
}

export interface ContradictionPageRows {
  /** Up to `limit` rows, in list order. */
  rows: ContradictionRow[];
  /** The last claim the page read when it stopped at its candidate cap with more to read. */
  stoppedAt: number | null;
}

/**
 * What the list reads: the filter's kinds and, when one claim is read (`claimId`), only the
 * claims it is listed against. Each pair is listed once: from its claim meeting the filter, from
 * the lower id when both do (without a filter every visible claim meets it: the lower id).
 */
function scopeOf(
  filter: ContradictionFilter,
  matching: ClaimIds,
  claimId: RawBuilder<number> | null,
): Scope {
  const kinds = filter.kinds?.length ? filter.kinds : EVERY_KIND.kinds;
  if (!claimId) return { kinds };
  return {
    kinds,
    pairedWith: isUnfiltered(filter)
      ? (other) => sql<boolean>`${other} > ${claimId}`
      : (other) => sql<boolean>`(${other} > ${claimId} or ${other} not in ${matching})`,
  };
}

function isUnfiltered(filter: ContradictionFilter): boolean {
  return Object.values(filter.claims).every((value) => value == null);
}

function matchingClaims(db: Executor, visibility: Visibility, filter: ContradictionFilter) {
  return claimRowsQuery(db, visibility, filter.claims);
}

/** A contradiction row's columns, to read rows back from the JSON a scan step keeps them in. */
const ROW_COLUMNS = sql`(claim_id bigint, kind text, kind_rank int, ref_id bigint, detail int,
  other_claim_id bigint, source_id bigint, reason text)`;

/**
 * The page, in one statement that reads claim after claim in id order (from the window's start;
 * backwards from its end) and stops once it found `limit` rows or its claims had
 * `pageCandidates` candidate pairs: a recursive scan whose each step is one claim, its first
 * `limit` contradictions in the window (kept as JSON) and its candidates. A claim's candidates
 * are the claims of its subject and predicate it is compared with (each pair is read from one
 * side only), counted on claim_subject_predicate_idx.
 */
export async function findContradictionsPage(
  db: Executor,
  visibility: Visibility,
  filter: ContradictionFilter,
  window: ContradictionWindow,
  caps: ContradictionCaps,
): Promise<ContradictionPageRows> {
  const { rows } = await contradictionsPageQuery(db, visibility, filter, window, caps).execute(db);
  const stop = rows.find((row) => row.stopped_at !== null);
  const listed = rows.filter((row) => row.stopped_at === null).map(toRow);
  if (window.backward) listed.reverse();
  return { rows: listed, stoppedAt: stop ? Number(stop.stopped_at) : null };
}

function contradictionsPageQuery(
  db: Executor,
  visibility: Visibility,
  filter: ContradictionFilter,
  window: ContradictionWindow,
  caps: ContradictionCaps,
) {
  const matching = matchingClaims(db, visibility, filter);
  const matchingIds = matching.clearSelect().select('claim.id');
  const claimId = sql.ref<number>('c.id');
  const scope = scopeOf(filter, matchingIds, claimId);
  const { after, before, limit, backward } = window;
  const keyOf = (key: ContradictionKey) =>
    sql`(${key.claimId}::bigint, ${key.kindRank}::int, ${key.refId}::bigint, ${key.detail}::int)`;
  const rowKey = sql`(found.claim_id, found.kind_rank, found.ref_id, found.detail)`;
  const inWindow = sql.join(
    [
      sql`true`,
      ...(after ? [sql`${rowKey} > ${keyOf(after)}`] : []),
      ...(before ? [sql`${rowKey} < ${keyOf(before)}`] : []),
    ],
    sql` and `,
  );
  const direction = backward ? sql`desc` : sql`asc`;
  const order = sql`order by found.claim_id ${direction}, found.kind_rank ${direction},
    found.ref_id ${direction}, found.detail ${direction}`;
  // A claim's candidates: the visible claims it is compared with (see scopeOf), none when its
  // subject is hidden. Hidden claims are not counted, so where a page stops tells nothing of them.
  const candidates = sql<number>`(select count(*) from (${visibleClaimIds(db, visibility)
    .where('claim.subject_actor_id', '=', sql.ref<number>('c.subject_actor_id'))
    .where('claim.predicate', '=', sql.ref<string>('c.predicate'))
    .where('claim.id', isUnfiltered(filter) ? '>' : '<>', claimId)
    .where(
      sql<boolean>`exists (select 1 from actor where actor.id = claim.subject_actor_id
        and ${sharedRecordVisible(visibility, 'actor')})`,
    )}) as other)`;
  // The next claim to read after (backwards, before) `from`, within the window's claims.
  const next = (from: RawBuilder<number> | null) => {
    let query = matching
      .clearSelect()
      .select(['claim.id', 'claim.subject_actor_id', 'claim.predicate']);
    // A cursor past every contradiction of its claim (a stopped page's) starts at the next one.
    if (after)
      query = query.where('claim.id', after.kindRank > LAST_KIND_RANK ? '>' : '>=', after.claimId);
    if (before)
      query = query.where(
        'claim.id',
        before.kindRank === 0 && before.refId === 0 ? '<' : '<=',
        before.claimId,
      );
    if (from) query = query.where('claim.id', backward ? '<' : '>', from);
    return query.orderBy('claim.id', backward ? 'desc' : 'asc').limit(1);
  };
  // One scan step: the next claim, its candidates, and its first `limit` rows in the window.
  const step = (
    from: RawBuilder<number> | null,
  ) => sql`select c.id, 1 + ${candidates} as candidates,
      coalesce(kept.rows, '[]') as rows, coalesce(kept.count, 0) as listed
    from (${next(from)}) as c
    cross join lateral (select jsonb_agg(to_jsonb(found.*) ${order}) as rows, count(*) as count
      from (select * from (${contradictionsOf(
        db,
        visibility,
        visibleClaimIds(db, visibility).where('claim.id', '=', claimId),
        scope,
      )}) as found where ${inWindow} ${order} limit ${limit}) as found) as kept`;
  return sql<RawRow & { stopped_at: string | number | null }>`
    with recursive scan (step, id, candidates, rows, listed) as (
      (select 1, first.id, first.candidates, first.rows, first.listed
        from (${step(null)}) as first)
      union all
      (select scan.step + 1, c.id, scan.candidates + c.candidates, c.rows, scan.listed + c.listed
        from scan cross join lateral (${step(sql.ref('scan.id'))}) as c
        where scan.listed < ${limit} and scan.candidates < ${caps.pageCandidates}))
    (select found.*, null::bigint as stopped_at
      from scan cross join lateral jsonb_to_recordset(scan.rows) as found ${ROW_COLUMNS}
      ${order} limit ${limit})
    union all
    (select null, null, null, null, null, null, null, null, scan.id
      from scan
      where scan.listed < ${limit} and scan.candidates >= ${caps.pageCandidates}
        and exists (${next(sql.ref('scan.id'))})
      order by scan.step desc limit 1)`;
}

/**
 * How many contradictions meet the filter, or null when counting them would read more than
 * `caps.countCandidates` candidate pairs (each claim meeting it against its subject and
 * predicate's claims). One statement: the count runs only when the estimate allows it.
 */
export async function countContradictions(
  db: Executor,
  visibility: Visibility,
  filter: ContradictionFilter,
  caps: ContradictionCaps,
): Promise<number | null> {
  const matching = matchingClaims(db, visibility, filter);
  const matchingIds = matching.clearSelect().select('claim.id');
  const groups = matching
    .clearSelect()
    .select(['claim.subject_actor_id', 'claim.predicate', sql<number>`count(*)`.as('claims')])
    .groupBy(['claim.subject_actor_id', 'claim.predicate']);
  // Visible claims only, so whether a count is refused tells nothing of hidden ones.
  const groupSize = visibleClaimIds(db, visibility)
    .where('claim.subject_actor_id', '=', sql.ref<number>('groups.subject_actor_id'))
    .where('claim.predicate', '=', sql.ref<string>('groups.predicate'));
  const estimate = sql`(select coalesce(sum(groups.claims
        * (select count(*) from (${groupSize}) as other)), 0)
      from (${groups}) as groups)`;
  const listed = sql`select 1 from (${contradictionsOf(db, visibility, matchingIds, scopeOf(filter, matchingIds, null))}) as found
    where found.other_claim_id is null or found.claim_id < found.other_claim_id
      or found.other_claim_id not in ${matchingIds}`;
  const { rows } = await sql<{ count: string | number | null }>`select case
      when ${estimate} > ${caps.countCandidates} then null
      else (select count(*) from (${listed}) as found) end as count`.execute(db);
  const count = rows[0]?.count ?? null;
  return count === null ? null : Number(count);
}
