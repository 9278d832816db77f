import type { RawBuilder } from 'kysely';
import { visibleSurvivors } from '../visibility/visible-actors.js';
import type { ActorRow, ActorColumn } from '../db/rows.js';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';

// A claim's object actors (claim_object), moved out of claim.repository.ts to keep it short.

/** Object actor ids of each claim, in order (actors are then loaded, and filtered, by id). */
export async function findObjectIdsByClaimIds(
  db: Executor,
  claimIds: readonly number[],
): Promise<{ claim_id: number; actor_id: number }[]> {
  return db
    .selectFrom('claim_object')
    .select(['claim_id', 'actor_id'])
    .where('claim_id', '=', anyId(claimIds))
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
}

/**
 * Object actors of each claim, in order, with their rows: one statement instead of ids then
 * actors. A merged actor's id yields its survivor, as in findActorsByIds; actors the caller
 * may not see are left out.
 */
export async function findObjectActorsByClaimIds<C extends ActorColumn>(
  db: Executor,
  visibility: Visibility,
  claimIds: readonly number[],
  actorColumns: readonly C[],
): Promise<(Pick<ActorRow, C> & { claim_id: number; requested_id: number })[]> {
  // Typed over every column (Kysely cannot resolve a generic selection); the return type narrows.
  const columns: readonly ActorColumn[] = actorColumns;
  return visibleSurvivors(db, visibility)
    .innerJoin('claim_object', 'claim_object.actor_id', 'requested.id')
    .select(columns.map((name) => `actor.${name}` as const))
    .select(['claim_object.claim_id', 'claim_object.actor_id as requested_id'])
    .where('claim_object.claim_id', '=', anyId(claimIds))
    .orderBy('claim_object.claim_id')
    .orderBy('claim_object.position')
    .execute();
}

/**
 * One claim's visible object actors (a merged one's survivor), in order as `list_rank`, at
 * most `cap`: `Claim.objects` for compiled reads.
 */
export function objectActorsOfClaimQuery(
  db: Executor,
  visibility: Visibility,
  claimId: RawBuilder<number>,
  cap: number,
) {
  return visibleSurvivors(db, visibility)
    .innerJoin('claim_object', 'claim_object.actor_id', 'requested.id')
    .selectAll('actor')
    .select('claim_object.position as list_rank')
    .where('claim_object.claim_id', '=', claimId)
    .orderBy('claim_object.position')
    .limit(cap);
}

/**
 * The actor each requested id stands for, when the caller may see both: a merged actor's id
 * yields its survivor (merges are one hop deep), so claims never point at a merged-away actor.
 */
export async function resolveVisibleActorIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<{ requested_id: number; actor_id: number }[]> {
  return visibleSurvivors(db, visibility)
    .select(['requested.id as requested_id', 'actor.id as actor_id'])
    .where('requested.id', '=', anyId(ids))
    .execute();
}

/** Sets the claim's objects: these actors, in this order, replacing any before. */
export async function replaceClaimObjects(
  db: Executor,
  claimId: number,
  actorIds: readonly number[],
): Promise<void> {
  await db.deleteFrom('claim_object').where('claim_id', '=', claimId).execute();
  if (actorIds.length === 0) return;
  await db
    .insertInto('claim_object')
    .values(
      actorIds.map((actorId, position) => ({ claim_id: claimId, actor_id: actorId, position })),
    )
    .execute();
}
