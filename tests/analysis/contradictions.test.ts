import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import {
  CLAIM_CONTRADICTIONS_COST,
  CONTRADICTION_CAPS,
  CONTRADICTIONS_COST,
} from '../../src/claims/contradiction.schema.js';
import { LIST_CAPS } from '../../src/common/list-caps.js';
import { costLimitRule } from '../../src/hardening/cost-limit.js';
import { schema } from '../../src/schema.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { ClaimStatus, Marking, Precision, TimeBound } from '../../src/db/types.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, mutateOk, query, seededApp } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Claims about one subject `v`, built so that each rule shows once: quantities of one role and
// unit that cannot both hold (an approximate value counts ±10 %), valid times that cannot
// overlap, other objects or units that never conflict, a source cited against a claim, and a
// hidden claim, a hidden subject and a hidden source that only a cleared caller sees, and a
// draft's claim that only editors see. (A claim in a published briefing releases what it
// references, so a visible claim never stands on an embargoed subject or source.)

let database: TestDatabase;
let app: App;
let amber: Record<string, string>;
let editor: Record<string, string>;
const claim: Record<string, number> = {};
const source: Record<string, number> = {};
let v = 0;

interface Facts {
  subject?: number;
  predicate?: string;
  objects?: number[];
  quantity?: { qualifier: 'EXACT' | 'APPROXIMATE'; value: number; unit: string };
  from?: [string, Precision, TimeBound?];
  to?: [string, Precision] | 'OPEN';
  marking?: Marking;
  status?: ClaimStatus;
  draft?: boolean;
}

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  v = (await insertActor(db, { name: 'v' })).id;
  const su = (await insertActor(db, { name: 'su' })).id;
  const other = (await insertActor(db, { name: 'other' })).id;
  const hidden = (await insertActor(db, { name: 'w', marking: 'AMBER' })).id;
  source.report = (await insertSource(db, { title: 'Fleet report' })).id;
  source.amber = (await insertSource(db, { title: 'Amber dossier', marking: 'AMBER' })).id;
  const briefing = await insertBriefing(db);
  const draft = await insertBriefing(db, { status: 'DRAFT', published_at: null });
  let position = 0;
  const add = async (key: string, facts: Facts, citations: { sourceId: number }[] = []) => {
    const row = await insertClaim(
      db,
      {
        briefing_id: facts.draft ? draft.id : briefing.id,
        position: position++,
        statement: key,
        subject_actor_id: facts.subject ?? v,
        predicate: facts.predicate ?? 'operates',
        marking: facts.marking ?? 'CLEAR',
        status: facts.status ?? 'REPORTED',
        valid_from: facts.from?.[0] ?? null,
        valid_from_precision: facts.from?.[1] ?? null,
        valid_from_bound: facts.from ? (facts.from[2] ?? 'KNOWN') : 'UNKNOWN',
        valid_to: Array.isArray(facts.to) ? facts.to[0] : null,
        valid_to_precision: Array.isArray(facts.to) ? facts.to[1] : null,
        valid_to_bound: facts.to === 'OPEN' ? 'OPEN' : facts.to ? 'KNOWN' : 'UNKNOWN',
      },
      {
        objects: facts.objects ?? [su],
        quantities: facts.quantity ? [{ role: 'OPERATIONAL', ...facts.quantity }] : [],
        citations: citations.map((c) => ({ ...c, role: 'CONTRADICTS' as const })),
      },
    );
    claim[key] = row.id;
  };
  const approx21 = { qualifier: 'APPROXIMATE', value: 21, unit: 'aircraft' } as const;
  const exact = (value: number, unit = 'aircraft') => ({
    qualifier: 'EXACT' as const,
    value,
    unit,
  });
  await add('a', { quantity: approx21, from: ['2025-01-01', 'YEAR'], to: 'OPEN' }, [
    { sourceId: source.amber ?? 0 },
  ]);
  await add(
    'b',
    { quantity: exact(24), from: ['2025-10-01', 'MONTH'], to: ['2025-10-01', 'MONTH'] },
    [{ sourceId: source.report ?? 0 }],
  );
  await add('c', { quantity: exact(22), status: 'DISPUTED' });
  await add('d', {
    predicate: 'contracted',
    from: ['2006-07-01', 'MONTH'],
    to: ['2006-07-01', 'MONTH'],
  });
  await add('e', {
    predicate: 'contracted',
    from: ['2008-01-01', 'YEAR'],
    to: ['2008-01-01', 'YEAR'],
  });
  // Same subject and predicate, but another object, another unit, or a bound that is no date.
  await add('other object', { objects: [other], quantity: exact(5) });
  await add('other unit', { quantity: exact(100, 'pilots') });
  await add('by 2009', {
    predicate: 'contracted',
    from: ['2009-01-01', 'YEAR', 'NOT_AFTER'],
    to: ['2009-01-01', 'YEAR'],
  });
  await add('secret', { quantity: exact(50), marking: 'AMBER' });
  await add('w1', { subject: hidden, quantity: exact(1) });
  await add('w2', { subject: hidden, quantity: exact(2) });
  await add('draft', { quantity: exact(30), draft: true });
  amber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
  editor = bearer(await createKey(database, 'editor', { clearance: 'CLEAR' }));
});
afterAll(() => database.close());

interface Contradiction {
  kind: string;
  reason: string;
  claim: { statement: string };
  otherClaim: { statement: string } | null;
  source: { title: string } | null;
}

const FIELDS = 'kind reason claim { statement } otherClaim { statement } source { title }';

const line = (c: Contradiction) =>
  `${c.claim.statement} ${c.kind} ${c.otherClaim?.statement ?? c.source?.title}: ${c.reason}`;

async function listed(args = '', headers: Record<string, string> = {}) {
  const result = await graphql<{
    contradictions: {
      edges: { cursor: string; node: Contradiction }[];
      pageInfo: { hasNextPage: boolean; endCursor: string | null };
      totalCount: number;
    };
  }>(
    app,
    `{ contradictions${args ? `(${args})` : ''} { edges { cursor node { ${FIELDS} } }
      pageInfo { hasNextPage endCursor } totalCount } }`,
    {},
    headers,
  );
  expect(result.errors).toBeUndefined();
  const found = result.data?.contradictions;
  if (!found) throw new Error('expected contradictions');
  return found;
}

const PUBLIC = [
  'a QUANTITY b: operational quantity ~21 aircraft vs 24 aircraft',
  'b QUANTITY c: operational quantity 24 aircraft vs 22 aircraft',
  'b CONTRADICTING_CITATION Fleet report: contradicted by the source “Fleet report”',
  'd VALID_TIME e: valid times do not overlap: 2006-07 vs 2008',
];

describe('contradictions', () => {
  it('lists each contradiction once, with its reason', async () => {
    const all = await listed();
    expect(all.edges.map((e) => line(e.node))).toEqual(PUBLIC);
    expect(all.totalCount).toBe(4);
    expect(all.pageInfo.hasNextPage).toBe(false);
  });

  it('shows a hidden claim, subject or source only to callers who may see them', async () => {
    const cleared = await listed('', amber);
    expect(cleared.edges.map((e) => line(e.node))).toEqual([
      'a QUANTITY b: operational quantity ~21 aircraft vs 24 aircraft',
      'a QUANTITY secret: operational quantity ~21 aircraft vs 50 aircraft',
      'a CONTRADICTING_CITATION Amber dossier: contradicted by the source “Amber dossier”',
      'b QUANTITY c: operational quantity 24 aircraft vs 22 aircraft',
      'b QUANTITY secret: operational quantity 24 aircraft vs 50 aircraft',
      'b CONTRADICTING_CITATION Fleet report: contradicted by the source “Fleet report”',
      'c QUANTITY secret: operational quantity 22 aircraft vs 50 aircraft',
      'd VALID_TIME e: valid times do not overlap: 2006-07 vs 2008',
      'w1 QUANTITY w2: operational quantity 1 aircraft vs 2 aircraft',
    ]);
    expect(cleared.totalCount).toBe(9);
  });

  it('shows a draft’s claims to editors only', async () => {
    const drafts = await listed('filter: { claims: { status: [REPORTED] } }', editor);
    expect(drafts.edges.map((e) => line(e.node))).toEqual([
      PUBLIC[0],
      'a QUANTITY draft: operational quantity ~21 aircraft vs 30 aircraft',
      PUBLIC[1],
      'b QUANTITY draft: operational quantity 24 aircraft vs 30 aircraft',
      PUBLIC[2],
      PUBLIC[3],
      'draft QUANTITY c: operational quantity 30 aircraft vs 22 aircraft',
    ]);
  });

  it('pages with keyset cursors, without skipping or repeating', async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page += 1) {
      const found = await listed(`first: 3${after ? `, after: "${after}"` : ''}`, amber);
      seen.push(...found.edges.map((e) => line(e.node)));
      if (!found.pageInfo.hasNextPage) break;
      after = found.pageInfo.endCursor;
    }
    expect(seen).toHaveLength(9);
    expect(new Set(seen).size).toBe(9);
  });

  it('filters by kind and by the claims, whose matching claim is listed first', async () => {
    const times = await listed('filter: { kind: [VALID_TIME, CONTRADICTING_CITATION] }');
    expect(times.edges.map((e) => line(e.node))).toEqual([PUBLIC[2], PUBLIC[3]]);
    const aboutC = await listed(`filter: { claims: { status: [DISPUTED] } }`);
    expect(aboutC.edges.map((e) => line(e.node))).toEqual([
      'c QUANTITY b: operational quantity 22 aircraft vs 24 aircraft',
    ]);
  });

  it('refuses a cursor it did not make and bad filters, naming them', async () => {
    const bad = await graphql(app, '{ contradictions(after: "bm9wZQ") { totalCount } }');
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
    const filter = await graphql(
      app,
      '{ contradictions(filter: { claims: { minConfidence: 101 } }) { totalCount } }',
    );
    expect(filter.errors?.[0]?.message).toBe(
      'expected filter.claims.minConfidence in 0..100, got 101',
    );
  });

  it('names a bad nested claims filter by its whole path, and reads nothing', async () => {
    const briefingId = encodeGlobalId('Briefing', 1);
    const cases: [string, string, string][] = [
      [
        'minConfidence: 101',
        'expected filter.claims.minConfidence in 0..100, got 101',
        'filter.claims.minConfidence',
      ],
      [
        'minIndependentOrigins: -1',
        'expected filter.claims.minIndependentOrigins in 0..1000, got -1',
        'filter.claims.minIndependentOrigins',
      ],
      [
        'actorRole: SUBJECT',
        'expected filter.claims.actorId with filter.claims.actorRole',
        'filter.claims.actorRole',
      ],
      [
        'includeUndated: true',
        'expected filter.claims.validDuring with filter.claims.includeUndated',
        'filter.claims.includeUndated',
      ],
      [
        'validDuring: { from: "2020-01-01", to: "2019-01-01" }',
        'expected filter.claims.validDuring.to >= from, got 2019-01-01 < 2020-01-01',
        'filter.claims.validDuring',
      ],
      [
        'dated: { role: [ORDERED], during: { from: "2020-01-01", to: "2019-01-01" } }',
        'expected filter.claims.dated.during.to >= from, got 2019-01-01 < 2020-01-01',
        'filter.claims.dated.during',
      ],
      [
        `actorId: "${briefingId}"`,
        'expected `filter.claims.actorId` to be the id of an Actor, got the id of a Briefing',
        'filter.claims.actorId',
      ],
    ];
    for (const [claims, message, argument] of cases) {
      database.statements.reset();
      const result = await graphql(
        app,
        `{ contradictions(filter: { claims: { ${claims} } }) { totalCount } }`,
      );
      expect({ message: result.errors?.[0]?.message, argument }).toEqual({
        message,
        argument: result.errors?.[0]?.extensions?.argument,
      });
      expect(result.data).toBeNull();
      expect(database.statements.count).toBe(0);
    }
    // The same filter at the top of another field is named from there.
    const top = await graphql(
      app,
      '{ claimStatistics(filter: { minIndependentOrigins: -1 }, groupBy: []) { total } }',
    );
    expect(top.errors?.[0]).toMatchObject({
      message: 'expected filter.minIndependentOrigins in 0..1000, got -1',
      extensions: { code: 'BAD_USER_INPUT', argument: 'filter.minIndependentOrigins' },
    });
  });
});

describe('Claim.contradictions and suggestedStatus', () => {
  async function ofClaims(headers: Record<string, string> = {}) {
    const result = await graphql<{
      claims: {
        edges: {
          node: {
            statement: string;
            suggestedStatus: string | null;
            contradictions: Contradiction[];
          };
        }[];
      };
    }>(
      app,
      `query ($v: ID!) { claims(filter: { actorId: $v }, first: 50) { edges { node {
        statement suggestedStatus contradictions { ${FIELDS} } } } } }`,
      { v: encodeGlobalId('Actor', v) },
      headers,
    );
    expect(result.errors).toBeUndefined();
    return Object.fromEntries(
      (result.data?.claims.edges ?? []).map(({ node }) => [
        node.statement,
        { suggested: node.suggestedStatus, lines: node.contradictions.map(line) },
      ]),
    );
  }

  it('gives each claim its contradictions, seen from it, and offers DISPUTED', async () => {
    expect(await ofClaims()).toEqual({
      a: { suggested: 'DISPUTED', lines: [PUBLIC[0]] },
      b: {
        suggested: 'DISPUTED',
        lines: [
          'b QUANTITY a: operational quantity 24 aircraft vs ~21 aircraft',
          PUBLIC[1],
          PUBLIC[2],
        ],
      },
      // Already disputed: nothing to suggest.
      c: {
        suggested: null,
        lines: ['c QUANTITY b: operational quantity 22 aircraft vs 24 aircraft'],
      },
      d: { suggested: 'DISPUTED', lines: [PUBLIC[3]] },
      e: {
        suggested: 'DISPUTED',
        lines: ['e VALID_TIME d: valid times do not overlap: 2008 vs 2006-07'],
      },
      'other object': { suggested: null, lines: [] },
      'other unit': { suggested: null, lines: [] },
      'by 2009': { suggested: null, lines: [] },
    });
  });

  it('reads them for a whole page of claims in a fixed number of statements', async () => {
    const count = async (first: number) => {
      database.statements.reset();
      const data = await query<{ claims: { edges: unknown[] } }>(
        app,
        `query ($v: ID!) { claims(filter: { actorId: $v }, first: ${first}) { edges { node {
          suggestedStatus contradictions { ${FIELDS} } } } } }`,
        { v: encodeGlobalId('Actor', v) },
      );
      expect(data.claims.edges).toHaveLength(first);
      return database.statements.count;
    };
    // The claims, their contradictions, the other claims, the sources.
    expect(await count(2)).toBe(4);
    expect(await count(8)).toBe(4);
  });

  it('reads a page of the root list in one statement, and its count in one more', async () => {
    database.statements.reset();
    await query(app, '{ contradictions { edges { node { kind reason } } } }');
    expect(database.statements.count).toBe(1);
    database.statements.reset();
    await query(app, '{ contradictions { totalCount edges { node { kind reason } } } }');
    expect(database.statements.count).toBe(2);
  });
});

describe('contradictions over the seed and through a write', () => {
  const seed = seededApp();

  it('finds none in the seed: its 24 ordered and ~21 operational Su-30MK2 are different quantities', async () => {
    const data = await query<{ contradictions: { totalCount: number; edges: unknown[] } }>(
      seed.app,
      '{ contradictions { totalCount edges { cursor } } }',
    );
    expect(data.contradictions).toEqual({ totalCount: 0, edges: [] });
  });

  it('offers DISPUTED on the payload of a write that contradicts a claim', async () => {
    const id = async (table: 'actor' | 'briefing', column: 'name' | 'slug', value: string) =>
      (
        await seed.database.db
          .selectFrom(table)
          .select('id')
          .where(column, '=', value)
          .executeTakeFirstOrThrow()
      ).id;
    const venezuela = await id('actor', 'name', 'Venezuela');
    const su30 = await id('actor', 'name', 'Sukhoi Su-30MK2');
    const briefing = await id(
      'briefing',
      'slug',
      'venezuela-seeks-military-aid-from-russia-china-iran',
    );
    const editor = bearer(await createKey(seed.database, 'editor', { clearance: 'AMBER' }));
    const payload = await mutateOk<{
      claim: { suggestedStatus: string | null; contradictions: Contradiction[] };
    }>(
      seed.app,
      editor,
      'addClaim',
      `mutation ($briefingId: ID!, $input: AddClaimInput!) {
        addClaim(briefingId: $briefingId, input: $input) {
          __typename ... on AddClaimSuccess { claim { suggestedStatus contradictions { ${FIELDS} } } } } }`,
      {
        briefingId: encodeGlobalId('Briefing', briefing),
        input: {
          statement: 'Venezuela operates 12 Su-30MK2.',
          subjectId: encodeGlobalId('Actor', venezuela),
          predicate: 'operates',
          objectIds: [encodeGlobalId('Actor', su30)],
          quantities: [{ role: 'OPERATIONAL', qualifier: 'EXACT', value: 12, unit: 'aircraft' }],
          validTime: { from: { date: '2025-11-01', precision: 'MONTH' } },
        },
      },
    );
    expect(payload.claim.suggestedStatus).toBe('DISPUTED');
    expect(payload.claim.contradictions.map(line)).toEqual([
      'Venezuela operates 12 Su-30MK2. QUANTITY Venezuela’s operational Su-30MK2 fleet is estimated at around 21 aircraft.: operational quantity 12 aircraft vs ~21 aircraft',
    ]);
    // Offered, never applied: the claim is stored as reported.
    const stored = await seed.database.db
      .selectFrom('claim')
      .select('status')
      .where('statement', '=', 'Venezuela operates 12 Su-30MK2.')
      .executeTakeFirstOrThrow();
    expect(stored.status).toBe('REPORTED');
  });
});

describe('contradictions over many claims of one subject', () => {
  let many: TestDatabase;
  let manyApp: App;
  afterAll(() => many.close());

  it(`caps Claim.contradictions at ${LIST_CAPS.claimContradictions} and pages the rest at the root`, async () => {
    many = await createTestDatabase({ seed: false });
    manyApp = createTestApp(many);
    const { db } = many;
    const hub = (await insertActor(db, { name: 'hub' })).id;
    const briefing = await insertBriefing(db);
    // 60 claims that the hub operates 0..59 aircraft, over the same undated time: every pair
    // conflicts, 60 × 59 / 2 = 1770 contradictions.
    const claims = await db
      .insertInto('claim')
      .values(
        Array.from({ length: 60 }, (_, i) => ({
          briefing_id: briefing.id,
          position: i,
          statement: `operates ${i}`,
          predicate: 'operates',
          subject_actor_id: hub,
        })),
      )
      .returning('id')
      .execute();
    await db
      .insertInto('claim_quantity')
      .values(
        claims.map((c, i) => ({
          claim_id: c.id,
          position: 0,
          role: 'OPERATIONAL' as const,
          qualifier: 'EXACT' as const,
          value: i,
          unit: 'aircraft',
        })),
      )
      .execute();
    many.statements.reset();
    const data = await query<{
      contradictions: { totalCount: number };
      claims: { edges: { node: { contradictions: Contradiction[] } }[] };
    }>(
      manyApp,
      `{ contradictions(first: 1) { totalCount }
        claims(first: 3) { edges { node { contradictions { ${FIELDS} } } } } }`,
    );
    expect(data.contradictions.totalCount).toBe(1770);
    const lists = data.claims.edges.map((e) => e.node.contradictions);
    expect(lists.map((list) => list.length)).toEqual([50, 50, 50]);
    expect(lists[0]?.slice(0, 2).map(line)).toEqual([
      'operates 0 QUANTITY operates 1: operational quantity 0 aircraft vs 1 aircraft',
      'operates 0 QUANTITY operates 2: operational quantity 0 aircraft vs 2 aircraft',
    ]);
    // Page, count, claims, their contradictions, the other claims.
    expect(many.statements.count).toBe(5);
  });
});

describe('the root list over a group of 2,000 claims of one subject and predicate', () => {
  let big: TestDatabase;
  let bigApp: App;
  // The small group has a database of its own, whose statistics are a small one's.
  let little: TestDatabase;
  let littleApp: App;
  /** Claim ids by group and index. */
  const ids: Record<'hub' | 'flat' | 'small', number[]> = { hub: [], flat: [], small: [] };
  const actors: Record<'hub' | 'flat' | 'small', string> = { hub: '', flat: '', small: '' };
  // Small group: values 0, 0, 1, 1, … 3, 3: every pair of different values conflicts.
  const SMALL = Array.from({ length: 8 }, (_, i) => Math.floor(i / 2));

  /** Claims that `name` operates `values[i]` aircraft, over the same undated time. */
  async function addGroup(
    database: TestDatabase,
    name: 'hub' | 'flat' | 'small',
    values: readonly number[],
  ) {
    const { db } = database;
    const actor = await insertActor(db, { name });
    actors[name] = encodeGlobalId('Actor', actor.id);
    const briefing = await insertBriefing(db);
    const claims = await db
      .insertInto('claim')
      .values(
        values.map((_, i) => ({
          briefing_id: briefing.id,
          position: i,
          statement: `${name} ${i}`,
          predicate: 'operates',
          subject_actor_id: actor.id,
        })),
      )
      .returning('id')
      .execute();
    ids[name] = claims.map((c) => c.id);
    await db
      .insertInto('claim_quantity')
      .values(
        claims.map((c, i) => ({
          claim_id: c.id,
          position: 0,
          role: 'OPERATIONAL' as const,
          qualifier: 'EXACT' as const,
          value: values[i] ?? 0,
          unit: 'aircraft',
        })),
      )
      .execute();
    await sql`analyze`.execute(db);
  }

  beforeAll(async () => {
    big = await createTestDatabase({ seed: false });
    bigApp = createTestApp(big);
    little = await createTestDatabase({ seed: false });
    littleApp = createTestApp(little);
    // hub: 2,000 claims that the hub operates 0..1999 aircraft (every pair conflicts: 1,999,000
    // contradictions); flat: 2,000 that agree (none).
    await addGroup(
      big,
      'hub',
      Array.from({ length: 2000 }, (_, i) => i),
    );
    await addGroup(
      big,
      'flat',
      Array.from({ length: 2000 }, () => 7),
    );
    await addGroup(little, 'small', SMALL);
  });
  afterAll(() => little.close());
  afterAll(() => big.close());

  interface Listed {
    edges: { cursor: string; node: { reason: string; claim: { statement: string } } }[];
    pageInfo: {
      hasNextPage: boolean;
      hasPreviousPage: boolean;
      startCursor: string | null;
      endCursor: string | null;
    };
    truncated: boolean;
  }

  async function page(args: string, app = bigApp): Promise<Listed> {
    const data = await query<{ contradictions: Listed }>(
      app,
      `{ contradictions(${args}) { edges { cursor node { reason claim { statement } } }
        pageInfo { hasNextPage hasPreviousPage startCursor endCursor } truncated } }`,
    );
    return data.contradictions;
  }

  const pairs = (found: Listed) =>
    found.edges.map((e) => `${e.node.claim.statement}: ${e.node.reason}`);
  const hubPair = (a: number, b: number) =>
    `hub ${a}: operational quantity ${a.toLocaleString('en')} aircraft vs ${b.toLocaleString('en')} aircraft`;
  /** The cursor of a contradiction, as the list writes it (opaque to clients). */
  const cursor = (claimId: number, kindRank: number, refId: number) =>
    Buffer.from(`contradiction:${claimId}:${kindRank}:${refId}:0`).toString('base64url');

  it('answers the first pages in one statement each, and the next page continues exactly', async () => {
    big.statements.reset();
    const first = await query<{ contradictions: { edges: { node: { reason: string } }[] } }>(
      bigApp,
      '{ contradictions(first: 3) { edges { node { kind reason } } } }',
    );
    expect(big.statements.count).toBe(1);
    expect(first.contradictions.edges.map((e) => e.node.reason)).toEqual([
      'operational quantity 0 aircraft vs 1 aircraft',
      'operational quantity 0 aircraft vs 2 aircraft',
      'operational quantity 0 aircraft vs 3 aircraft',
    ]);
    const one = await page('first: 3');
    expect(pairs(one)).toEqual([hubPair(0, 1), hubPair(0, 2), hubPair(0, 3)]);
    expect(one.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: false });
    expect(one.truncated).toBe(false);
    const two = await page(`first: 3, after: "${one.pageInfo.endCursor}"`);
    expect(pairs(two)).toEqual([hubPair(0, 4), hubPair(0, 5), hubPair(0, 6)]);
    expect(two.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // From the end of claim 0's 1,999 contradictions on to claim 1's.
    const across = await page(
      `first: 3, after: "${cursor(ids.hub[0] ?? 0, 0, ids.hub[1998] ?? 0)}"`,
    );
    expect(pairs(across)).toEqual([hubPair(0, 1999), hubPair(1, 2), hubPair(1, 3)]);
  });

  it('pages backwards from the end and from `before`', async () => {
    const hub = `filter: { claims: { actorId: "${actors.hub}" } }`;
    big.statements.reset();
    const last = await page(`last: 3, ${hub}`);
    expect(big.statements.count).toBe(2); // the page, and the listed claims
    expect(pairs(last)).toEqual([hubPair(1997, 1998), hubPair(1997, 1999), hubPair(1998, 1999)]);
    expect(last.pageInfo).toMatchObject({ hasNextPage: false, hasPreviousPage: true });
    expect(last.pageInfo.startCursor).toBe(last.edges[0]?.cursor);
    const before = await page(`last: 3, before: "${last.pageInfo.startCursor}", ${hub}`);
    expect(pairs(before)).toEqual([hubPair(1996, 1997), hubPair(1996, 1998), hubPair(1996, 1999)]);
    expect(before.pageInfo).toMatchObject({ hasNextPage: true, hasPreviousPage: true });
    // Forwards from the page before gives back the page after it.
    const forth = await page(`first: 3, after: "${before.pageInfo.endCursor}", ${hub}`);
    expect(pairs(forth)).toEqual(pairs(last));
  });

  it('lists a small group the same whichever way and page size it is read', async () => {
    const small = `filter: { claims: { actorId: "${actors.small}" } }`;
    const expected: string[] = [];
    SMALL.forEach((a, i) =>
      SMALL.forEach((b, j) => {
        if (i < j && a !== b)
          expected.push(`small ${i}: operational quantity ${a} aircraft vs ${b} aircraft`);
      }),
    );
    expect(expected).toHaveLength(24);
    const all = await page(`first: 100, ${small}`, littleApp);
    expect(pairs(all)).toEqual(expected);
    // Page size 1 puts a cursor at every pair; 5 ends on a part page.
    /** Every pair, read page by page forwards (`first`/`after`) or backwards (`last`/`before`). */
    async function readAll(size: number, forwards: boolean): Promise<string[]> {
      const read: string[] = [];
      let cursor: string | null = null;
      for (let more = true; more;) {
        const [count, from] = forwards ? ['first', 'after'] : ['last', 'before'];
        const found: Listed = await page(
          `${count}: ${size}${cursor ? `, ${from}: "${cursor}"` : ''}, ${small}`,
          littleApp,
        );
        if (forwards) read.push(...pairs(found));
        else read.unshift(...pairs(found));
        more = forwards ? found.pageInfo.hasNextPage : found.pageInfo.hasPreviousPage;
        cursor = forwards ? found.pageInfo.endCursor : found.pageInfo.startCursor;
      }
      return read;
    }
    for (const size of [1, 5]) {
      expect(await readAll(size, true)).toEqual(expected);
      expect(await readAll(size, false)).toEqual(expected);
    }
    const counted = await query<{ contradictions: { totalCount: number } }>(
      littleApp,
      `{ contradictions(first: 0, ${small}) { totalCount } }`,
    );
    expect(counted.contradictions.totalCount).toBe(24);
  });

  it(`stops a page at ${CONTRADICTION_CAPS.pageCandidates} candidate pairs, marked truncated, and goes on from there`, async () => {
    // Each flat claim is compared with the other 1,999: the cap is passed after 5 claims.
    const flat = `filter: { claims: { actorId: "${actors.flat}" } }`;
    big.statements.reset();
    const one = await page(`first: 5, ${flat}`);
    expect(big.statements.count).toBe(1);
    expect(one).toEqual({
      edges: [],
      pageInfo: {
        hasNextPage: true,
        hasPreviousPage: false,
        startCursor: null,
        endCursor: cursor(ids.flat[4] ?? 0, 9, 0),
      },
      truncated: true,
    });
    const two = await page(`first: 5, after: "${one.pageInfo.endCursor}", ${flat}`);
    expect(two.pageInfo.endCursor).toBe(cursor(ids.flat[9] ?? 0, 9, 0));
    expect(two.truncated).toBe(true);
    const back = await page(`last: 5, ${flat}`);
    expect(back.pageInfo).toEqual({
      hasNextPage: false,
      hasPreviousPage: true,
      startCursor: cursor(ids.flat[1995] ?? 0, 0, 0),
      endCursor: null,
    });
    expect(back.truncated).toBe(true);
  });

  it(`refuses to count past ${CONTRADICTION_CAPS.countCandidates} candidate pairs`, async () => {
    const result = await graphql(bigApp, '{ contradictions(first: 1) { totalCount } }');
    expect(result.errors?.[0]).toMatchObject({
      message: `expected at most ${CONTRADICTION_CAPS.countCandidates} candidate pairs to count, got more: narrow filter.claims (e.g. by predicate or actor)`,
      path: ['contradictions', 'totalCount'],
      extensions: { code: 'TOO_MANY_CANDIDATES', argument: 'filter.claims' },
    });
  });
});

describe('cost', () => {
  const costErrors = (document: string, limit: number) =>
    validate(schema, parse(document), [costLimitRule(limit, 'test')]).map((e) => e.message);

  it('charges the root list its join on top of its page', () => {
    // first: 10 × (the connection + totalCount) + the join.
    const document = '{ contradictions(first: 10) { totalCount } }';
    expect(costErrors(document, 10 * 2 + CONTRADICTIONS_COST)).toEqual([]);
    expect(costErrors(document, 10 * 2 + CONTRADICTIONS_COST - 1)).toHaveLength(1);
  });

  it('charges Claim.contradictions per claim, at its cap', () => {
    const document = '{ claims(first: 10) { edges { node { contradictions { reason } } } } }';
    const perClaim = CLAIM_CONTRADICTIONS_COST + LIST_CAPS.claimContradictions * 2;
    // claims × (1 + edges (1 + node (1 + contradictions))).
    const total = 10 * (1 + (1 + (1 + perClaim)));
    expect(costErrors(document, total)).toEqual([]);
    expect(costErrors(document, total - 1)).toHaveLength(1);
  });
});
