import { initContextCache } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { builder } from '../builder.js';
import { requireIdOf } from '../common/global-id.js';
import type { Context } from '../context.js';
import { audienceOf } from './audiences.js';
import type { ChangeEvent } from './change-bus.js';
import { visibleRecordKeys } from './change.repository.js';
import { ChangeEdge, loadNode, type ChangeItem } from './change.schema.js';

// GraphQL over Server-Sent Events (Yoga serves them natively; README "Subscriptions"). Each
// committed write publishes its changes (src/mutations/write.ts); each subscriber picks those
// its field asks for and sees them only as its own visibility allows at delivery time.

/**
 * The items of `event`s `pick` keeps that this subscriber may learn of now: a record it can see
 * comes with its node, a deleted one as a tombstone only when the subscriber's audience could
 * once see it; a record that exists but is hidden from it (draft, marking, embargo) is dropped.
 */
async function deliverable(
  ctx: Context,
  batch: readonly ChangeEvent[],
  pick: (event: ChangeEvent) => boolean,
): Promise<ChangeItem[]> {
  const picked = batch.filter(pick);
  if (picked.length === 0) return [];
  // ctx.db is the primary: read routing applies to queries only, and a replica might not have
  // replayed the write that sent the event yet.
  const visible = await visibleRecordKeys(ctx.db, ctx.visibility, picked);
  const audience = audienceOf(ctx.visibility);
  // Fresh dataloaders per event: the subscription's context lives as long as its stream, and a
  // node cached at the last event would be served stale.
  Object.assign(ctx, initContextCache());
  // Loaded together, so the dataloaders batch a briefing's claims into one statement per type.
  const items = await Promise.all(
    picked.map(async (event): Promise<ChangeItem | null> => {
      const row = {
        id: event.changeId,
        entity_type: event.type,
        entity_id: event.id,
        operation: event.operation,
        at: new Date(event.at),
      };
      if (visible.has(`${event.type}:${event.id}`)) {
        const node = await loadNode(ctx, event.type, event.id);
        return node ? { row, node } : null;
      }
      return event.operation === 'DELETE' && event.seenBy.includes(audience)
        ? { row, node: null }
        : null;
    }),
  );
  return items.filter((item) => item !== null);
}

/** The subscriber's stream: holds one of its slots until it ends, however it ends. */
function deliveries(
  ctx: Context,
  pick: (event: ChangeEvent) => boolean,
): AsyncIterableIterator<ChangeItem> {
  const bus = ctx.changes;
  if (!bus) {
    throw new GraphQLError('subscriptions are not served by this instance', {
      extensions: { code: 'SUBSCRIPTIONS_UNAVAILABLE' },
    });
  }
  const release = bus.openSlot(ctx.caller);
  const batches = bus.subscribe();
  async function* items(): AsyncGenerator<ChangeItem> {
    try {
      for await (const batch of batches) yield* await deliverable(ctx, batch, pick);
    } finally {
      release();
    }
  }
  const generator = items();
  // The generator's `finally` runs only once started: a stream closed before its first event
  // releases its slot here.
  const end = async () => {
    release();
    await batches.return?.();
    return generator.return(undefined);
  };
  return {
    next: () => generator.next(),
    return: end,
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}

const SUBSCRIPTION_LIMITS =
  'An open subscription counts against SUBSCRIPTIONS_MAX_PER_CALLER (per API key, or per client address without one) and SUBSCRIPTIONS_MAX (per server process); beyond them it is refused with TOO_MANY_SUBSCRIPTIONS.';

builder.subscriptionType({
  description: `Changes as they commit, over Server-Sent Events (GraphQL over SSE; send \`Accept: text/event-stream\`). Each event is checked against what you may see when it is delivered: a record you cannot see (a draft, above your clearance, under embargo) never reaches you, not even as a tombstone, and changes to it are dropped, not delayed. A subscription delivers what happens while it is open: to catch up after a disconnection, read \`changes(since:)\` from the last cursor you received. ${SUBSCRIPTION_LIMITS}`,
});

builder.subscriptionFields((t) => ({
  briefingPublished: t.field({
    type: ChangeEdge,
    description:
      'A briefing you may see has just been published (moved to PUBLISHED, or created published), with the briefing as `node.node`.',
    subscribe: (_root, _args, ctx) =>
      deliveries(ctx, (event) => event.type === 'Briefing' && event.published),
    resolve: (item) => item,
  }),
  briefingChanged: t.field({
    type: ChangeEdge,
    description:
      'Every committed change of one briefing you may see: UPSERT with the briefing, or TOMBSTONE when it is deleted. A briefing you cannot see yet (a draft, for anonymous callers) is accepted and stays silent until you may see it.',
    args: {
      id: t.arg.id({ required: true, description: 'The briefing’s global id.' }),
    },
    subscribe: (_root, args, ctx) => {
      const id = requireIdOf(String(args.id), 'Briefing', 'id');
      return deliveries(ctx, (event) => event.type === 'Briefing' && event.id === id);
    },
    resolve: (item) => item,
  }),
  claimChanged: t.field({
    type: ChangeEdge,
    description:
      'Every committed change of a claim of one briefing, as you may see it: UPSERT with the claim (added, edited, or shown to you by its briefing’s publication), or TOMBSTONE when a claim you could see is removed.',
    args: {
      briefingId: t.arg.id({ required: true, description: 'The briefing’s global id.' }),
    },
    subscribe: (_root, args, ctx) => {
      const briefingId = requireIdOf(String(args.briefingId), 'Briefing', 'briefingId');
      return deliveries(ctx, (event) => event.type === 'Claim' && event.briefingId === briefingId);
    },
    resolve: (item) => item,
  }),
}));
