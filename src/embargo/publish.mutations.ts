import { builder } from '../builder.js';
import { sqlColumn } from '../compiled/sql-spec.js';
import { MarkingEnum } from '../common/enums.js';
import { commandOf, parseIdArgument } from '../mutations/validate.js';
import { writeField } from '../mutations/write-field.js';
import { ActorRef, ActorRelationshipRef, SourceRef } from '../refs.js';
import { publishActor, publishRelationship, publishSource } from './publish.service.js';

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
      extensions: sqlColumn('released_to'),
      resolve: (row) => row.released_to,
    }),
  );
}

builder.mutationFields((t) => ({
  publishActor: t.field({
    type: ActorRef,
    description:
      'Releases an actor from embargo ahead of any published briefing: anonymous callers and partners then see it, within its own marking. Publishing again changes nothing.',
    ...writeField({
      role: 'editor',
      result: 'actor',
      args: { id: t.arg.id({ required: true, description: 'The record’s global id.' }) },
      run: ({ id }, write) => publishActor(write, commandOf(parseIdArgument(id, 'Actor'))),
    }),
  }),
  publishSource: t.field({
    type: SourceRef,
    description:
      'Releases a source from embargo, with the sources it relays: anonymous callers and partners then see them, each within its own marking. Publishing again changes nothing.',
    ...writeField({
      role: 'editor',
      result: 'source',
      args: { id: t.arg.id({ required: true, description: 'The record’s global id.' }) },
      run: ({ id }, write) => publishSource(write, commandOf(parseIdArgument(id, 'Source'))),
    }),
  }),
  publishRelationship: t.field({
    type: ActorRelationshipRef,
    description:
      'Releases an actor relationship from embargo, with its two ends: anonymous callers and partners then see them, each within its own marking. Publishing again changes nothing.',
    ...writeField({
      role: 'editor',
      result: 'relationship',
      args: { id: t.arg.id({ required: true, description: 'The record’s global id.' }) },
      run: ({ id }, write) =>
        publishRelationship(write, commandOf(parseIdArgument(id, 'ActorRelationship'))),
    }),
  }),
}));
