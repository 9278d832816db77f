import type { Insertable } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ActorRelationshipTable } from '../../src/db/types.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue 13's facts as an analyst filters them: vague and bounded quantities, sources by
// publication date, places by type, relationships over a window. Every answer is asked of both
// read paths (one compiled statement, and loaders) and must be the same; hidden records never
// match; bad input is refused with BAD_USER_INPUT naming the argument, before any read.

let database: TestDatabase;
let compiled: App;
let loaders: App;
let editor: Record<string, string>;
const anonymous: Record<string, string> = {};
let hubId = '';

type Edges<T> = { edges: { node: T }[] };

/** The same request on both read paths: equal answers, or the test fails. */
async function ask<T>(query: string, headers = anonymous, variables?: Record<string, unknown>) {
  database.statements.reset();
  const fromCompiled = await graphql<T>(compiled, query, variables, headers);
  // Really compiled: one statement (an editor's key is looked up first).
  expect(database.statements.count).toBe(headers === anonymous ? 1 : 2);
  const fromLoaders = await graphql<T>(loaders, query, variables, headers);
  expect(fromCompiled.errors).toBeUndefined();
  expect(fromLoaders.data).toEqual(fromCompiled.data);
  return fromCompiled.data as T;
}

/**
 * A refused request: its error on both paths, and, for a root field, no statement read for it
 * (a nested field's parent is read before its arguments are looked at).
 */
async function refused(query: string, { root } = { root: true }) {
  const answers = [];
  for (const app of [compiled, loaders]) {
    database.statements.reset();
    const answer = await graphql(app, query, undefined, editor);
    if (root) {
      // The API key is looked up; nothing else is read once the filter is refused.
      expect(database.statements.sql.filter((text) => !/api_key/.test(text))).toEqual([]);
      expect(answer.data ?? null).toBeNull();
    }
    answers.push(
      answer.errors?.map((error) => ({
        message: error.message,
        code: error.extensions?.code,
        argument: error.extensions?.argument,
      })),
    );
  }
  expect(answers[1]).toEqual(answers[0]);
  return answers[0];
}

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  const config = loadConfig({});
  compiled = createApp({ db: database.db, logger, config });
  loaders = createApp({ db: database.db, logger, config, compiledReads: false });
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  const { db } = database;

  // Quantities: each claim states one DELIVERED quantity of a different shape, one states a
  // larger ORDERED figure beside a small DELIVERED one, one a sum of money; the draft
  // briefing's claim is hidden from anonymous callers.
  const shown = await insertBriefing(db);
  const draft = await insertBriefing(db, { status: 'DRAFT', published_at: null });
  const claims: [string, NonNullable<Parameters<typeof insertClaim>[2]>['quantities']][] = [
    [
      'ordered 24, delivered 10',
      [
        { role: 'ORDERED', qualifier: 'EXACT', value: 24 },
        { role: 'DELIVERED', qualifier: 'EXACT', value: 10 },
      ],
    ],
    ['at least 20 delivered', [{ role: 'DELIVERED', qualifier: 'AT_LEAST', value: 20 }]],
    ['dozens delivered', [{ role: 'DELIVERED', qualifier: 'VAGUE', wording: 'dozens', min: 24 }]],
    ['several delivered', [{ role: 'DELIVERED', qualifier: 'VAGUE', wording: 'several' }]],
    ['15 to 25 delivered', [{ role: 'DELIVERED', qualifier: 'RANGE', min: 15, max: 25 }]],
    ['about 21 delivered', [{ role: 'DELIVERED', qualifier: 'APPROXIMATE', value: 21 }]],
    [
      'a USD 2.2 bn contract',
      [{ role: 'VALUE', kind: 'MONEY', currency: 'USD', qualifier: 'EXACT', value: 2.2e9 }],
    ],
  ];
  for (const [position, [statement, quantities]] of claims.entries()) {
    await insertClaim(
      db,
      { briefing_id: shown.id, position, statement, predicate: 'tested-quantity' },
      { quantities },
    );
  }
  await insertClaim(
    db,
    {
      briefing_id: draft.id,
      position: 0,
      statement: 'hidden 30 delivered',
      predicate: 'tested-quantity',
    },
    { quantities: [{ role: 'DELIVERED', qualifier: 'EXACT', value: 30 }] },
  );

  // Sources of one publisher, dated to a month, an instant, a year, or not at all; one under
  // embargo.
  const publisher = 'Filter Desk';
  await insertSource(db, {
    title: 'S1 May 2024',
    publisher,
    published_at: new Date('2024-05-01T00:00:00Z'),
    published_at_precision: 'MONTH',
  });
  await insertSource(db, {
    title: 'S2 15 June 2024, 10:00',
    publisher,
    published_at: new Date('2024-06-15T10:00:00Z'),
  });
  await insertSource(db, { title: 'S3 undated', publisher });
  await insertSource(db, {
    title: 'S4 2023',
    publisher,
    published_at: new Date('2023-01-01T00:00:00Z'),
    published_at_precision: 'YEAR',
  });
  await insertSource(db, {
    title: 'S5 10 May 2024, embargoed',
    publisher,
    released_to: null,
    published_at: new Date('2024-05-10T00:00:00Z'),
    published_at_precision: 'DAY',
  });

  // Places: two bases and a city in Venezuela (one base embargoed), a base in Russia, and a
  // state, which has no place type.
  const place = (name: string, type: 'CITY' | 'BASE', country: string, released = true) =>
    insertActor(db, {
      kind: 'PLACE',
      name: `Filterplace ${name}`,
      place_type: type,
      country,
      ...(released ? {} : { released_to: null }),
    });
  await place('Maracay', 'CITY', 'VE');
  await place('El Libertador', 'BASE', 'VE');
  await place('Khmeimim', 'BASE', 'RU');
  await place('Hidden base', 'BASE', 'VE', false);
  await insertActor(db, { kind: 'STATE', name: 'Filterplace State', country: 'VE' });

  // Relationships from one hub: July 2006 to 2008; since 2010 and still in force; start
  // unknown, ending 2025; no dates at all; and one under embargo (a released relationship
  // would release its ends, so the relationship itself is the hidden record).
  const hub = await insertActor(db, { name: 'Filter hub' });
  hubId = encodeGlobalId('Actor', hub.id);
  const link = async (
    description: string,
    values: Partial<Insertable<ActorRelationshipTable>>,
    released = true,
  ) => {
    const other = await insertActor(db);
    await db
      .insertInto('actor_relationship')
      .values({
        from_actor_id: hub.id,
        to_actor_id: other.id,
        type: 'tested-link',
        description,
        released_to: released ? 'CLEAR' : null,
        ...values,
      })
      .execute();
  };
  await link('R1 2006-07 to 2008', {
    valid_from: '2006-07-01',
    valid_from_precision: 'MONTH',
    valid_to: '2008-01-01',
    valid_to_precision: 'YEAR',
  });
  await link('R2 since 2010, open', {
    valid_from: '2010-01-01',
    valid_from_precision: 'DAY',
    valid_to_bound: 'OPEN',
  });
  await link('R3 start unknown, to 2025', { valid_to: '2025-01-01', valid_to_precision: 'YEAR' });
  await link('R4 undated', {});
  await link(
    'R5 since 2007, under embargo',
    { valid_from: '2007-01-01', valid_from_precision: 'YEAR', valid_to_bound: 'OPEN' },
    false,
  );
});
afterAll(() => database.close());

describe('claims by quantity qualifier and amount', () => {
  const statements = async (filter: string, headers = anonymous) =>
    (
      await ask<{ claims: Edges<{ statement: string }> & { totalCount: number } }>(
        `{ claims(first: 50, filter: { predicate: ["tested-quantity"], ${filter} }) {
           totalCount edges { node { statement } } } }`,
        headers,
      )
    ).claims.edges.map((edge) => edge.node.statement);

  it('finds at least 20 delivered by what each quantity states, never by another role', async () => {
    expect(await statements('quantityRole: [DELIVERED], quantityAmount: { min: 20 }')).toEqual([
      'at least 20 delivered',
      'dozens delivered',
      'about 21 delivered',
    ]);
    // With an upper limit, open-ended quantities (at least 20, dozens from 24) drop out.
    expect(
      await statements('quantityRole: [DELIVERED], quantityAmount: { min: 20, max: 30 }'),
    ).toEqual(['about 21 delivered']);
    expect(await statements('quantityRole: [DELIVERED], quantityAmount: { max: 25 }')).toEqual([
      'ordered 24, delivered 10',
      '15 to 25 delivered',
      'about 21 delivered',
    ]);
    // 24 ordered counts for ORDERED only.
    expect(await statements('quantityRole: [ORDERED], quantityAmount: { min: 20 }')).toEqual([
      'ordered 24, delivered 10',
    ]);
  });

  it('finds vague quantities, and bounds them only by the bounds stated with them', async () => {
    expect(await statements('quantityQualifier: [VAGUE]')).toEqual([
      'dozens delivered',
      'several delivered',
    ]);
    expect(await statements('quantityQualifier: [VAGUE], quantityAmount: { min: 1 }')).toEqual([
      'dozens delivered',
    ]);
    expect(await statements('quantityQualifier: [AT_LEAST, RANGE]')).toEqual([
      'at least 20 delivered',
      '15 to 25 delivered',
    ]);
  });

  it('holds money conditions to the same quantity', async () => {
    expect(await statements('currency: ["USD"], quantityAmount: { min: 1000000000 }')).toEqual([
      'a USD 2.2 bn contract',
    ]);
    expect(await statements('currency: ["USD"], quantityQualifier: [VAGUE]')).toEqual([]);
  });

  it('never matches a claim the caller may not see', async () => {
    const thirty = 'quantityAmount: { min: 30, max: 30 }';
    expect(await statements(thirty)).toEqual([]);
    expect(await statements(thirty, editor)).toEqual(['hidden 30 delivered']);
  });

  it('finds the seed’s estimate of around 21 operational aircraft', async () => {
    const seed = await ask<{ claims: Edges<{ statement: string }> }>(
      `{ claims(filter: { quantityRole: [OPERATIONAL], quantityQualifier: [APPROXIMATE],
           quantityAmount: { min: 20, max: 25 } }) { edges { node { statement } } } }`,
    );
    expect(seed.claims.edges.map((edge) => edge.node.statement)).toEqual([
      'Venezuela’s operational Su-30MK2 fleet is estimated at around 21 aircraft.',
    ]);
  });

  it('refuses an empty or reversed amount range', async () => {
    expect(await refused('{ claims(filter: { quantityAmount: {} }) { totalCount } }')).toEqual([
      {
        message: 'expected filter.quantityAmount.min or max, got neither',
        code: 'BAD_USER_INPUT',
        argument: 'filter.quantityAmount',
      },
    ]);
    expect(
      await refused('{ claims(filter: { quantityAmount: { min: 5, max: 1 } }) { totalCount } }'),
    ).toEqual([
      {
        message: 'expected filter.quantityAmount.max >= min, got 1 < 5',
        code: 'BAD_USER_INPUT',
        argument: 'filter.quantityAmount',
      },
    ]);
  });
});

describe('sources by publication date', () => {
  const titles = async (filter: string, headers = anonymous) =>
    (
      await ask<{ sources: Edges<{ title: string }> }>(
        `{ sources(first: 50, filter: { publisher: "filter desk", ${filter} }) {
           edges { node { title } } } }`,
        headers,
      )
    ).sources.edges.map((edge) => edge.node.title);

  it('matches a month when any of its days is in the range', async () => {
    expect(await titles('publishedDuring: { from: "2024-05-20", to: "2024-06-30" }')).toEqual([
      'S1 May 2024',
      'S2 15 June 2024, 10:00',
    ]);
    expect(await titles('publishedDuring: { to: "2023-12-31" }')).toEqual(['S4 2023']);
    expect(await titles('publishedDuring: { from: "2024-06-16" }')).toEqual([]);
    expect(await titles('publishedDuring: { from: "2024-06-15", to: "2024-06-15" }')).toEqual([
      'S2 15 June 2024, 10:00',
    ]);
  });

  it('leaves undated sources out unless includeUndated', async () => {
    expect(await titles('publishedDuring: { from: "2024-06-16" }, includeUndated: true')).toEqual([
      'S3 undated',
    ]);
  });

  it('never matches a source under embargo for those it is hidden from', async () => {
    const may = 'publishedDuring: { from: "2024-05-01", to: "2024-05-31" }';
    expect(await titles(may)).toEqual(['S1 May 2024']);
    expect(await titles(may, editor)).toEqual(['S1 May 2024', 'S5 10 May 2024, embargoed']);
  });

  it('finds the seed’s Washington Post report by its day in October 2025', async () => {
    const seed = await ask<{ sources: Edges<{ title: string }> }>(
      `{ sources(filter: { publishedDuring: { from: "2025-10-01", to: "2025-10-31" } }) {
           edges { node { title } } } }`,
    );
    expect(seed.sources.edges.map((edge) => edge.node.title)).toEqual([
      'The Washington Post report on Maduro’s requests for military aid from Russia, China and Iran',
    ]);
  });

  it('refuses a reversed range and includeUndated alone', async () => {
    expect(
      await refused(
        '{ sources(filter: { publishedDuring: { from: "2024-02-01", to: "2024-01-01" } }) { totalCount } }',
      ),
    ).toEqual([
      {
        message: 'expected filter.publishedDuring.to >= from, got 2024-01-01 < 2024-02-01',
        code: 'BAD_USER_INPUT',
        argument: 'filter.publishedDuring',
      },
    ]);
    expect(await refused('{ sources(filter: { includeUndated: true }) { totalCount } }')).toEqual([
      {
        message: 'expected filter.publishedDuring with filter.includeUndated',
        code: 'BAD_USER_INPUT',
        argument: 'filter.includeUndated',
      },
    ]);
  });
});

describe('places by type and country', () => {
  const names = async (filter: string, headers = anonymous) =>
    (
      await ask<{ actors: Edges<{ name: string }> }>(
        `{ actors(first: 50, filter: { name: "filterplace", ${filter} }) { edges { node { name } } } }`,
        headers,
      )
    ).actors.edges.map((edge) => edge.node.name);

  it('finds places of a type in a country', async () => {
    expect(await names('placeType: [BASE], country: ["VE"]')).toEqual([
      'Filterplace El Libertador',
    ]);
    expect(await names('placeType: [BASE], country: ["VE"]', editor)).toEqual([
      'Filterplace El Libertador',
      'Filterplace Hidden base',
    ]);
    expect(await names('kind: [PLACE, STATE], placeType: [CITY, BASE]')).toEqual([
      'Filterplace El Libertador',
      'Filterplace Khmeimim',
      'Filterplace Maracay',
    ]);
    expect(await names('kind: [PLACE], country: ["VE"]')).toEqual([
      'Filterplace El Libertador',
      'Filterplace Maracay',
    ]);
  });

  it('refuses a place type with kinds that have none', async () => {
    expect(
      await refused('{ actors(filter: { kind: [STATE], placeType: [BASE] }) { totalCount } }'),
    ).toEqual([
      {
        message: 'expected filter.kind to include PLACE with filter.placeType, got [STATE]',
        code: 'BAD_USER_INPUT',
        argument: 'filter.placeType',
      },
    ]);
  });
});

describe('relationships over a window', () => {
  const described = (list: Edges<{ description: string | null }>) =>
    list.edges.map((edge) => edge.node.description).sort();

  async function both(window: string, headers = anonymous) {
    const data = await ask<{
      actorRelationships: Edges<{ description: string | null }>;
      actor: { relationships: Edges<{ description: string | null }> };
    }>(
      `query ($hub: ID!) {
         actorRelationships(first: 50, filter: { type: ["tested-link"], ${window} }) {
           edges { node { description } } }
         actor(id: $hub) { relationships(first: 50, ${window}) { edges { node { description } } } }
       }`,
      headers,
      { hub: hubId },
    );
    const root = described(data.actorRelationships);
    expect(described(data.actor.relationships)).toEqual(root);
    return root;
  }

  it('keeps those in force at some time in the window, unknown dates only when asked', async () => {
    expect(await both('validDuring: { from: "2008-06-01", to: "2009-12-31" }')).toEqual([
      'R1 2006-07 to 2008',
    ]);
    expect(
      await both('validDuring: { from: "2008-06-01", to: "2009-12-31" }, includeUndated: true'),
    ).toEqual(['R1 2006-07 to 2008', 'R3 start unknown, to 2025', 'R4 undated']);
    // Open-ended is not unknown: still in force in 2030.
    expect(await both('validDuring: { from: "2030-01-01" }')).toEqual(['R2 since 2010, open']);
    expect(await both('validDuring: { from: "2006-01-01", to: "2007-12-31" }')).toEqual([
      'R1 2006-07 to 2008',
    ]);
  });

  it('never matches a relationship the caller may not see', async () => {
    expect(await both('validDuring: { from: "2007-06-01", to: "2007-06-30" }', editor)).toEqual([
      'R1 2006-07 to 2008',
      'R5 since 2007, under embargo',
    ]);
  });

  it('refuses asOf with validDuring, and a reversed window', async () => {
    expect(
      await refused(
        '{ actorRelationships(filter: { asOf: "2007-01-01", validDuring: { from: "2006-01-01" } }) { totalCount } }',
      ),
    ).toEqual([
      {
        message: 'expected filter.asOf or filter.validDuring, not both',
        code: 'BAD_USER_INPUT',
        argument: 'filter.validDuring',
      },
    ]);
    expect(
      await refused(
        `{ actor(id: "${hubId}") { relationships(asOf: "2007-01-01", validDuring: { to: "2008-01-01" }) { totalCount } } }`,
        { root: false },
      ),
    ).toEqual([
      {
        message: 'expected asOf or validDuring, not both',
        code: 'BAD_USER_INPUT',
        argument: 'validDuring',
      },
    ]);
    expect(
      await refused(
        '{ actorRelationships(filter: { validDuring: { from: "2009-01-01", to: "2008-01-01" } }) { totalCount } }',
      ),
    ).toEqual([
      {
        message: 'expected filter.validDuring.to >= from, got 2008-01-01 < 2009-01-01',
        code: 'BAD_USER_INPUT',
        argument: 'filter.validDuring',
      },
    ]);
  });
});
