import { parse } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { compileOperation } from '../../src/compiled/compile.js';
import { createPlanCache, type CompilePlan, type Plan } from '../../src/compiled/plan-cache.js';
import { ANONYMOUS_VISIBILITY, type Visibility } from '../../src/db/visibility.js';
import { createLogger } from '../../src/logger.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertBriefing } from '../factories/records.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// The compiled plan is keyed by the variables' shape, not their values: a second request naming
// another record binds its id or slug into the statement already compiled.

let database: TestDatabase;
let app: App;
let loaders: App;
let briefings: { id: number; slug: string; title: string }[];
let actorIds: number[];

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  app = createApp({ db: database.db, logger });
  loaders = createApp({ db: database.db, logger, compiledReads: false });
  briefings = [
    await insertBriefing(database.db, { slug: 'plan-cache-one', title: 'One' }),
    await insertBriefing(database.db, { slug: 'plan-cache-two', title: 'Two' }),
    await insertBriefing(database.db, { slug: 'plan-cache-hidden', status: 'DRAFT' }),
  ];
  actorIds = [
    (await insertActor(database.db, { name: 'Plan actor one' })).id,
    (await insertActor(database.db, { name: 'Plan actor two' })).id,
  ];
});
afterAll(() => database.close());

const LOOKUPS = parse(
  `query Lookups($slug: Slug!, $id: ID!, $first: Int) { briefing(slug: $slug) { title claims(first: $first) { totalCount } } node(id: $id) { id ... on Actor { name } ... on Briefing { title } } }`,
);

/** A plan cache and a compile function counting its calls, for one document. */
function counted(document = LOOKUPS, visibility: Visibility = ANONYMOUS_VISIBILITY) {
  const cache = createPlanCache();
  const calls = { count: 0 };
  const env = { db: database.db, visibility };
  const compile: CompilePlan = (variables) => {
    calls.count += 1;
    return compileOperation(schema, document, null, variables, env)?.compile(database.db) ?? null;
  };
  const planFor = (variables: Record<string, unknown>) =>
    cache.planFor(schema, document, null, visibility, variables, compile);
  return { calls, planFor };
}

async function run(plan: Plan | null): Promise<unknown> {
  if (!plan) throw new Error('expected a compiled plan');
  const { rows } = await database.db.executeQuery(plan);
  return (JSON.parse(rows[0]?.body ?? '{"data":null}') as { data: unknown }).data;
}

describe('compiled plans keyed by the variables’ shape', () => {
  it('compiles once (and a probe) per shape, then binds new ids and slugs', async () => {
    const { calls, planFor } = counted();
    const [one, two, hidden] = briefings;
    if (!one || !two || !hidden) throw new Error('expected three briefings');
    const first = planFor({
      slug: one.slug,
      id: encodeGlobalId('Actor', actorIds[0] ?? 0),
      first: 2,
    });
    // The statement for the request, and one for probe values to learn which parameters bind them.
    expect(calls.count).toBe(2);
    expect(await run(first)).toEqual({
      briefing: { title: 'One', claims: { totalCount: 0 } },
      node: { id: encodeGlobalId('Actor', actorIds[0] ?? 0), name: 'Plan actor one' },
    });

    const second = planFor({
      slug: two.slug,
      id: encodeGlobalId('Actor', actorIds[1] ?? 0),
      first: 2,
    });
    expect(calls.count).toBe(2);
    expect(second?.sql).toBe(first?.sql);
    expect(await run(second)).toEqual({
      briefing: { title: 'Two', claims: { totalCount: 0 } },
      node: { id: encodeGlobalId('Actor', actorIds[1] ?? 0), name: 'Plan actor two' },
    });

    // Visibility still holds in the reused statement: an anonymous caller sees no draft.
    const third = planFor({ slug: hidden.slug, id: encodeGlobalId('Actor', 999_999), first: 2 });
    expect(calls.count).toBe(2);
    expect(await run(third)).toEqual({ briefing: null, node: null });
  });

  it('compiles again for what shapes the statement: a page size, a node type', async () => {
    const { calls, planFor } = counted();
    const slug = briefings[0]?.slug;
    planFor({ slug, id: encodeGlobalId('Actor', actorIds[0] ?? 0), first: 2 });
    expect(calls.count).toBe(2);
    planFor({ slug, id: encodeGlobalId('Actor', actorIds[0] ?? 0), first: 3 });
    expect(calls.count).toBe(4);
    const briefing = planFor({ slug, id: encodeGlobalId('Briefing', briefings[1]?.id ?? 0) });
    expect(calls.count).toBe(6);
    expect(await run(briefing)).toEqual({
      briefing: { title: 'One', claims: { totalCount: 0 } },
      node: { id: encodeGlobalId('Briefing', briefings[1]?.id ?? 0), title: 'Two' },
    });
  });

  it('binds each page’s cursor: paging on compiles once per ordering, as the loader path answers', async () => {
    const document = parse(
      `query Page($after: String, $order: BriefingOrder) { briefings(first: 1, after: $after, orderBy: $order) { edges { cursor node { title } } pageInfo { hasNextPage endCursor } } }`,
    );
    const text = document.loc?.source.body ?? '';
    const { calls, planFor } = counted(document);
    type PageData = {
      briefings: {
        edges: { cursor: string; node: { title: string } }[];
        pageInfo: { hasNextPage: boolean; endCursor: string | null };
      };
    };
    const pages = async (order: string) => {
      const titles: string[] = [];
      let after: string | null = null;
      for (;;) {
        const variables: Record<string, unknown> = { after, order };
        const compiled = (await run(planFor(variables))) as PageData;
        const viaLoaders = await graphql(loaders, text, variables);
        expect(compiled).toEqual(viaLoaders.data);
        titles.push(...compiled.briefings.edges.map((edge) => edge.node.title));
        if (!compiled.briefings.pageInfo.hasNextPage) return titles;
        after = compiled.briefings.pageInfo.endCursor;
      }
    };
    await insertBriefing(database.db, { slug: 'plan-page-three', title: 'Plan page three' });
    await insertBriefing(database.db, { slug: 'plan-page-four', title: 'Plan page four' });
    const seeded = 'Venezuela Seeks Military Aid from Russia, China, and Iran';
    const byTitle = ['One', 'Plan page four', 'Plan page three', 'Two', seeded];
    expect(await pages('TITLE_ASC')).toEqual(byTitle);
    // The first page without a cursor; the second with one, and its probe; the other three bound.
    expect(calls.count).toBe(3);
    // Another ordering's cursors (other keys) are another shape.
    const newest = ['Plan page four', 'Plan page three', 'Two', 'One', seeded];
    expect(await pages('CREATED_AT_DESC')).toEqual(newest);
    expect(calls.count).toBe(6);
    expect(await pages('TITLE_ASC')).toEqual(byTitle);
    expect(calls.count).toBe(6);
  });

  it('keeps variables it cannot coerce for the loader path, which reports them', () => {
    const { calls, planFor } = counted();
    expect(planFor({ slug: 'Not A Slug', id: encodeGlobalId('Actor', 1) })).toBeNull();
    expect(planFor({ slug: 'plan-cache-one', id: 'not-a-global-id' })).toBeNull();
    expect(calls.count).toBe(1);
  });

  it('answers a second request with other values through the server as the loader path does', async () => {
    const document = LOOKUPS.loc?.source.body ?? '';
    for (const [i, briefing] of briefings.entries()) {
      const variables = {
        slug: briefing.slug,
        id: encodeGlobalId('Briefing', briefings[(i + 1) % briefings.length]?.id ?? 0),
        first: 1,
      };
      database.statements.reset();
      const viaCompiled = await graphql(app, document, variables);
      expect(database.statements.count).toBe(1);
      const viaLoaders = await graphql(loaders, document, variables);
      expect(viaCompiled).toEqual(viaLoaders);
      expect(viaCompiled.errors).toBeUndefined();
    }
  });
});
