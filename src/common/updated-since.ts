import { builder } from '../builder.js';

/** The enum value every root list's order has: the change feed's order. */
export const CHANGED_ASC = {
  value: 'CHANGED_ASC',
  description:
    'In the order of their latest change in the change feed (`changes`), least recent first: with `updatedSince`, what changed, in the order it changed.',
} as const;

/**
 * `updatedSince` of every root list. Deletions and records you may no longer see are not in
 * any list: `changes` reports them as tombstones.
 */
export function updatedSinceArg() {
  return builder.args((t) => ({
    updatedSince: t.field({
      type: 'DateTime',
      description:
        'Only records written at or after this instant (their own write, or one that changed who may see them). Deleted and hidden records are in `changes`, as tombstones.',
    }),
  }));
}

export interface UpdatedSince {
  updatedSince?: Date | null;
}
