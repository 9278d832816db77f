import { builder } from '../builder.js';
import { ActorKindEnum, MarkingEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import type { PartialDateShape } from '../common/time-and-quantity.schema.js';
import { findClaimsByIds } from '../claims/claim.repository.js';
import type { Executor } from '../db/executor.js';
import { MARKINGS } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { PartialDateInput, ValidTimeInput, validTimeColumns } from '../mutations/common-inputs.js';
import { Issues, assertMarkingAllowed, type Path } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import { runWrite, type Write } from '../mutations/write.js';
import { ActorRef, ActorRelationshipRef } from '../refs.js';
import {
  findActorByWikidataQid,
  findActorsByIds,
  findAliasesByActorIds,
  findExternalIdsByActorIds,
  findExternalIdsHeldByOthers,
  insertActor,
  lockClaimsNamingActor,
  lockSurvivingActor,
  lockVisibleActors,
  moveClaimActors,
  moveExternalIds,
  replaceAliases,
  replaceExternalIds,
  repointMergedActors,
  updateActorAtVersion,
  type ActorRow,
} from './actor.repository.js';
import {
  deleteRelationships,
  findEvidenceClaimIds,
  findRelationshipsByIds,
  insertRelationship,
  lockRelationshipsOfActor,
  lockVisibleRelationship,
  moveRelationshipEnds,
  replaceEvidence,
  updateRelationshipAtVersion,
  type ActorRelationshipRow,
} from './actor-relationship.repository.js';
import { LIST_CAPS } from '../common/list-caps.js';

const COUNTRY = /^[A-Z]{2}$/;
const WIKIDATA_QID = /^Q[1-9][0-9]*$/;
const LANGUAGE = /^[a-z]{2,3}(-[A-Z]{2})?$/;
/** Attributes are a handful of facts about a link, not a document store. */
const MAX_ATTRIBUTES_LENGTH = 10_000;

// ---------------------------------------------------------------------------------------------
// Inputs

export const ActorAliasInput = builder.inputType('ActorAliasInput', {
  description: 'Another name for an actor (spelling, transliteration, designation).',
  fields: (t) => ({
    name: t.string({ required: true, description: '1 to 300 characters.' }),
    language: t.string({
      description: 'Language of the alias when specific, e.g. `es` or `pt-BR`.',
    }),
  }),
});

export const ExternalIdInput = builder.inputType('ExternalIdInput', {
  description: 'The actor’s id in another register; (scheme, value) belongs to one actor only.',
  fields: (t) => ({
    scheme: t.string({ required: true, description: 'The register, as a slug (`sipri`).' }),
    value: t.string({ required: true, description: '1 to 300 characters.' }),
    url: t.string({ description: 'An http(s) URL of the entry.' }),
  }),
});

export const CreateActorInput = builder.inputType('CreateActorInput', {
  description: 'A new actor.',
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum, required: true }),
    name: t.string({ required: true, description: 'Preferred name, 1 to 300 characters.' }),
    aliases: t.field({ type: [ActorAliasInput], description: 'Other names, each once.' }),
    country: t.string({ description: 'ISO 3166-1 alpha-2 code, e.g. `VE`.' }),
    wikidataQid: t.string({ description: 'Wikidata item id, e.g. `Q717`; one actor per item.' }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    externalIds: t.field({ type: [ExternalIdInput], description: 'Ids in other registers.' }),
  }),
});

export const UpdateActorInput = builder.inputType('UpdateActorInput', {
  description:
    'Changes to an actor: omitted fields stay as they are; null clears an optional one; `aliases` and `externalIds`, when given, replace the whole list.',
  fields: (t) => ({
    kind: t.field({ type: ActorKindEnum }),
    name: t.string(),
    aliases: t.field({ type: [ActorAliasInput] }),
    country: t.string(),
    wikidataQid: t.string(),
    description: t.string(),
    marking: t.field({ type: MarkingEnum }),
    externalIds: t.field({ type: [ExternalIdInput] }),
  }),
});

export const RelateActorsInput = builder.inputType('RelateActorsInput', {
  description: 'A new relationship, read from → to (`Russia supplies Venezuela`).',
  fields: (t) => ({
    fromId: t.id({ required: true }),
    toId: t.id({ required: true, description: 'Another actor than `fromId`.' }),
    type: t.string({ required: true, description: 'A slug matching `^[a-z0-9-]+$`.' }),
    validTime: t.field({ type: ValidTimeInput }),
    confidence: t.int({ description: '0 to 100 (STIX 2.1 scale).' }),
    attributes: t.field({
      type: 'JSONObject',
      description: 'Extra facts, e.g. `{"quantity": 24}`; default `{}`.',
    }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    evidenceClaimIds: t.idList({ description: 'Claims that support the link, each once.' }),
  }),
});

export const UpdateRelationshipInput = builder.inputType('UpdateRelationshipInput', {
  description:
    'Changes to a relationship: omitted fields stay as they are; null clears an optional one; `validTime`, when given, replaces the whole value; `evidenceClaimIds` replaces the evidence you may see (claims above your clearance stay).',
  fields: (t) => ({
    fromId: t.id(),
    toId: t.id(),
    type: t.string(),
    validTime: t.field({ type: ValidTimeInput }),
    confidence: t.int(),
    attributes: t.field({ type: 'JSONObject' }),
    description: t.string(),
    marking: t.field({ type: MarkingEnum }),
    evidenceClaimIds: t.idList(),
  }),
});

// ---------------------------------------------------------------------------------------------
// Validation

type AliasValue = { alias: string; language: string | null };
type ExternalIdValue = { scheme: string; value: string; url: string | null };

function matching(
  issues: Issues,
  path: Path,
  value: string | null | undefined,
  pattern: RegExp,
  expected: string,
): string | null {
  if (value == null) return null;
  const trimmed = value.trim();
  if (!pattern.test(trimmed)) {
    issues.add(path, `expected ${expected}, got ${JSON.stringify(trimmed.slice(0, 80))}`);
  }
  return trimmed;
}

/** An optional-on-update field that may not be cleared: null is an issue, undefined unchanged. */
function notNull<T>(
  issues: Issues,
  path: Path,
  value: T | null | undefined,
  what: string,
): T | undefined {
  if (value === null) issues.add(path, `expected ${what}, got null`);
  return value ?? undefined;
}

function aliasValues(
  issues: Issues,
  path: Path,
  aliases: readonly { name: string; language?: string | null }[],
): AliasValue[] {
  if (aliases.length > LIST_CAPS.actorAliases)
    issues.add(path, `expected at most ${LIST_CAPS.actorAliases} aliases, got ${aliases.length}`);
  const seen = new Map<string, number>();
  return aliases.map((input, i) => {
    const alias = issues.text([...path, i, 'name'], input.name, { max: 300 }) ?? '';
    const language = matching(
      issues,
      [...path, i, 'language'],
      input.language,
      LANGUAGE,
      'a language tag like es or pt-BR',
    );
    const first = seen.get(alias);
    if (first === undefined) seen.set(alias, i);
    else
      issues.add([...path, i, 'name'], `expected each alias once, got a repeat of index ${first}`);
    return { alias, language };
  });
}

function externalIdValues(
  issues: Issues,
  path: Path,
  externalIds: readonly { scheme: string; value: string; url?: string | null }[],
): ExternalIdValue[] {
  if (externalIds.length > LIST_CAPS.actorExternalIds)
    issues.add(
      path,
      `expected at most ${LIST_CAPS.actorExternalIds} external ids, got ${externalIds.length}`,
    );
  const seen = new Map<string, number>();
  return externalIds.map((input, i) => {
    const scheme = issues.slug([...path, i, 'scheme'], input.scheme, 80);
    const value = issues.text([...path, i, 'value'], input.value, { max: 300 }) ?? '';
    const url = issues.url([...path, i, 'url'], input.url);
    const key = JSON.stringify([scheme, value]);
    const first = seen.get(key);
    if (first === undefined) seen.set(key, i);
    else
      issues.add(
        [...path, i, 'value'],
        `expected each scheme and value once, got a repeat of index ${first}`,
      );
    return { scheme, value, url };
  });
}

function attributesValue(
  issues: Issues,
  path: Path,
  attributes: Record<string, unknown>,
): Record<string, unknown> {
  const length = JSON.stringify(attributes).length;
  if (length > MAX_ATTRIBUTES_LENGTH) {
    issues.add(path, `expected at most ${MAX_ATTRIBUTES_LENGTH} characters of JSON, got ${length}`);
  }
  return attributes;
}

/** A decoded global id with what the caller sent and where, to name it if it is not found. */
interface Reference {
  id: number;
  globalId: string;
  path: Path;
}

function reference(issues: Issues, path: Path, globalId: string, typename: string): Reference {
  return { id: issues.id(path, globalId, typename), globalId, path };
}

/** References to claims, each once. */
function claimReferences(issues: Issues, path: Path, globalIds: readonly string[]): Reference[] {
  const seen = new Map<number, number>();
  return globalIds.map((globalId, i) => {
    const ref = reference(issues, [...path, i], globalId, 'Claim');
    if (ref.id === 0) return ref;
    const first = seen.get(ref.id);
    if (first === undefined) seen.set(ref.id, i);
    else issues.add(ref.path, `expected each claim once, got a repeat of index ${first}`);
    return ref;
  });
}

// ---------------------------------------------------------------------------------------------
// Checks against the database

function actorGlobalId(id: number): string {
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
async function survivorVisible(
  trx: Executor,
  visibility: Visibility,
  row: ActorRow,
): Promise<boolean> {
  return (
    row.merged_into_id === null || (await findActorsByIds(trx, visibility, [row.id])).length > 0
  );
}

/** The actor a reference names (its survivor when merged), or NotFound at the reference's path. */
async function referencedActor(
  trx: Executor,
  visibility: Visibility,
  ref: Reference,
): Promise<ActorRow> {
  const actor = await lockSurvivingActor(trx, visibility, ref.id);
  if (!actor) throw new NotFoundError('Actor', ref.globalId, ref.path);
  return actor;
}

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

/** An actor as the audit log records it: the row with its names and external ids. */
async function actorSnapshot(
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

async function hiddenEvidenceClaimIds(
  trx: Executor,
  visibility: Visibility,
  relationshipId: number,
): Promise<number[]> {
  const ids = (await findEvidenceClaimIds(trx, [relationshipId])).map((e) => e.claim_id);
  const visible = new Set((await findClaimsByIds(trx, visibility, ids)).map((claim) => claim.id));
  return ids.filter((id) => !visible.has(id));
}

async function relationshipSnapshot(
  trx: Executor,
  row: ActorRelationshipRow,
): Promise<Record<string, unknown>> {
  const evidence = await findEvidenceClaimIds(trx, [row.id]);
  return { ...row, evidence_claim_ids: evidence.map((e) => e.claim_id) };
}

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
  { trx, audit }: Write,
  visibility: Visibility,
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

// ---------------------------------------------------------------------------------------------
// Mutations

const idempotencyKeyArg = {
  description: 'Retries with the same key within 24 h return the first result and write nothing.',
};

builder.mutationFields((t) => ({
  createActor: t.field({
    type: ActorRef,
    description: 'Records an actor with its aliases and external ids.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'actor' } },
    args: {
      input: t.arg({ type: CreateActorInput, required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, { input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        { operation: 'createActor', role: 'editor', idempotencyKey, input },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const name = issues.text(['input', 'name'], input.name, { max: 300 }) ?? '';
          const aliases = aliasValues(issues, ['input', 'aliases'], input.aliases ?? []);
          const country = matching(
            issues,
            ['input', 'country'],
            input.country,
            COUNTRY,
            'an ISO 3166-1 alpha-2 code like VE',
          );
          const wikidataQid = matching(
            issues,
            ['input', 'wikidataQid'],
            input.wikidataQid,
            WIKIDATA_QID,
            'a Wikidata item id like Q717',
          );
          const description = issues.text(['input', 'description'], input.description, {
            max: 5000,
          });
          const externalIds = externalIdValues(
            issues,
            ['input', 'externalIds'],
            input.externalIds ?? [],
          );
          issues.throwIfAny();
          const marking = input.marking ?? 'CLEAR';
          assertMarkingAllowed(viewer, marking);
          await assertIdentifiersFree(trx, ctx.visibility, null, wikidataQid, externalIds);
          const row = await insertActor(trx, {
            kind: input.kind,
            name,
            country,
            wikidata_qid: wikidataQid,
            description,
            marking,
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
        },
      ),
  }),

  updateActor: t.field({
    type: ActorRef,
    description: 'Changes an actor at the version you read (`expectedVersion`).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'actor' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateActorInput, required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, { id, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'updateActor',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, input },
        },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const actorId = issues.id(['id'], id, 'Actor');
          const kind = notNull(issues, ['input', 'kind'], input.kind, 'a kind');
          const givenName = notNull(issues, ['input', 'name'], input.name, 'a name');
          const name =
            givenName === undefined
              ? undefined
              : (issues.text(['input', 'name'], givenName, { max: 300 }) ?? '');
          const aliases =
            input.aliases === undefined
              ? undefined
              : aliasValues(issues, ['input', 'aliases'], input.aliases ?? []);
          const country =
            input.country === undefined
              ? undefined
              : matching(
                  issues,
                  ['input', 'country'],
                  input.country,
                  COUNTRY,
                  'an ISO 3166-1 alpha-2 code like VE',
                );
          const wikidataQid =
            input.wikidataQid === undefined
              ? undefined
              : matching(
                  issues,
                  ['input', 'wikidataQid'],
                  input.wikidataQid,
                  WIKIDATA_QID,
                  'a Wikidata item id like Q717',
                );
          const description =
            input.description === undefined
              ? undefined
              : issues.text(['input', 'description'], input.description, { max: 5000 });
          const marking = notNull(issues, ['input', 'marking'], input.marking, 'a marking');
          const externalIds =
            input.externalIds === undefined
              ? undefined
              : externalIdValues(issues, ['input', 'externalIds'], input.externalIds ?? []);
          issues.throwIfAny();
          if (marking) assertMarkingAllowed(viewer, marking);
          const [before] = await lockVisibleActors(trx, ctx.visibility, [actorId]);
          if (!before || !(await survivorVisible(trx, ctx.visibility, before)))
            throw new NotFoundError('Actor', id, ['id']);
          if (before.merged_into_id !== null) {
            throw new ValidationError([
              {
                path: ['id'],
                message: `expected an actor that is not merged, got one merged into ${actorGlobalId(before.merged_into_id)}: update that one`,
              },
            ]);
          }
          assertVersion('Actor', id, before, expectedVersion);
          await assertIdentifiersFree(trx, ctx.visibility, actorId, wikidataQid, externalIds);
          const beforeSnapshot = await actorSnapshot(trx, before);
          const after = await updateActorAtVersion(trx, actorId, expectedVersion, {
            kind,
            name,
            country,
            wikidata_qid: wikidataQid,
            description,
            marking,
          });
          // Unreachable under the row lock; narrows the type.
          if (!after) throw new NotFoundError('Actor', id, ['id']);
          if (aliases) await replaceAliases(trx, actorId, aliases);
          if (externalIds) await replaceExternalIds(trx, actorId, externalIds);
          await audit({
            action: 'actor.update',
            entityType: 'Actor',
            entityId: actorId,
            before: beforeSnapshot,
            after: await actorSnapshot(trx, after),
          });
          return actorId;
        },
      ),
  }),

  mergeActors: t.field({
    type: ActorRef,
    description: [
      'Merges a duplicate (`mergedId`) into the actor that stays (`survivorId`), losing nothing: the',
      'duplicate’s name and aliases become aliases of the survivor, its claims (as subject or',
      'object), relationships, external ids and missing Wikidata item, country and description',
      'move to the survivor. A relationship between the two would link the survivor to itself: it',
      'is deleted, and recorded in the audit log with its evidence (the merge is refused when such a',
      'relationship is above your clearance). The duplicate’s id keeps',
      'resolving to the survivor. Both actors must be of the same kind, the duplicate marked no',
      'stricter than the survivor, and not carry another Wikidata item. Returns the survivor.',
    ].join(' '),
    authScopes: { editor: true },
    errors: { dataField: { name: 'actor' } },
    args: {
      survivorId: t.arg.id({ required: true, description: 'The actor that stays.' }),
      expectedSurvivorVersion: t.arg.int({ required: true }),
      mergedId: t.arg.id({ required: true, description: 'The duplicate merged into it.' }),
      expectedMergedVersion: t.arg.int({ required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, args, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'mergeActors',
          role: 'editor',
          idempotencyKey: args.idempotencyKey,
          input: {
            survivorId: args.survivorId,
            expectedSurvivorVersion: args.expectedSurvivorVersion,
            mergedId: args.mergedId,
            expectedMergedVersion: args.expectedMergedVersion,
          },
        },
        async (write) => {
          const { trx, audit } = write;
          const issues = new Issues();
          const survivorId = issues.id(['survivorId'], args.survivorId, 'Actor');
          const mergedId = issues.id(['mergedId'], args.mergedId, 'Actor');
          if (survivorId !== 0 && survivorId === mergedId) {
            issues.add(['mergedId'], 'expected another actor than the survivor, got the same one');
          }
          issues.throwIfAny();
          const locked = await lockVisibleActors(trx, ctx.visibility, [survivorId, mergedId]);
          const survivor = locked.find((row) => row.id === survivorId);
          const merged = locked.find((row) => row.id === mergedId);
          if (!survivor || !(await survivorVisible(trx, ctx.visibility, survivor)))
            throw new NotFoundError('Actor', args.survivorId, ['survivorId']);
          if (!merged || !(await survivorVisible(trx, ctx.visibility, merged)))
            throw new NotFoundError('Actor', args.mergedId, ['mergedId']);
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
          // The survivor's names and links would otherwise show the duplicate's to readers
          // cleared only for the survivor.
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
          assertVersion('Actor', args.survivorId, survivor, args.expectedSurvivorVersion);
          assertVersion('Actor', args.mergedId, merged, args.expectedMergedVersion);

          const survivorBefore = await actorSnapshot(trx, survivor);
          const mergedBefore = await actorSnapshot(trx, merged);
          const aliases = mergedAliases(
            survivor,
            survivorBefore.aliases,
            merged,
            mergedBefore.aliases,
          );
          assertMergeWithinCaps(
            aliases.length,
            survivorBefore.external_ids.length + mergedBefore.external_ids.length,
          );

          await moveClaimsOnMerge(write, mergedId, survivorId);
          await moveRelationshipsOnMerge(write, ctx.visibility, mergedId, survivorId);

          await replaceAliases(trx, survivorId, aliases);
          await replaceAliases(trx, mergedId, []);
          await moveExternalIds(trx, mergedId, survivorId);
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
          // Unreachable under the row locks; narrows the types.
          if (!mergedAfter || !survivorAfter) throw new NotFoundError('Actor', args.survivorId);
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
        },
      ),
  }),

  relateActors: t.field({
    type: ActorRelationshipRef,
    description: 'Records a relationship between two actors, with the claims that evidence it.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'relationship' } },
    args: {
      input: t.arg({ type: RelateActorsInput, required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, { input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        { operation: 'relateActors', role: 'editor', idempotencyKey, input },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const fromRef = reference(issues, ['input', 'fromId'], input.fromId, 'Actor');
          const toRef = reference(issues, ['input', 'toId'], input.toId, 'Actor');
          if (fromRef.id !== 0 && fromRef.id === toRef.id) {
            issues.add(['input', 'toId'], 'expected another actor than fromId, got the same one');
          }
          const type = issues.relationshipType(['input', 'type'], input.type);
          const validTime = validTimeColumns(issues, ['input', 'validTime'], input.validTime);
          const confidence = issues.intRange(['input', 'confidence'], input.confidence, 0, 100);
          const attributes = attributesValue(
            issues,
            ['input', 'attributes'],
            input.attributes ?? {},
          );
          const description = issues.text(['input', 'description'], input.description, {
            max: 5000,
          });
          const evidence = claimReferences(
            issues,
            ['input', 'evidenceClaimIds'],
            input.evidenceClaimIds ?? [],
          );
          issues.throwIfAny();
          const marking = input.marking ?? 'CLEAR';
          assertMarkingAllowed(viewer, marking);
          const from = await referencedActor(trx, ctx.visibility, fromRef);
          const to = await referencedActor(trx, ctx.visibility, toRef);
          if (from.id === to.id) {
            throw new ValidationError([
              {
                path: ['input', 'toId'],
                message: 'expected another actor than fromId, got one merged into the same actor',
              },
            ]);
          }
          await assertClaimsVisible(trx, ctx.visibility, evidence);
          const row = await insertRelationship(trx, {
            from_actor_id: from.id,
            to_actor_id: to.id,
            type,
            ...validTime,
            confidence,
            attributes,
            description,
            marking,
          });
          await replaceEvidence(
            trx,
            row.id,
            evidence.map((ref) => ref.id),
          );
          await audit({
            action: 'relationship.create',
            entityType: 'ActorRelationship',
            entityId: row.id,
            before: null,
            after: await relationshipSnapshot(trx, row),
          });
          return row.id;
        },
      ),
  }),

  updateRelationship: t.field({
    type: ActorRelationshipRef,
    description: 'Changes a relationship at the version you read (`expectedVersion`).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'relationship' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateRelationshipInput, required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, { id, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'updateRelationship',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, input },
        },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const relationshipId = issues.id(['id'], id, 'ActorRelationship');
          const fromGlobalId = notNull(issues, ['input', 'fromId'], input.fromId, 'an actor');
          const toGlobalId = notNull(issues, ['input', 'toId'], input.toId, 'an actor');
          const fromRef =
            fromGlobalId === undefined
              ? undefined
              : reference(issues, ['input', 'fromId'], fromGlobalId, 'Actor');
          const toRef =
            toGlobalId === undefined
              ? undefined
              : reference(issues, ['input', 'toId'], toGlobalId, 'Actor');
          const givenType = notNull(issues, ['input', 'type'], input.type, 'a type');
          const type =
            givenType === undefined
              ? undefined
              : issues.relationshipType(['input', 'type'], givenType);
          const validTime =
            input.validTime === undefined
              ? undefined
              : validTimeColumns(issues, ['input', 'validTime'], input.validTime);
          const confidence =
            input.confidence === undefined
              ? undefined
              : issues.intRange(['input', 'confidence'], input.confidence, 0, 100);
          const attributes =
            input.attributes === undefined
              ? undefined
              : attributesValue(issues, ['input', 'attributes'], input.attributes ?? {});
          const description =
            input.description === undefined
              ? undefined
              : issues.text(['input', 'description'], input.description, { max: 5000 });
          const marking = notNull(issues, ['input', 'marking'], input.marking, 'a marking');
          const evidence =
            input.evidenceClaimIds === undefined
              ? undefined
              : claimReferences(
                  issues,
                  ['input', 'evidenceClaimIds'],
                  input.evidenceClaimIds ?? [],
                );
          issues.throwIfAny();
          if (marking) assertMarkingAllowed(viewer, marking);
          const before = await lockVisibleRelationship(trx, ctx.visibility, relationshipId);
          assertVersion('ActorRelationship', id, before, expectedVersion);
          if (!before) throw new NotFoundError('ActorRelationship', id, ['id']);
          const from = fromRef && (await referencedActor(trx, ctx.visibility, fromRef));
          const to = toRef && (await referencedActor(trx, ctx.visibility, toRef));
          if ((from?.id ?? before.from_actor_id) === (to?.id ?? before.to_actor_id)) {
            throw new ValidationError([
              {
                path: ['input', to ? 'toId' : 'fromId'],
                message: 'expected the two ends to be different actors, got the same one',
              },
            ]);
          }
          if (evidence) await assertClaimsVisible(trx, ctx.visibility, evidence);
          const beforeSnapshot = await relationshipSnapshot(trx, before);
          const after = await updateRelationshipAtVersion(trx, relationshipId, expectedVersion, {
            from_actor_id: from?.id,
            to_actor_id: to?.id,
            type,
            ...validTime,
            confidence,
            attributes,
            description,
            marking,
          });
          // Unreachable under the row lock; narrows the type.
          if (!after) throw new NotFoundError('ActorRelationship', id, ['id']);
          if (evidence) {
            await replaceEvidence(trx, relationshipId, [
              ...evidence.map((ref) => ref.id),
              // The caller can neither name nor remove claims it may not see: they stay.
              ...(await hiddenEvidenceClaimIds(trx, ctx.visibility, relationshipId)),
            ]);
          }
          await audit({
            action: 'relationship.update',
            entityType: 'ActorRelationship',
            entityId: relationshipId,
            before: beforeSnapshot,
            after: await relationshipSnapshot(trx, after),
          });
          return relationshipId;
        },
      ),
  }),

  endRelationship: t.field({
    type: ActorRelationshipRef,
    description:
      'Sets when a relationship ended (or corrects that end), at the version you read; the end may not precede the start.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'relationship' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      validTo: t.arg({ type: PartialDateInput, required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: async (_root, { id, expectedVersion, validTo, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'endRelationship',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, validTo },
        },
        async ({ trx, audit }) => {
          const issues = new Issues();
          const relationshipId = issues.id(['id'], id, 'ActorRelationship');
          checkEnd(issues, null, validTo);
          issues.throwIfAny();
          const before = await lockVisibleRelationship(trx, ctx.visibility, relationshipId);
          assertVersion('ActorRelationship', id, before, expectedVersion);
          if (!before) throw new NotFoundError('ActorRelationship', id, ['id']);
          const start =
            before.valid_from && before.valid_from_precision
              ? { date: before.valid_from, precision: before.valid_from_precision }
              : null;
          checkEnd(issues, start, validTo);
          issues.throwIfAny();
          const beforeSnapshot = await relationshipSnapshot(trx, before);
          const after = await updateRelationshipAtVersion(trx, relationshipId, expectedVersion, {
            valid_to: validTo.date,
            valid_to_precision: validTo.precision,
          });
          // Unreachable under the row lock; narrows the type.
          if (!after) throw new NotFoundError('ActorRelationship', id, ['id']);
          await audit({
            action: 'relationship.end',
            entityType: 'ActorRelationship',
            entityId: relationshipId,
            before: beforeSnapshot,
            after: await relationshipSnapshot(trx, after),
          });
          return relationshipId;
        },
      ),
  }),
}));

/**
 * Checks an end date with the shared valid-time rules (aligned to its precision, not before
 * `start`); those name the bound `to`, this mutation's argument is `validTo`.
 */
function checkEnd(issues: Issues, start: PartialDateShape | null, validTo: PartialDateShape) {
  const bound = new Issues();
  validTimeColumns(bound, [], { from: start, to: validTo });
  for (const issue of bound.list) issues.add(['validTo', ...issue.path.slice(1)], issue.message);
}
