import type { ActorRow } from '../db/rows.js';
import { sql } from 'kysely';
import type { Executor } from '../db/executor.js';
import { anyId } from '../db/any-id.js';

// What merging one actor into another moves: its external ids, the actors merged into it
// before, and its places in claims.

/** Gives `toId` the external ids of `fromId` ((scheme, value) is unique, so none can clash). */
export async function moveExternalIds(db: Executor, fromId: number, toId: number): Promise<void> {
  await db
    .updateTable('actor_external_id')
    .set({ actor_id: toId })
    .where('actor_id', '=', fromId)
    .execute();
}

/** Points the actors merged into `fromId` at `toId`, keeping merges one hop deep. */
export async function repointMergedActors(
  db: Executor,
  fromId: number,
  toId: number,
): Promise<ActorRow[]> {
  return db
    .updateTable('actor')
    .set({ merged_into_id: toId, version: sql`version + 1`, updated_at: sql`now()` })
    .where('merged_into_id', '=', fromId)
    .returningAll()
    .execute();
}

export interface ClaimActorLinks {
  claim_id: number;
  version: number;
  subject_actor_id: number | null;
  /** Object actor ids in position order. */
  object_ids: number[];
}

/**
 * Every claim naming the actor as subject or object, whatever its marking (a merge must move
 * them all), with its subject and ordered objects, locked for the rest of the transaction.
 */
export async function lockClaimsNamingActor(
  db: Executor,
  actorId: number,
): Promise<ClaimActorLinks[]> {
  const claims = await db
    .selectFrom('claim')
    .select(['claim.id', 'claim.version', 'claim.subject_actor_id'])
    .where((eb) =>
      eb.or([
        eb('claim.subject_actor_id', '=', actorId),
        eb.exists(
          eb
            .selectFrom('claim_object')
            .select(sql.lit(1).as('one'))
            .whereRef('claim_object.claim_id', '=', 'claim.id')
            .where('claim_object.actor_id', '=', actorId),
        ),
      ]),
    )
    .orderBy('claim.id')
    .forNoKeyUpdate()
    .execute();
  if (claims.length === 0) return [];
  const objects = await db
    .selectFrom('claim_object')
    .select(['claim_id', 'actor_id'])
    .where(
      'claim_id',
      'in',
      claims.map((c) => c.id),
    )
    .orderBy('claim_id')
    .orderBy('position')
    .execute();
  const objectIds = new Map<number, number[]>();
  for (const o of objects)
    objectIds.set(o.claim_id, [...(objectIds.get(o.claim_id) ?? []), o.actor_id]);
  return claims.map((c) => ({
    claim_id: c.id,
    version: c.version,
    subject_actor_id: c.subject_actor_id,
    object_ids: objectIds.get(c.id) ?? [],
  }));
}

/**
 * Moves claims from one actor to another: subjects naming `fromId` become `toId`, and each
 * claim in `objectLists` gets that object list (positions renumbered from 0). Bumps the
 * version of every claim in `claimIds`; returns the new versions.
 */
export async function moveClaimActors(
  db: Executor,
  fromId: number,
  toId: number,
  claimIds: readonly number[],
  objectLists: readonly { claim_id: number; object_ids: readonly number[] }[],
): Promise<{ id: number; version: number }[]> {
  if (claimIds.length === 0) return [];
  await db
    .updateTable('claim')
    .set({ subject_actor_id: toId })
    .where('subject_actor_id', '=', fromId)
    .execute();
  if (objectLists.length > 0) {
    await db
      .deleteFrom('claim_object')
      .where(
        'claim_id',
        'in',
        objectLists.map((list) => list.claim_id),
      )
      .execute();
    const objects = objectLists.flatMap((list) =>
      list.object_ids.map((actorId, position) => ({
        claim_id: list.claim_id,
        actor_id: actorId,
        position,
      })),
    );
    if (objects.length > 0) await db.insertInto('claim_object').values(objects).execute();
  }
  return db
    .updateTable('claim')
    .set({ version: sql`version + 1`, updated_at: sql`now()` })
    .where('id', '=', anyId(claimIds))
    .returning(['id', 'version'])
    .execute();
}

/**
 * Moves the merged actor's source links to the survivor; a link the survivor already has in
 * that role is dropped rather than doubled. Sources keep their positions (gaps are harmless).
 */
export async function moveSourceLinks(db: Executor, fromId: number, toId: number): Promise<void> {
  await db
    .updateTable('source_actor')
    .set({ actor_id: toId })
    .where('actor_id', '=', fromId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('source_actor as held')
            .select(sql.lit(1).as('one'))
            .whereRef('held.source_id', '=', 'source_actor.source_id')
            .whereRef('held.role', '=', 'source_actor.role')
            .where('held.actor_id', '=', toId),
        ),
      ),
    )
    .execute();
  await db.deleteFrom('source_actor').where('actor_id', '=', fromId).execute();
}

/**
 * Moves the merged actor's places as a participant (claims and relationships) to the survivor,
 * dropping those the survivor already holds in the same role.
 */
export async function moveParticipants(db: Executor, fromId: number, toId: number): Promise<void> {
  await db
    .updateTable('claim_participant')
    .set({ actor_id: toId })
    .where('actor_id', '=', fromId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('claim_participant as held')
            .select(sql.lit(1).as('one'))
            .whereRef('held.claim_id', '=', 'claim_participant.claim_id')
            .whereRef('held.role', '=', 'claim_participant.role')
            .where('held.actor_id', '=', toId),
        ),
      ),
    )
    .execute();
  await db.deleteFrom('claim_participant').where('actor_id', '=', fromId).execute();
  await db
    .updateTable('relationship_participant')
    .set({ actor_id: toId })
    .where('actor_id', '=', fromId)
    .where(({ not, exists, selectFrom }) =>
      not(
        exists(
          selectFrom('relationship_participant as held')
            .select(sql.lit(1).as('one'))
            .whereRef('held.relationship_id', '=', 'relationship_participant.relationship_id')
            .whereRef('held.role', '=', 'relationship_participant.role')
            .where('held.actor_id', '=', toId),
        ),
      ),
    )
    .execute();
  await db.deleteFrom('relationship_participant').where('actor_id', '=', fromId).execute();
}
