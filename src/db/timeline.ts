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

export interface TimelineWindow {
  /** Events whose period overlaps [from, to] (either end open). */
  from: string | null;
  to: string | null;
  after: TimelineKey | null;
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

/** One page window of events (a query selecting `timelineColumns`), in timeline order. */
export async function timelinePage(
  db: Executor,
  events: Expression<EventColumns>,
  window: TimelineWindow,
): Promise<TimelineEventRow[]> {
  const { from, to, after } = window;
  const afterKey = after
    ? sql`and (events.sort_date::date, events.precision_rank, events.kind_rank, events.record_id)
        > (${after.sortDate}::date, ${after.precisionRank}::int, ${after.kindRank}::int, ${after.recordId}::bigint)`
    : sql``;
  const { rows } = await sql<EventColumns>`select * from (${events}) as events
    where daterange(events.date::date, events.end_date::date, '[]')
      && daterange(${from}::date, ${to}::date, '[]') ${afterKey}
    order by events.sort_date::date, events.precision_rank, events.kind_rank, events.record_id
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
