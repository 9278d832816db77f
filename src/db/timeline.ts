import { sql, type Expression, type RawBuilder } from 'kysely';
import type { Executor } from './executor.js';
import type { Precision } from './types.js';
import { partialDateEndSql } from './display-sql.js';

// Timeline events (an actor's claims and its relationships' starts and ends) read by two
// domains' repositories and merged by the caller: the event's partial date, where it sorts,
// and keyset paging over that order.

export type TimelineKind = 'RELATIONSHIP_START' | 'CLAIM' | 'RELATIONSHIP_END';

/** At the same point in time, a link starts before what is claimed and ends after it. */
export const TIMELINE_KIND_RANK: Record<TimelineKind, number> = {
  RELATIONSHIP_START: 0,
  CLAIM: 1,
  RELATIONSHIP_END: 2,
};

/** Where an event sorts: its period's midpoint, then finer dates first, then kind and id. */
export interface TimelineKey {
  sortDate: string;
  precisionRank: number;
  kindRank: number;
  recordId: number;
}

export interface TimelineEventRow extends TimelineKey {
  kind: TimelineKind;
  date: string;
  precision: Precision;
}

/** Events whose period overlaps [from, to] (either end open). */
export interface TimelineRange {
  from: string | null;
  to: string | null;
}

export interface TimelineWindow extends TimelineRange {
  after: TimelineKey | null;
  before: TimelineKey | null;
  /** Read from the end (`last`): the rows come latest first. */
  backward: boolean;
  /** Rows to read: the page and one more, to tell whether another page follows. */
  limit: number;
}

/**
 * The event columns of a dated record: a partial date stands for its whole period and sorts at
 * its middle, so "July 2006" sorts among July's days and "Q4 2006" among the autumn's.
 */
export function timelineColumns(
  kind: TimelineKind,
  recordId: RawBuilder<number>,
  date: RawBuilder<string | null>,
  precision: RawBuilder<Precision | null>,
) {
  const end = sql`${partialDateEndSql(date, precision)}::date`;
  return [
    sql<TimelineKind>`${kind}::text`.as('kind'),
    sql<number>`${recordId}`.as('record_id'),
    sql<string>`${date}::text`.as('date'),
    sql<Precision>`${precision}`.as('precision'),
    sql<string>`(${date}::date + (${end} - ${date}::date) / 2)::text`.as('sort_date'),
    sql<number>`array_position(array['DAY', 'MONTH', 'QUARTER', 'YEAR', 'DECADE'], ${precision}::text)`.as(
      'precision_rank',
    ),
    sql<number>`${TIMELINE_KIND_RANK[kind]}::int`.as('kind_rank'),
    sql<string>`${end}::text`.as('end_date'),
  ] as const;
}

export interface EventColumns {
  kind: TimelineKind;
  record_id: number;
  date: string;
  precision: Precision;
  sort_date: string;
  precision_rank: number;
  kind_rank: number;
  end_date: string;
}

const KEY = sql`(events.sort_date::date, events.precision_rank, events.kind_rank, events.record_id)`;

function keySql(key: TimelineKey) {
  return sql`(${key.sortDate}::date, ${key.precisionRank}::int, ${key.kindRank}::int, ${key.recordId}::bigint)`;
}

function inRange(range: TimelineRange) {
  return sql`daterange(events.date::date, events.end_date::date, '[]')
    && daterange(${range.from}::date, ${range.to}::date, '[]')`;
}

/**
 * One page window of events (a query selecting `timelineColumns`): in timeline order, or latest
 * first when the window reads backward.
 */
export async function timelinePage(
  db: Executor,
  events: Expression<EventColumns>,
  window: TimelineWindow,
): Promise<TimelineEventRow[]> {
  const { after, before } = window;
  const afterKey = after ? sql`and ${KEY} > ${keySql(after)}` : sql``;
  const beforeKey = before ? sql`and ${KEY} < ${keySql(before)}` : sql``;
  const direction = sql.raw(window.backward ? 'desc' : 'asc');
  const { rows } = await sql<EventColumns>`select * from (${events}) as events
    where ${inRange(window)} ${afterKey} ${beforeKey}
    order by events.sort_date::date ${direction}, events.precision_rank ${direction},
      events.kind_rank ${direction}, events.record_id ${direction}
    limit ${window.limit}`.execute(db);
  return rows.map((row) => ({
    kind: row.kind,
    recordId: Number(row.record_id),
    date: row.date,
    precision: row.precision,
    sortDate: row.sort_date,
    precisionRank: Number(row.precision_rank),
    kindRank: Number(row.kind_rank),
  }));
}

/** How many events (a query selecting `timelineColumns`) fall in the range. */
export async function timelineCount(
  db: Executor,
  events: Expression<EventColumns>,
  range: TimelineRange,
): Promise<number> {
  const { rows } = await sql<{ count: string | number }>`select count(*) as count
    from (${events}) as events where ${inRange(range)}`.execute(db);
  return Number(rows[0]?.count ?? 0);
}
