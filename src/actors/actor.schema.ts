import { ACTOR_COLUMNS, RELATIONSHIP_COLUMNS } from '../common/field-columns.js';
import { markingAndVersion, recordTimes } from '../common/record-times.js';
import { columnsFor } from '../common/selection.js';
import { builder } from '../builder.js';
import { orderEnum } from '../common/list-args.js';
import { nestedList, rootList } from '../compiled/listing.js';
import { pageWindow, NESTED_LIST } from '../common/connection.js';
import { ActorKindEnum } from '../common/enums.js';
import { groupByKey, pagesPerParent } from '../common/nested-connection.js';
import { LIST_CAPS, capLists } from '../common/list-caps.js';
import { ExternalIdKeyInput, parseExternalIdKey } from './actor-lookup.schema.js';
import { CoordinatesRef, PlaceTypeEnum } from './actor-place.schema.js';
import { badInput } from '../errors/bad-input.js';
import {
  allPresent,
  connectionSql,
  sqlCappedList,
  sqlConnection,
  sqlField,
  sqlType,
} from '../compiled/sql-spec.js';
import { ActorConnection, ActorRef, BriefingRef, RelationshipDirectionEnum } from '../refs.js';
import {
  ActorRelationshipConnection,
  RelationshipOrderEnum,
  relationshipFilterOf,
  VALID_DURING_DESCRIPTION,
  type RelationshipArgs,
} from './actor-relationship.schema.js';
import { DateRangeInput } from '../common/date-range.inputs.js';
import {
  ACTOR_ORDERINGS,
  ACTORS_OF_BRIEFING,
  actorByIdQuery,
  actorRowsQuery,
  type ActorFilter,
  aliasesOfActorQuery,
  externalIdsOfActorQuery,
  findAliasesByActorIds,
  findExternalIdsByActorIds,
  type ActorAliasRow,
  type ActorExternalIdRow,
  type ActorOrder,
} from './actor.repository.js';
import {
  RELATIONSHIP_ORDERINGS,
  relationshipRowsOfActorQuery,
  countRelationshipsPerActor,
  findRelationshipsPagePerActor,
} from './actor-relationship.repository.js';
import { checkedRowQuery } from '../db/visible-listing.js';

export const ActorOrderEnum = orderEnum<ActorOrder>('ActorOrder', 'actor', {
  NAME_ASC: { description: 'By name, A–Z, ignoring case and accents (default).' },
  NAME_DESC: { description: 'By name, Z–A.' },
  CREATED_AT_DESC: { description: 'Most recently recorded first.' },
});

export const ActorFilterInput = builder.inputType('ActorFilter', {
  description: 'Narrows an actor list; all given conditions must hold.',
  fields: (t) => ({
    kind: t.field({ type: [ActorKindEnum], description: 'Only these kinds.' }),
    country: t.field({
      type: ['CountryCode'],
      description:
        'Only actors of these countries; for places, the country they lie in (`kind: [PLACE], country: ["VE"]`: places in Venezuela).',
    }),
    placeType: t.field({
      type: [PlaceTypeEnum],
      description:
        'Only places of these types (a city, a region, a base…); other kinds of actor have none and never match.',
    }),
    wikidataQid: t.field({
      type: ['WikidataQid'],
      description: 'Only actors holding one of these Wikidata items (`Q717`).',
    }),
    externalId: t.field({
      type: ExternalIdKeyInput,
      description: 'Only the actor holding this id in another register.',
    }),
    name: t.string({
      description:
        'Name or any alias contains this text, ignoring case, accents and letter variants (“chavez” finds “Hugo Chávez”, “Федоров” finds “Фёдоров”).',
    }),
  }),
});

const AliasRef = builder.objectRef<ActorAliasRow>('ActorAlias').implement({
  description: 'Another name for an actor (spelling, transliteration, designation).',
  fields: (t) => ({
    name: t.exposeString('alias', { description: 'The alias as written.' }),
    language: t.expose('language', {
      type: 'LanguageTag',
      nullable: true,
      description: 'The language of the alias, when specific.',
    }),
  }),
});

const ExternalIdRef = builder.objectRef<ActorExternalIdRow>('ExternalId').implement({
  description: 'The actor’s id in another register (SIPRI, OpenSanctions, GeoNames…).',
  fields: (t) => ({
    scheme: t.expose('scheme', { type: 'Slug', description: 'Which register, e.g. `sipri`.' }),
    value: t.exposeString('value', {
      description: 'The id within that register, as the register writes it.',
    }),
    url: t.exposeString('url', {
      nullable: true,
      description: 'The record’s page in that register, when it has one.',
    }),
  }),
});

type ActorFilterShape = typeof ActorFilterInput.$inferInput;

/** Checks and converts a GraphQL actor filter; bad values are client errors naming the field. */
function toActorFilter(input: ActorFilterShape | null | undefined): ActorFilter {
  if (input?.placeType?.length && input.kind?.length && !input.kind.includes('PLACE')) {
    // Only places have a type: the two conditions together could match nothing.
    throw badInput(
      `expected filter.kind to include PLACE with filter.placeType, got [${input.kind.join(', ')}]`,
      'BAD_USER_INPUT',
      'filter.placeType',
    );
  }
  return {
    kinds: input?.kind,
    placeTypes: input?.placeType,
    countries: input?.country ?? null,
    name: input?.name?.trim() || null,
    wikidataQids: input?.wikidataQid,
    externalId: input?.externalId
      ? parseExternalIdKey(input.externalId, 'filter.externalId')
      : null,
  };
}

const WIKIDATA_URL = 'https://www.wikidata.org/wiki/';

ActorRef.implement({
  extensions: sqlType({
    byId: (env, id) => actorByIdQuery(env.db, env.visibility, id),
    byCheckedId: (_env, id) => checkedRowQuery('actor', id),
  }),
  description:
    'A state, person, organisation, government body, military unit, equipment type, programme or place that claims are about. Under embargo until a published briefing references it or an editor publishes it (`releasedTo`): until then it does not exist for anonymous callers and partners.',
  fields: (t) => ({
    kind: t.expose('kind', {
      type: ActorKindEnum,
      description:
        'What sort of actor it is; PLACE actors also carry `placeType` and `coordinates`.',
    }),
    name: t.exposeString('name', { description: 'Preferred name.' }),
    aliases: t.loadableList({
      type: AliasRef,
      description: `Other names, A–Z (at most ${LIST_CAPS.actorAliases}).`,
      ...sqlCappedList(LIST_CAPS.actorAliases, (env, row, cap) =>
        aliasesOfActorQuery(env.db, row('id'), cap),
      ),
      resolve: (a) => a.id,
      load: async (ids: number[], ctx) =>
        capLists(
          groupByKey(ids, await findAliasesByActorIds(ctx.db, ids), (a) => a.actor_id),
          LIST_CAPS.actorAliases,
        ),
    }),
    country: t.expose('country', {
      type: 'CountryCode',
      nullable: true,
      description: 'The actor’s country (its own, for a state).',
    }),
    wikidataQid: t.expose('wikidata_qid', {
      type: 'WikidataQid',
      nullable: true,
      description: 'Its Wikidata item, e.g. `Q717`.',
    }),
    wikidataUrl: t.string({
      description: 'The Wikidata item’s page, built from `wikidataQid`.',
      nullable: true,
      extensions: sqlField({ kind: 'prefixed', column: 'wikidata_qid', prefix: WIKIDATA_URL }),
      resolve: (a) => (a.wikidata_qid ? `${WIKIDATA_URL}${a.wikidata_qid}` : null),
    }),
    externalIds: t.loadableList({
      type: ExternalIdRef,
      description: `Ids in other registers (at most ${LIST_CAPS.actorExternalIds}).`,
      ...sqlCappedList(LIST_CAPS.actorExternalIds, (env, row, cap) =>
        externalIdsOfActorQuery(env.db, row('id'), cap),
      ),
      resolve: (a) => a.id,
      load: async (ids: number[], ctx) =>
        capLists(
          groupByKey(ids, await findExternalIdsByActorIds(ctx.db, ids), (e) => e.actor_id),
          LIST_CAPS.actorExternalIds,
        ),
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'Who or what the actor is, in a sentence or two.',
    }),
    placeType: t.expose('place_type', {
      type: PlaceTypeEnum,
      nullable: true,
      description: 'For a PLACE: a city, region, base or facility.',
    }),
    coordinates: t.field({
      type: CoordinatesRef,
      nullable: true,
      description: 'For a PLACE, where it is, when known.',
      extensions: sqlField({
        kind: 'embedded',
        columns: { latitude: 'latitude', longitude: 'longitude' },
        present: (row) => allPresent(row('latitude'), row('longitude')),
      }),
      resolve: (a) =>
        a.latitude !== null && a.longitude !== null
          ? { latitude: a.latitude, longitude: a.longitude }
          : null,
    }),
    ...markingAndVersion(t),
    relationships: t.loadable({
      type: ActorRelationshipConnection,
      ...NESTED_LIST,
      description: 'This actor’s relationships, optionally by direction, type and date.',
      args: {
        ...t.arg.connectionArgs(),
        direction: t.arg({
          type: RelationshipDirectionEnum,
          required: true,
          defaultValue: 'BOTH',
          description: 'Links from this actor (OUTGOING), to it (INCOMING), or both.',
        }),
        type: t.arg({ type: ['RelationshipType'], description: 'Only these types.' }),
        asOf: t.arg({
          type: 'Date',
          description:
            'Only relationships in force on this day (not those of unknown date, unless `includeUndated`).',
        }),
        validDuring: t.arg({ type: DateRangeInput, description: VALID_DURING_DESCRIPTION }),
        includeUndated: t.arg.boolean({
          description:
            'With `asOf` or `validDuring`: also relationships whose valid time is unknown.',
        }),
        orderBy: t.arg({
          type: RelationshipOrderEnum,
          description:
            'The order of the items; ties are broken by id, so pages never overlap or skip.',
          required: true,
          defaultValue: 'VALID_FROM_ASC',
        }),
      },
      extensions: sqlConnection((env, args: RelationshipArgs, row) =>
        connectionSql(
          relationshipRowsOfActorQuery(
            env.db,
            env.visibility,
            relationshipFilterOf(args),
            row('id'),
          ),
          RELATIONSHIP_ORDERINGS[args.orderBy],
        ),
      ),
      byPath: true,
      resolve: (a) => a.id,
      load: async (actorIds: number[], ctx, args) => {
        const filter = relationshipFilterOf(args);
        const ordering = RELATIONSHIP_ORDERINGS[args.orderBy];
        const window = pageWindow(args, ordering);
        const rows = await findRelationshipsPagePerActor(
          ctx.db,
          ctx.visibility,
          actorIds,
          filter,
          args.orderBy,
          window,
          {
            relationship: columnsFor(ctx.selection, RELATIONSHIP_COLUMNS),
            actor: columnsFor(ctx.selection, ACTOR_COLUMNS),
          },
        );
        const actors = ActorRef.getDataloader(ctx);
        const pageRows = rows.map(({ from_actor, to_actor, ...relationship }) => {
          // Ends are never merged actors (a merge moves their relationships), but only an
          // unmerged row is what loading its id would give.
          for (const end of [from_actor, to_actor])
            if (end.merged_into_id === null) actors.prime(end.id, end);
          return relationship;
        });
        return pagesPerParent(actorIds, pageRows, ordering, window, (ids) =>
          countRelationshipsPerActor(ctx.db, ctx.visibility, ids, filter),
        );
      },
    }),
    ...recordTimes(t),
  }),
});

// Declared here on BriefingRef so that briefings/ need not import actors/.
builder.objectField(BriefingRef, 'actors', (t) =>
  t.loadable({
    type: ActorConnection,
    ...NESTED_LIST,
    description: 'Every actor the briefing’s claims involve (those you may see), by name.',
    ...nestedList(ACTORS_OF_BRIEFING),
  }),
);

builder.queryFields((t) => ({
  actors: t.field({
    type: ActorConnection,
    description: 'All actors you may see, filtered and ordered.',
    ...rootList({
      filter: ActorFilterInput,
      toFilter: toActorFilter,
      orderBy: ActorOrderEnum,
      defaultOrder: 'NAME_ASC',
      orderings: ACTOR_ORDERINGS,
      rows: (env, filter) => actorRowsQuery(env.db, env.visibility, filter),
    }),
  }),
}));
