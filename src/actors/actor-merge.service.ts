import { LIST_CAPS } from '../common/list-caps.js';
import { MARKINGS } from '../db/types.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import { Issues } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import { findRelationshipsByIds } from '../visibility/visible-relationships.js';
import {
  deleteRelationships,
  lockRelationshipsOfActor,
  moveRelationshipEnds,
} from './actor-relationship.repository.js';
import { relationshipSnapshot } from './actor-relationship.service.js';
import type { AliasValue, MergeActorsCommand } from './actor.inputs.js';
import { lockVisibleActors } from '../visibility/visible-actors.js';
import { replaceAliases, updateActorAtVersion, type ActorRow } from './actor.repository.js';
import {
  lockClaimsNamingActor,
  moveClaimActors,
  moveExternalIds,
  moveParticipants,
  moveSourceLinks,
  repointMergedActors,
} from './actor-merge.repository.js';
import { actorGlobalId, actorSnapshot, survivorVisible } from './actor.service.js';

function markingRank(row: ActorRow): number {
  return MARKINGS.indexOf(row.marking);
}

/** Object list after a merge: the merged actor becomes the survivor, who keeps its first place. */
function mergedObjectIds(
  objectIds: readonly number[],
  mergedId: number,
  survivorId: number,
): number[] {
  const mapped = objectIds.map((id) => (id === mergedId ? survivorId : id));
  return mapped.filter((id, i) => mapped.indexOf(id) === i);
}

/** The survivor's aliases plus the merged actor's name and aliases, each name once. */
function mergedAliases(
  survivor: ActorRow,
  survivorAliases: readonly AliasValue[],
  merged: ActorRow,
  mergedAliasList: readonly AliasValue[],
): AliasValue[] {
  const names = new Set([survivor.name]);
  const result: AliasValue[] = [];
  for (const alias of [
    ...survivorAliases,
    { alias: merged.name, language: null },
    ...mergedAliasList,
  ]) {
    if (names.has(alias.alias)) continue;
    names.add(alias.alias);
    result.push(alias);
  }
  return result;
}

/** What keeps two actors from being merged, found on their locked rows. */
function assertMergeable(survivor: ActorRow, merged: ActorRow): void {
  const issues = new Issues();
  if (survivor.merged_into_id !== null) {
    issues.add(
      ['survivorId'],
      `expected an actor that is not merged, got one merged into ${actorGlobalId(survivor.merged_into_id)}: merge into that one`,
    );
  }
  if (merged.merged_into_id !== null) {
    issues.add(
      ['mergedId'],
      `expected an actor that is not merged yet, got one already merged into ${actorGlobalId(merged.merged_into_id)}`,
    );
  }
  if (merged.kind !== survivor.kind) {
    issues.add(
      ['mergedId'],
      `expected an actor of the survivor’s kind ${survivor.kind}, got ${merged.kind}: correct the kind first`,
    );
  }
  // The survivor's names and links would otherwise show the duplicate's to readers cleared only
  // for the survivor.
  if (markingRank(merged) > markingRank(survivor)) {
    issues.add(
      ['mergedId'],
      `expected a marking no stricter than the survivor’s ${survivor.marking}, got ${merged.marking}`,
    );
  }
  if (
    survivor.wikidata_qid &&
    merged.wikidata_qid &&
    survivor.wikidata_qid !== merged.wikidata_qid
  ) {
    issues.add(
      ['mergedId'],
      `expected the survivor’s Wikidata item ${survivor.wikidata_qid} or none, got ${merged.wikidata_qid}: two items are two entities`,
    );
  }
  issues.throwIfAny();
}

/** A merge that would leave the survivor with more aliases or external ids than allowed is refused. */
function assertMergeWithinCaps(aliases: number, externalIds: number): void {
  const issues = new Issues();
  if (aliases > LIST_CAPS.actorAliases)
    issues.add(
      ['mergedId'],
      `expected at most ${LIST_CAPS.actorAliases} aliases on the survivor after the merge, got ${aliases}`,
    );
  if (externalIds > LIST_CAPS.actorExternalIds)
    issues.add(
      ['mergedId'],
      `expected at most ${LIST_CAPS.actorExternalIds} external ids on the survivor after the merge, got ${externalIds}`,
    );
  issues.throwIfAny();
}

/** Moves the merged actor's claims, as subject and as object, to the survivor; audits each. */
async function moveClaimsOnMerge(
  { trx, audit }: Write,
  mergedId: number,
  survivorId: number,
): Promise<void> {
  const claims = await lockClaimsNamingActor(trx, mergedId);
  const objectLists = claims
    .filter((claim) => claim.object_ids.includes(mergedId))
    .map((claim) => ({
      claim_id: claim.claim_id,
      object_ids: mergedObjectIds(claim.object_ids, mergedId, survivorId),
    }));
  const moved = await moveClaimActors(
    trx,
    mergedId,
    survivorId,
    claims.map((claim) => claim.claim_id),
    objectLists,
  );
  const versions = new Map(moved.map((claim) => [claim.id, claim.version]));
  for (const claim of claims) {
    const objects = objectLists.find((list) => list.claim_id === claim.claim_id);
    await audit({
      action: 'claim.merge.reassign',
      entityType: 'Claim',
      entityId: claim.claim_id,
      before: claim,
      after: {
        claim_id: claim.claim_id,
        version: versions.get(claim.claim_id),
        subject_actor_id: claim.subject_actor_id === mergedId ? survivorId : claim.subject_actor_id,
        object_ids: objects?.object_ids ?? claim.object_ids,
      },
    });
  }
}

/**
 * Moves the merged actor's relationships to the survivor, evidence and all; audits each. A
 * relationship between the two would link the survivor to itself, which the schema forbids
 * and which says nothing: it is deleted, its row and evidence kept in the audit log.
 */
async function moveRelationshipsOnMerge(
  { trx, audit, visibility }: Write,
  mergedId: number,
  survivorId: number,
): Promise<void> {
  const relationships = await lockRelationshipsOfActor(trx, mergedId);
  const between = relationships.filter(
    (r) => r.from_actor_id === survivorId || r.to_actor_id === survivorId,
  );
  // Deleting a link the caller may not see would destroy what it cannot even review: refused,
  // without saying what is in the way.
  const visible = await findRelationshipsByIds(
    trx,
    visibility,
    between.map((r) => r.id),
  );
  if (visible.length < between.length) {
    throw new ConflictError(
      'these actors cannot be merged at your clearance: ask an editor cleared for all their records',
    );
  }
  for (const relationship of between) {
    await audit({
      action: 'relationship.merge.delete',
      entityType: 'ActorRelationship',
      entityId: relationship.id,
      before: await relationshipSnapshot(trx, relationship),
      after: null,
    });
  }
  await deleteRelationships(
    trx,
    between.map((r) => r.id),
  );
  for (const after of await moveRelationshipEnds(trx, mergedId, survivorId)) {
    await audit({
      action: 'relationship.merge.reassign',
      entityType: 'ActorRelationship',
      entityId: after.id,
      before: relationships.find((r) => r.id === after.id) ?? null,
      after,
    });
  }
}

export async function mergeActors(write: Write, command: MergeActorsCommand): Promise<number> {
  const { trx, audit, visibility } = write;
  const { survivor: survivorRef, merged: mergedRef } = command;
  const survivorId = survivorRef.id;
  const mergedId = mergedRef.id;
  const locked = await lockVisibleActors(trx, visibility, [survivorId, mergedId]);
  const survivor = locked.find((row) => row.id === survivorId);
  const merged = locked.find((row) => row.id === mergedId);
  if (!survivor || !(await survivorVisible(trx, visibility, survivor)))
    throw new NotFoundError('Actor', survivorRef.globalId, survivorRef.path);
  if (!merged || !(await survivorVisible(trx, visibility, merged)))
    throw new NotFoundError('Actor', mergedRef.globalId, mergedRef.path);
  assertMergeable(survivor, merged);
  assertVersion('Actor', survivorRef.globalId, survivor, command.expectedSurvivorVersion);
  assertVersion('Actor', mergedRef.globalId, merged, command.expectedMergedVersion);

  const survivorBefore = await actorSnapshot(trx, survivor);
  const mergedBefore = await actorSnapshot(trx, merged);
  const aliases = mergedAliases(survivor, survivorBefore.aliases, merged, mergedBefore.aliases);
  assertMergeWithinCaps(
    aliases.length,
    survivorBefore.external_ids.length + mergedBefore.external_ids.length,
  );

  await moveClaimsOnMerge(write, mergedId, survivorId);
  await moveRelationshipsOnMerge(write, mergedId, survivorId);

  await replaceAliases(trx, survivorId, aliases);
  await replaceAliases(trx, mergedId, []);
  await moveExternalIds(trx, mergedId, survivorId);
  await moveSourceLinks(trx, mergedId, survivorId);
  await moveParticipants(trx, mergedId, survivorId);
  for (const repointed of await repointMergedActors(trx, mergedId, survivorId)) {
    await audit({
      action: 'actor.merge.repoint',
      entityType: 'Actor',
      entityId: repointed.id,
      before: { merged_into_id: mergedId, version: repointed.version - 1 },
      after: { merged_into_id: survivorId, version: repointed.version },
    });
  }
  // The Wikidata item is unique: released by the duplicate before the survivor takes it.
  const movesQid = survivor.wikidata_qid === null && merged.wikidata_qid !== null;
  const mergedAfter = await updateActorAtVersion(trx, mergedId, merged.version, {
    merged_into_id: survivorId,
    wikidata_qid: movesQid ? null : undefined,
  });
  const survivorAfter = await updateActorAtVersion(trx, survivorId, survivor.version, {
    wikidata_qid: movesQid ? merged.wikidata_qid : undefined,
    country: survivor.country ?? merged.country,
    description: survivor.description ?? merged.description,
  });
  await audit({
    action: 'actor.merge.merged',
    entityType: 'Actor',
    entityId: mergedId,
    before: mergedBefore,
    after: await actorSnapshot(trx, mergedAfter),
  });
  await audit({
    action: 'actor.merge.survivor',
    entityType: 'Actor',
    entityId: survivorId,
    before: survivorBefore,
    after: await actorSnapshot(trx, survivorAfter),
  });
  return survivorId;
}
