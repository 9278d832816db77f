import { findActorsByIds } from '../visibility/visible-actors.js';
import { lockVisibleBriefing } from '../visibility/visible-briefings.js';
import type { BriefingRow } from '../db/rows.js';
import { anchorQuote } from '../common/quote-anchoring.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import { replaceVisibleEntries } from '../mutations/partial-replacement.js';
import { nextParticipants, participantsSnapshot } from '../mutations/participants.js';
import {
  Issues,
  assertMarkingAllowed,
  commandOf,
  issuesOf,
  type AtVersion,
  type Parsed,
  type ParsedAtVersion,
  type Reference,
} from '../mutations/validate.js';
import { assertEditable } from '../mutations/editable.js';
import { assertVersion } from '../mutations/versioning.js';
import type { Write } from '../mutations/write.js';
import { findSourcesByIds } from '../visibility/visible-sources.js';
import type { AddClaimCommand, AddClaimKnown, ClaimChange } from './claim.inputs.js';
import type { CheckedCitation } from './citation.inputs.js';
import { lockVisibleClaim } from '../visibility/visible-claims.js';
import {
  countEvidenceLinks,
  deleteClaim,
  findClaimLinks,
  findClaimsLinks,
  findVisibleClaimBriefingId,
  insertClaim,
  nextClaimPosition,
  updateClaimAtVersion,
  type CitationRow,
  type ClaimRow,
} from './claim.repository.js';
import { replaceCitations, type NewCitation } from './citation.repository.js';
import { replaceClaimObjects, resolveVisibleActorIds } from './claim-objects.repository.js';
import {
  findClaimDatesByClaimIds,
  findQuantitiesByClaimIds,
  replaceClaimDates,
  replaceClaimQuantities,
} from './claim-facets.repository.js';
import {
  findAllParticipantsOfClaims,
  replaceClaimParticipants,
} from './claim-participants.repository.js';

// Claims carry their own version: adding, editing or removing claims does not bump the
// briefing's version, so an editor working on the text is not refused because a colleague
// annotated it meanwhile. Claim writes still lock the briefing row (see lockClaimForWrite).

export function withoutReference(citation: CheckedCitation): NewCitation {
  const { source_id, role, locator, quote, credibility } = citation;
  return { source_id, role, locator, quote, credibility };
}

/**
 * Every referenced actor must exist and be visible to the caller; returns the ids to store, in
 * order (a merged actor's survivor in its place).
 */
async function resolveActors(
  db: Executor,
  visibility: Visibility,
  references: readonly Reference[],
): Promise<number[]> {
  if (references.length === 0) return [];
  const resolved = new Map(
    (
      await resolveVisibleActorIds(
        db,
        visibility,
        references.map((r) => r.id),
      )
    ).map((row) => [row.requested_id, row.actor_id]),
  );
  return references.map((reference) => {
    const actorId = resolved.get(reference.id);
    if (actorId === undefined) throw new NotFoundError('Actor', reference.globalId, reference.path);
    return actorId;
  });
}

/** Objects named once each may still meet in one survivor after a merge: refused as well. */
function assertDistinctActors(references: readonly Reference[], actorIds: readonly number[]): void {
  const issues = new Issues();
  actorIds.forEach((actorId, i) => {
    const earlier = actorIds.indexOf(actorId);
    const reference = references[i];
    if (earlier < i && reference)
      issues.add(
        reference.path,
        `expected each actor once, got the actor of objectIds.${earlier} again (merged into it)`,
      );
  });
  issues.throwIfAny();
}

/** The objects' actor ids to store, each visible and distinct after merges. */
async function resolveObjects(
  db: Executor,
  visibility: Visibility,
  objects: readonly Reference[],
): Promise<number[]> {
  const actorIds = await resolveActors(db, visibility, objects);
  assertDistinctActors(objects, actorIds);
  return actorIds;
}

export async function assertSourcesVisible(
  db: Executor,
  visibility: Visibility,
  references: readonly Reference[],
): Promise<void> {
  if (references.length === 0) return;
  const visible = new Set(
    (
      await findSourcesByIds(
        db,
        visibility,
        references.map((r) => r.id),
      )
    ).map((s) => s.id),
  );
  const missing = references.find((reference) => !visible.has(reference.id));
  if (missing) throw new NotFoundError('Source', missing.globalId, missing.path);
}

/**
 * The claim's objects after a replacement: the caller's list, with the objects it may not see
 * kept where they were (the caller can neither name nor remove them).
 */
async function objectsKeepingHidden(
  db: Executor,
  visibility: Visibility,
  current: readonly number[],
  replacement: readonly number[],
): Promise<number[]> {
  const visible = new Set(
    (await findActorsByIds(db, visibility, current)).map((actor) => actor.requested_id),
  );
  return replaceVisibleEntries(
    current.map((id) => ({ entry: id, hidden: !visible.has(id) })),
    replacement,
  );
}

/**
 * The claim's citations after a replacement: the caller's list, with the citations of sources
 * it may not see kept where they were, ids and all.
 */
async function citationsKeepingHidden(
  db: Executor,
  visibility: Visibility,
  current: readonly CitationRow[],
  replacement: readonly NewCitation[],
): Promise<NewCitation[]> {
  const visible = new Set(
    (
      await findSourcesByIds(
        db,
        visibility,
        current.map((c) => c.source_id),
      )
    ).map((source) => source.id),
  );
  return replaceVisibleEntries(
    current.map(({ id, source_id, role, locator, quote, credibility }) => ({
      entry: { id, source_id, role, locator, quote, credibility },
      hidden: !visible.has(source_id),
    })),
    replacement,
  );
}

/**
 * The claim with its objects, citations, quantities, dated qualifiers and participants, as the
 * audit log records it (and `Briefing.recordAsOf` reads it back).
 */
export async function claimSnapshot(db: Executor, row: ClaimRow): Promise<Record<string, unknown>> {
  const [snapshot] = await claimSnapshots(db, [row]);
  return snapshot ?? { ...row };
}

/** claimSnapshot for several claims, in their order, in five statements (the seed's load). */
export async function claimSnapshots(
  db: Executor,
  rows: readonly ClaimRow[],
): Promise<Record<string, unknown>[]> {
  const ids = rows.map((row) => row.id);
  const links = await findClaimsLinks(db, ids);
  const quantities = await findQuantitiesByClaimIds(db, ids);
  const dates = await findClaimDatesByClaimIds(db, ids);
  const participants = await findAllParticipantsOfClaims(db, ids);
  return rows.map((row, i) => ({
    ...row,
    ...links[i],
    quantities: quantities.filter((q) => q.claim_id === row.id),
    dates: dates.filter((d) => d.claim_id === row.id),
    participants: participantsSnapshot(participants.filter((p) => p.parent_id === row.id)),
  }));
}

/**
 * A claim write locks the claim's briefing first, then the claim: updateBriefing takes the same
 * order when a new body moves spans, so span checks always see the body they will live with, and
 * the two never deadlock.
 */
async function lockClaimForWrite(
  db: Executor,
  visibility: Visibility,
  claimId: number,
): Promise<{ briefing: BriefingRow; claim: ClaimRow } | undefined> {
  const briefingId = await findVisibleClaimBriefingId(db, visibility, claimId);
  if (briefingId === undefined) return undefined;
  const briefing = await lockVisibleBriefing(db, visibility, briefingId);
  const claim = briefing && (await lockVisibleClaim(db, visibility, claimId));
  return briefing && claim ? { briefing, claim } : undefined;
}

/**
 * The claim the caller named, with its briefing, locked, at the version the caller read, in a
 * briefing that may still change.
 */
export async function lockEditableClaim(
  { trx, visibility }: Write,
  ref: Reference,
  expectedVersion: number,
): Promise<{ briefing: BriefingRow; claim: ClaimRow }> {
  const target = await lockClaimForWrite(trx, visibility, ref.id);
  if (!target) throw new NotFoundError('Claim', ref.globalId, ref.path);
  assertVersion('Claim', ref.globalId, target.claim, expectedVersion);
  assertEditable(target.briefing);
  return target;
}

/** Takes a failed parse too: the quote's problems are found in the briefing and listed with it. */
export async function addClaim(
  { trx, audit, viewer, visibility }: Write,
  parse: Parsed<AddClaimCommand, AddClaimKnown>,
): Promise<number> {
  const issues = issuesOf(parse);
  const { briefing: ref, quote, span } = parse.ok ? parse.command : parse.known;
  const briefing = ref && (await lockVisibleBriefing(trx, visibility, ref.id));
  const anchor = anchorQuote(issues, briefing?.body ?? null, quote, span);
  const { subject, objects, citations, participants, ...claim } = commandOf(parse);
  issues.throwIfAny();
  if (!briefing) throw new NotFoundError('Briefing', claim.briefing.globalId, claim.briefing.path);
  assertMarkingAllowed(viewer, claim.marking);
  assertEditable(briefing);
  const [subjectActorId = null] = await resolveActors(trx, visibility, subject ? [subject] : []);
  const objectActorIds = await resolveObjects(trx, visibility, objects);
  await assertSourcesVisible(
    trx,
    visibility,
    citations.map((c) => c.source),
  );
  const participantValues = await nextParticipants(trx, visibility, [], participants, [
    'input',
    'participants',
  ]);
  const row = await insertClaim(trx, {
    briefing_id: briefing.id,
    position: await nextClaimPosition(trx, briefing.id),
    kind: claim.kind,
    statement: claim.statement,
    ...anchor,
    subject_actor_id: subjectActorId,
    predicate: claim.predicate,
    ...claim.validTime,
    likelihood: claim.likelihood,
    likelihood_to: claim.likelihoodTo,
    confidence: claim.confidence,
    status: claim.status,
    marking: claim.marking,
  });
  await replaceClaimObjects(trx, row.id, objectActorIds);
  await replaceCitations(trx, row.id, citations.map(withoutReference));
  await replaceClaimQuantities(trx, row.id, claim.quantities);
  await replaceClaimDates(trx, row.id, claim.dates);
  await replaceClaimParticipants(trx, row.id, participantValues);
  await audit({
    action: 'claim.create',
    entityType: 'Claim',
    entityId: row.id,
    before: null,
    after: await claimSnapshot(trx, row),
  });
  return row.id;
}

/** Takes a failed parse too: the quote's problems are found in the briefing and listed with it. */
export async function updateClaim(
  { trx, audit, viewer, visibility }: Write,
  parse: ParsedAtVersion<ClaimChange>,
): Promise<number> {
  const issues = issuesOf(parse);
  const { id: ref, quote, span } = parse.ok ? parse.command : parse.known;
  const target = ref && (await lockClaimForWrite(trx, visibility, ref.id));
  // A new quote is anchored afresh; a new span alone must hold the current quote.
  const anchor =
    target && (quote !== undefined || span !== undefined)
      ? anchorQuote(
          issues,
          target.briefing.body,
          quote === undefined ? target.claim.quote : quote,
          span,
        )
      : {};
  const { id, expectedVersion, subject, objects, citations, ...change } = commandOf(parse);
  issues.throwIfAny();
  if (!target) throw new NotFoundError('Claim', id.globalId, id.path);
  const { briefing, claim: before } = target;
  if (change.marking) assertMarkingAllowed(viewer, change.marking);
  assertVersion('Claim', id.globalId, before, expectedVersion);
  assertEditable(briefing);
  const [subjectActorId = null] = subject ? await resolveActors(trx, visibility, [subject]) : [];
  const objectActorIds = objects && (await resolveObjects(trx, visibility, objects));
  await assertSourcesVisible(
    trx,
    visibility,
    (citations ?? []).map((c) => c.source),
  );
  const beforeSnapshot = await claimSnapshot(trx, before);
  const after = await updateClaimAtVersion(trx, before.id, expectedVersion, {
    kind: change.kind,
    statement: change.statement,
    ...anchor,
    subject_actor_id: subject === undefined ? undefined : subjectActorId,
    predicate: change.predicate,
    ...change.validTime,
    likelihood: change.likelihood,
    likelihood_to: change.likelihoodTo,
    confidence: change.confidence,
    status: change.status,
    marking: change.marking,
  });
  const current = await findClaimLinks(trx, after.id);
  if (change.quantities) await replaceClaimQuantities(trx, after.id, change.quantities);
  if (change.dates) await replaceClaimDates(trx, after.id, change.dates);
  if (objectActorIds) {
    await replaceClaimObjects(
      trx,
      after.id,
      await objectsKeepingHidden(trx, visibility, current.objectIds, objectActorIds),
    );
  }
  if (citations) {
    await replaceCitations(
      trx,
      after.id,
      await citationsKeepingHidden(
        trx,
        visibility,
        current.citations,
        citations.map(withoutReference),
      ),
    );
  }
  await audit({
    action: 'claim.update',
    entityType: 'Claim',
    entityId: after.id,
    before: beforeSnapshot,
    after: await claimSnapshot(trx, after),
  });
  return after.id;
}

/** Deletes the claim with its objects and citations; returns its briefing's id. */
export async function removeClaim(write: Write, command: AtVersion): Promise<number> {
  const { trx, audit, visibility } = write;
  const { briefing, claim } = await lockEditableClaim(write, command.id, command.expectedVersion);
  const evidence = await countEvidenceLinks(trx, visibility, claim.id);
  const id = command.id.globalId;
  // Relationships the caller may not see are neither counted nor named.
  if (evidence.visible > 0)
    throw new ConflictError(
      `claim ${id} is evidence for ${evidence.visible} actor relationship(s): take it out of their evidence first`,
    );
  if (evidence.all > 0)
    throw new ConflictError(`claim ${id} cannot be removed: other records depend on it`);
  const beforeSnapshot = await claimSnapshot(trx, claim);
  await deleteClaim(trx, claim.id);
  await audit({
    action: 'claim.remove',
    entityType: 'Claim',
    entityId: claim.id,
    before: beforeSnapshot,
    after: null,
  });
  return briefing.id;
}
