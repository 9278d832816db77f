import { sql } from 'kysely';
import { builder, connectionOf } from '../builder.js';
import { byTextKey, pageInMemory, pageWindow, NESTED_LIST } from '../common/connection.js';
import { MarkingEnum } from '../common/enums.js';
import { encodeGlobalId } from '../common/global-id.js';
import { LIST_CAPS, cappedList } from '../common/list-caps.js';
import { ParticipantRef } from '../common/participant.schema.js';
import { ValidTimeRef, validTimeOf } from '../common/time-and-quantity.schema.js';
import { sqlField } from '../compiled/sql-spec.js';
import type { Ordering } from '../db/keyset.js';
import { ActorRef, ActorRelationshipRef, RelationshipDirectionEnum } from '../refs.js';
import {
  findRelationshipRecordsAsOf,
  type RelationshipAsOfRow,
} from './relationship-record.repository.js';

// `actor(id:) { relationshipsRecordAsOf(at:) { … } }`: the actor's relationships as the audit
// log recorded them at an instant, in a type of their own (an ActorRelationship answers its
// evidence and participants from today's rows), as `Briefing.recordAsOf` does for claims.

/** As `Actor.relationships`' default order: earliest start first, unknown starts first. */
const VALID_FROM_AS_OF_ORDERING: Ordering = {
  name: 'VALID_FROM_ASC',
  keys: [sql`valid_from`],
  id: sql`id`,
  descending: false,
};

const ActorRelationshipAsOfRef = builder
  .objectRef<RelationshipAsOfRow>('ActorRelationshipAsOf')
  .implement({
    description:
      'A relationship as the audit log recorded it at the instant asked for: its type, ends, valid time, participants and the rest of its record then.',
    fields: (t) => ({
      id: t.id({
        description:
          'The relationship’s global id (the same as `relationship.id` while it exists).',
        resolve: (r) => encodeGlobalId('ActorRelationship', r.id),
      }),
      relationship: t.field({
        type: ActorRelationshipRef,
        nullable: true,
        description: 'The relationship as it is now; null when it was removed since.',
        resolve: (r) => r.id,
      }),
      version: t.exposeInt('version', { description: 'Its version then.' }),
      type: t.expose('type', { type: 'RelationshipType', description: 'Its type then.' }),
      from: t.field({
        type: ActorRef,
        description: 'The actor it read from then; a merged actor shows as its survivor.',
        resolve: (r) => r.from_actor_id,
      }),
      to: t.field({
        type: ActorRef,
        description: 'The actor it read to then; a merged actor shows as its survivor.',
        resolve: (r) => r.to_actor_id,
      }),
      validTime: t.field({
        type: ValidTimeRef,
        nullable: true,
        description: 'When it held, as recorded then: bounds, their kinds and the wording.',
        resolve: (r) => validTimeOf(r),
      }),
      confidence: t.exposeInt('confidence', {
        nullable: true,
        description: 'Its confidence 0–100 then.',
      }),
      attributes: t.expose('attributes', {
        type: 'JSONObject',
        description: 'Its extra facts then.',
      }),
      description: t.exposeString('description', {
        nullable: true,
        description: 'Its wording by an editor then.',
      }),
      marking: t.expose('marking', { type: MarkingEnum, description: 'Its TLP marking then.' }),
      participants: t.field({
        type: [ParticipantRef],
        description: `Its parties beyond the two ends then, in order (at most ${LIST_CAPS.participants}); actors you may not see now are left out, merged ones show as their survivor.`,
        ...cappedList(LIST_CAPS.participants),
        resolve: (r) => r.participants.slice(0, LIST_CAPS.participants),
      }),
    }),
  });

const ActorRelationshipAsOfConnection = connectionOf(
  ActorRelationshipAsOfRef,
  'ActorRelationshipAsOf',
  'A page of an actor’s relationships as they stood, earliest start first.',
);

builder.objectField(ActorRef, 'relationshipsRecordAsOf', (t) =>
  t.loadable({
    type: ActorRelationshipAsOfConnection,
    ...NESTED_LIST,
    description:
      'This actor’s relationships as the audit log recorded them at `at` (transaction time: what our record said then, not when they held), earliest start first. Relationships you may not see now, or that were above your clearance then or at their last entry (removed since or not), or with an end you may not see, are left out. The seed loader logs the relationships it loads; one written into the database directly, without an entry, is not in it.',
    args: {
      ...t.arg.connectionArgs(),
      at: t.arg({ type: 'DateTime', required: true, description: 'The instant to read at.' }),
      direction: t.arg({
        type: RelationshipDirectionEnum,
        required: true,
        defaultValue: 'BOTH',
        description: 'Links from this actor then (OUTGOING), to it (INCOMING), or both.',
      }),
      type: t.arg({ type: ['RelationshipType'], description: 'Only these types (then).' }),
    },
    // Folded in memory from the audit log, so an operation selecting it runs on the loader
    // path; the actor's id is all it reads of the row.
    extensions: sqlField({ kind: 'resolverOnly', columns: [] }),
    byPath: true,
    resolve: (actor) => actor.id,
    load: async (actorIds: number[], ctx, args) => {
      const window = pageWindow(args, VALID_FROM_AS_OF_ORDERING);
      const lists = await findRelationshipRecordsAsOf(
        ctx.db,
        ctx.visibility,
        actorIds,
        { direction: args.direction, types: args.type },
        args.at,
      );
      return lists.map((rows) => pageInMemory(rows, VALID_FROM_AS_OF_ORDERING, window, byTextKey));
    },
  }),
);
