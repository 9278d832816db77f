import { LIST_CAPS } from '../common/list-caps.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { nextLevel, relationshipIdsAmong, type WalkFilter } from './actor-network.repository.js';

/** New actors kept per breadth-first level; the rest are counted (`frontierSize`), not kept. */
export const NEIGHBOURS_PER_LEVEL = 200;
/** Relationships among a neighbourhood's actors returned at most. */
export const MAX_NEIGHBOURHOOD_RELATIONSHIPS = LIST_CAPS.neighbourhoodRelationships;
/** A path search keeps more per level: it looks for one actor, not a picture. */
const PATH_ACTORS_PER_LEVEL = 2000;

export interface Neighbour {
  actorId: number;
  distance: number;
  /** The root's neighbour the path to this actor starts with. */
  firstHopId: number;
  /** The relationship this actor was reached through, and the actor on its near side. */
  viaRelationshipId: number;
  parentId: number;
}

export interface Level {
  depth: number;
  /** New actors this level had (before the cap). */
  frontierSize: number;
  /** Those kept (at most NEIGHBOURS_PER_LEVEL). */
  kept: number;
}

export interface Neighbourhood {
  rootId: number;
  neighbours: Neighbour[];
  levels: Level[];
  relationshipIds: number[];
}

/**
 * The actors within `depth` hops of `rootId`, breadth first with a visited set: each actor once,
 * at its shortest distance, one statement per level and one for the links among them.
 */
export async function walkNeighbourhood(
  db: Executor,
  visibility: Visibility,
  rootId: number,
  depth: number,
  filter: WalkFilter,
): Promise<Neighbourhood> {
  const neighbours: Neighbour[] = [];
  const levels: Level[] = [];
  const byId = new Map<number, Neighbour>();
  const visited = [rootId];
  let frontier = [rootId];
  for (let distance = 1; distance <= depth && frontier.length > 0; distance += 1) {
    const found = await nextLevel(db, visibility, frontier, visited, filter, NEIGHBOURS_PER_LEVEL);
    levels.push({ depth: distance, frontierSize: found[0]?.discovered ?? 0, kept: found.length });
    frontier = [];
    for (const hop of found) {
      const parent = byId.get(hop.parentId);
      const neighbour: Neighbour = {
        actorId: hop.actorId,
        distance,
        firstHopId: parent ? parent.firstHopId : hop.actorId,
        viaRelationshipId: hop.relationshipId,
        parentId: hop.parentId,
      };
      neighbours.push(neighbour);
      byId.set(hop.actorId, neighbour);
      visited.push(hop.actorId);
      frontier.push(hop.actorId);
    }
  }
  const relationshipIds =
    neighbours.length === 0
      ? []
      : await relationshipIdsAmong(
          db,
          visibility,
          visited,
          filter,
          MAX_NEIGHBOURHOOD_RELATIONSHIPS,
        );
  return { rootId, neighbours, levels, relationshipIds };
}

export interface Path {
  /** From the first actor to the last, inclusive. */
  actorIds: number[];
  relationshipIds: number[];
}

/**
 * A shortest chain of visible relationships from `fromId` to `toId` (either direction), found
 * breadth first; null when there is none within `maxDepth` hops.
 */
export async function shortestPath(
  db: Executor,
  visibility: Visibility,
  fromId: number,
  toId: number,
  maxDepth: number,
  filter: WalkFilter,
): Promise<Path | null> {
  if (fromId === toId) return { actorIds: [fromId], relationshipIds: [] };
  const reachedFrom = new Map<number, { parentId: number; relationshipId: number }>();
  const visited = [fromId];
  let frontier = [fromId];
  for (let distance = 1; distance <= maxDepth && frontier.length > 0; distance += 1) {
    const found = await nextLevel(db, visibility, frontier, visited, filter, PATH_ACTORS_PER_LEVEL);
    frontier = [];
    for (const hop of found) {
      reachedFrom.set(hop.actorId, { parentId: hop.parentId, relationshipId: hop.relationshipId });
      visited.push(hop.actorId);
      frontier.push(hop.actorId);
    }
    if (reachedFrom.has(toId)) {
      const actorIds = [toId];
      const relationshipIds: number[] = [];
      for (let at = reachedFrom.get(toId); at; at = reachedFrom.get(at.parentId)) {
        relationshipIds.unshift(at.relationshipId);
        actorIds.unshift(at.parentId);
      }
      return { actorIds, relationshipIds };
    }
  }
  return null;
}
