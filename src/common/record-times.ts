import type { Marking } from '../db/types.js';
import { MarkingEnum } from './enums.js';
import type { Types } from './list-args.js';

/** The creation and last-change times every editable record exposes, after its other fields. */
export function recordTimes(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, { created_at: Date; updated_at: Date }>,
) {
  return {
    createdAt: t.expose('created_at', {
      type: 'DateTime',
      description: 'When the record was created (database clock).',
    }),
    updatedAt: t.expose('updated_at', {
      type: 'DateTime',
      description:
        'When the record last changed (database clock); every write bumps it with `version`.',
    }),
  };
}

/**
 * The TLP marking and optimistic-concurrency version every editable record exposes, side by
 * side. Briefings describe their version in words of their own, kept so the schema stays as
 * published.
 */
export function markingAndVersion(
  t: PothosSchemaTypes.ObjectFieldBuilder<Types, { marking: Marking; version: number }>,
  versionDescription = 'Incremented by every edit; send it back as `expectedVersion` to update.',
) {
  return {
    marking: t.expose('marking', {
      type: MarkingEnum,
      description: 'Its own TLP marking: who may read it (callers whose clearance reaches it).',
    }),
    version: t.exposeInt('version', { description: versionDescription }),
  };
}
