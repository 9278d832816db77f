import { lockVisibleActors } from '../visibility/visible-actors.js';
import { lockVisibleRelationship } from '../visibility/visible-relationships.js';
import { encodeGlobalId } from '../common/global-id.js';
import type { Marking } from '../db/types.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import type { Reference } from '../mutations/validate.js';
import type { Write } from '../mutations/write.js';
import { lockVisibleSource } from '../visibility/visible-sources.js';
import { releaseToEveryone, type SharedTable } from './release.repository.js';

interface Published {
  id: number;
  released_to: Marking | null;
}

/**
 * One publish mutation's work: the record as the caller may see it (locked), released, and the
 * change recorded in the audit log (nothing is recorded when it was already out to everyone).
 */
async function publish(
  { trx, audit }: Write,
  entity: { type: string; table: SharedTable; ref: Reference },
  lock: () => Promise<Published | undefined>,
): Promise<number> {
  const { ref } = entity;
  const before = await lock();
  if (!before) throw new NotFoundError(entity.type, ref.globalId, ref.path);
  await releaseToEveryone(trx, entity.table, ref.id);
  const after = await lock();
  if (!after) throw new NotFoundError(entity.type, ref.globalId, ref.path);
  if (after.released_to !== before.released_to) {
    await audit({
      action: `${entity.table === 'actor_relationship' ? 'relationship' : entity.table}.publish`,
      entityType: entity.type,
      entityId: ref.id,
      before: { released_to: before.released_to },
      after: { released_to: after.released_to },
    });
  }
  return ref.id;
}

export function publishActor(write: Write, ref: Reference): Promise<number> {
  return publish(write, { type: 'Actor', table: 'actor', ref }, async () => {
    const [actor] = await lockVisibleActors(write.trx, write.visibility, [ref.id]);
    if (actor?.merged_into_id != null) {
      throw new ValidationError([
        {
          path: ref.path,
          message: `expected an actor that is not merged, got one merged into ${encodeGlobalId('Actor', actor.merged_into_id)}: publish that one`,
        },
      ]);
    }
    return actor;
  });
}

export function publishSource(write: Write, ref: Reference): Promise<number> {
  return publish(write, { type: 'Source', table: 'source', ref }, () =>
    lockVisibleSource(write.trx, write.visibility, ref.id),
  );
}

export function publishRelationship(write: Write, ref: Reference): Promise<number> {
  return publish(write, { type: 'ActorRelationship', table: 'actor_relationship', ref }, () =>
    lockVisibleRelationship(write.trx, write.visibility, ref.id),
  );
}
