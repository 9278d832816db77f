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
