import { builder } from '../builder.js';
import { MarkingEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import { lockVisibleActors } from '../actors/actor.repository.js';
import { lockVisibleRelationship } from '../actors/actor-relationship.repository.js';
import { lockVisibleSource } from '../sources/source.repository.js';
import type { Marking } from '../db/types.js';
import { NotFoundError, ValidationError } from '../errors/domain-errors.js';
import { Issues } from '../mutations/validate.js';
import { runWrite, type Write } from '../mutations/write.js';
import type { Context } from '../context.js';
import { ActorRef, ActorRelationshipRef, SourceRef } from '../refs.js';
import { releaseToEveryone, type SharedTable } from './release.repository.js';

// The embargo on shared records (see migrations/2026-11-30T00-00-00_embargo.ts): anonymous
// callers and partners see an actor, source or relationship only once a published briefing
// references it, or once an editor publishes it here. Analysts and editors see the state.

const RELEASED_TO_DESCRIPTION =
  'The widest audience this record is released to: the least restrictive marking of the published briefings that reference it, or CLEAR once an editor published it. Null while embargoed, when anonymous callers and partners cannot see it at all (analysts and editors can, up to their clearance). Once released it stays released.';

for (const ref of [ActorRef, SourceRef, ActorRelationshipRef] as const) {
  builder.objectField(ref, 'releasedTo', (t) =>
    t.field({
      type: MarkingEnum,
      nullable: true,
      description: RELEASED_TO_DESCRIPTION,
      resolve: (row) => row.released_to,
    }),
  );
}

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
  entity: { type: string; table: SharedTable; globalId: string; id: number },
  lock: () => Promise<Published | undefined>,
): Promise<number> {
  const before = await lock();
  if (!before) throw new NotFoundError(entity.type, entity.globalId, ['id']);
  await releaseToEveryone(trx, entity.table, entity.id);
  const after = await lock();
  if (!after) throw new NotFoundError(entity.type, entity.globalId, ['id']);
  if (after.released_to !== before.released_to) {
    await audit({
      action: `${entity.table === 'actor_relationship' ? 'relationship' : entity.table}.publish`,
      entityType: entity.type,
      entityId: entity.id,
      before: { released_to: before.released_to },
      after: { released_to: after.released_to },
    });
  }
  return entity.id;
}

const idempotencyKeyArg = {
  description: 'Retries with the same key within 24 h return the first result and write nothing.',
};

function parseId(id: string, type: string): number {
  const issues = new Issues();
  const parsed = issues.id(['id'], id, type);
  issues.throwIfAny();
  return parsed;
}

function publishResolver(
  operation: string,
  type: string,
  table: SharedTable,
  lock: (ctx: Context, write: Write, id: number) => Promise<Published | undefined>,
) {
  return (_root: unknown, args: { id: string; idempotencyKey?: string | null }, ctx: Context) =>
    runWrite(
      ctx,
      { operation, role: 'editor', idempotencyKey: args.idempotencyKey, input: { id: args.id } },
      (write) => {
        const id = parseId(args.id, type);
        return publish(write, { type, table, globalId: args.id, id }, () => lock(ctx, write, id));
      },
    );
}

builder.mutationFields((t) => ({
  publishActor: t.field({
    type: ActorRef,
    description:
      'Releases an actor from embargo ahead of any published briefing: anonymous callers and partners then see it, within its own marking. Publishing again changes nothing.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'actor' } },
    args: {
      id: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: publishResolver('publishActor', 'Actor', 'actor', async (ctx, { trx }, id) => {
      const [actor] = await lockVisibleActors(trx, ctx.visibility, [id]);
      if (actor?.merged_into_id != null) {
        throw new ValidationError([
          {
            path: ['id'],
            message: `expected an actor that is not merged, got one merged into ${encodeGlobalId('Actor', actor.merged_into_id)}: publish that one`,
          },
        ]);
      }
      return actor;
    }),
  }),
  publishSource: t.field({
    type: SourceRef,
    description:
      'Releases a source from embargo, with the sources it relays: anonymous callers and partners then see them, each within its own marking. Publishing again changes nothing.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'source' } },
    args: {
      id: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: publishResolver('publishSource', 'Source', 'source', (ctx, { trx }, id) =>
      lockVisibleSource(trx, ctx.visibility, id),
    ),
  }),
  publishRelationship: t.field({
    type: ActorRelationshipRef,
    description:
      'Releases an actor relationship from embargo, with its two ends: anonymous callers and partners then see them, each within its own marking. Publishing again changes nothing.',
    authScopes: { editor: true },
    errors: { dataField: { name: 'relationship' } },
    args: {
      id: t.arg.id({ required: true }),
      idempotencyKey: t.arg.string(idempotencyKeyArg),
    },
    resolve: publishResolver(
      'publishRelationship',
      'ActorRelationship',
      'actor_relationship',
      (ctx, { trx }, id) => lockVisibleRelationship(trx, ctx.visibility, id),
    ),
  }),
}));
