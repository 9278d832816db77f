import { sql } from 'kysely';
import { builder, connectionOf } from '../builder.js';
import { byTextKey, pageInMemory, pageWindow, NESTED_LIST } from '../common/connection.js';
import { encodeGlobalId } from '../common/global-id.js';
import { LIST_CAPS, cappedList } from '../common/list-caps.js';
import { ParticipantRef } from '../common/participant.schema.js';
import { QuantityRef, ValidTimeRef, validTimeOf } from '../common/time-and-quantity.schema.js';
import type { Keyset, Ordering } from '../db/keyset.js';
import {
  BriefingRef,
  ClaimDateRef,
  ClaimRef,
  LikelihoodRangeRef,
  SourceActorRef,
  SourceRef,
} from '../refs.js';
import {
  findBriefingRecordAsOf,
  type BriefingRecord,
  type ClaimAsOfRow,
  type SourceAsOfRow,
} from './briefing-record.repository.js';

// `briefing(slug:, asOf:) { recordAsOf { … } }`: the briefing's claims and cited sources as the
// audit log recorded them at that instant, in types of their own (a Claim would answer its
// nested fields, contradictions, citations…, from today's rows), reusing the value types
// (Quantity, ClaimDate, LikelihoodRange, Participant, SourceActor) that current reads show.

/** Claims as they stood, in their position then (keys compared in memory, not in SQL). */
const CLAIM_AS_OF_ORDERING: Ordering = {
  name: 'POSITION',
  keys: [sql`position`],
  id: sql`id`,
  descending: false,
};
/** Sources as they stood, by their title then. */
const SOURCE_AS_OF_ORDERING: Ordering = {
  name: 'TITLE',
  keys: [sql`title`],
  id: sql`id`,
  descending: false,
};

const byPosition = (row: ClaimAsOfRow, keyset: Keyset) =>
  row.position - Number(keyset.values[0]) || row.id - keyset.id;

const ClaimAsOfRef = builder.objectRef<ClaimAsOfRow>('ClaimAsOf').implement({
  description:
    'A claim of the briefing as the audit log recorded it at the instant asked for: its quantities, dated qualifiers, likelihood and participants then.',
  fields: (t) => ({
    id: t.id({
      description: 'The claim’s global id (the same as `claim.id` while it exists).',
      resolve: (c) => encodeGlobalId('Claim', c.id),
    }),
    claim: t.field({
      type: ClaimRef,
      nullable: true,
      description: 'The claim as it is now; null when it was removed since.',
      resolve: (c) => c.id,
    }),
    version: t.exposeInt('version', { description: 'Its version then.' }),
    position: t.exposeInt('position', { description: 'Its place in the briefing then (0 first).' }),
    statement: t.exposeString('statement', { description: 'Its statement then.' }),
    validTime: t.field({
      type: ValidTimeRef,
      nullable: true,
      description: 'When it held, as recorded then: bounds, their kinds and the wording.',
      resolve: (c) => validTimeOf(c),
    }),
    likelihoodRange: t.field({
      type: LikelihoodRangeRef,
      nullable: true,
      description: 'Its ICD 203 judgement then, as a range of bands; null without a likelihood.',
      resolve: (c) =>
        c.likelihood ? { likelihood: c.likelihood, likelihood_to: c.likelihood_to } : null,
    }),
    quantities: t.field({
      type: [QuantityRef],
      description: `Its quantities then, in order, with role, unit and currency (at most ${LIST_CAPS.claimQuantities}).`,
      ...cappedList(LIST_CAPS.claimQuantities),
      resolve: (c) => c.quantities.slice(0, LIST_CAPS.claimQuantities),
    }),
    dates: t.field({
      type: [ClaimDateRef],
      description: `Its dated qualifiers then, in order (at most ${LIST_CAPS.claimDates}).`,
      ...cappedList(LIST_CAPS.claimDates),
      resolve: (c) => c.dates.slice(0, LIST_CAPS.claimDates),
    }),
    participants: t.field({
      type: [ParticipantRef],
      description: `Its participants then, in order (at most ${LIST_CAPS.participants}); actors you may not see now are left out, merged ones show as their survivor.`,
      ...cappedList(LIST_CAPS.participants),
      resolve: (c) => c.participants.slice(0, LIST_CAPS.participants),
    }),
  }),
});

const SourceAsOfRef = builder.objectRef<SourceAsOfRow>('SourceAsOf').implement({
  description:
    'A source cited by the briefing’s claims, as the audit log recorded it at the instant asked for: who spoke, wrote, published or was its subject then.',
  fields: (t) => ({
    id: t.id({
      description: 'The source’s global id.',
      resolve: (s) => encodeGlobalId('Source', s.id),
    }),
    source: t.field({
      type: SourceRef,
      nullable: true,
      description: 'The source as it is now; null when it no longer exists.',
      resolve: (s) => s.id,
    }),
    version: t.exposeInt('version', { description: 'Its version then.' }),
    title: t.exposeString('title', { description: 'Its title then.' }),
    actors: t.field({
      type: [SourceActorRef],
      description: `Its actor links then, in order (at most ${LIST_CAPS.sourceActors}); actors you may not see now are left out, merged ones show as their survivor.`,
      ...cappedList(LIST_CAPS.sourceActors),
      resolve: (s) => s.actors.slice(0, LIST_CAPS.sourceActors),
    }),
  }),
});

const ClaimAsOfConnection = connectionOf(
  ClaimAsOfRef,
  'ClaimAsOf',
  'A page of a briefing’s claims as they stood, in their order then.',
);
const SourceAsOfConnection = connectionOf(
  SourceAsOfRef,
  'SourceAsOf',
  'A page of a briefing’s cited sources as they stood, by title.',
);

const BriefingRecordRef = builder.objectRef<BriefingRecord>('BriefingRecordAsOf').implement({
  description:
    'What hung off a briefing at an instant, rebuilt from the audit log (transaction time: what our record said then). The seed loader logs each claim and source it loads; records written into the database directly, without an entry, are not in it.',
  fields: (t) => ({
    at: t.field({
      type: 'DateTime',
      description: 'The instant, as asked for with `briefing(asOf:)`.',
      resolve: (r) => r.at,
    }),
    claims: t.field({
      type: ClaimAsOfConnection,
      ...NESTED_LIST,
      description:
        'Its claims then, in their order then; claims you may not see now, or that were above your clearance then or at their last entry (removed since or not), are left out.',
      args: { ...t.arg.connectionArgs() },
      resolve: (r, args) =>
        pageInMemory(
          r.claims,
          CLAIM_AS_OF_ORDERING,
          pageWindow(args, CLAIM_AS_OF_ORDERING),
          byPosition,
        ),
    }),
    sources: t.field({
      type: SourceAsOfConnection,
      ...NESTED_LIST,
      description:
        'The sources its claims cited then, by title then; sources you may not see now, or that were above your clearance then, are left out.',
      args: { ...t.arg.connectionArgs() },
      resolve: (r, args) =>
        pageInMemory(
          r.sources,
          SOURCE_AS_OF_ORDERING,
          pageWindow(args, SOURCE_AS_OF_ORDERING),
          byTextKey,
        ),
    }),
  }),
});

builder.objectField(BriefingRef, 'recordAsOf', (t) =>
  t.field({
    type: BriefingRecordRef,
    nullable: true,
    description:
      'With `briefing(slug:, asOf:)`: its claims (quantities, dated qualifiers, likelihood range, participants) and cited sources (actor links) as the audit log recorded them at that instant. Null when the briefing was read without `asOf`.',
    resolve: (b, _args, ctx) =>
      'as_of' in b && b.as_of instanceof Date
        ? findBriefingRecordAsOf(ctx.db, ctx.visibility, b.id, b.as_of)
        : null,
  }),
);
