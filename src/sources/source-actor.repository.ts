import { sql, type RawBuilder } from 'kysely';
import type { Executor } from '../db/executor.js';
import { anyId } from '../db/any-id.js';
export { lockLinkableActors } from '../db/linkable-actors.js';
import { countPerParent, paginatePerParent, type PageWindow } from '../db/keyset.js';
import type { SourceActorRole } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { SOURCE_ORDERINGS, sourceRowsQuery, type SourcePageRow } from './source.repository.js';

// Who a source speaks for (source_actor): its speaker, author, publisher or subject, in the
// order the editor gave. A link shows only when its actor is visible to the caller (clearance
// and embargo), so a hidden actor never leaks through a visible source, and an actor's
// sources are the visible sources linked to it.

export interface SourceActorLinkRow {
  source_id: number;
  actor_id: number;
  role: SourceActorRole;
  position: number;
}

/** `Actor.sources` pages newest first, like the sources list's PUBLISHED_AT_DESC. */
export const ACTOR_SOURCE_ORDERING = SOURCE_ORDERINGS.PUBLISHED_AT_DESC;

/** Links of `sourceId` to actors the caller may see (merges move links to survivors). */
function visibleLinks(db: Executor, visibility: Visibility, sourceId: RawBuilder<number> | number) {
  return db
    .selectFrom('source_actor as link')
    .innerJoin('actor', 'actor.id', 'link.actor_id')
    .where('link.source_id', '=', sourceId)
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null);
}

/** One source's visible links in position order as `list_rank`, at most `cap` (compiled reads). */
export function actorLinksOfSourceQuery(
  db: Executor,
  visibility: Visibility,
  sourceId: RawBuilder<number>,
  cap: number,
) {
  return visibleLinks(db, visibility, sourceId)
    .select([
      'link.source_id',
      'link.actor_id',
      'link.role',
      'link.position',
      sql<number>`row_number() over (order by link.position)`.as('list_rank'),
    ])
    .orderBy('link.position')
    .limit(cap);
}

/** The visible links of several sources, by source then position (loader path). */
export async function findActorLinksBySourceIds(
  db: Executor,
  visibility: Visibility,
  sourceIds: readonly number[],
): Promise<SourceActorLinkRow[]> {
  return db
    .selectFrom('source_actor as link')
    .innerJoin('actor', 'actor.id', 'link.actor_id')
    .select(['link.source_id', 'link.actor_id', 'link.role', 'link.position'])
    .where('link.source_id', '=', anyId(sourceIds))
    .where(sharedRecordVisible(visibility, 'actor'))
    .where('actor.merged_into_id', 'is', null)
    .orderBy('link.source_id')
    .orderBy('link.position')
    .execute();
}

/** Visible sources linked to `actorId` in one of `roles` (any role when none are given). */
function sourcesOfActor(
  db: Executor,
  visibility: Visibility,
  actorId: RawBuilder<number>,
  roles: readonly SourceActorRole[] | null,
) {
  return sourceRowsQuery(db, visibility, {}).where('source.id', 'in', (eb) => {
    const links = eb
      .selectFrom('source_actor')
      .select('source_actor.source_id')
      .where('source_actor.actor_id', '=', actorId);
    return roles?.length ? links.where('source_actor.role', 'in', roles) : links;
  });
}

/** One actor's visible sources, unordered: a nested list for compiled reads. */
export function sourceRowsOfActorQuery(
  db: Executor,
  visibility: Visibility,
  actorId: RawBuilder<number>,
  roles: readonly SourceActorRole[] | null,
) {
  return sourcesOfActor(db, visibility, actorId, roles);
}

export async function findSourcesPagePerActor(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  roles: readonly SourceActorRole[] | null,
  window: PageWindow,
): Promise<(SourcePageRow & { parent_id: number })[]> {
  return paginatePerParent(
    db,
    actorIds,
    (actorId) => sourcesOfActor(db, visibility, actorId, roles),
    ACTOR_SOURCE_ORDERING,
    window,
  );
}

export async function countSourcesPerActor(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  roles: readonly SourceActorRole[] | null,
): Promise<{ parent_id: number; count: number }[]> {
  // countPerParent selects the count itself: the rows' own columns would make it invalid.
  return countPerParent(db, actorIds, (actorId) =>
    sourcesOfActor(db, visibility, actorId, roles).clearSelect(),
  );
}

/** Every link of one source (visible or not), for the audit snapshot and replacement. */
export async function findAllActorLinksOfSource(
  db: Executor,
  sourceId: number,
): Promise<SourceActorLinkRow[]> {
  return db
    .selectFrom('source_actor')
    .select(['source_id', 'actor_id', 'role', 'position'])
    .where('source_id', '=', sourceId)
    .orderBy('position')
    .execute();
}

/** Replaces the links of one source with `links`, positions in list order. */
export async function replaceActorLinks(
  db: Executor,
  sourceId: number,
  links: readonly { actorId: number; role: SourceActorRole }[],
): Promise<void> {
  await db.deleteFrom('source_actor').where('source_id', '=', sourceId).execute();
  if (links.length === 0) return;
  await db
    .insertInto('source_actor')
    .values(
      links.map((link, position) => ({
        source_id: sourceId,
        actor_id: link.actorId,
        role: link.role,
        position,
      })),
    )
    .execute();
}
