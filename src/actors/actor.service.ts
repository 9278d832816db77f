import { encodeGlobalId } from '../common/global-id.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { assertMarkingAllowed, type Reference } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import type {
  AliasValue,
  CreateActorCommand,
  ExternalIdValue,
  UpdateActorCommand,
} from './actor.inputs.js';
import { findActorsByIds, lockVisibleActors } from '../visibility/visible-actors.js';
import {
  findAliasesByActorIds,
  findExternalIdsByActorIds,
  insertActor,
  lockSurvivingActor,
  replaceAliases,
  replaceExternalIds,
  updateActorAtVersion,
  type ActorRow,
} from './actor.repository.js';
import { findActorByWikidataQid, findExternalIdsHeldByOthers } from './actor-lookup.repository.js';

export function actorGlobalId(id: number): string {
  return encodeGlobalId('Actor', id);
}

/**
 * Refuses identifiers another actor holds, naming it only when the caller may see it: for a
 * hidden holder the value is merely unavailable, so the refusal proves nothing about it. The
 * unique constraints stay the backstop for a concurrent writer.
 */
async function assertIdentifiersFree(
  trx: Executor,
  visibility: Visibility,
  actorId: number | null,
  wikidataQid: string | null | undefined,
  externalIds: readonly ExternalIdValue[] | undefined,
): Promise<void> {
  const refusal = async (what: string, holderId: number) => {
    const [holder] = await findActorsByIds(trx, visibility, [holderId]);
    return new ConflictError(
      holder
        ? `${what} already belongs to actor ${actorGlobalId(holderId)} (${holder.name})`
        : `${what} is unavailable: choose another`,
    );
  };
  if (wikidataQid) {
    const owner = await findActorByWikidataQid(trx, wikidataQid, actorId);
    if (owner) throw await refusal(`wikidataQid ${wikidataQid}`, owner.id);
  }
  const [taken] = await findExternalIdsHeldByOthers(trx, externalIds ?? [], actorId);
  if (taken) throw await refusal(`external id ${taken.scheme}:${taken.value}`, taken.actor.id);
}

/**
 * Whether the actor that answers for a visible row (its survivor, when merged) is visible too:
 * a row merged into a hidden actor does not exist for the caller, and no message may name its
 * survivor.
 */
export async function survivorVisible(
  trx: Executor,
  visibility: Visibility,
  row: ActorRow,
): Promise<boolean> {
  return (
    row.merged_into_id === null || (await findActorsByIds(trx, visibility, [row.id])).length > 0
  );
}

/** The actor a reference names (its survivor when merged), or NotFound at the reference's path. */
export async function referencedActor(
  trx: Executor,
  visibility: Visibility,
  ref: Reference,
): Promise<ActorRow> {
  const actor = await lockSurvivingActor(trx, visibility, ref.id);
  if (!actor) throw new NotFoundError('Actor', ref.globalId, ref.path);
  return actor;
}

/** An actor as the audit log records it: the row with its names and external ids. */
export async function actorSnapshot(
  trx: Executor,
  row: ActorRow,
): Promise<ActorRow & { aliases: AliasValue[]; external_ids: ExternalIdValue[] }> {
  const aliases = await findAliasesByActorIds(trx, [row.id]);
  const externalIds = await findExternalIdsByActorIds(trx, [row.id]);
  return {
    ...row,
    aliases: aliases.map(({ alias, language }) => ({ alias, language })),
    external_ids: externalIds.map(({ scheme, value, url }) => ({ scheme, value, url })),
  };
}

export async function createActor(
  { trx, audit, viewer, visibility }: Write,
  { aliases, externalIds, ...actor }: CreateActorCommand,
): Promise<number> {
  assertMarkingAllowed(viewer, actor.marking);
  await assertIdentifiersFree(trx, visibility, null, actor.wikidataQid, externalIds);
  const row = await insertActor(trx, {
    kind: actor.kind,
    name: actor.name,
    country: actor.country,
    wikidata_qid: actor.wikidataQid,
    description: actor.description,
    marking: actor.marking,
    place_type: actor.placeType,
    latitude: actor.coordinates?.latitude ?? null,
    longitude: actor.coordinates?.longitude ?? null,
  });
  await replaceAliases(trx, row.id, aliases);
  await replaceExternalIds(trx, row.id, externalIds);
  await audit({
    action: 'actor.create',
    entityType: 'Actor',
    entityId: row.id,
    before: null,
    after: await actorSnapshot(trx, row),
  });
  return row.id;
}

export async function updateActor(
  { trx, audit, viewer, visibility }: Write,
  { id, expectedVersion, aliases, externalIds, ...change }: UpdateActorCommand,
): Promise<number> {
  if (change.marking) assertMarkingAllowed(viewer, change.marking);
  const [before] = await lockVisibleActors(trx, visibility, [id.id]);
  if (!before || !(await survivorVisible(trx, visibility, before)))
    throw new NotFoundError('Actor', id.globalId, id.path);
  if (before.merged_into_id !== null) {
    throw new ValidationError([
      {
        path: id.path,
        message: `expected an actor that is not merged, got one merged into ${actorGlobalId(before.merged_into_id)}: update that one`,
      },
    ]);
  }
  assertVersion('Actor', id.globalId, before, expectedVersion);
  await assertIdentifiersFree(trx, visibility, id.id, change.wikidataQid, externalIds);
  const beforeSnapshot = await actorSnapshot(trx, before);
  const after = await updateActorAtVersion(trx, id.id, expectedVersion, {
    kind: change.kind,
    name: change.name,
    country: change.country,
    wikidata_qid: change.wikidataQid,
    description: change.description,
    marking: change.marking,
    place_type: change.placeType,
    latitude: change.coordinates === undefined ? undefined : (change.coordinates?.latitude ?? null),
    longitude:
      change.coordinates === undefined ? undefined : (change.coordinates?.longitude ?? null),
  });
  if (aliases) await replaceAliases(trx, id.id, aliases);
  if (externalIds) await replaceExternalIds(trx, id.id, externalIds);
  await audit({
    action: 'actor.update',
    entityType: 'Actor',
    entityId: id.id,
    before: beforeSnapshot,
    after: await actorSnapshot(trx, after),
  });
  return id.id;
}
