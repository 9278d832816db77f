import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { Marking, Precision } from '../../src/db/types.js';
import type { App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query, seededApp } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Claims about `x` and its relationships, dated to different precisions, so that the order is
// exact: a partial date sorts at the middle of its period (July 2006 on 16 July, 2006 on
// 2 July, Q4 2006 on 15 November).

let database: TestDatabase;
let app: App;
let amber: Record<string, string>;
const actor: Record<string, number> = {};

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  for (const name of ['x', 'y']) actor[name] = (await insertActor(db, { name })).id;
  const briefing = await insertBriefing(db);
  let position = 0;
  const claim = async (
    statement: string,
    from: [string, Precision] | null,
    to: [string, Precision] | null = null,
    options: { marking?: Marking; asObject?: boolean } = {},
  ) =>
    insertClaim(
      db,
      {
        briefing_id: briefing.id,
        position: position++,
        statement,
        marking: options.marking ?? 'CLEAR',
        subject_actor_id: options.asObject ? (actor.y ?? 0) : (actor.x ?? 0),
        valid_from: from?.[0] ?? null,
        valid_from_precision: from?.[1] ?? null,
        valid_to: to?.[0] ?? null,
        valid_to_precision: to?.[1] ?? null,
        valid_from_bound: from ? 'KNOWN' : 'UNKNOWN',
        valid_to_bound: to ? 'KNOWN' : 'UNKNOWN',
      },
      { objects: options.asObject ? [actor.x ?? 0] : [] },
    );
  await claim('day 20 July', ['2006-07-20', 'DAY']);
  await claim('July', ['2006-07-01', 'MONTH']);
  await claim('day 10 July', ['2006-07-10', 'DAY']);
  await claim('Q4', ['2006-10-01', 'QUARTER']);
  await claim('year 2006', ['2006-01-01', 'YEAR']);
  await claim('until 2008', null, ['2008-01-01', 'YEAR']);
  await claim('undated', null);
  await claim('secret', ['2006-08-01', 'DAY'], null, { marking: 'AMBER' });
  await claim('x as object', ['2005-05-05', 'DAY'], null, { asObject: true });
  const dated = async (type: string, marking: Marking) => {
    const link = await insertRelationship(db, actor.x ?? 0, actor.y ?? 0, type);
    await db
      .updateTable('actor_relationship')
      .set({
        valid_from: '2007-03-01',
        valid_from_precision: 'MONTH',
        valid_to: '2009-12-31',
        valid_to_precision: 'DAY',
        valid_from_bound: 'KNOWN',
        valid_to_bound: 'KNOWN',
        marking,
      })
      .where('id', '=', link.id)
      .execute();
  };
  await dated('supplies', 'CLEAR');
  await dated('secretly-supplies', 'AMBER');
  amber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
});
afterAll(() => database.close());

interface Timeline {
  edges: {
    cursor: string;
    node: {
      kind: string;
      sortDate: string;
      date: { date: string; precision: string };
      claim: { statement: string } | null;
      relationship: { type: string } | null;
    };
  }[];
  pageInfo: {
    hasNextPage: boolean;
    hasPreviousPage?: boolean;
    startCursor?: string | null;
    endCursor: string | null;
  };
}

async function timeline(args: string, headers: Record<string, string> = {}, id = actor.x) {
  const result = await graphql<{ actor: { timeline: Timeline } | null }>(
    app,
    `query ($id: ID!) { actor(id: $id) { timeline${args ? `(${args})` : ''} {
      edges { cursor node { kind sortDate date { date precision } claim { statement } relationship { type } } }
      pageInfo { hasNextPage endCursor } } } }`,
    { id: encodeGlobalId('Actor', id ?? 0) },
    headers,
  );
  expect(result.errors).toBeUndefined();
  const found = result.data?.actor?.timeline;
  if (!found) throw new Error('expected a timeline');
  return found;
}

/** The same read with `pageInfo`'s backward half. */
async function timelineBack(args: string) {
  const result = await graphql<{ actor: { timeline: Timeline } | null }>(
    app,
    `query ($id: ID!) { actor(id: $id) { timeline(${args}) {
      edges { cursor node { kind sortDate date { date precision } claim { statement } relationship { type } } }
      pageInfo { hasNextPage hasPreviousPage startCursor endCursor } } } }`,
    { id: encodeGlobalId('Actor', actor.x ?? 0) },
  );
  expect(result.errors).toBeUndefined();
  const found = result.data?.actor?.timeline;
  if (!found) throw new Error('expected a timeline');
  return found;
}

const events = (t: Timeline) =>
  t.edges.map(
    ({ node }) =>
      `${node.sortDate} ${node.kind === 'CLAIM' ? node.claim?.statement : `${node.relationship?.type} ${node.kind === 'RELATIONSHIP_START' ? 'starts' : 'ends'}`}`,
  );

const ALL = [
  '2005-05-05 x as object',
  '2006-07-02 year 2006',
  '2006-07-10 day 10 July',
  '2006-07-16 July',
  '2006-07-20 day 20 July',
  '2006-11-15 Q4',
  '2007-03-16 supplies starts',
  '2008-07-01 until 2008',
  '2009-12-31 supplies ends',
];

describe('Actor.timeline', () => {
  it('orders claims and relationship bounds by the middle of their periods', async () => {
    const all = await timeline('');
    expect(events(all)).toEqual(ALL);
    expect(all.pageInfo.hasNextPage).toBe(false);
    expect(all.edges[3]?.node.date).toEqual({ date: '2006-07-01', precision: 'MONTH' });
  });

  it('pages with keyset cursors, without skipping or repeating', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const t = await timeline(`first: 4${after ? `, after: "${after}"` : ''}`);
      seen.push(...events(t));
      if (!t.pageInfo.hasNextPage) break;
      after = t.pageInfo.endCursor;
    }
    expect(seen).toEqual(ALL);
  });

  it('keeps the events whose period overlaps from..to, of the kinds asked for', async () => {
    expect(events(await timeline('from: "2006-07-15", to: "2007-12-31"'))).toEqual([
      '2006-07-02 year 2006',
      '2006-07-16 July',
      '2006-07-20 day 20 July',
      '2006-11-15 Q4',
      '2007-03-16 supplies starts',
    ]);
    expect(events(await timeline('kinds: [RELATIONSHIP_END]'))).toEqual([
      '2009-12-31 supplies ends',
    ]);
    expect(events(await timeline('kinds: [CLAIM], to: "2006-07-12"'))).toEqual([
      '2005-05-05 x as object',
      '2006-07-02 year 2006',
      '2006-07-10 day 10 July',
      '2006-07-16 July',
    ]);
  });

  it('shows hidden claims and relationships only to callers cleared for them', async () => {
    const cleared = events(await timeline('', amber));
    expect(cleared).toEqual([
      ...ALL.slice(0, 5),
      '2006-08-01 secret',
      '2006-11-15 Q4',
      '2007-03-16 supplies starts',
      '2007-03-16 secretly-supplies starts',
      '2008-07-01 until 2008',
      '2009-12-31 supplies ends',
      '2009-12-31 secretly-supplies ends',
    ]);
  });

  it('counts the events that meet from, to and kinds, every page together', async () => {
    const total = async (args: string, headers: Record<string, string> = {}) => {
      const result = await graphql<{ actor: { timeline: { totalCount: number } } }>(
        app,
        `query ($id: ID!) { actor(id: $id) { timeline${args ? `(${args})` : ''} { totalCount } } }`,
        { id: encodeGlobalId('Actor', actor.x ?? 0) },
        headers,
      );
      expect(result.errors).toBeUndefined();
      return result.data?.actor.timeline.totalCount;
    };
    expect(await total('first: 2')).toBe(ALL.length);
    expect(await total('from: "2006-07-15", to: "2007-12-31"')).toBe(5);
    expect(await total('kinds: [RELATIONSHIP_END]')).toBe(1);
    expect(await total('kinds: [CLAIM], to: "2006-07-12"')).toBe(4);
    expect(await total('', amber)).toBe(ALL.length + 3);
  });

  it('pages backward from the end with last and before, in timeline order', async () => {
    const tail = await timelineBack('last: 4');
    expect(events(tail)).toEqual(ALL.slice(-4));
    expect(tail.pageInfo).toMatchObject({ hasPreviousPage: true, hasNextPage: false });
    const seen: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const t = await timelineBack(`last: 4${before ? `, before: "${before}"` : ''}`);
      seen.unshift(...events(t));
      if (!t.pageInfo.hasPreviousPage) break;
      before = t.pageInfo.startCursor ?? null;
    }
    expect(seen).toEqual(ALL);
    // Between two cursors, either way.
    const all = await timeline('');
    const between = `after: "${all.edges[1]?.cursor}", before: "${all.edges[5]?.cursor}"`;
    expect(events(await timelineBack(`last: 10, ${between}`))).toEqual(ALL.slice(2, 5));
    expect(events(await timeline(`first: 10, ${between}`))).toEqual(ALL.slice(2, 5));
  });

  it('refuses first with last, and a page below one', async () => {
    const refused = async (args: string) => {
      const result = await graphql(
        app,
        `query ($id: ID!) { actor(id: $id) { timeline(${args}) { totalCount } } }`,
        { id: encodeGlobalId('Actor', actor.x ?? 0) },
      );
      return result.errors?.[0]?.message;
    };
    expect(await refused('first: 2, last: 2')).toBe('expected either `first` or `last`, got both');
    expect(await refused('last: 0')).toBe('expected last >= 1, got 0');
    expect(await refused('before: "bm9wZQ"')).toBe(
      'expected `before` to be a cursor from a timeline’s edges, got something else',
    );
  });

  it('refuses a cursor it did not make', async () => {
    const result = await graphql(
      app,
      `
        query ($id: ID!) {
          actor(id: $id) {
            timeline(after: "bm9wZQ") {
              pageInfo {
                hasNextPage
              }
            }
          }
        }
      `,
      { id: encodeGlobalId('Actor', actor.x ?? 0) },
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('reads a page in a fixed number of statements', async () => {
    const count = async (first: number) => {
      database.statements.reset();
      await timeline(`first: ${first}`);
      return database.statements.count;
    };
    // The actor, the claim events, the relationship events, their claims, their relationships.
    expect(await count(7)).toBe(5);
    expect(await count(9)).toBe(5);
    database.statements.reset();
    const result = await graphql(
      app,
      `
        query ($id: ID!) {
          actor(id: $id) {
            timeline(last: 3) {
              totalCount
              edges {
                cursor
              }
            }
          }
        }
      `,
      { id: encodeGlobalId('Actor', actor.x ?? 0) },
    );
    expect(result.errors).toBeUndefined();
    // The actor, the two event lists, and one count of each.
    expect(database.statements.count).toBe(5);
  });
});

describe('Actor.timeline over the seed', () => {
  const seed = seededApp();

  it('lists the Su-30MK2 story in valid-time order', async () => {
    const su30 = await seed.database.db
      .selectFrom('actor')
      .select('id')
      .where('name', '=', 'Sukhoi Su-30MK2')
      .executeTakeFirstOrThrow();
    const data = await query<{ actor: { timeline: Timeline } }>(
      seed.app,
      `query ($id: ID!) { actor(id: $id) { timeline(first: 50) {
        edges { cursor node { kind sortDate date { date precision } claim { statement } relationship { type } } }
        pageInfo { hasNextPage endCursor } } } }`,
      { id: encodeGlobalId('Actor', su30.id) },
    );
    expect(events(data.actor.timeline)).toEqual(SEED_EVENTS);
    const back = await query<{ actor: { timeline: Timeline & { totalCount: number } } }>(
      seed.app,
      `query ($id: ID!) { actor(id: $id) { timeline(last: 2) { totalCount
        edges { cursor node { kind sortDate date { date precision } claim { statement } relationship { type } } }
        pageInfo { hasNextPage endCursor } } } }`,
      { id: encodeGlobalId('Actor', su30.id) },
    );
    expect(back.actor.timeline.totalCount).toBe(SEED_EVENTS.length);
    expect(events(back.actor.timeline)).toEqual(SEED_EVENTS.slice(-2));
  });
});

// The contract (July 2006), deliveries and the fleet entering service from the end of 2006
// (Q4: mid-November), the 2025 letter (a day) and the current estimate (November 2025).
const SEED_EVENTS = [
  '2006-07-16 Venezuela signed a contract with Russia in July 2006 for 24 Su-30MK2 aircraft.',
  '2006-11-15 operates starts',
  '2006-11-15 operates starts',
  '2006-11-15 Russia delivered the Su-30MK2 aircraft to Venezuela from the end of 2006, completing deliveries by 2008.',
  '2025-10-31 Maduro’s letter to Putin requested accelerated maintenance and modernization of Venezuela’s Su-30MK2 fighter jets.',
  '2025-11-15 Venezuela’s operational Su-30MK2 fleet is estimated at around 21 aircraft.',
];
