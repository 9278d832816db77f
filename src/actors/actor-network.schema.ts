import { builder } from '../builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, NESTED_LIST } from '../common/connection.js';
import { requireIdOf } from '../common/global-id.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef, ActorRelationshipRef } from '../refs.js';
import type { WalkFilter } from './actor-network.repository.js';
import {
  MAX_NEIGHBOURHOOD_RELATIONSHIPS,
  NEIGHBOURS_PER_LEVEL,
  shortestPath,
  walkNeighbourhood,
  type Level,
  type Neighbour,
  type Neighbourhood,
  type Path,
} from './actor-network.js';
import { relationshipFilterOf } from './actor-relationship.schema.js';
import { cappedList, LIST_CAPS } from '../common/list-caps.js';
import { sqlField } from '../compiled/sql-spec.js';

const MAX_DEPTH = LIST_CAPS.neighbourhoodLevels;
const MAX_PATH_DEPTH = LIST_CAPS.pathRelationships;

/** What the cost rule charges a walk before its selection: one level costs a page of actors. */
const WALK_COST_PER_LEVEL = [0, 100, 400, 1600];
const PATH_COST = 2000;

const NeighbourRef = builder.objectRef<Neighbour>('Neighbour').implement({
  description: 'An actor in a neighbourhood: how far it is from the root and how it was reached.',
  fields: (t) => ({
    actor: t.field({
      type: ActorRef,
      description: 'The actor reached.',
      resolve: (n) => n.actorId,
    }),
    distance: t.exposeInt('distance', {
      description: 'Hops from the root along visible relationships (1 = a direct link).',
    }),
    firstHop: t.field({
      type: ActorRef,
      description: 'The root’s direct neighbour the shortest path to this actor starts with.',
      resolve: (n) => n.firstHopId,
    }),
    via: t.field({
      type: ActorRelationshipRef,
      description: 'The relationship this actor was reached through (its most confident one).',
      resolve: (n) => n.viaRelationshipId,
    }),
  }),
});

const LevelRef = builder.objectRef<Level>('NeighbourhoodLevel').implement({
  description: 'One breadth-first level of a neighbourhood.',
  fields: (t) => ({
    depth: t.exposeInt('depth', { description: 'Hops from the root.' }),
    frontierSize: t.exposeInt('frontierSize', {
      description: 'New actors found at this depth, before the per-level cap.',
    }),
    kept: t.exposeInt('kept', {
      description: `Those kept (at most ${NEIGHBOURS_PER_LEVEL} per level, most confident links first); the next level starts from these.`,
    }),
    truncated: t.boolean({
      description: 'Whether the cap left actors of this level out.',
      resolve: (level) => level.kept < level.frontierSize,
    }),
  }),
});

interface NeighbourhoodPage {
  walk: Neighbourhood;
  page: Neighbour[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
}

const NEIGHBOUR_CURSOR_PREFIX = 'neighbour:';

function neighbourCursor(n: Neighbour): string {
  return Buffer.from(`${NEIGHBOUR_CURSOR_PREFIX}${n.actorId}`).toString('base64url');
}

/** A page of the walk's neighbours (in walk order) after the neighbour `after` names. */
function pageOf(walk: Neighbourhood, first: number, after: string | null): NeighbourhoodPage {
  let start = 0;
  if (after !== null) {
    const text = Buffer.from(after, 'base64url').toString('utf8');
    const index = text.startsWith(NEIGHBOUR_CURSOR_PREFIX)
      ? walk.neighbours.findIndex(
          (n) => String(n.actorId) === text.slice(NEIGHBOUR_CURSOR_PREFIX.length),
        )
      : -1;
    if (index < 0)
      throw badInput(
        'expected `after` to be a cursor of this neighbourhood (from its edges), got one it does not contain',
        'INVALID_CURSOR',
        'after',
      );
    start = index + 1;
  }
  const page = walk.neighbours.slice(start, start + first);
  return {
    walk,
    page,
    hasNextPage: start + first < walk.neighbours.length,
    hasPreviousPage: start > 0,
  };
}

const NeighbourEdgeRef = builder.objectRef<Neighbour>('NeighbourEdge').implement({
  description: 'One neighbour in a page, with the cursor to continue after it.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque; pass it as `after` to continue from this neighbour.',
      resolve: neighbourCursor,
    }),
    node: t.field({ type: NeighbourRef, description: 'The neighbour.', resolve: (n) => n }),
  }),
});

const NeighbourhoodConnectionRef = builder
  .objectRef<NeighbourhoodPage>('ActorNeighbourhoodConnection')
  .implement({
    description:
      'The actors within some hops of one actor, nearest first, and the relationships among them.',
    fields: (t) => ({
      edges: t.field({
        type: [NeighbourEdgeRef],
        description: 'This page of neighbours: nearest first, then by link confidence.',
        resolve: (p) => p.page,
      }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        description: 'Whether more neighbours follow, and the page’s ends.',
        resolve: (p) => ({
          hasNextPage: p.hasNextPage,
          hasPreviousPage: p.hasPreviousPage,
          startCursor: p.page[0] ? neighbourCursor(p.page[0]) : null,
          endCursor: p.page.at(-1) ? neighbourCursor(p.page.at(-1) as Neighbour) : null,
        }),
      }),
      totalCount: t.int({
        description: 'How many neighbours the walk kept (every page together).',
        resolve: (p) => p.walk.neighbours.length,
      }),
      relationships: t.field({
        type: [ActorRelationshipRef],
        ...cappedList(LIST_CAPS.neighbourhoodRelationships),
        description: `The relationships among the root and the kept neighbours (all pages; at most ${MAX_NEIGHBOURHOOD_RELATIONSHIPS}, by id), under the same filters.`,
        resolve: (p) => p.walk.relationshipIds,
      }),
      levels: t.field({
        type: [LevelRef],
        ...cappedList(MAX_DEPTH),
        description: `Each depth walked (at most ${MAX_DEPTH}): how many new actors it had and how many were kept.`,
        resolve: (p) => p.walk.levels,
      }),
      truncated: t.boolean({
        description: 'Whether any level was capped: more actors are reachable than listed.',
        resolve: (p) => p.walk.levels.some((level) => level.kept < level.frontierSize),
      }),
      frontierSize: t.int({
        description: 'New actors found at the deepest level reached, before its cap.',
        resolve: (p) => p.walk.levels.at(-1)?.frontierSize ?? 0,
      }),
    }),
  });

const ActorPathRef = builder.objectRef<Path>('ActorPath').implement({
  description: 'A chain of relationships linking two actors.',
  fields: (t) => ({
    length: t.int({
      description: 'Hops: the number of relationships.',
      resolve: (p) => p.relationshipIds.length,
    }),
    actors: t.field({
      type: [ActorRef],
      ...cappedList(MAX_PATH_DEPTH + 1),
      description: `From the first actor to the last (at most ${MAX_PATH_DEPTH + 1}).`,
      resolve: (p) => p.actorIds,
    }),
    relationships: t.field({
      type: [ActorRelationshipRef],
      ...cappedList(MAX_PATH_DEPTH),
      description: `The relationships between consecutive actors, in order (either direction; at most ${MAX_PATH_DEPTH}).`,
      resolve: (p) => p.relationshipIds,
    }),
  }),
});

interface WalkArgs {
  asOf?: string | null;
  includeUndated?: boolean | null;
  types?: readonly string[] | null;
  minConfidence?: number | null;
}

/** Which relationships a walk follows: the arguments of `neighbourhood` and `path`. */
function walkArgs() {
  return builder.args((t) => ({
    asOf: t.field({
      type: 'Date',
      description:
        'Follow only relationships in force on this day (not those of unknown date, unless `includeUndated`).',
    }),
    includeUndated: t.boolean({
      description: 'With `asOf`: follow relationships whose dates are unknown too.',
    }),
    types: t.field({
      type: ['RelationshipType'],
      description: 'Follow only these relationship types.',
    }),
    minConfidence: t.int({
      description: 'Follow only relationships at least this confident (0–100).',
    }),
  }));
}

function walkFilterOf(args: WalkArgs): WalkFilter {
  const { types, asOf } = relationshipFilterOf({
    direction: 'BOTH',
    type: args.types,
    asOf: args.asOf,
    includeUndated: args.includeUndated,
    orderBy: 'TYPE_ASC',
  });
  const minConfidence = args.minConfidence ?? null;
  if (minConfidence !== null && (minConfidence < 0 || minConfidence > 100))
    throw badInput(
      `expected minConfidence in 0..100, got ${minConfidence}`,
      'BAD_USER_INPUT',
      'minConfidence',
    );
  return {
    types: types ?? null,
    asOf,
    includeUndated: args.includeUndated ?? false,
    minConfidence,
  };
}

function within(value: number, max: number, argument: string): number {
  if (!Number.isInteger(value) || value < 1 || value > max)
    throw badInput(`expected ${argument} in 1..${max}, got ${value}`, 'BAD_USER_INPUT', argument);
  return value;
}

builder.objectField(ActorRef, 'neighbourhood', (t) =>
  t.field({
    type: NeighbourhoodConnectionRef,
    ...NESTED_LIST,
    description: `The actors reachable from this one within \`depth\` hops along relationships you may see (either direction), breadth first: each at its shortest distance, at most ${NEIGHBOURS_PER_LEVEL} per level (most confident links first; see \`levels\` and \`truncated\`).`,
    args: {
      depth: t.arg.int({ required: true, defaultValue: 1, description: `1 to ${MAX_DEPTH}.` }),
      ...walkArgs(),
      first: t.arg.int({
        description: `Neighbours per page (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      }),
      after: t.arg.string({ description: 'A cursor from this neighbourhood’s edges.' }),
    },
    extensions: {
      ...sqlField({ kind: 'resolverOnly', columns: [] }),
      ownCost: (args: Record<string, unknown>) =>
        WALK_COST_PER_LEVEL[typeof args.depth === 'number' ? args.depth : MAX_DEPTH] ??
        WALK_COST_PER_LEVEL[MAX_DEPTH],
    },
    resolve: async (actor, args, ctx) => {
      const depth = within(args.depth, MAX_DEPTH, 'depth');
      const first = Math.min(
        within(args.first ?? DEFAULT_PAGE_SIZE, Number.MAX_SAFE_INTEGER, 'first'),
        MAX_PAGE_SIZE,
      );
      const walk = await walkNeighbourhood(
        ctx.db,
        ctx.visibility,
        actor.id,
        depth,
        walkFilterOf(args),
      );
      return pageOf(walk, first, args.after ?? null);
    },
  }),
);

builder.queryField('path', (t) =>
  t.field({
    type: [ActorPathRef],
    description: `The shortest chain of relationships you may see linking two actors (either direction), within \`maxDepth\` hops; empty when there is none. One path (at most 1 for now): the list leaves room for ties.`,
    args: {
      from: t.arg.id({ required: true, description: 'An actor’s id.' }),
      to: t.arg.id({ required: true, description: 'Another actor’s id.' }),
      ...walkArgs(),
      maxDepth: t.arg.int({
        required: true,
        defaultValue: 4,
        description: `1 to ${MAX_PATH_DEPTH}.`,
      }),
    },
    extensions: { ...cappedList(1).extensions, ownCost: () => PATH_COST },
    resolve: async (_root, args, ctx) => {
      const maxDepth = within(args.maxDepth, MAX_PATH_DEPTH, 'maxDepth');
      const filter = walkFilterOf(args);
      const actors = ActorRef.getDataloader(ctx);
      const ends = await Promise.all([
        actors.load(requireIdOf(String(args.from), 'Actor', 'from')),
        actors.load(requireIdOf(String(args.to), 'Actor', 'to')),
      ]);
      const [from, to] = ends;
      // An actor you may not see is no end, like an unknown one.
      if (!from || !to) return [];
      const path = await shortestPath(ctx.db, ctx.visibility, from.id, to.id, maxDepth, filter);
      return path ? [path] : [];
    },
  }),
);
