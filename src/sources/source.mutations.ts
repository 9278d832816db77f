import { builder } from '../builder.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { MarkingEnum, ReliabilityEnum, SourceKindEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import type { SourceRow } from './source.repository.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { assertVersion } from '../mutations/versioning.js';
import { Issues, assertMarkingAllowed } from '../mutations/validate.js';
import { runWrite } from '../mutations/write.js';
import { SourceRef } from '../refs.js';
import {
  findDerivationChains,
  insertSource,
  lockVisibleSource,
  updateSourceAtVersion,
} from './source.repository.js';

export const CreateSourceInput = builder.inputType('CreateSourceInput', {
  description: 'A new source.',
  fields: (t) => ({
    kind: t.field({ type: SourceKindEnum, required: true }),
    title: t.string({ required: true, description: '1 to 500 characters.' }),
    publisher: t.string({ description: 'At most 200 characters.' }),
    url: t.string({ description: 'An http(s) URL.' }),
    publishedAt: t.field({ type: 'DateTime' }),
    accessedAt: t.field({ type: 'DateTime' }),
    reliability: t.field({ type: ReliabilityEnum }),
    derivedFromId: t.id({ description: 'The source this one relays.' }),
    description: t.string({ description: 'At most 5,000 characters.' }),
    marking: t.field({ type: MarkingEnum, description: 'Default CLEAR; at most your clearance.' }),
  }),
});

export const UpdateSourceInput = builder.inputType('UpdateSourceInput', {
  description: 'Changes to a source: omitted fields stay as they are; null clears an optional one.',
  fields: (t) => ({
    kind: t.field({ type: SourceKindEnum }),
    title: t.string(),
    publisher: t.string(),
    url: t.string(),
    publishedAt: t.field({ type: 'DateTime' }),
    accessedAt: t.field({ type: 'DateTime' }),
    reliability: t.field({ type: ReliabilityEnum }),
    derivedFromId: t.id(),
    description: t.string(),
    marking: t.field({ type: MarkingEnum }),
  }),
});

function snapshot(row: SourceRow): Record<string, unknown> {
  return { ...row };
}

/**
 * A source relays at most LIST_CAPS.derivationChain sources up its chain, so that
 * `derivationChain` shows all of it. `chain` is the new `derivedFrom`'s own chain.
 */
function assertChainWithinCap(chain: readonly unknown[]): void {
  const length = chain.length + 1;
  if (length > LIST_CAPS.derivationChain) {
    throw new ValidationError([
      {
        path: ['input', 'derivedFromId'],
        message: `expected a relay chain of at most ${LIST_CAPS.derivationChain} sources, got one of ${length} or more`,
      },
    ]);
  }
}

builder.mutationFields((t) => ({
  createSource: t.field({
    type: SourceRef,
    description: 'Records a source (optionally relaying another).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'source' } },
    args: {
      input: t.arg({ type: CreateSourceInput, required: true }),
      idempotencyKey: t.arg.string({
        description:
          'Retries with the same key within 24 h return the first result and write nothing.',
      }),
    },
    resolve: async (_root, { input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        { operation: 'createSource', role: 'editor', idempotencyKey, input },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const title = issues.text(['input', 'title'], input.title, { max: 500 }) ?? '';
          const publisher = issues.text(['input', 'publisher'], input.publisher, { max: 200 });
          const url = issues.url(['input', 'url'], input.url);
          const description = issues.text(['input', 'description'], input.description, {
            max: 5000,
          });
          const derivedFromId = input.derivedFromId
            ? issues.id(['input', 'derivedFromId'], input.derivedFromId, 'Source')
            : null;
          issues.throwIfAny();
          const marking = input.marking ?? 'CLEAR';
          assertMarkingAllowed(viewer, marking);
          if (derivedFromId && !(await lockVisibleSource(trx, ctx.visibility, derivedFromId))) {
            throw new NotFoundError('Source', input.derivedFromId ?? '', [
              'input',
              'derivedFromId',
            ]);
          }
          if (derivedFromId) assertChainWithinCap(await findDerivationChains(trx, [derivedFromId]));
          const row = await insertSource(trx, {
            kind: input.kind,
            title,
            publisher,
            url,
            published_at: input.publishedAt ?? null,
            accessed_at: input.accessedAt ?? null,
            reliability: input.reliability ?? null,
            derived_from_id: derivedFromId,
            description,
            marking,
          });
          await audit({
            action: 'source.create',
            entityType: 'Source',
            entityId: row.id,
            before: null,
            after: snapshot(row),
          });
          return row.id;
        },
      ),
  }),
  updateSource: t.field({
    type: SourceRef,
    description: 'Changes a source at the version you read (`expectedVersion`).',
    authScopes: { editor: true },
    errors: { dataField: { name: 'source' } },
    args: {
      id: t.arg.id({ required: true }),
      expectedVersion: t.arg.int({ required: true }),
      input: t.arg({ type: UpdateSourceInput, required: true }),
      idempotencyKey: t.arg.string(),
    },
    resolve: async (_root, { id, expectedVersion, input, idempotencyKey }, ctx) =>
      runWrite(
        ctx,
        {
          operation: 'updateSource',
          role: 'editor',
          idempotencyKey,
          input: { id, expectedVersion, input },
        },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const sourceId = issues.id(['id'], id, 'Source');
          const title =
            input.title === undefined
              ? undefined
              : (issues.text(['input', 'title'], input.title ?? '', { max: 500 }) ?? '');
          const publisher =
            input.publisher === undefined
              ? undefined
              : issues.text(['input', 'publisher'], input.publisher, { max: 200 });
          const url = input.url === undefined ? undefined : issues.url(['input', 'url'], input.url);
          const description =
            input.description === undefined
              ? undefined
              : issues.text(['input', 'description'], input.description, { max: 5000 });
          const derivedFromId =
            input.derivedFromId === undefined
              ? undefined
              : input.derivedFromId === null
                ? null
                : issues.id(['input', 'derivedFromId'], input.derivedFromId, 'Source');
          if (input.kind === null) issues.add(['input', 'kind'], 'expected a kind, got null');
          issues.throwIfAny();
          if (input.marking) assertMarkingAllowed(viewer, input.marking);
          const before = await lockVisibleSource(trx, ctx.visibility, sourceId);
          assertVersion('Source', id, before, expectedVersion);
          if (derivedFromId) {
            if (derivedFromId === sourceId)
              throw new ValidationError([
                {
                  path: ['input', 'derivedFromId'],
                  message: 'expected another source, got the source itself',
                },
              ]);
            if (!(await lockVisibleSource(trx, ctx.visibility, derivedFromId)))
              throw new NotFoundError('Source', input.derivedFromId ?? '', [
                'input',
                'derivedFromId',
              ]);
            const chain = await findDerivationChains(trx, [derivedFromId]);
            if (chain.some((link) => link.source_id === sourceId)) {
              throw new ValidationError([
                {
                  path: ['input', 'derivedFromId'],
                  message: `expected no cycle, but ${encodeGlobalId('Source', derivedFromId)} already derives from this source`,
                },
              ]);
            }
            assertChainWithinCap(chain);
          }
          const after = await updateSourceAtVersion(trx, sourceId, expectedVersion, {
            kind: input.kind ?? undefined,
            title,
            publisher,
            url,
            published_at: input.publishedAt,
            accessed_at: input.accessedAt,
            reliability: input.reliability,
            derived_from_id: derivedFromId,
            description,
            marking: input.marking ?? undefined,
          });
          assertVersion('Source', id, after, expectedVersion + 1);
          if (!before || !after) throw new NotFoundError('Source', id, ['id']);
          await audit({
            action: 'source.update',
            entityType: 'Source',
            entityId: sourceId,
            before: snapshot(before),
            after: snapshot(after),
          });
          return sourceId;
        },
      ),
  }),
}));
