import { findClaimsByIds } from '../visibility/visible-claims.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { nextParticipants, participantsSnapshot } from '../mutations/participants.js';
import {
  Issues,
  assertMarkingAllowed,
  type AtVersion,
  type Reference,
} from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import {
  checkEnd,
  type EndRelationshipCommand,
  type RelateActorsCommand,
  type UpdateRelationshipCommand,
} from './actor-relationship.inputs.js';
import { lockVisibleRelationship } from '../visibility/visible-relationships.js';
import {
  deleteRelationships,
  findEvidenceClaimIds,
  insertRelationship,
  replaceEvidence,
  updateRelationshipAtVersion,
  type ActorRelationshipRow,
} from './actor-relationship.repository.js';
import { referencedActor } from './actor.service.js';
import {
  findAllParticipantsOfRelationships,
  findParticipantsByRelationshipIds,
  replaceRelationshipParticipants,
} from './relationship-participants.repository.js';

async function assertClaimsVisible(
  trx: Executor,
  visibility: Visibility,
  refs: readonly Reference[],
): Promise<void> {
  if (refs.length === 0) return;
  const ids = refs.map((ref) => ref.id);
  const found = new Set((await findClaimsByIds(trx, visibility, ids)).map((claim) => claim.id));
  const missing = refs.find((ref) => !found.has(ref.id));
  if (missing) throw new NotFoundError('Claim', missing.globalId, missing.path);
}

async function hiddenEvidenceClaimIds(
  trx: Executor,
  visibility: Visibility,
  relationshipId: number,
): Promise<number[]> {
  const ids = (await findEvidenceClaimIds(trx, [relationshipId])).map((e) => e.claim_id);
  const visible = new Set((await findClaimsByIds(trx, visibility, ids)).map((claim) => claim.id));
  return ids.filter((id) => !visible.has(id));
}

/**
 * A relationship as the audit log records it: the row with its evidence and participants (and
 * `Actor.relationshipsRecordAsOf` reads it back).
 */
export async function relationshipSnapshot(
  trx: Executor,
  row: ActorRelationshipRow,
): Promise<Record<string, unknown>> {
  const [snapshot] = await relationshipSnapshots(trx, [row]);
  return snapshot ?? { ...row };
}

/** relationshipSnapshot for several relationships, in their order, in two statements (the seed's load). */
export async function relationshipSnapshots(
  trx: Executor,
  rows: readonly ActorRelationshipRow[],
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((row) => row.id);
  const evidence = await findEvidenceClaimIds(trx, ids);
  const participants = await findAllParticipantsOfRelationships(trx, ids);
  return rows.map((row) => ({
    ...row,
    evidence_claim_ids: evidence.filter((e) => e.relationship_id === row.id).map((e) => e.claim_id),
    participants: participantsSnapshot(participants.filter((p) => p.parent_id === row.id)),
  }));
}

/**
 * The row as a write left it, for its audit snapshot: evidence in a published briefing releases
 * the relationship (a trigger, which logs the release before this write's own entry) after its
 * row was written, and a snapshot of the row as written would undo that release in the record
 * `Actor.relationshipsRecordAsOf` folds.
 */
async function rowAfterWrite(
  trx: Executor,
  visibility: Visibility,
  id: number,
): Promise<ActorRelationshipRow> {
  const row = await lockVisibleRelationship(trx, visibility, id);
  if (!row) throw new Error(`relationship ${id} vanished during its own write`);
  return row;
}

/** The relationship as the caller may see it, locked, at the version the caller read. */
async function lockAtVersion(
  { trx, visibility }: Write,
  id: Reference,
  expectedVersion: number,
): Promise<ActorRelationshipRow> {
  const row = await lockVisibleRelationship(trx, visibility, id.id);
  assertVersion('ActorRelationship', id.globalId, row, expectedVersion);
  return row;
}

export async function relateActors(
  { trx, audit, viewer, visibility }: Write,
  {
    from: fromRef,
    to: toRef,
    evidence,
    validTime,
    participants,
    ...relationship
  }: RelateActorsCommand,
): Promise<number> {
  assertMarkingAllowed(viewer, relationship.marking);
  const from = await referencedActor(trx, visibility, fromRef);
  const to = await referencedActor(trx, visibility, toRef);
  if (from.id === to.id) {
    throw new ValidationError([
      {
        path: toRef.path,
        message: 'expected another actor than fromId, got one merged into the same actor',
      },
    ]);
  }
  await assertClaimsVisible(trx, visibility, evidence);
  const participantValues = await nextParticipants(trx, visibility, [], participants, [
    'input',
    'participants',
  ]);
  const row = await insertRelationship(trx, {
    from_actor_id: from.id,
    to_actor_id: to.id,
    type: relationship.type,
    ...validTime,
    confidence: relationship.confidence,
    attributes: relationship.attributes,
    description: relationship.description,
    marking: relationship.marking,
  });
  await replaceEvidence(
    trx,
    row.id,
    evidence.map((ref) => ref.id),
  );
  await replaceRelationshipParticipants(trx, row.id, participantValues);
  await audit({
    action: 'relationship.create',
    entityType: 'ActorRelationship',
    entityId: row.id,
    before: null,
    after: await relationshipSnapshot(trx, await rowAfterWrite(trx, visibility, row.id)),
  });
  return row.id;
}

export async function updateRelationship(
  write: Write,
  { id, expectedVersion, from: fromRef, to: toRef, evidence, ...change }: UpdateRelationshipCommand,
): Promise<number> {
  const { trx, audit, viewer, visibility } = write;
  if (change.marking) assertMarkingAllowed(viewer, change.marking);
  const before = await lockAtVersion(write, id, expectedVersion);
  const from = fromRef && (await referencedActor(trx, visibility, fromRef));
  const to = toRef && (await referencedActor(trx, visibility, toRef));
  if ((from?.id ?? before.from_actor_id) === (to?.id ?? before.to_actor_id)) {
    throw new ValidationError([
      {
        path: ['input', to ? 'toId' : 'fromId'],
        message: 'expected the two ends to be different actors, got the same one',
      },
    ]);
  }
  if (evidence) await assertClaimsVisible(trx, visibility, evidence);
  const beforeSnapshot = await relationshipSnapshot(trx, before);
  const after = await updateRelationshipAtVersion(trx, id.id, expectedVersion, {
    from_actor_id: from?.id,
    to_actor_id: to?.id,
    type: change.type,
    ...change.validTime,
    confidence: change.confidence,
    attributes: change.attributes,
    description: change.description,
    marking: change.marking,
  });
  if (evidence) {
    await replaceEvidence(trx, id.id, [
      ...evidence.map((ref) => ref.id),
      // The caller can neither name nor remove claims it may not see: they stay.
      ...(await hiddenEvidenceClaimIds(trx, visibility, id.id)),
    ]);
  }
  await audit({
    action: 'relationship.update',
    entityType: 'ActorRelationship',
    entityId: id.id,
    before: beforeSnapshot,
    after: await relationshipSnapshot(trx, await rowAfterWrite(trx, visibility, after.id)),
  });
  return id.id;
}

export async function endRelationship(
  write: Write,
  { id, expectedVersion, validTo }: EndRelationshipCommand,
): Promise<number> {
  const { trx, audit } = write;
  const before = await lockAtVersion(write, id, expectedVersion);
  const start =
    before.valid_from && before.valid_from_precision
      ? { date: before.valid_from, precision: before.valid_from_precision }
      : null;
  const issues = new Issues();
  checkEnd(issues, start, validTo);
  issues.throwIfAny();
  const beforeSnapshot = await relationshipSnapshot(trx, before);
  const after = await updateRelationshipAtVersion(trx, id.id, expectedVersion, {
    valid_to: validTo.date,
    valid_to_precision: validTo.precision,
    // An end given as a date is that date (unknown or open no longer).
    valid_to_bound: 'KNOWN',
  });
  await audit({
    action: 'relationship.end',
    entityType: 'ActorRelationship',
    entityId: id.id,
    before: beforeSnapshot,
    after: await relationshipSnapshot(trx, after),
  });
  return id.id;
}

/**
 * Deletes a relationship at the version the caller read, its evidence links and participants
 * with it, its last state kept in the audit log; returns its `from` actor. Refused when it has
 * evidence or participants the caller may not see: deleting would destroy what the caller
 * cannot even review (as a merge refuses), without saying what is in the way.
 */
export async function removeRelationship(
  write: Write,
  { id, expectedVersion }: AtVersion,
): Promise<number> {
  const { trx, audit, visibility } = write;
  const before = await lockAtVersion(write, id, expectedVersion);
  const hiddenEvidence = await hiddenEvidenceClaimIds(trx, visibility, id.id);
  const participants = await findAllParticipantsOfRelationships(trx, [id.id]);
  const visibleParticipants = await findParticipantsByRelationshipIds(trx, visibility, [id.id]);
  if (hiddenEvidence.length > 0 || visibleParticipants.length < participants.length) {
    throw new ConflictError(
      `relationship ${id.globalId} cannot be removed at your clearance: ask an editor cleared for all its records`,
    );
  }
  const beforeSnapshot = await relationshipSnapshot(trx, before);
  await deleteRelationships(trx, [id.id]);
  await audit({
    action: 'relationship.remove',
    entityType: 'ActorRelationship',
    entityId: id.id,
    before: beforeSnapshot,
    after: null,
  });
  return before.from_actor_id;
}
