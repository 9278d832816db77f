import { brandWithType } from '@pothos/core';
import { builder } from '../builder.js';
import { encodeGlobalId } from '../common/global-id.js';
import type { Context } from '../context.js';
import { badInput } from '../errors/bad-input.js';
import { decodeChangeCursor, encodeChangeCursor } from './change-cursor.js';
import { ActorRef, BriefingRef, ClaimRef, ActorRelationshipRef, SourceRef } from '../refs.js';
import type { ChangeEntityType } from '../db/types.js';
import { findChanges, type ChangeRow } from './change.repository.js';

const PAGE_DEFAULT = 100;
const PAGE_MAX = 500;

const ChangeKindEnum = builder.enumType('ChangeKind', {
  description: 'What a mirror does with a change.',
  values: {
    UPSERT: { description: 'Store `node`, replacing what you hold under `recordId`.' },
    TOMBSTONE: {
      description:
        'Remove what you hold under `recordId`: the record was deleted, or you may no longer see it (marking raised, briefing unpublished, actor merged into another).',
    },
  },
});

export interface ChangeItem {
  row: ChangeRow;
  /** The record as the caller sees it now; null makes the change a tombstone. */
  node: { id: number } | null;
}

const ChangeObject = builder.objectRef<ChangeItem>('Change').implement({
  description: 'The latest change of one record, as the caller may see it now.',
  fields: (t) => ({
    kind: t.field({
      type: ChangeKindEnum,
      description: 'UPSERT with the record, or TOMBSTONE with its type and id only.',
      resolve: (item) => (item.node ? 'UPSERT' : 'TOMBSTONE'),
    }),
    type: t.string({
      description: 'The record’s type: Briefing, Claim, Source, Actor or ActorRelationship.',
      resolve: (item) => item.row.entity_type,
    }),
    recordId: t.id({
      description: 'The record’s global id (the `id` of its node).',
      resolve: (item) => encodeGlobalId(item.row.entity_type, item.row.entity_id),
    }),
    changedAt: t.field({
      type: 'DateTime',
      description: 'When the write that made this change committed.',
      resolve: (item) => item.row.at,
    }),
    node: t.field({
      type: builder.nodeInterfaceRef(),
      nullable: true,
      description: 'The record now; null for a tombstone.',
      resolve: (item) => item.node,
    }),
  }),
});

/** The record as the caller may see it now, branded for the Node interface; null when hidden. */
export async function loadNode(
  ctx: Context,
  type: ChangeEntityType,
  id: number,
): Promise<{ id: number } | null> {
  const ref = {
    Briefing: BriefingRef,
    Claim: ClaimRef,
    Source: SourceRef,
    Actor: ActorRef,
    ActorRelationship: ActorRelationshipRef,
  }[type];
  const row = await ref.getDataloader(ctx).load(id);
  // A merged actor's id loads its survivor, which has a change of its own: to a mirror the
  // merged actor is gone.
  if (!row || row.id !== id) return null;
  brandWithType(row, ref);
  return row;
}

export const ChangeEdge = builder.objectRef<ChangeItem>('ChangeEdge').implement({
  description: 'One change, with the cursor to continue after it.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque; pass it as `since` to continue after this change.',
      resolve: (item) => encodeChangeCursor(item.row.id),
    }),
    node: t.field({ type: ChangeObject, description: 'The change.', resolve: (item) => item }),
  }),
});

interface ChangePage {
  items: ChangeItem[];
  hasNextPage: boolean;
  /** Where the next call continues: the last change of this page, else where this one began. */
  endCursor: string;
}

const ChangeConnection = builder.objectRef<ChangePage>('ChangeConnection').implement({
  description: 'A page of changes, oldest first.',
  fields: (t) => ({
    edges: t.field({
      type: [ChangeEdge],
      description: 'The changes of this page, in change order.',
      resolve: (page) => page.items,
    }),
    hasNextPage: t.boolean({
      description: 'Whether more changes follow: call again with `since: endCursor`.',
      resolve: (page) => page.hasNextPage,
    }),
    endCursor: t.string({
      description:
        'Pass it as `since` next time. Never null: an empty page gives back the cursor you sent, so a poll loop can always store it.',
      resolve: (page) => page.endCursor,
    }),
  }),
});

builder.queryField('changes', (t) =>
  t.field({
    type: ChangeConnection,
    description: `What changed since a cursor, for mirroring briefgraph: each record's latest change after \`since\`, oldest first, as you may see it now. A record you can see now comes as UPSERT with its node. A record deleted, or that you may no longer see (marking raised above your clearance, briefing unpublished, actor merged), comes as TOMBSTONE with its type and id only, and only if someone with your clearance, role and embargo could see it at some earlier change: a record you could never have seen never appears, not even as a tombstone. Apply the changes in order and store \`endCursor\`; a mirror kept this way holds exactly what \`briefings\`, \`claims\`, \`sources\`, \`actors\` and \`relationships\` return to you. Start without \`since\` for everything. At most ${PAGE_MAX} per page (default ${PAGE_DEFAULT}).`,
    args: {
      since: t.arg.string({ description: 'An `endCursor` or edge cursor from an earlier call.' }),
      first: t.arg.int({
        description: `Changes per page (default ${PAGE_DEFAULT}, at most ${PAGE_MAX}).`,
      }),
    },
    extensions: { maxItems: PAGE_MAX },
    resolve: async (_root, args, ctx) => {
      const first = args.first ?? PAGE_DEFAULT;
      if (first < 0 || first > PAGE_MAX) {
        throw badInput(
          `expected first between 0 and ${PAGE_MAX}, got ${first}`,
          'BAD_USER_INPUT',
          'first',
        );
      }
      const since = decodeChangeCursor(args.since);
      const rows = await findChanges(ctx.db, ctx.visibility, since, first + 1);
      const pageRows = rows.slice(0, first);
      const items = await Promise.all(
        pageRows.map(async (row) => ({
          row,
          node: await loadNode(ctx, row.entity_type, row.entity_id),
        })),
      );
      const last = pageRows.at(-1);
      return {
        items,
        hasNextPage: rows.length > first,
        endCursor: encodeChangeCursor(last ? last.id : since),
      };
    },
  }),
);
