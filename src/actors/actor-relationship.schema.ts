import { ACTOR_COLUMN_NAMES } from '../db/rows.js';
import { markingAndVersion, recordTimes } from '../common/record-times.js';
import { builder, connectionOf } from '../builder.js';
import { rootList } from '../compiled/listing.js';
import { orderEnum } from '../common/list-args.js';
import { ParticipantRoleEnum } from '../common/participant.schema.js';
import { requireIdOf } from '../common/global-id.js';
import { parseIsoDate } from '../common/scalars.js';
import { DateRangeInput, toDateRange, type DateRangeShape } from '../common/date-range.inputs.js';
import { VALID_TIME_SQL, ValidTimeRef, validTimeOf } from '../common/time-and-quantity.schema.js';
import { badInput } from '../errors/bad-input.js';
import { isNull, sqlField, sqlType } from '../compiled/sql-spec.js';
import { ActorRef, ActorRelationshipRef, RelationshipDirectionEnum } from '../refs.js';
import {
  RELATIONSHIP_ORDERINGS,
  relationshipByIdQuery,
  relationshipRowsQuery,
  type ActorRelationshipFilter,
  type RelationshipDirection,
  type RelationshipOrder,
} from './actor-relationship.repository.js';

export const RelationshipOrderEnum = orderEnum<RelationshipOrder>(
  'ActorRelationshipOrder',
  'relationship',
  {
    VALID_FROM_ASC: { description: 'Earliest start first; open-started ones first (default).' },
    TYPE_ASC: { description: 'By type slug.' },
    CREATED_AT_DESC: { description: 'Most recently recorded first.' },
  },
);

export const VALID_DURING_DESCRIPTION =
  'Only relationships in force at some time in this range (their valid time overlaps it; a date known to a month or year stands for all of it). As with `asOf`, those with an UNKNOWN or UNDISCLOSED bound, or no valid time, only with `includeUndated`; OPEN bounds reach as far as they go. Not with `asOf`.';

export const ActorRelationshipFilterInput = builder.inputType('ActorRelationshipFilter', {
  description: 'Narrows a relationship list; all given conditions must hold.',
  fields: (t) => ({
    type: t.field({
      type: ['RelationshipType'],
      description: 'Only these types (e.g. `supplies`, `leads`).',
    }),
    actorId: t.id({
      description:
        'Only relationships of this actor (see `direction`); an actor you may not see matches nothing, like an unknown id.',
    }),
    direction: t.field({
      type: RelationshipDirectionEnum,
      description: 'Which end `actorId` is on; default BOTH.',
    }),
    asOf: t.field({
      type: 'Date',
      description:
        'Only relationships in force on this day; those with an UNKNOWN or UNDISCLOSED bound, or no valid time, only with `includeUndated`.',
    }),
    validDuring: t.field({
      type: DateRangeInput,
      description: VALID_DURING_DESCRIPTION,
    }),
    includeUndated: t.boolean({
      description:
        'With `asOf` or `validDuring`: also relationships whose valid time is unknown, in whole or at a bound (such a bound then counts as open). Default false.',
    }),
    participantId: t.id({
      description:
        'Only relationships this actor takes part in beyond the two ends (the carrier, the equipment, the place…; see `participantRole`); a merged actor’s id stands for its survivor, an actor you may not see matches nothing.',
    }),
    participantRole: t.field({
      type: [ParticipantRoleEnum],
      description: 'With `participantId`: only in these roles.',
    }),
  }),
});

export type RelationshipArgs = {
  direction: RelationshipDirection;
  type?: readonly string[] | null;
  asOf?: string | null;
  validDuring?: DateRangeShape | null;
  includeUndated?: boolean | null;
  orderBy: RelationshipOrder;
};

/**
 * The time condition of a relationship list: one day or a window, never both (`path` is where
 * the arguments sit, `filter.` in a filter input, empty for field arguments).
 */
function timeFilterOf(
  args: { asOf?: string | null; validDuring?: DateRangeShape | null },
  path: string,
) {
  if (args.asOf && args.validDuring) {
    throw badInput(
      `expected ${path}asOf or ${path}validDuring, not both`,
      'BAD_USER_INPUT',
      `${path}validDuring`,
    );
  }
  return {
    asOf: args.asOf ? parseIsoDate(args.asOf) : null,
    validDuring: args.validDuring ? toDateRange(args.validDuring, `${path}validDuring`) : null,
  };
}

/** `Actor.relationships`' arguments as a repository filter; bad values are client errors. */
export function relationshipFilterOf(args: RelationshipArgs) {
  return {
    direction: args.direction,
    types: args.type ?? null,
    ...timeFilterOf(args, ''),
    includeUndated: args.includeUndated,
  };
}

type RelationshipFilterShape = typeof ActorRelationshipFilterInput.$inferInput;

/** Checks and converts a GraphQL relationship filter; bad values are client errors. */
function toRelationshipFilter(
  input: RelationshipFilterShape | null | undefined,
): ActorRelationshipFilter {
  if (input?.direction && !input.actorId) {
    throw badInput(
      'expected filter.actorId with filter.direction',
      'BAD_USER_INPUT',
      'filter.direction',
    );
  }
  if (input?.participantRole && !input.participantId) {
    throw badInput(
      'expected filter.participantId with filter.participantRole',
      'BAD_USER_INPUT',
      'filter.participantRole',
    );
  }
  return {
    types: input?.type ?? null,
    actorId: input?.actorId ? requireIdOf(input.actorId, 'Actor', 'filter.actorId') : null,
    participantId: input?.participantId
      ? requireIdOf(input.participantId, 'Actor', 'filter.participantId')
      : null,
    participantRoles: input?.participantRole ?? null,
    direction: input?.direction,
    ...timeFilterOf(input ?? {}, 'filter.'),
    includeUndated: input?.includeUndated,
  };
}

/**
 * A relationship's end: the actor row the relationship's query joined to check it is visible
 * (ends are never merged actors: a merge moves their relationships), by id otherwise.
 */
function endActorSql(end: 'from_actor' | 'to_actor') {
  return sqlField({
    kind: 'joinedRef',
    columns: Object.fromEntries(ACTOR_COLUMN_NAMES.map((name) => [name, `${end}__${name}`])),
    joined: (row) => isNull(row(`${end}__merged_into_id`)),
    id: (row) => row(`${end}_id`),
  });
}

ActorRelationshipRef.implement({
  extensions: sqlType({ byId: (env, id) => relationshipByIdQuery(env.db, env.visibility, id) }),
  description:
    'A typed, dated link between two actors (“Russia supplies Venezuela”, “ANSU-100 variant-of Mohajer-2”), with the claims that evidence it. Under embargo until a published briefing references it or an editor publishes it, and its two ends are visible (`releasedTo`): until then it does not exist for anonymous callers and partners.',
  fields: (t) => ({
    from: t.field({
      description:
        'The actor the link reads from (“Russia” in “Russia supplies Venezuela”); a merged actor’s survivor.',
      type: ActorRef,
      extensions: endActorSql('from_actor'),
      resolve: (r) => r.from_actor_id,
    }),
    to: t.field({
      description:
        'The actor the link reads to (“Venezuela” in “Russia supplies Venezuela”); a merged actor’s survivor.',
      type: ActorRef,
      extensions: endActorSql('to_actor'),
      resolve: (r) => r.to_actor_id,
    }),
    type: t.expose('type', {
      type: 'RelationshipType',
      description: 'What the link is, read from → to (`supplies`, `leads`, `variant-of`).',
    }),
    validTime: t.field({
      type: ValidTimeRef,
      nullable: true,
      description: 'When the link holds.',
      extensions: VALID_TIME_SQL,
      resolve: (r) => validTimeOf(r),
    }),
    confidence: t.exposeInt('confidence', {
      nullable: true,
      description: 'Confidence 0–100 (STIX 2.1 scale).',
    }),
    attributes: t.expose('attributes', {
      type: 'JSONObject',
      description: 'Extra facts about the link, e.g. `{"equipment": "Su-30MK2", "quantity": 24}`.',
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'The link in an editor’s words, when its type says too little.',
    }),
    ...markingAndVersion(t),
    ...recordTimes(t),
  }),
});

export const ActorRelationshipConnection = connectionOf(
  ActorRelationshipRef,
  'ActorRelationship',
  'A page of actor relationships.',
);

builder.queryFields((t) => ({
  actorRelationships: t.field({
    type: ActorRelationshipConnection,
    description: 'All actor relationships you may see, filtered and ordered.',
    ...rootList({
      filter: ActorRelationshipFilterInput,
      toFilter: toRelationshipFilter,
      orderBy: RelationshipOrderEnum,
      defaultOrder: 'VALID_FROM_ASC',
      orderings: RELATIONSHIP_ORDERINGS,
      rows: (env, filter) => relationshipRowsQuery(env.db, env.visibility, filter),
    }),
  }),
}));
