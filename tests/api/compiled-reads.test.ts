import { GraphQLObjectType, GraphQLSchema, GraphQLString, parse } from 'graphql';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileOperation } from '../../src/compiled/compile.js';
import { ANONYMOUS_VISIBILITY } from '../../src/db/visibility.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { graphql } from '../helpers/graphql.js';
import { createKey, bearer } from '../helpers/api-keys.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// The compiled path (one statement building the JSON answer) against the loader path: every
// compiled field, every bench query shape, every role must give byte-identical JSON, and the
// compiled path must really be taken (one statement per request).

let database: TestDatabase;
let compiled: App;
let loaders: App;
const headers: Record<string, Record<string, string>> = { anonymous: {} };

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  const config = loadConfig({ TRUSTED_MAX_COST: '1000000000', RESTRICTED_MAX_COST: '1000000000' });
  compiled = createApp({ db: database.db, logger, config });
  loaders = createApp({ db: database.db, logger, config, compiledReads: false });
  await insertEdgeCases(database);
  headers.editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  headers.admin = bearer(await createKey(database, 'admin', { clearance: 'RED' }));
});
afterAll(() => database.close());

/**
 * Values the seed briefing lacks: every date precision, each quantity qualifier, fractional
 * and large numbers, an empty note, quotes and control characters in text (cursors carry it),
 * a hidden (embargoed, AMBER) source and actor beside visible ones.
 */
async function insertEdgeCases({ db }: TestDatabase) {
  const briefing = await insertBriefing(db, { title: 'Edge "cases"\n\t\u0001 ü', summary: '' });
  const hidden = await insertActor(db, {
    released_to: null,
    marking: 'AMBER',
    wikidata_qid: 'Q99999',
  });
  const visible = await insertActor(db, { name: 'Ünïcode "quoted"', wikidata_qid: 'Q42' });
  await db
    .insertInto('actor_external_id')
    .values([
      { actor_id: visible.id, scheme: 'sipri', value: 'V-1' },
      { actor_id: hidden.id, scheme: 'sipri', value: 'H-1' },
    ])
    .execute();
  const hiddenSource = await insertSource(db, { released_to: null });
  // Cited by nothing published, so it stays under embargo (hiddenSource is cited).
  await insertSource(db, { released_to: null, url: 'https://hidden.example/x' });
  // A relationship left pointing at a merged actor (merges move them; older data may not):
  // its end answers for the survivor, on both paths.
  const survivor = await insertActor(db, { name: 'Survivor' });
  const merged = await insertActor(db, { name: 'Merged away', merged_into_id: survivor.id });
  await insertRelationship(db, visible.id, merged.id, 'aaa-first');
  const origin = await insertSource(db, { title: 'Origin' });
  const relay = await insertSource(db, { title: 'Relay', derived_from_id: origin.id });
  const beyondHidden = await insertSource(db, { title: 'Beyond a hidden link' });
  await db
    .updateTable('source')
    .set({ derived_from_id: beyondHidden.id })
    .where('id', '=', hiddenSource.id)
    .execute();
  const source = await insertSource(db, {
    title: 'Line\nbreak',
    derived_from_id: relay.id,
    url: 'https://www.example.org/a?utm_source=x&b=2&a=1',
    published_at: '2024-05-01T00:00:00Z',
    published_at_precision: 'MONTH',
  });
  await db
    .insertInto('source_actor')
    .values([
      { source_id: source.id, actor_id: hidden.id, role: 'SPEAKER', position: 0 },
      { source_id: source.id, actor_id: visible.id, role: 'SPEAKER', position: 1 },
      { source_id: source.id, actor_id: visible.id, role: 'PUBLISHER', position: 2 },
    ])
    .execute();
  const place = await insertActor(db, {
    kind: 'PLACE',
    name: 'Air base',
    place_type: 'BASE',
    latitude: 10.25,
    longitude: -67.5,
  });
  const firstClaim = await insertClaim(db, { briefing_id: briefing.id, position: 9 });
  await db
    .insertInto('claim_participant')
    .values([
      { claim_id: firstClaim.id, actor_id: hidden.id, role: 'EQUIPMENT', position: 0 },
      { claim_id: firstClaim.id, actor_id: place.id, role: 'LOCATION', position: 1, note: 'n' },
    ])
    .execute();
  const relationship = await insertRelationship(db, visible.id, survivor.id, 'supplies');
  await db
    .insertInto('relationship_participant')
    .values({ relationship_id: relationship.id, actor_id: place.id, role: 'LOCATION', position: 0 })
    .execute();
  const hiddenRelay = await insertSource(db, {
    title: 'Via hidden',
    derived_from_id: hiddenSource.id,
  });
  const cases = [
    ['DAY', '2006-07-15', 'EXACT', 1234567.5],
    ['MONTH', '2006-02-01', 'APPROXIMATE', 21],
    ['QUARTER', '2006-10-01', 'AT_LEAST', 0.000001],
    ['YEAR', '1999-01-01', 'RANGE', null],
    ['DECADE', '0990-01-01', 'AT_MOST', 1e15],
  ] as const;
  for (const [i, [precision, date, qualifier, value]] of cases.entries()) {
    await insertClaim(
      db,
      {
        briefing_id: briefing.id,
        position: i,
        subject_actor_id: i % 2 ? hidden.id : visible.id,
        valid_from: date,
        valid_from_precision: precision,
        valid_to: i % 2 ? null : '2024-12-31',
        valid_to_precision: i % 2 ? null : 'DAY',
        valid_time_note: i === 3 ? '' : `note ${i}`,
        valid_from_bound: i === 4 ? 'NOT_BEFORE' : undefined,
        valid_to_bound: i === 1 ? 'OPEN' : i === 3 ? 'UNDISCLOSED' : undefined,
        likelihood: i === 0 ? null : i % 2 ? 'ROUGHLY_EVEN_CHANCE' : 'UNLIKELY',
        likelihood_to: i === 2 ? 'VERY_LIKELY' : null,
        confidence: i * 20,
      },
      {
        quantities: [
          {
            qualifier,
            value,
            min: qualifier === 'RANGE' ? 5 : null,
            max: qualifier === 'RANGE' ? 10.25 : null,
            unit: i % 2 ? 'aircraft' : null,
          },
          ...(i === 1
            ? ([
                { role: 'VALUE', kind: 'MONEY', qualifier: 'EXACT', value: 2.2e9, currency: 'USD' },
                {
                  role: 'OTHER',
                  label: 'squadrons',
                  qualifier: 'VAGUE',
                  wording: 'several',
                  min: 2,
                },
              ] as const)
            : []),
        ],
        dates:
          i === 2
            ? [
                { role: 'ORDERED', date: '2005-01-01', precision: 'YEAR' },
                { role: 'DELIVERED', bound: 'UNDISCLOSED', note: 'undisclosed' },
                {
                  role: 'OTHER',
                  label: 'first flight',
                  date: '2008-03-01',
                  precision: 'MONTH',
                  bound: 'NOT_AFTER',
                },
              ]
            : [],
        objects: [visible.id, hidden.id],
        citations: [
          { sourceId: source.id },
          { sourceId: hiddenSource.id, role: 'RELAY' },
          { sourceId: hiddenRelay.id, role: 'RELAY' },
        ],
      },
    );
  }
}

const CLAIM_FIELDS = `__typename id position kind statement quote span { start end } predicate
  quantity { value min max unit qualifier text }
  quantities { role label kind qualifier value min max unit currency wording text }
  dates { role label bound note date { date precision end label } }
  validTime { note fromBound toBound from { date precision end label } to { date precision end label } }
  likelihood likelihoodRange { from to } confidence status marking version createdAt updatedAt
  briefing { id slug }
  subject { id name kind }
  objects { id name country wikidataQid marking }
  citations(first: 3) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id role position locator quote credibility
      claim { id } source { id releasedTo derivationChain { id title } kind title publisher url publishedAt publishedOn { date precision label } accessedAt reliability description marking version createdAt updatedAt } } }
  }`;

const BRIEFING_FIELDS = `__typename id slug title summary body status language publishedAt retractedAt
  retractionReason marking version createdAt updatedAt asSource { id title }`;

const ACTOR_FIELDS = `__typename id kind name country wikidataQid description placeType coordinates { latitude longitude } marking releasedTo version createdAt updatedAt`;

const QUERIES: Record<string, string> = {
  bench_q1: `{ briefings(first: 20, orderBy: PUBLISHED_AT_DESC) { edges { node { title claims(first: 10) { edges { node { statement citations(first: 5) { edges { node { source { title } } } } objects { name } } } } } } } }`,
  bench_q1x2: `{ briefings(first: 40, orderBy: PUBLISHED_AT_DESC) { edges { node { title claims(first: 20) { edges { node { statement citations(first: 5) { edges { node { source { title } } } } objects { name } } } } } } } }`,
  bench_q2: `{ claims(first: 3) { edges { node { subject { name relationships(first: 10, direction: OUTGOING, orderBy: TYPE_ASC) { edges { node { type to { name relationships(first: 10, direction: OUTGOING, orderBy: TYPE_ASC) { edges { node { type to { name } } } } } } } } } } } } }`,
  bench_q3: `{ briefings(first: 1) { edges { node { title summary publishedAt claims(first: 50) { edges { node { statement predicate confidence status } } } } } } }`,
  every_claim_field: `{ claims(first: 40) { totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { ${CLAIM_FIELDS} } } } }`,
  every_briefing_field: `{ briefings(first: 5, orderBy: TITLE_ASC) { __typename totalCount edges { __typename cursor node { ${BRIEFING_FIELDS} claims(first: 4, orderBy: CONFIDENCE_DESC) { totalCount edges { node { id confidence } } } } } } }`,
  actor_network: `{ claims(first: 30) { edges { node { subject { ${ACTOR_FIELDS} relationships(first: 5, orderBy: TYPE_ASC) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { __typename id type confidence description marking releasedTo version createdAt updatedAt from { id name } to { ${ACTOR_FIELDS} relationships(first: 2, direction: OUTGOING) { edges { node { type to { name } } } } } } } } } } } } }`,
  aliases_and_fragments: `query Frag($n: Int!, $skip: Boolean!) { first: briefings(first: $n) { edges { node { ...B t2: title title @skip(if: $skip) } } } second: claims(first: $n, orderBy: CREATED_AT_DESC) { edges { node { ... on Claim { statement } ...C } } } }
    fragment B on Briefing { title slug claims(first: 2) { edges { node { ...C } } } }
    fragment C on Claim { id statement s: span { end } }`,
  briefing_lists: `{ briefings(first: 6) { edges { node { slug authors { __typename name bio } media { kind position url caption credit licence { name url } takenOn { date precision label end } } tags { name kind } sources(first: 4) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title derivedFrom { id title derivedFrom { id } } citations(first: 2) { totalCount edges { cursor node { id position claim { id statement } } } } } } } actors(first: 5) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { ${ACTOR_FIELDS} wikidataUrl aliases { name language } externalIds { scheme value url } } } } } } } }`,
  actor_lists: `{ claims(first: 25) { edges { node { objects { id name briefings(first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { slug } } } claims(first: 3, role: SUBJECT) { totalCount edges { node { id statement } } } anyClaims: claims(first: 2, orderBy: BRIEFING_POSITION) { totalCount edges { cursor node { id } } } relationships(first: 3) { edges { node { type evidence(first: 2) { totalCount edges { node { id statement } } } } } } } } } } }`,
  edge_cases: `{ actorRelationships(first: 3, orderBy: TYPE_ASC) { edges { node { type from { name } to { name } } } } claims(first: 5, orderBy: CREATED_AT_DESC) { pageInfo { endCursor } edges { cursor node { ${CLAIM_FIELDS} } } } briefings(first: 2, orderBy: CREATED_AT_DESC) { pageInfo { startCursor endCursor } edges { cursor node { ${BRIEFING_FIELDS} } } } byTitle: briefings(first: 50, orderBy: TITLE_ASC) { edges { cursor } } }`,
  roots: `{ actors(first: 8, orderBy: NAME_ASC, filter: { kind: [STATE, PERSON] }) { totalCount edges { cursor node { ${ACTOR_FIELDS} } } } sources(first: 6, filter: { publisher: "a" }) { totalCount pageInfo { hasNextPage endCursor } edges { node { id title publisher } } } actorRelationships(first: 10) { totalCount edges { cursor node { id type validTime { from { label end } to { label } note } from { name } to { name } } } } }`,
  counts_only: `{ actors(filter: { name: "no such actor" }) { totalCount } sources(first: 0) { totalCount pageInfo { hasNextPage } } claims(first: 2) { __typename } briefings(first: 1) { edges { node { claims(first: 0) { totalCount } actors(first: 1) { totalCount } } } } }`,
  identifier_lookups: `{ byQid: actor(wikidataQid: "q42") { ${ACTOR_FIELDS} } hiddenQid: actor(wikidataQid: "Q99999") { id } byExt: actor(externalId: { scheme: "sipri", value: "V-1" }) { id name } hiddenExt: actor(externalId: { scheme: "sipri", value: "H-1" }) { id } filtered: actors(filter: { wikidataQid: ["Q42", "Q99999"] }) { totalCount edges { node { id } } } extFiltered: actors(filter: { externalId: { scheme: "sipri", value: "V-1" } }) { totalCount } src: source(url: "http://example.org/a/?a=1&b=2#top") { id title url } hiddenSrc: source(url: "https://hidden.example/x") { id } srcList: sources(filter: { url: "https://EXAMPLE.org:443/a?b=2&a=1" }) { totalCount edges { node { id } } } }`,
  participants: `{ claims(first: 40) { edges { node { id participants { __typename role note actor { ${ACTOR_FIELDS} placeType coordinates { latitude longitude } } } } } } actorRelationships(first: 20) { edges { node { id participants { role note actor { name } } } } } actors(filter: { kind: [PLACE] }) { edges { node { name placeType coordinates { latitude longitude } } } } }`,
  source_actors: `{ sources(first: 20) { edges { node { id actors { __typename role actor { ${ACTOR_FIELDS} sources(first: 2) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { id title } } } published: sources(role: [PUBLISHER, SUBJECT]) { totalCount edges { node { id } } } } } } } } }`,
  bench_q5: `{ search(query: "chavez", first: 20) { totalCount capped edges { node { type rank snippet { html } record { ... on Briefing { title } ... on Claim { statement } ... on Source { title } ... on Actor { name } } } } } }`,
  search_every_field: `{ search(query: "venezuela or quoted or edge or line", first: 40) { __typename totalCount capped pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { __typename cursor node { __typename type rank snippet { __typename text html } record { __typename ... on Briefing { id slug title } ... on Claim { id statement } ... on Source { id title url } ... on Actor { ${ACTOR_FIELDS} } } } } } }`,
  search_narrowed: `{ search(query: "venezuela", types: [ACTOR, SOURCE], filter: { actorKind: [STATE, PERSON] }, first: 3) { totalCount pageInfo { hasNextPage endCursor } edges { cursor node { rank record { ... on Actor { name kind } ... on Source { title } } } } } misspelt: search(query: "Madurro", types: [ACTOR]) { totalCount edges { node { rank type } } } none: search(query: "zzzqqq") { totalCount capped pageInfo { hasNextPage startCursor } edges { cursor } } }`,
  filtered: `{ claims(first: 10, filter: { kind: [FACT], minConfidence: 50 }) { totalCount edges { node { id statement confidence kind } } } briefings(filter: { status: [PUBLISHED] }) { totalCount edges { node { slug } } } }`,
};

async function answer(
  app: App,
  document: string,
  role: string,
  variables?: Record<string, unknown>,
) {
  database.statements.reset();
  // One request id for both paths, so their errors compare byte for byte.
  const response = await graphql(app, document, variables, {
    ...headers[role],
    'x-request-id': 'compare',
  });
  return { text: JSON.stringify(response), statements: database.statements.count };
}

describe('compiled reads answer exactly as the loader path', () => {
  for (const role of ['anonymous', 'editor', 'admin']) {
    for (const [name, document] of Object.entries(QUERIES)) {
      it(`${name} as ${role}`, async () => {
        const variables = { n: 3, skip: false };
        const viaLoaders = await answer(loaders, document, role, variables);
        const viaCompiled = await answer(compiled, document, role, variables);
        expect(viaLoaders.text).not.toContain('"errors"');
        if (name === 'edge_cases') {
          expect(viaLoaders.text).toContain('"label":"2006-Q4"');
          expect(viaLoaders.text).toContain('"derivationChain":[{"id":');
          expect(viaLoaders.text).toContain('"text":"5–10.25 aircraft"');
          expect(viaLoaders.text).toContain('"to":{"name":"Survivor"}');
        }
        if (name === 'bench_q5') expect(viaLoaders.text).toContain('<mark>Chávez</mark>');
        if (name === 'search_every_field') {
          expect(viaLoaders.text).toContain('&quot;quoted&quot;');
          expect(viaLoaders.text).toContain('"hasNextPage":true');
        }
        if (name === 'participants') expect(viaLoaders.text).toContain('"role":"LOCATION"');
        if (name === 'source_actors') expect(viaLoaders.text).toContain('"role":"PUBLISHER"');
        if (name === 'identifier_lookups') {
          expect(viaLoaders.text).toContain('"byExt":{"id":');
          expect(viaLoaders.text).toContain('"src":{"id":');
          // Hidden by its embargo from anonymous callers only; editors see unreleased records.
          if (role === 'anonymous') {
            expect(viaLoaders.text).toContain('"hiddenSrc":null');
            expect(viaLoaders.text).toContain('"hiddenExt":null');
          }
          expect(viaLoaders.text).toContain('"extFiltered":{"totalCount":1}');
        }
        expect(viaCompiled.text).toBe(viaLoaders.text);
        // Authentication reads the key first; the answer itself is one statement.
        expect(viaCompiled.statements - (role === 'anonymous' ? 0 : 1)).toBe(1);
      });
    }
  }

  it('answers a read of nothing but __typename without a statement', async () => {
    const viaCompiled = await answer(compiled, '{ __typename t: __typename }', 'anonymous');
    expect(viaCompiled.text).toBe('{"data":{"__typename":"Query","t":"Query"},"status":200}');
    expect(viaCompiled.statements).toBe(0);
  });

  it('pages on with a cursor from either path', async () => {
    const first = await graphql<{ claims: { pageInfo: { endCursor: string } } }>(
      compiled,
      `
        {
          claims(first: 5) {
            pageInfo {
              endCursor
            }
          }
        }
      `,
    );
    const after = first.data?.claims.pageInfo.endCursor;
    const next = `query($after: String) { claims(first: 5, after: $after) { pageInfo { hasPreviousPage } edges { cursor node { id } } } }`;
    const viaLoaders = await answer(loaders, next, 'anonymous', { after });
    const viaCompiled = await answer(compiled, next, 'anonymous', { after });
    expect(viaCompiled.text).toBe(viaLoaders.text);
    expect(viaCompiled.statements).toBe(1);
  });

  it('pages a search on with a cursor from either path', async () => {
    const document = `query($after: String) { search(query: "venezuela", first: 4, after: $after) { pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { type rank record { ... on Claim { id } ... on Briefing { id } ... on Source { id } ... on Actor { id } } } } } }`;
    const first = await answer(loaders, document, 'anonymous');
    const after = (
      JSON.parse(first.text) as { data: { search: { pageInfo: { endCursor: string } } } }
    ).data.search.pageInfo.endCursor;
    expect(after).toEqual(expect.any(String));
    expect((await answer(compiled, document, 'anonymous')).text).toBe(first.text);
    const viaLoaders = await answer(loaders, document, 'anonymous', { after });
    const viaCompiled = await answer(compiled, document, 'anonymous', { after });
    expect(viaLoaders.text).toContain('"hasPreviousPage":true');
    expect(viaCompiled.text).toBe(viaLoaders.text);
    expect(viaCompiled.statements).toBe(1);
  });

  it('answers node, actor and briefing lookups, hidden ones as null', async () => {
    const ids = await database.db
      .selectFrom('briefing')
      .select(['id', 'slug', 'status'])
      .orderBy('id')
      .execute();
    const actors = await database.db
      .selectFrom('actor')
      .select('id')
      .orderBy('id')
      .limit(3)
      .execute();
    for (const b of ids.slice(0, 3)) {
      const document = `query($id: ID!, $slug: Slug!, $actor: ID!) { node(id: $id) { __typename id ... on Briefing { slug title } ... on Actor { name } } briefing(slug: $slug) { ${BRIEFING_FIELDS} } actor(id: $actor) { ${ACTOR_FIELDS} } }`;
      for (const role of ['anonymous', 'editor']) {
        const variables = {
          id: encodeGlobalId('Briefing', b.id),
          slug: b.slug,
          actor: encodeGlobalId('Actor', actors[0]?.id ?? 1),
        };
        const viaLoaders = await answer(loaders, document, role, variables);
        const viaCompiled = await answer(compiled, document, role, variables);
        expect(viaCompiled.text).toBe(viaLoaders.text);
      }
    }
  });

  it('takes the loader path, with its errors, for what it does not compile', async () => {
    const bad = `{ claims(first: -1) { edges { node { id } } } }`;
    const viaLoaders = await answer(loaders, bad, 'anonymous');
    const viaCompiled = await answer(compiled, bad, 'anonymous');
    expect(viaCompiled.text).toBe(viaLoaders.text);
    expect(viaCompiled.text).toContain('BAD_USER_INPUT');
    const backwards = `{ claims(last: 3) { edges { node { id } } } }`;
    expect((await answer(compiled, backwards, 'anonymous')).text).toBe(
      (await answer(loaders, backwards, 'anonymous')).text,
    );
  });
});

describe('what the compiler leaves to the loader path', () => {
  /** A one-type schema whose field has SQL, with or without auth scopes. */
  function schemaWith(fieldExtensions: Record<string, unknown>): GraphQLSchema {
    const secret = new GraphQLObjectType({
      name: 'Secret',
      fields: { title: { type: GraphQLString, extensions: fieldExtensions } },
    });
    const row = sql`select 'x' as title`;
    return new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Query',
        fields: { secret: { type: secret, extensions: { sql: { kind: 'one', row: () => row } } } },
      }),
    });
  }

  it('does not compile a field with auth scopes, which only its resolver checks', () => {
    const env = { db: database.db, visibility: ANONYMOUS_VISIBILITY };
    const document = parse('{ secret { title } }');
    const column = { sql: { kind: 'column', column: 'title' } };
    expect(compileOperation(schemaWith(column), document, null, {}, env)).not.toBeNull();
    const scoped = { ...column, pothosOptions: { authScopes: { admin: true } } };
    expect(compileOperation(schemaWith(scoped), document, null, {}, env)).toBeNull();
  });
});
