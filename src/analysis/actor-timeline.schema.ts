import { builder } from '../builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, NESTED_LIST } from '../common/connection.js';
import { PartialDateRef } from '../common/time-and-quantity.schema.js';
import { parseIsoDate } from '../common/scalars.js';
import { sqlField } from '../compiled/sql-spec.js';
import {
  countRelationshipEventsOfActor,
  findRelationshipEventsOfActor,
} from '../actors/actor-timeline.repository.js';
import {
  countClaimEventsOfActor,
  findClaimEventsOfActor,
} from '../claims/claim-timeline.repository.js';
import type { TimelineEventRow, TimelineKey, TimelineKind } from '../db/timeline.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef, ActorRelationshipRef, ClaimRef } from '../refs.js';

// An actor's timeline: its claims (claims/) and its relationships' starts and ends (actors/),
// each read a page at a time in one order and merged here, above both domains.

/** What the cost rule charges before the selection: two keyset reads. */
const TIMELINE_COST = 20;

const TimelineKindEnum = builder.enumType('TimelineEventKind', {
  description: 'What happens at a point of an actor’s timeline.',
  values: {
    CLAIM: {
      value: 'CLAIM',
      description: 'A claim about the actor holds from then (its valid time).',
    },
    RELATIONSHIP_START: {
      value: 'RELATIONSHIP_START',
      description: 'A relationship of the actor begins.',
    },
    RELATIONSHIP_END: {
      value: 'RELATIONSHIP_END',
      description: 'A relationship of the actor ends.',
    },
  } as const satisfies Record<TimelineKind, { value: TimelineKind; description: string }>,
});

const CURSOR_PREFIX = 'timeline:';

function cursorOf(event: TimelineKey): string {
  const { sortDate, precisionRank, kindRank, recordId } = event;
  return Buffer.from(
    `${CURSOR_PREFIX}${sortDate}:${precisionRank}:${kindRank}:${recordId}`,
  ).toString('base64url');
}

function keyOf(cursor: string, argument: 'after' | 'before'): TimelineKey {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  const match = /^timeline:(\d{4}-\d{2}-\d{2}):(\d):(\d):(\d{1,15})$/.exec(text);
  if (!match)
    throw badInput(
      `expected \`${argument}\` to be a cursor from a timeline’s edges, got something else`,
      'INVALID_CURSOR',
      argument,
    );
  return {
    sortDate: match[1] ?? '',
    precisionRank: Number(match[2]),
    kindRank: Number(match[3]),
    recordId: Number(match[4]),
  };
}

function compareKeys(a: TimelineKey, b: TimelineKey): number {
  if (a.sortDate !== b.sortDate) return a.sortDate < b.sortDate ? -1 : 1;
  return a.precisionRank - b.precisionRank || a.kindRank - b.kindRank || a.recordId - b.recordId;
}

interface TimelinePage {
  events: TimelineEventRow[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Counted only when asked for. */
  totalCount: () => Promise<number>;
}

const TimelineEventRef = builder.objectRef<TimelineEventRow>('TimelineEvent').implement({
  description: 'One dated event of an actor’s timeline.',
  fields: (t) => ({
    kind: t.field({ type: TimelineKindEnum, description: 'What happens.', resolve: (e) => e.kind }),
    date: t.field({
      type: PartialDateRef,
      description:
        'When, to the precision known: the claim’s valid-time start (its end when only that is known), or the relationship’s start or end.',
      resolve: (e) => ({ date: e.date, precision: e.precision }),
    }),
    sortDate: t.field({
      type: 'Date',
      description:
        'Where the event sorts: the middle of the period its date stands for, so “July 2006” sorts among July’s days and “Q4 2006” among the autumn’s; at one point finer dates come first, then starts, claims, ends.',
      resolve: (e) => e.sortDate,
    }),
    claim: t.field({
      type: ClaimRef,
      nullable: true,
      description: 'The claim, for a CLAIM event.',
      resolve: (e) => (e.kind === 'CLAIM' ? e.recordId : null),
    }),
    relationship: t.field({
      type: ActorRelationshipRef,
      nullable: true,
      description: 'The relationship, for a RELATIONSHIP_START or RELATIONSHIP_END event.',
      resolve: (e) => (e.kind === 'CLAIM' ? null : e.recordId),
    }),
  }),
});

const TimelineEdgeRef = builder.objectRef<TimelineEventRow>('TimelineEventEdge').implement({
  description: 'One event in a page, with the cursor to continue after it.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque; pass it as `after` to continue after this event.',
      resolve: cursorOf,
    }),
    node: t.field({ type: TimelineEventRef, description: 'The event.', resolve: (e) => e }),
  }),
});

const TimelineConnectionRef = builder.objectRef<TimelinePage>('ActorTimelineConnection').implement({
  description: 'A page of an actor’s timeline, earliest first.',
  fields: (t) => ({
    edges: t.field({
      type: [TimelineEdgeRef],
      description: 'This page of events, in timeline order.',
      resolve: (p) => p.events,
    }),
    pageInfo: t.field({
      type: builder.pageInfoRef(),
      description: 'Whether more events follow, and the page’s ends.',
      resolve: (p) => ({
        hasNextPage: p.hasNextPage,
        hasPreviousPage: p.hasPreviousPage,
        startCursor: p.events[0] ? cursorOf(p.events[0]) : null,
        endCursor: p.events.at(-1) ? cursorOf(p.events.at(-1) as TimelineEventRow) : null,
      }),
    }),
    totalCount: t.int({
      description:
        'How many events meet `from`, `to` and `kinds` (every page together); two more statements.',
      resolve: (p) => p.totalCount(),
    }),
  }),
});

const ALL_KINDS: readonly TimelineKind[] = ['CLAIM', 'RELATIONSHIP_START', 'RELATIONSHIP_END'];

builder.objectField(ActorRef, 'timeline', (t) =>
  t.field({
    type: TimelineConnectionRef,
    ...NESTED_LIST,
    description:
      'What happened to this actor, in valid-time order: the claims involving it (subject or object) and the starts and ends of its relationships, those you may see, dated ones only. Keyset-paged forward (`first`/`after`) or back from the end (`last`/`before`).',
    args: {
      from: t.arg({
        type: 'Date',
        description: 'Only events whose date (its whole period) reaches this day or later.',
      }),
      to: t.arg({
        type: 'Date',
        description: 'Only events whose date (its whole period) begins on this day or earlier.',
      }),
      kinds: t.arg({
        type: [TimelineKindEnum],
        description: 'Only these kinds of event (default: all).',
      }),
      first: t.arg.int({
        description: `Events per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      }),
      after: t.arg.string({
        description: 'A cursor from this timeline’s edges: the events after it.',
      }),
      last: t.arg.int({
        description: `The latest events before \`before\` (or the end): at most ${MAX_PAGE_SIZE}, still in timeline order.`,
      }),
      before: t.arg.string({
        description: 'A cursor from this timeline’s edges: the events before it.',
      }),
    },
    extensions: {
      ...sqlField({ kind: 'resolverOnly', columns: [] }),
      ownCost: TIMELINE_COST,
    },
    resolve: async (actor, args, ctx) => {
      if (args.first != null && args.last != null)
        throw badInput('expected either `first` or `last`, got both', 'BAD_USER_INPUT', 'last');
      const backward = args.last != null;
      const size = pageSizeOf(backward ? args.last : args.first, backward ? 'last' : 'first');
      const from = args.from ? parseIsoDate(args.from) : null;
      const to = args.to ? parseIsoDate(args.to) : null;
      if (from && to && to < from)
        throw badInput(`expected to >= from, got ${to} < ${from}`, 'BAD_USER_INPUT', 'to');
      const kinds = new Set(args.kinds?.length ? args.kinds : ALL_KINDS);
      const after = args.after ? keyOf(args.after, 'after') : null;
      const before = args.before ? keyOf(args.before, 'before') : null;
      const window = { from, to, after, before, backward, limit: size + 1 };
      const wantsClaims = kinds.has('CLAIM');
      const bounds = {
        starts: kinds.has('RELATIONSHIP_START'),
        ends: kinds.has('RELATIONSHIP_END'),
      };
      const wantsLinks = bounds.starts || bounds.ends;
      const [claims, links] = await Promise.all([
        wantsClaims ? findClaimEventsOfActor(ctx.db, ctx.visibility, actor.id, window) : [],
        wantsLinks
          ? findRelationshipEventsOfActor(ctx.db, ctx.visibility, actor.id, bounds, window)
          : [],
      ]);
      const merged = [...claims, ...links].sort(compareKeys);
      // Read backward, both lists hold the latest events: the page is the merge's tail.
      const events = backward
        ? merged.slice(Math.max(merged.length - size, 0))
        : merged.slice(0, size);
      const more = merged.length > size;
      const range = { from, to };
      return {
        events,
        hasNextPage: backward ? before !== null : more,
        hasPreviousPage: backward ? more : after !== null,
        totalCount: async () => {
          const [claimCount, linkCount] = await Promise.all([
            wantsClaims ? countClaimEventsOfActor(ctx.db, ctx.visibility, actor.id, range) : 0,
            wantsLinks
              ? countRelationshipEventsOfActor(ctx.db, ctx.visibility, actor.id, bounds, range)
              : 0,
          ]);
          return claimCount + linkCount;
        },
      };
    },
  }),
);

/** A page size from `first` or `last`: the default page when omitted, capped, never below 1. */
function pageSizeOf(value: number | null | undefined, argument: 'first' | 'last'): number {
  const size = value ?? DEFAULT_PAGE_SIZE;
  if (!Number.isInteger(size) || size < 1)
    throw badInput(`expected ${argument} >= 1, got ${size}`, 'BAD_USER_INPUT', argument);
  return Math.min(size, MAX_PAGE_SIZE);
}
