import { lockVisibleBriefing, type BriefingRow } from '../briefings/briefing.repository.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { assertEditable, codePointLength, locateQuote } from '../briefings/briefing.mutations.js';
import { builder } from '../builder.js';
import {
  CitationRoleEnum,
  ClaimKindEnum,
  ClaimStatusEnum,
  LikelihoodEnum,
  MarkingEnum,
} from '../common/enums.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { ConflictError, NotFoundError } from '../errors/domain-errors.js';
import {
  QuantityInput,
  ValidTimeInput,
  quantityColumns,
  validTimeColumns,
} from '../mutations/common-inputs.js';
import { Issues, assertMarkingAllowed, type Path } from '../mutations/validate.js';
import { assertVersion } from '../mutations/versioning.js';
import { runWrite } from '../mutations/write.js';
import { BriefingRef, ClaimRef } from '../refs.js';
import { findSourcesByIds } from '../sources/source.repository.js';
import {
  appendCitation,
  countEvidenceLinks,
  deleteCitation,
  deleteClaim,
  findClaimLinks,
  findVisibleClaimBriefingId,
  insertClaim,
  lockVisibleClaim,
  nextClaimPosition,
  replaceCitations,
  replaceClaimObjects,
  resolveVisibleActorIds,
  updateClaimAtVersion,
  type CitationRow,
  type ClaimRow,
  type NewCitation,
} from './claim.repository.js';
import { findActorsByIds } from '../actors/actor.repository.js';
import { replaceVisibleEntries } from '../mutations/partial-replacement.js';

// Caps on list inputs, so one request cannot write unbounded rows.
const MAX_OBJECTS = LIST_CAPS.claimObjects;
const MAX_CITATIONS = 50;

export const TextSpanInput = builder.inputType('TextSpanInput', {
  description:
    'Where a quote sits in the briefing body, in Unicode code points: `body[start, end)`.',
  fields: (t) => ({
    start: t.int({ required: true }),
    end: t.int({ required: true }),
  }),
});

export const CitationInput = builder.inputType('CitationInput', {
  description: 'A source behind a claim: what it does for the claim and how credible it is there.',
  fields: (t) => ({
    sourceId: t.id({ required: true }),
    role: t.field({ type: CitationRoleEnum, required: true }),
    locator: t.string({
      description: 'Where in the source (page, paragraph, timestamp); at most 500 characters.',
    }),
    quote: t.string({ description: 'The source’s own words; at most 5,000 characters.' }),
    credibility: t.int({
      description: 'Admiralty information credibility, 1 (confirmed) to 6 (cannot be judged).',
    }),
  }),
});

const claimFieldDescriptions = {
  quote:
    'The briefing’s own words for the claim (at most 5,000 characters). Without `span` it must occur exactly once in the body.',
  span: 'Where the quote sits, when it occurs more than once; `body[start, end)` must equal it.',
  objectIds: 'The other actors in the claim, in order (at most 20, each once).',
  citations: 'The sources behind the claim, origin first (at most 50; each source once per role).',
};

export const AddClaimInput = builder.inputType('AddClaimInput', {
  description: 'A new claim, appended after the briefing’s last one.',
  fields: (t) => ({
    statement: t.string({
      required: true,
      description: 'The claim as one normalised sentence (1 to 2,000 characters).',
    }),
    kind: t.field({ type: ClaimKindEnum, description: 'Default FACT.' }),
    quote: t.string({ description: claimFieldDescriptions.quote }),
    span: t.field({ type: TextSpanInput, description: claimFieldDescriptions.span }),
    subjectId: t.id({ description: 'The actor the claim is about.' }),
    predicate: t.string({
      required: true,
      description: 'What is claimed of the subject, as a slug such as `requested-from`.',
    }),
    objectIds: t.idList({ description: claimFieldDescriptions.objectIds }),
    quantity: t.field({ type: QuantityInput }),
    validTime: t.field({ type: ValidTimeInput }),
    likelihood: t.field({ type: LikelihoodEnum }),
    confidence: t.int({ description: '0 to 100 (STIX 2.1 scale).' }),
    status: t.field({ type: ClaimStatusEnum, description: 'Default REPORTED.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
    citations: t.field({ type: [CitationInput], description: claimFieldDescriptions.citations }),
  }),
});

export const UpdateClaimInput = builder.inputType('UpdateClaimInput', {
  description:
    'Changes to a claim: omitted fields stay as they are; null clears an optional one. `objectIds` and `citations`, when given, replace the entries you may see; objects and citations of records above your clearance stay where they were. A new `quote` without `span` is located in the body again.',
  fields: (t) => ({
    statement: t.string(),
    kind: t.field({ type: ClaimKindEnum }),
    quote: t.string({ description: claimFieldDescriptions.quote }),
    span: t.field({ type: TextSpanInput, description: claimFieldDescriptions.span }),
    subjectId: t.id(),
    predicate: t.string(),
    objectIds: t.idList({ description: claimFieldDescriptions.objectIds }),
    quantity: t.field({ type: QuantityInput }),
    validTime: t.field({ type: ValidTimeInput }),
    likelihood: t.field({ type: LikelihoodEnum }),
    confidence: t.int(),
    status: t.field({ type: ClaimStatusEnum }),
    marking: t.field({ type: MarkingEnum }),
    citations: t.field({ type: [CitationInput], description: claimFieldDescriptions.citations }),
  }),
});

type CitationShape = typeof CitationInput.$inferInput;
type SpanShape = typeof TextSpanInput.$inferInput;

/** A global id in the input, decoded, with where it was named (for a NotFoundError). */
interface Reference {
  id: number;
  reference: string;
  path: Path;
}

type CheckedCitation = NewCitation & { source: Reference };

interface Anchor {
  quote: string | null;
  span_start: number | null;
  span_end: number | null;
}

/**
 * The quote and its span in the body, in code points (as PostgreSQL's substr() counts): a given
 * span must hold exactly the quote; otherwise the quote must occur exactly once. Without a body
 * (the briefing was not found) nothing is anchored.
 */
function anchorQuote(
  issues: Issues,
  body: string | null,
  quote: string | null,
  span: SpanShape | null | undefined,
): Anchor {
  const unanchored = { quote, span_start: null, span_end: null };
  if (quote === null) {
    if (span) issues.add(['input', 'span'], 'expected a quote to go with the span');
    return unanchored;
  }
  if (body === null || quote === '') return unanchored;
  if (span) {
    const problems = issues.list.length;
    const length = codePointLength(body);
    if (span.start < 0)
      issues.add(['input', 'span', 'start'], `expected start >= 0, got ${span.start}`);
    if (span.end <= span.start)
      issues.add(
        ['input', 'span', 'end'],
        `expected end > start, got ${span.end} <= ${span.start}`,
      );
    else if (span.end > length)
      issues.add(
        ['input', 'span', 'end'],
        `expected end <= ${length} (the body’s length in code points), got ${span.end}`,
      );
    if (issues.list.length === problems) {
      const found = [...body].slice(span.start, span.end).join('');
      if (found !== quote)
        issues.add(
          ['input', 'span'],
          `expected body[${span.start}, ${span.end}) to equal the quote, found ${JSON.stringify(found.slice(0, 80))}`,
        );
    }
    return { quote, span_start: span.start, span_end: span.end };
  }
  const located = locateQuote(body, quote);
  if (located.count === 0)
    issues.add(['input', 'quote'], 'expected the quote in the briefing body, found it nowhere');
  if (located.count > 1)
    issues.add(
      ['input', 'quote'],
      `expected the quote once in the briefing body, found it ${located.count} times: give a span to choose one`,
    );
  return located.span
    ? { quote, span_start: located.span.start, span_end: located.span.end }
    : unanchored;
}

function checkSubjectId(issues: Issues, reference: string): Reference {
  const path = ['input', 'subjectId'];
  return { id: issues.id(path, reference, 'Actor'), reference, path };
}

function checkObjectIds(issues: Issues, ids: readonly string[]): Reference[] {
  const path = ['input', 'objectIds'];
  if (ids.length > MAX_OBJECTS)
    issues.add(path, `expected at most ${MAX_OBJECTS} objects, got ${ids.length}`);
  const seen = new Map<number, number>();
  return ids.map((reference, i) => {
    const id = issues.id([...path, i], reference, 'Actor');
    const earlier = seen.get(id);
    if (id && earlier !== undefined)
      issues.add([...path, i], `expected each actor once, got objectIds.${earlier} again`);
    seen.set(id, i);
    return { id, reference, path: [...path, i] };
  });
}

function checkCitation(issues: Issues, path: Path, citation: CitationShape): CheckedCitation {
  const sourceId = issues.id([...path, 'sourceId'], citation.sourceId, 'Source');
  return {
    source: { id: sourceId, reference: citation.sourceId, path: [...path, 'sourceId'] },
    source_id: sourceId,
    role: citation.role,
    locator: issues.text([...path, 'locator'], citation.locator, { max: 500 }),
    quote: issues.text([...path, 'quote'], citation.quote, { max: 5000 }),
    credibility: issues.intRange([...path, 'credibility'], citation.credibility, 1, 6),
  };
}

function checkCitations(issues: Issues, citations: readonly CitationShape[]): CheckedCitation[] {
  const path = ['input', 'citations'];
  if (citations.length > MAX_CITATIONS)
    issues.add(path, `expected at most ${MAX_CITATIONS} citations, got ${citations.length}`);
  const seen = new Map<string, number>();
  return citations.map((citation, i) => {
    const checked = checkCitation(issues, [...path, i], citation);
    const key = `${checked.source_id} ${checked.role}`;
    const earlier = seen.get(key);
    if (checked.source_id && earlier !== undefined)
      issues.add(
        [...path, i],
        `expected each source once per role, got the source of citations.${earlier} as ${checked.role} again`,
      );
    seen.set(key, i);
    return checked;
  });
}

function withoutReference(citation: CheckedCitation): NewCitation {
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
    if (actorId === undefined)
      throw new NotFoundError('Actor', reference.reference, reference.path);
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

async function assertSourcesVisible(
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
  if (missing) throw new NotFoundError('Source', missing.reference, missing.path);
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

/** The claim with its objects and citations, as the audit log records it. */
async function claimSnapshot(db: Executor, row: ClaimRow): Promise<Record<string, unknown>> {
  return { ...row, ...(await findClaimLinks(db, row.id)) };
}

/**
 * A claim write locks the claim's briefing first, then the claim: updateBriefing takes the same
 * order when a new body moves spans, so span checks always see the body they will live with, and
 * the two never deadlock. An invalid id (0) finds nothing.
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

// Claims carry their own version: adding, editing or removing claims does not bump the
// briefing's version, so an editor working on the text is not refused because a colleague
// annotated it meanwhile. Claim writes still lock the briefing row (see lockClaimForWrite).
builder.mutationFields((t) => ({
  addClaim: t.field({
    type: ClaimRef,
    description:
      'Adds a claim at the end of a briefing, anchored in its body, with its objects and citations.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'claim' } },
    args: {
      briefingId: t.arg.id({ required: true }),
      input: t.arg({ type: AddClaimInput, required: true }),
      idempotencyKey: t.arg.string({
        description:
          'Retries with the same key within 24 h return the first result and write nothing.',
      }),
    },
    resolve: async (_root, args, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'addClaim',
          role: 'editor',
          idempotencyKey: args.idempotencyKey,
          input: { briefingId: args.briefingId, input: args.input },
        },
        async ({ trx, audit, viewer }) => {
          const { input } = args;
          const issues = new Issues();
          const briefingId = issues.id(['briefingId'], args.briefingId, 'Briefing');
          const statement = issues.text(['input', 'statement'], input.statement, { max: 2000 });
          const quote = issues.text(['input', 'quote'], input.quote, { max: 5000 });
          const subject = input.subjectId == null ? null : checkSubjectId(issues, input.subjectId);
          const predicate = issues.slug(['input', 'predicate'], input.predicate, 80);
          const objects = checkObjectIds(issues, input.objectIds ?? []);
          const quantity = quantityColumns(issues, ['input', 'quantity'], input.quantity);
          const validTime = validTimeColumns(issues, ['input', 'validTime'], input.validTime);
          const confidence = issues.intRange(['input', 'confidence'], input.confidence, 0, 100);
          const citations = checkCitations(issues, input.citations ?? []);
          const briefing = await lockVisibleBriefing(trx, ctx.visibility, briefingId);
          const anchor = anchorQuote(issues, briefing?.body ?? null, quote, input.span);
          issues.throwIfAny();
          if (!briefing) throw new NotFoundError('Briefing', args.briefingId, ['briefingId']);
          const marking = input.marking ?? 'CLEAR';
          assertMarkingAllowed(viewer, marking);
          assertEditable(briefing);
          const [subjectActorId = null] = await resolveActors(
            trx,
            ctx.visibility,
            subject ? [subject] : [],
          );
          const objectActorIds = await resolveActors(trx, ctx.visibility, objects);
          assertDistinctActors(objects, objectActorIds);
          await assertSourcesVisible(
            trx,
            ctx.visibility,
            citations.map((c) => c.source),
          );
          const row = await insertClaim(trx, {
            briefing_id: briefing.id,
            position: await nextClaimPosition(trx, briefing.id),
            kind: input.kind ?? 'FACT',
            statement: statement ?? '',
            ...anchor,
            subject_actor_id: subjectActorId,
            predicate,
            ...quantity,
            ...validTime,
            likelihood: input.likelihood ?? null,
            confidence,
            status: input.status ?? 'REPORTED',
            marking,
          });
          await replaceClaimObjects(trx, row.id, objectActorIds);
          await replaceCitations(trx, row.id, citations.map(withoutReference));
          await audit({
            action: 'claim.create',
            entityType: 'Claim',
            entityId: row.id,
            before: null,
            after: await claimSnapshot(trx, row),
          });
          return row.id;
        },
      ),
  }),
  updateClaim: t.field({
    type: ClaimRef,
    description: 'Changes a claim at the version you read (`expectedVersion`).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'claim' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateClaimInput, required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { id, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'updateClaim',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, input },
        },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const claimId = issues.id(['id'], id, 'Claim');
          const refuseNull = (name: keyof typeof input) => {
            if (input[name] === null)
              issues.add(
                ['input', name],
                'expected a value, got null (this field cannot be cleared)',
              );
          };
          for (const name of ['statement', 'kind', 'predicate', 'status', 'marking'] as const)
            refuseNull(name);
          const statement =
            input.statement == null
              ? undefined
              : (issues.text(['input', 'statement'], input.statement, { max: 2000 }) ?? '');
          const quote =
            input.quote === undefined
              ? undefined
              : issues.text(['input', 'quote'], input.quote, { max: 5000 });
          const subject =
            input.subjectId == null ? input.subjectId : checkSubjectId(issues, input.subjectId);
          const predicate =
            input.predicate == null
              ? undefined
              : issues.slug(['input', 'predicate'], input.predicate, 80);
          const objects =
            input.objectIds === undefined
              ? undefined
              : checkObjectIds(issues, input.objectIds ?? []);
          const quantity =
            input.quantity === undefined
              ? {}
              : quantityColumns(issues, ['input', 'quantity'], input.quantity);
          const validTime =
            input.validTime === undefined
              ? {}
              : validTimeColumns(issues, ['input', 'validTime'], input.validTime);
          const confidence =
            input.confidence === undefined
              ? undefined
              : issues.intRange(['input', 'confidence'], input.confidence, 0, 100);
          const citations =
            input.citations === undefined
              ? undefined
              : checkCitations(issues, input.citations ?? []);
          const target = await lockClaimForWrite(trx, ctx.visibility, claimId);
          // A new quote is anchored afresh; a new span alone must hold the current quote.
          const anchor =
            target && (quote !== undefined || input.span !== undefined)
              ? anchorQuote(
                  issues,
                  target.briefing.body,
                  quote === undefined ? target.claim.quote : quote,
                  input.span,
                )
              : {};
          issues.throwIfAny();
          if (!target) throw new NotFoundError('Claim', id, ['id']);
          const { briefing, claim: before } = target;
          if (input.marking) assertMarkingAllowed(viewer, input.marking);
          assertVersion('Claim', id, before, expectedVersion);
          assertEditable(briefing);
          const [subjectActorId = null] = subject
            ? await resolveActors(trx, ctx.visibility, [subject])
            : [];
          const objectActorIds = objects && (await resolveActors(trx, ctx.visibility, objects));
          if (objects && objectActorIds) assertDistinctActors(objects, objectActorIds);
          await assertSourcesVisible(
            trx,
            ctx.visibility,
            (citations ?? []).map((c) => c.source),
          );
          const beforeSnapshot = await claimSnapshot(trx, before);
          const after = await updateClaimAtVersion(trx, before.id, expectedVersion, {
            kind: input.kind ?? undefined,
            statement,
            ...anchor,
            subject_actor_id: subject === undefined ? undefined : subjectActorId,
            predicate,
            ...quantity,
            ...validTime,
            likelihood: input.likelihood,
            confidence,
            status: input.status ?? undefined,
            marking: input.marking ?? undefined,
          });
          if (!after) throw new ConflictError(`claim ${id} moved on during the update`);
          const current = await findClaimLinks(trx, after.id);
          if (objectActorIds) {
            await replaceClaimObjects(
              trx,
              after.id,
              await objectsKeepingHidden(trx, ctx.visibility, current.objectIds, objectActorIds),
            );
          }
          if (citations) {
            await replaceCitations(
              trx,
              after.id,
              await citationsKeepingHidden(
                trx,
                ctx.visibility,
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
        },
      ),
  }),
  removeClaim: t.field({
    type: BriefingRef,
    description:
      'Deletes a claim (with its objects and citations) at the version you read; returns its briefing. Refused while an actor relationship cites the claim as evidence.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'briefing' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { id, expectedVersion, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'removeClaim',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion },
        },
        async ({ trx, audit }) => {
          const issues = new Issues();
          const claimId = issues.id(['id'], id, 'Claim');
          const target = await lockClaimForWrite(trx, ctx.visibility, claimId);
          issues.throwIfAny();
          if (!target) throw new NotFoundError('Claim', id, ['id']);
          const { briefing, claim } = target;
          assertVersion('Claim', id, claim, expectedVersion);
          assertEditable(briefing);
          const evidence = await countEvidenceLinks(trx, ctx.visibility, claim.id);
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
        },
      ),
  }),
  citeSource: t.field({
    type: ClaimRef,
    description:
      'Adds a citation after the claim’s last one, at the claim version you read; bumps the claim’s version.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'claim' } },
    args: {
      claimId: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: CitationInput, required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { claimId, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'citeSource',
          role: 'editor',
          idempotencyKey,
          input: { claimId, expectedVersion, input },
        },
        async ({ trx, audit }) => {
          const issues = new Issues();
          const id = issues.id(['claimId'], claimId, 'Claim');
          const citation = checkCitation(issues, ['input'], input);
          const target = await lockClaimForWrite(trx, ctx.visibility, id);
          issues.throwIfAny();
          if (!target) throw new NotFoundError('Claim', claimId, ['claimId']);
          const { briefing, claim: before } = target;
          assertVersion('Claim', claimId, before, expectedVersion);
          assertEditable(briefing);
          await assertSourcesVisible(trx, ctx.visibility, [citation.source]);
          const links = await findClaimLinks(trx, before.id);
          if (
            links.citations.some(
              (c) => c.source_id === citation.source_id && c.role === citation.role,
            )
          )
            throw new ConflictError(
              `claim ${claimId} already cites this source as ${citation.role}`,
            );
          await appendCitation(trx, before.id, withoutReference(citation));
          const after = await updateClaimAtVersion(trx, before.id, expectedVersion, {});
          if (!after) throw new ConflictError(`claim ${claimId} moved on during the update`);
          await audit({
            action: 'citation.create',
            entityType: 'Claim',
            entityId: after.id,
            before: { ...before, ...links },
            after: await claimSnapshot(trx, after),
          });
          return after.id;
        },
      ),
  }),
  removeCitation: t.field({
    type: ClaimRef,
    description:
      'Removes one citation from a claim at the claim version you read; bumps the claim’s version.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'claim' } },
    args: {
      claimId: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      citationId: t.arg.id({ required: true, description: 'A `Citation.id` of this claim.' }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { claimId, expectedVersion, citationId, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'removeCitation',
          role: 'editor',
          idempotencyKey,
          input: { claimId, expectedVersion, citationId },
        },
        async ({ trx, audit }) => {
          const issues = new Issues();
          const id = issues.id(['claimId'], claimId, 'Claim');
          const citationDbId = issues.id(['citationId'], citationId, 'Citation');
          const target = await lockClaimForWrite(trx, ctx.visibility, id);
          issues.throwIfAny();
          if (!target) throw new NotFoundError('Claim', claimId, ['claimId']);
          const { briefing, claim: before } = target;
          assertVersion('Claim', claimId, before, expectedVersion);
          assertEditable(briefing);
          const links = await findClaimLinks(trx, before.id);
          const citation = links.citations.find((c) => c.id === citationDbId);
          // A citation of a source the caller may not see is not there for them either.
          const visible =
            citation &&
            (await findSourcesByIds(trx, ctx.visibility, [citation.source_id])).length > 0;
          if (!visible) throw new NotFoundError('Citation', citationId, ['citationId']);
          await deleteCitation(trx, before.id, citationDbId);
          const after = await updateClaimAtVersion(trx, before.id, expectedVersion, {});
          if (!after) throw new ConflictError(`claim ${claimId} moved on during the update`);
          await audit({
            action: 'citation.remove',
            entityType: 'Claim',
            entityId: after.id,
            before: { ...before, ...links },
            after: await claimSnapshot(trx, after),
          });
          return after.id;
        },
      ),
  }),
}));
