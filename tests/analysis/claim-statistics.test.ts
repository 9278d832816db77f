import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  MAX_STATISTICS_GROUPS,
  STATISTICS_COST,
} from '../../src/claims/claim-statistics.schema.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { Marking, Precision } from '../../src/db/types.js';
import { costLimitRule } from '../../src/hardening/cost-limit.js';
import { schema } from '../../src/schema.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query, seededApp } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Counts over claims about `x`, and one about a subject only AMBER callers see, citing a news
// report and a dataset only AMBER callers see; an AMBER claim and a draft's claim are counted
// only for callers who may see them.

let database: TestDatabase;
let app: App;
let amber: Record<string, string>;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  const x = (await insertActor(db, { name: 'x' })).id;
  const hidden = (await insertActor(db, { name: 'h', marking: 'AMBER' })).id;
  const news = (await insertSource(db, { kind: 'NEWS_REPORT' })).id;
  const dataset = (await insertSource(db, { kind: 'DATASET', marking: 'AMBER' })).id;
  const briefing = await insertBriefing(db);
  const draft = await insertBriefing(db, { status: 'DRAFT', published_at: null });
  let position = 0;
  const add = (
    subject: number,
    predicate: string,
    date: [string, Precision] | null,
    sources: number[],
    options: { marking?: Marking; briefingId?: number } = {},
  ) =>
    insertClaim(
      db,
      {
        briefing_id: options.briefingId ?? briefing.id,
        position: position++,
        subject_actor_id: subject,
        predicate,
        marking: options.marking ?? 'CLEAR',
        valid_from: date?.[0] ?? null,
        valid_from_precision: date?.[1] ?? null,
        valid_from_bound: date ? 'KNOWN' : 'UNKNOWN',
      },
      { citations: sources.map((sourceId) => ({ sourceId })) },
    );
  await add(x, 'supplied', ['2020-03-15', 'DAY'], [news, dataset]);
  await add(x, 'supplied', ['2020-01-01', 'YEAR'], [news]);
  await add(x, 'operates', ['2021-01-01', 'QUARTER'], []);
  await add(hidden, 'supplied', null, [dataset]);
  await add(x, 'supplied', ['2020-03-01', 'MONTH'], [], { marking: 'AMBER' });
  await add(x, 'supplied', ['2020-03-01', 'MONTH'], [], { briefingId: draft.id });
  amber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
  editor = bearer(await createKey(database, 'editor', { clearance: 'CLEAR' }));
});
afterAll(() => database.close());

interface Group {
  count: number;
  year?: number | null;
  month?: string | null;
  predicate?: string | null;
  actor?: { name: string } | null;
  sourceKind?: string | null;
}

async function statistics(
  args: string,
  fields: string,
  headers: Record<string, string> = {},
): Promise<{ total: number; groups: Group[] }> {
  const result = await graphql<{ claimStatistics: { total: number; groups: Group[] } }>(
    app,
    `{ claimStatistics(${args}) { total groups { count ${fields} } } }`,
    {},
    headers,
  );
  expect(result.errors).toBeUndefined();
  const found = result.data?.claimStatistics;
  if (!found) throw new Error('expected statistics');
  return found;
}

describe('claimStatistics', () => {
  it('counts the visible claims by year and predicate, unknowns last', async () => {
    expect(await statistics('groupBy: [YEAR, PREDICATE]', 'year predicate')).toEqual({
      total: 4,
      groups: [
        { count: 2, year: 2020, predicate: 'supplied' },
        { count: 1, year: 2021, predicate: 'operates' },
        { count: 1, year: null, predicate: 'supplied' },
      ],
    });
  });

  it('gives a month only to claims dated to the month or the day', async () => {
    expect(await statistics('groupBy: [MONTH]', 'month')).toEqual({
      total: 4,
      groups: [
        { count: 1, month: '2020-03' },
        { count: 3, month: null },
      ],
    });
  });

  it('counts a hidden subject as unknown, and only sources you may see', async () => {
    expect(await statistics('groupBy: [ACTOR]', 'actor { name }')).toEqual({
      total: 4,
      groups: [
        { count: 3, actor: { name: 'x' } },
        { count: 1, actor: null },
      ],
    });
    expect(await statistics('groupBy: [SOURCE_KIND]', 'sourceKind')).toEqual({
      total: 4,
      groups: [
        { count: 2, sourceKind: 'NEWS_REPORT' },
        { count: 2, sourceKind: null },
      ],
    });
  });

  it('counts hidden claims, subjects and sources for callers cleared for them, drafts for editors', async () => {
    expect(await statistics('groupBy: [SOURCE_KIND]', 'sourceKind', amber)).toEqual({
      total: 5,
      groups: [
        { count: 2, sourceKind: 'DATASET' },
        { count: 2, sourceKind: 'NEWS_REPORT' },
        { count: 2, sourceKind: null },
      ],
    });
    expect(await statistics('groupBy: [ACTOR]', 'actor { name }', amber)).toEqual({
      total: 5,
      groups: [
        { count: 4, actor: { name: 'x' } },
        { count: 1, actor: { name: 'h' } },
      ],
    });
    expect(await statistics('groupBy: [YEAR]', 'year', editor)).toEqual({
      total: 5,
      groups: [
        { count: 3, year: 2020 },
        { count: 1, year: 2021 },
        { count: 1, year: null },
      ],
    });
  });

  it('applies the claims filter, and gives one group when grouping by nothing', async () => {
    expect(
      await statistics('filter: { predicate: ["supplied"] }, groupBy: [YEAR]', 'year'),
    ).toEqual({
      total: 3,
      groups: [
        { count: 2, year: 2020 },
        { count: 1, year: null },
      ],
    });
    expect(await statistics('groupBy: []', 'year')).toEqual({
      total: 4,
      groups: [{ count: 4, year: null }],
    });
    const bad = await graphql(
      app,
      '{ claimStatistics(filter: { minConfidence: -1 }, groupBy: []) { total } }',
    );
    expect(bad.errors?.[0]?.message).toBe('expected filter.minConfidence in 0..100, got -1');
  });

  it('reads in one statement, and the groups’ actors in one more', async () => {
    database.statements.reset();
    await statistics('groupBy: [YEAR, PREDICATE, SOURCE_KIND]', 'year predicate sourceKind');
    expect(database.statements.count).toBe(1);
    database.statements.reset();
    await statistics('groupBy: [ACTOR]', 'actor { name }');
    expect(database.statements.count).toBe(2);
  });

  it('charges its grouping work and its capped groups', () => {
    const document = '{ claimStatistics(groupBy: [YEAR]) { total groups { count } } }';
    // The field + total + groups × (1 + count) + the grouping.
    const cost = 1 + 1 + MAX_STATISTICS_GROUPS * 2 + STATISTICS_COST;
    const errors = (limit: number) =>
      validate(schema, parse(document), [costLimitRule(limit, 'test')]).map((e) => e.message);
    expect(errors(cost)).toEqual([]);
    expect(errors(cost - 1)).toHaveLength(1);
  });
});

describe('claimStatistics over many groups', () => {
  let many: TestDatabase;
  let manyApp: App;
  beforeAll(async () => {
    many = await createTestDatabase({ seed: false });
    manyApp = createTestApp(many);
  });
  afterAll(() => many.close());

  it(`answers ${MAX_STATISTICS_GROUPS} groups and refuses one more`, async () => {
    const briefing = await insertBriefing(many.db);
    const insert = (from: number, to: number) =>
      many.db
        .insertInto('claim')
        .values(
          Array.from({ length: to - from }, (_, i) => ({
            briefing_id: briefing.id,
            position: from + i,
            statement: `Claim ${from + i}.`,
            predicate: `p-${String(from + i).padStart(4, '0')}`,
          })),
        )
        .execute();
    await insert(0, MAX_STATISTICS_GROUPS);
    const full = await query<{ claimStatistics: { total: number; groups: Group[] } }>(
      manyApp,
      '{ claimStatistics(groupBy: [PREDICATE]) { total groups { count predicate } } }',
    );
    expect(full.claimStatistics.total).toBe(MAX_STATISTICS_GROUPS);
    expect(full.claimStatistics.groups).toHaveLength(MAX_STATISTICS_GROUPS);
    expect(full.claimStatistics.groups.at(-1)).toEqual({ count: 1, predicate: 'p-0499' });
    await insert(MAX_STATISTICS_GROUPS, MAX_STATISTICS_GROUPS + 1);
    const refused = await graphql(
      manyApp,
      '{ claimStatistics(groupBy: [PREDICATE]) { total groups { count } } }',
    );
    expect(refused.data).toBeNull();
    expect(refused.errors?.[0]?.message).toBe(
      `expected at most ${MAX_STATISTICS_GROUPS} groups, got more: narrow the filter or group by fewer dimensions`,
    );
    expect(refused.errors?.[0]?.extensions?.code).toBe('TOO_MANY_GROUPS');
  });
});

describe('claimStatistics over the seed', () => {
  const seed = seededApp();

  it('counts the claims about Venezuela per year, by predicate', async () => {
    const venezuela = await seed.database.db
      .selectFrom('actor')
      .select('id')
      .where('name', '=', 'Venezuela')
      .executeTakeFirstOrThrow();
    const data = await query<{ claimStatistics: { total: number; groups: Group[] } }>(
      seed.app,
      `query ($v: ID!) { claimStatistics(filter: { actorId: $v }, groupBy: [YEAR, PREDICATE]) {
        total groups { count year predicate } } }`,
      { v: encodeGlobalId('Actor', venezuela.id) },
    );
    const one = (year: number | null, predicate: string) => ({ count: 1, year, predicate });
    expect(data.claimStatistics).toEqual({
      total: 16,
      groups: [
        one(2000, 'cooperates-with'),
        one(2000, 'supplied'),
        one(2006, 'contracted'),
        one(2006, 'delivered'),
        one(2006, 'leads'),
        one(2006, 'operates'),
        one(2006, 'restricted-spare-parts-for'),
        one(2025, 'operates'),
        one(null, 'backbone-of'),
        one(null, 'enhances-capabilities-of'),
        one(null, 'in-tension-with'),
        one(null, 'lost-in-accidents'),
        one(null, 'operates'),
        one(null, 'produced-variant-of'),
        one(null, 'supplied'),
        one(null, 'will-receive-requested-aid-from'),
      ],
    });
  });

  it('counts every seed claim by the kinds of source behind it', async () => {
    const data = await query<{ claimStatistics: { total: number; groups: Group[] } }>(
      seed.app,
      '{ claimStatistics(groupBy: [SOURCE_KIND]) { total groups { count sourceKind } } }',
    );
    expect(data.claimStatistics).toEqual({
      total: 35,
      groups: [
        { count: 18, sourceKind: 'ANALYSIS' },
        { count: 16, sourceKind: 'INTELLIGENCE_BRIEFING' },
        { count: 17, sourceKind: 'NEWS_REPORT' },
        { count: 14, sourceKind: 'OFFICIAL_DOCUMENT' },
      ],
    });
  });
});
