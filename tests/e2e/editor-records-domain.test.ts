import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, mutateOk } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue 13's acceptance: an editor enters, through the write API only, an arms-transfer report
// that needs every domain point of the issue (money and units, several quantities and dated
// qualifiers per claim, vague quantities, bounds and undisclosed dates, unknown against open,
// who said it, identifiers, participants and places, likelihood ranges, Cyrillic folding);
// after publication an anonymous reader reads each of them back and filters on them.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { name: 'Maghreb desk' }));
});
afterAll(() => database.close());

const SLUG = 'algeria-su-30mka-deliveries';
const CONTRACT =
  'Russia agreed in 2006 to supply Algeria with 24 Su-30MKA fighters under a USD 2.2 bn contract, financed by a USD 1 bn Russian state loan.';
const DELIVERIES =
  'Deliveries began in March 2008; by the time of this report around 21 aircraft were operational.';
const ADVISERS =
  'Dozens of Russian advisers accompanied the deliveries; the date of the last delivery was not disclosed.';
const RADAR = 'An S-300 radar was flown in on a chartered Il-76 to Boufarik air base.';
const OUTLOOK = 'Analysts judge further orders roughly even chance to likely.';
const BODY = [CONTRACT, DELIVERIES, ADVISERS, RADAR, OUTLOOK].join('\n\n');

/** Runs a mutation as the editor and returns its payload, failing on anything but success. */
function mutate<T>(field: string, text: string, variables: Record<string, unknown>): Promise<T> {
  return mutateOk<T>(app, editor, field, text, variables);
}

async function createActor(input: Record<string, unknown>): Promise<string> {
  const created = await mutate<{ actor: { id: string } }>(
    'createActor',
    `mutation($input: CreateActorInput!) { createActor(input: $input) { __typename ... on CreateActorSuccess { actor { id } } } }`,
    { input },
  );
  return created.actor.id;
}

async function createSource(input: Record<string, unknown>): Promise<string> {
  const created = await mutate<{ source: { id: string } }>(
    'createSource',
    `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on CreateSourceSuccess { source { id } } } }`,
    { input },
  );
  return created.source.id;
}

async function addClaim(
  briefingId: string,
  input: Record<string, unknown>,
): Promise<{ id: string; version: number }> {
  const added = await mutate<{ claim: { id: string; version: number } }>(
    'addClaim',
    `mutation($briefingId: ID!, $input: AddClaimInput!) { addClaim(briefingId: $briefingId, input: $input) {
       __typename ... on AddClaimSuccess { claim { id version } } } }`,
    { briefingId, input },
  );
  return added.claim;
}

async function anonymous<T>(text: string): Promise<T> {
  const result = await graphql<T>(app, text);
  expect(result.errors).toBeUndefined();
  return result.data as T;
}

const month = (date: string) => ({ date, precision: 'MONTH' });
const year = (date: string) => ({ date, precision: 'YEAR' });

describe('an editor records a report that needs every domain point of issue 13', () => {
  it('is read back, and filtered on, by an anonymous reader once published', async () => {
    // 7, 9, 11: actors with identifiers, a place with coordinates, a Cyrillic alias with ё.
    // 8: the editor finds Russia (in the seed) by its Wikidata item rather than adding it again.
    const lookup = await graphql<{ actor: { id: string; name: string } }>(
      app,
      `
        {
          actor(wikidataQid: "Q159") {
            id
            name
          }
        }
      `,
      {},
      editor,
    );
    expect(lookup.data?.actor.name).toBe('Russia');
    const russia = String(lookup.data?.actor.id);
    const algeria = await createActor({
      kind: 'STATE',
      name: 'Algeria',
      country: 'DZ',
      wikidataQid: 'Q262',
      externalIds: [{ scheme: 'iso-3166-alpha-3', value: 'DZA' }],
    });
    const fighter = await createActor({ kind: 'EQUIPMENT', name: 'Sukhoi Su-30MKA' });
    const radar = await createActor({ kind: 'EQUIPMENT', name: 'S-300 radar' });
    const airline = await createActor({ kind: 'ORGANIZATION', name: 'Volga-Dnepr Airlines' });
    const boufarik = await createActor({
      kind: 'PLACE',
      name: 'Boufarik Air Base',
      placeType: 'BASE',
      country: 'DZ',
      coordinates: { latitude: 36.5458, longitude: 2.8761 },
    });
    const commander = await createActor({
      kind: 'PERSON',
      name: 'Pyotr Deynekin',
      country: 'RU',
      aliases: [{ name: 'Пётр Дейнекин', language: 'ru' }],
    });
    const wire = await createActor({ kind: 'ORGANIZATION', name: 'Maghreb Defence Wire' });

    // 5, 7: a statement that names its speaker; a report dated to the month, with its outlet.
    const statement = await createSource({
      kind: 'STATEMENT',
      title: 'Interview with Pyotr Deynekin on the Algerian contract',
      reliability: 'B',
      actors: [{ actorId: commander, role: 'SPEAKER' }],
    });
    const report = await createSource({
      kind: 'NEWS_REPORT',
      title: 'Algeria’s Su-30 fleet: what was delivered',
      publisher: 'Maghreb Defence Wire',
      url: 'https://wire.example/algeria-su-30',
      publishedOn: month('2024-05-01'),
      reliability: 'C',
      derivedFromId: statement,
      actors: [{ actorId: wire, role: 'PUBLISHER' }],
    });
    const cite = [
      { sourceId: statement, role: 'ORIGIN' },
      { sourceId: report, role: 'RELAY' },
    ];

    const briefing = await mutate<{ briefing: { id: string; version: number } }>(
      'createBriefing',
      `mutation($input: CreateBriefingInput!) { createBriefing(input: $input) { __typename ... on CreateBriefingSuccess { briefing { id version } } } }`,
      {
        input: {
          slug: SLUG,
          title: 'Algeria’s Su-30MKA Deliveries',
          body: BODY,
          authors: [{ name: 'Test Analyst' }],
        },
      },
    );
    const briefingId = briefing.briefing.id;

    // 1, 2, 3, 5: money with currencies, four quantities by role, dated qualifiers, a bound.
    const contract = await addClaim(briefingId, {
      statement: 'Russia contracted to supply Algeria with 24 Su-30MKA fighters in 2006.',
      quote: CONTRACT,
      subjectId: russia,
      predicate: 'contracted-sale',
      objectIds: [algeria, fighter],
      quantities: [
        { role: 'ORDERED', qualifier: 'EXACT', value: 24, unit: 'aircraft' },
        { role: 'VALUE', qualifier: 'APPROXIMATE', value: 2.2e9, currency: 'USD' },
        {
          role: 'CREDIT',
          qualifier: 'APPROXIMATE',
          value: 1e9,
          currency: 'USD',
          wording: 'a USD 1 bn Russian state loan',
        },
        { role: 'OPERATIONAL', qualifier: 'APPROXIMATE', value: 21, unit: 'aircraft' },
      ],
      dates: [
        { role: 'CONTRACTED', date: year('2006-01-01') },
        { role: 'DELIVERY_START', date: month('2008-03-01') },
        { role: 'DELIVERY_END', bound: 'UNDISCLOSED' },
        { role: 'REPORTED', date: month('2024-05-01') },
      ],
      validTime: {
        from: year('2006-01-01'),
        to: month('2024-05-01'),
        toBound: 'NOT_AFTER',
        note: 'by the time of the report',
      },
      likelihood: 'ALMOST_CERTAIN',
      citations: cite,
    });
    // 4, 6: a vague quantity; a claim whose time is unknown, not open.
    const advisers = await addClaim(briefingId, {
      statement: 'Dozens of Russian advisers accompanied the Su-30MKA deliveries.',
      quote: 'Dozens of Russian advisers accompanied the deliveries',
      subjectId: russia,
      predicate: 'deployed-advisers-to',
      objectIds: [algeria],
      quantities: [
        { qualifier: 'VAGUE', wording: 'dozens of advisers', min: 24, unit: 'advisers' },
      ],
      validTime: { fromBound: 'UNKNOWN', toBound: 'UNKNOWN' },
      citations: cite,
    });
    // 9: participants beyond subject and object, a place among them.
    const airlift = await addClaim(briefingId, {
      statement: 'Russia flew an S-300 radar to Boufarik air base on a chartered Il-76.',
      quote: RADAR,
      subjectId: russia,
      predicate: 'delivered-to',
      objectIds: [algeria],
      citations: cite,
    });
    await mutate(
      'setClaimParticipants',
      `mutation($id: ID!, $v: Int!, $p: [ParticipantInput!]!) { setClaimParticipants(id: $id, expectedVersion: $v, participants: $p) { __typename } }`,
      {
        id: airlift.id,
        v: airlift.version,
        p: [
          { actorId: radar, role: 'EQUIPMENT' },
          { actorId: airline, role: 'CARRIER', note: 'chartered Il-76' },
          { actorId: boufarik, role: 'LOCATION' },
        ],
      },
    );
    // 10: a likelihood range.
    await addClaim(briefingId, {
      statement: 'Algeria will probably order further Su-30MKA fighters from Russia.',
      quote: OUTLOOK,
      kind: 'ASSESSMENT',
      subjectId: algeria,
      predicate: 'expected-to-order-from',
      objectIds: [russia, fighter],
      likelihood: 'ROUGHLY_EVEN_CHANCE',
      likelihoodTo: 'LIKELY',
      citations: [{ sourceId: report, role: 'ORIGIN' }],
    });
    // 6: a relationship still in force, and one whose start nobody knows.
    const relate = async (type: string, validTime: object, evidence: { id: string }) =>
      (
        await mutate<{ relationship: { id: string; version: number } }>(
          'relateActors',
          `mutation($input: RelateActorsInput!) { relateActors(input: $input) {
             __typename ... on RelateActorsSuccess { relationship { id version } } } }`,
          {
            input: {
              fromId: russia,
              toId: algeria,
              type,
              validTime,
              evidenceClaimIds: [evidence.id],
            },
          },
        )
      ).relationship;
    const beforeRelationships = new Date().toISOString();
    const supplies = await relate(
      'supplies-aircraft-to',
      { from: month('2008-03-01'), toBound: 'OPEN' },
      contract,
    );
    await relate('trains-pilots-of', { fromBound: 'UNKNOWN', toBound: 'OPEN' }, advisers);
    // 9: a relationship's participants, too.
    const exporter = await createActor({ kind: 'ORGANIZATION', name: 'Rosoboronexport' });
    await mutate(
      'setRelationshipParticipants',
      `mutation($id: ID!, $v: Int!, $p: [ParticipantInput!]!) { setRelationshipParticipants(id: $id, expectedVersion: $v, participants: $p) { __typename } }`,
      { id: supplies.id, v: supplies.version, p: [{ actorId: exporter, role: 'INTERMEDIARY' }] },
    );

    const shared = [
      ...[algeria, fighter, radar, airline, boufarik, commander, wire, exporter],
      ...[statement, report],
    ];
    const releases = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Actor { releasedTo } ... on Source { releasedTo } } }`;
    const releasedTo = async () =>
      (await graphql<{ nodes: unknown[] }>(app, releases, { ids: shared }, editor)).data?.nodes;
    expect(await releasedTo()).toEqual(shared.map(() => ({ releasedTo: null })));

    const beforePublication = new Date().toISOString();
    let version = briefing.briefing.version;
    for (const to of ['IN_REVIEW', 'PUBLISHED']) {
      const moved = await mutate<{ briefing: { version: number } }>(
        'transitionBriefing',
        `mutation($id: ID!, $v: Int!, $to: BriefingStatus!) { transitionBriefing(id: $id, expectedVersion: $v, to: $to) {
           __typename ... on TransitionBriefingSuccess { briefing { version } } } }`,
        { id: briefingId, v: version, to },
      );
      version = moved.briefing.version;
    }

    // Publication released every record the briefing names, participants and speakers included.
    expect(await releasedTo()).toEqual(shared.map(() => ({ releasedTo: 'CLEAR' })));

    const read = await anonymous<{ briefing: { claims: { edges: { node: unknown }[] } } }>(`{
      briefing(slug: "${SLUG}") { claims { edges { node {
        statement kind likelihood likelihoodRange { from to }
        quantities { role kind qualifier value min max unit currency wording }
        dates { role bound date { date precision end } }
        validTime { from { date precision } fromBound to { date precision end } toBound note }
        participants { role note actor { name kind placeType country coordinates { latitude longitude } } }
      } } } } }`);
    const NO_QUANTITY = { min: null, max: null, unit: null, currency: null, wording: null };
    expect(read.briefing.claims.edges.map((edge) => edge.node)).toEqual([
      {
        statement: 'Russia contracted to supply Algeria with 24 Su-30MKA fighters in 2006.',
        kind: 'FACT',
        likelihood: 'ALMOST_CERTAIN',
        // A single band is a range of one.
        likelihoodRange: { from: 'ALMOST_CERTAIN', to: 'ALMOST_CERTAIN' },
        quantities: [
          {
            ...NO_QUANTITY,
            role: 'ORDERED',
            kind: 'COUNT',
            qualifier: 'EXACT',
            value: 24,
            unit: 'aircraft',
          },
          {
            ...NO_QUANTITY,
            role: 'VALUE',
            kind: 'MONEY',
            qualifier: 'APPROXIMATE',
            value: 2.2e9,
            currency: 'USD',
          },
          {
            ...NO_QUANTITY,
            role: 'CREDIT',
            kind: 'MONEY',
            qualifier: 'APPROXIMATE',
            value: 1e9,
            currency: 'USD',
            wording: 'a USD 1 bn Russian state loan',
          },
          {
            ...NO_QUANTITY,
            role: 'OPERATIONAL',
            kind: 'COUNT',
            qualifier: 'APPROXIMATE',
            value: 21,
            unit: 'aircraft',
          },
        ],
        dates: [
          {
            role: 'CONTRACTED',
            bound: 'KNOWN',
            date: { date: '2006-01-01', precision: 'YEAR', end: '2006-12-31' },
          },
          {
            role: 'DELIVERY_START',
            bound: 'KNOWN',
            date: { date: '2008-03-01', precision: 'MONTH', end: '2008-03-31' },
          },
          { role: 'DELIVERY_END', bound: 'UNDISCLOSED', date: null },
          {
            role: 'REPORTED',
            bound: 'KNOWN',
            date: { date: '2024-05-01', precision: 'MONTH', end: '2024-05-31' },
          },
        ],
        validTime: {
          from: { date: '2006-01-01', precision: 'YEAR' },
          fromBound: 'KNOWN',
          to: { date: '2024-05-01', precision: 'MONTH', end: '2024-05-31' },
          toBound: 'NOT_AFTER',
          note: 'by the time of the report',
        },
        participants: [],
      },
      {
        statement: 'Dozens of Russian advisers accompanied the Su-30MKA deliveries.',
        kind: 'FACT',
        likelihood: null,
        likelihoodRange: null,
        quantities: [
          {
            ...NO_QUANTITY,
            role: 'STATED',
            kind: 'COUNT',
            qualifier: 'VAGUE',
            value: null,
            min: 24,
            unit: 'advisers',
            wording: 'dozens of advisers',
          },
        ],
        dates: [],
        // Unknown at both ends is one form only: no valid time.
        validTime: null,
        participants: [],
      },
      {
        statement: 'Russia flew an S-300 radar to Boufarik air base on a chartered Il-76.',
        kind: 'FACT',
        likelihood: null,
        likelihoodRange: null,
        quantities: [],
        dates: [],
        validTime: null,
        participants: [
          {
            role: 'EQUIPMENT',
            note: null,
            actor: {
              name: 'S-300 radar',
              kind: 'EQUIPMENT',
              placeType: null,
              country: null,
              coordinates: null,
            },
          },
          {
            role: 'CARRIER',
            note: 'chartered Il-76',
            actor: {
              name: 'Volga-Dnepr Airlines',
              kind: 'ORGANIZATION',
              placeType: null,
              country: null,
              coordinates: null,
            },
          },
          {
            role: 'LOCATION',
            note: null,
            actor: {
              name: 'Boufarik Air Base',
              kind: 'PLACE',
              placeType: 'BASE',
              country: 'DZ',
              coordinates: { latitude: 36.5458, longitude: 2.8761 },
            },
          },
        ],
      },
      {
        statement: 'Algeria will probably order further Su-30MKA fighters from Russia.',
        kind: 'ASSESSMENT',
        // A range has no single band.
        likelihood: null,
        likelihoodRange: { from: 'ROUGHLY_EVEN_CHANCE', to: 'LIKELY' },
        quantities: [],
        dates: [],
        validTime: null,
        participants: [],
      },
    ]);

    // Filters an analyst would use on those facts.
    const statementsOf = (connection: { edges: { node: { statement: string } }[] }) =>
      connection.edges.map((edge) => edge.node.statement);
    type Claims = { edges: { node: { statement: string } }[] };
    const filtered = await anonymous<
      Record<'credit' | 'deliveredIn2008' | 'during2010' | 'during2010OrUndated', Claims>
    >(`{
      credit: claims(filter: { briefingId: "${briefingId}", quantityRole: [CREDIT], currency: ["USD"] }) { edges { node { statement } } }
      deliveredIn2008: claims(filter: { briefingId: "${briefingId}", dated: { role: [DELIVERY_START], during: { from: "2008-01-01", to: "2008-12-31" } } }) { edges { node { statement } } }
      during2010: claims(filter: { briefingId: "${briefingId}", validDuring: { from: "2010-01-01", to: "2010-12-31" } }) { edges { node { statement } } }
      during2010OrUndated: claims(filter: { briefingId: "${briefingId}", validDuring: { from: "2010-01-01", to: "2010-12-31" }, includeUndated: true }) { edges { node { statement } } }
    }`);
    expect(statementsOf(filtered.credit)).toEqual([
      'Russia contracted to supply Algeria with 24 Su-30MKA fighters in 2006.',
    ]);
    expect(statementsOf(filtered.deliveredIn2008)).toEqual([
      'Russia contracted to supply Algeria with 24 Su-30MKA fighters in 2006.',
    ]);
    expect(statementsOf(filtered.during2010)).toEqual([
      'Russia contracted to supply Algeria with 24 Su-30MKA fighters in 2006.',
    ]);
    expect(statementsOf(filtered.during2010OrUndated)).toContain(
      'Dozens of Russian advisers accompanied the Su-30MKA deliveries.',
    );
    // 9: claims an actor takes part in beyond subject and objects, by role (in any briefing).
    const claimsByParticipant = await anonymous<
      Record<'atBase' | 'carried' | 'asCarrier', Claims>
    >(`{
      atBase: claims(filter: { participantId: "${boufarik}", participantRole: [LOCATION] }) { edges { node { statement } } }
      carried: claims(filter: { participantId: "${airline}" }) { edges { node { statement } } }
      asCarrier: claims(filter: { participantId: "${boufarik}", participantRole: [CARRIER] }) { edges { node { statement } } }
    }`);
    const airlifted = ['Russia flew an S-300 radar to Boufarik air base on a chartered Il-76.'];
    expect(statementsOf(claimsByParticipant.atBase)).toEqual(airlifted);
    expect(statementsOf(claimsByParticipant.carried)).toEqual(airlifted);
    expect(statementsOf(claimsByParticipant.asCarrier)).toEqual([]);
    const claimRoleAlone = await graphql(
      app,
      '{ claims(filter: { participantRole: [CARRIER] }) { totalCount } }',
    );
    expect(claimRoleAlone.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['expected filter.participantId with filter.participantRole', 'BAD_USER_INPUT'],
    ]);

    type Relationships = { edges: { node: { type: string; participants?: unknown } }[] };
    const relationships = await anonymous<Record<'known' | 'all', Relationships>>(`{
      known: actorRelationships(filter: { type: ["supplies-aircraft-to", "trains-pilots-of"], asOf: "2010-06-01" }) { edges { node { type participants { role actor { name } } } } }
      all: actorRelationships(filter: { type: ["supplies-aircraft-to", "trains-pilots-of"], asOf: "2010-06-01", includeUndated: true }) { edges { node { type } } }
    }`);
    const types = (connection: Relationships) => connection.edges.map((edge) => edge.node.type);
    expect(types(relationships.known)).toEqual(['supplies-aircraft-to']);
    expect(relationships.known.edges[0]?.node.participants).toEqual([
      { role: 'INTERMEDIARY', actor: { name: 'Rosoboronexport' } },
    ]);
    expect(types(relationships.all).sort()).toEqual(['supplies-aircraft-to', 'trains-pilots-of']);
    // 9: relationships an actor takes part in beyond the two ends, by role.
    const byParticipant = await anonymous<Record<'intermediary' | 'carrier', Relationships>>(`{
      intermediary: actorRelationships(filter: { participantId: "${exporter}", participantRole: [INTERMEDIARY] }) { edges { node { type } } }
      carrier: actorRelationships(filter: { participantId: "${exporter}", participantRole: [CARRIER] }) { edges { node { type } } }
    }`);
    expect(types(byParticipant.intermediary)).toEqual(['supplies-aircraft-to']);
    expect(types(byParticipant.carrier)).toEqual([]);
    const roleAlone = await graphql(
      app,
      '{ actorRelationships(filter: { participantRole: [CARRIER] }) { totalCount } }',
    );
    expect(roleAlone.errors?.map((e) => [e.message, e.extensions?.code])).toEqual([
      ['expected filter.participantId with filter.participantRole', 'BAD_USER_INPUT'],
    ]);

    // 6, 9 in the audit log: the relationships as recorded, with their bounds' kinds and
    // participants; an anonymous reader sees them from their release with the briefing's
    // publication on, the editor from their creation on.
    type RecordAsOf = { relationshipsRecordAsOf: { edges: { node: unknown }[] } };
    const recordAt = async (at: string, headers: Record<string, string> = {}) =>
      (
        await graphql<{ actor: RecordAsOf }>(
          app,
          `
            query ($id: ID!, $at: DateTime!) {
              actor(id: $id) {
                relationshipsRecordAsOf(
                  at: $at
                  direction: INCOMING
                  type: ["supplies-aircraft-to", "trains-pilots-of"]
                ) {
                  edges {
                    node {
                      version
                      type
                      from {
                        name
                      }
                      to {
                        name
                      }
                      validTime {
                        from {
                          date
                          precision
                        }
                        fromBound
                        to {
                          date
                          precision
                        }
                        toBound
                      }
                      participants {
                        role
                        actor {
                          name
                        }
                      }
                    }
                  }
                }
              }
            }
          `,
          { id: algeria, at },
          headers,
        )
      ).data?.actor.relationshipsRecordAsOf.edges.map((edge) => edge.node);
    expect(await recordAt(beforePublication)).toEqual([]);
    expect((await recordAt(beforePublication, editor))?.length).toBe(2);
    expect(await recordAt(beforeRelationships, editor)).toEqual([]);
    expect(await recordAt(new Date().toISOString())).toEqual([
      {
        version: 1,
        type: 'trains-pilots-of',
        from: { name: 'Russia' },
        to: { name: 'Algeria' },
        validTime: { from: null, fromBound: 'UNKNOWN', to: null, toBound: 'OPEN' },
        participants: [],
      },
      {
        version: 2,
        type: 'supplies-aircraft-to',
        from: { name: 'Russia' },
        to: { name: 'Algeria' },
        validTime: {
          from: { date: '2008-03-01', precision: 'MONTH' },
          fromBound: 'KNOWN',
          to: null,
          toBound: 'OPEN',
        },
        participants: [{ role: 'INTERMEDIARY', actor: { name: 'Rosoboronexport' } }],
      },
    ]);

    // Identifiers, who said it, and folding: all found as an anonymous reader now.
    const found = await anonymous(`{
      byQid: actor(wikidataQid: "Q262") { name }
      byExternalId: actor(externalId: { scheme: "iso-3166-alpha-3", value: "DZA" }) { name }
      source(url: "https://wire.example/algeria-su-30") {
        title publishedOn { date precision end }
        actors { role actor { name } }
        derivedFrom { actors { role actor { name } } }
      }
      folded: actors(filter: { name: "Петр Дейнекин" }) { edges { node { name sources { edges { node { title } } } } } }
    }`);
    expect(found).toEqual({
      byQid: { name: 'Algeria' },
      byExternalId: { name: 'Algeria' },
      source: {
        title: 'Algeria’s Su-30 fleet: what was delivered',
        publishedOn: { date: '2024-05-01', precision: 'MONTH', end: '2024-05-31' },
        actors: [{ role: 'PUBLISHER', actor: { name: 'Maghreb Defence Wire' } }],
        derivedFrom: { actors: [{ role: 'SPEAKER', actor: { name: 'Pyotr Deynekin' } }] },
      },
      folded: {
        edges: [
          {
            node: {
              name: 'Pyotr Deynekin',
              sources: {
                edges: [
                  { node: { title: 'Interview with Pyotr Deynekin on the Algerian contract' } },
                ],
              },
            },
          },
        ],
      },
    });
  });
});
