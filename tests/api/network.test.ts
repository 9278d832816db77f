import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertRelationship } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A generated graph, so every expectation is exact:
//
//   root ─ a ─ c ─ e          a ─ b (a cycle: root–a–b–root)
//     │    │                  c ─ d (d is reached at distance 2 through b, not 3 through c)
//     └─ b ┘─ d               a ─ secret (AMBER) ─ beyond: neither visible to anonymous callers
//   root ─ hub ─ 250 leaves (a level of 251 actors, capped at 200)
//   root ─ old (valid 2001–2002 only), root ─ weak (confidence 10)

let database: TestDatabase;
let app: App;
const id: Record<string, number> = {};
const gid = (name: string) => encodeGlobalId('Actor', id[name] ?? 0);

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  for (const name of ['root', 'a', 'b', 'c', 'd', 'e', 'beyond', 'hub', 'old', 'weak'])
    id[name] = (await insertActor(db, { name })).id;
  id.secret = (await insertActor(db, { name: 'secret', marking: 'AMBER', released_to: null })).id;
  // CLEAR but under embargo (not yet released): as absent for anonymous callers as AMBER.
  id.embargoed = (await insertActor(db, { name: 'embargoed', released_to: null })).id;
  const link = async (from: string, to: string, type = 'cooperates-with', confidence = 80) => {
    const row = await insertRelationship(db, id[from] ?? 0, id[to] ?? 0, type);
    await db
      .updateTable('actor_relationship')
      .set({ confidence })
      .where('id', '=', row.id)
      .execute();
    return row.id;
  };
  await link('root', 'a');
  await link('b', 'root', 'supplies');
  await link('a', 'b');
  await link('a', 'c');
  await link('c', 'e');
  await link('b', 'd');
  await link('c', 'd');
  await link('a', 'secret');
  await link('secret', 'beyond');
  // An unreleased link (a draft's): releasing a link would release its ends with it.
  await db
    .insertInto('actor_relationship')
    .values({ from_actor_id: id.e ?? 0, to_actor_id: id.embargoed ?? 0, type: 'supplies' })
    .execute();
  await link('root', 'hub', 'cooperates-with', 50);
  await link('root', 'weak', 'cooperates-with', 10);
  const old = await link('root', 'old');
  await db
    .updateTable('actor_relationship')
    .set({
      valid_from: '2001-01-01',
      valid_from_precision: 'DAY',
      valid_from_bound: 'KNOWN',
      valid_to: '2002-12-31',
      valid_to_precision: 'DAY',
      valid_to_bound: 'KNOWN',
    })
    .where('id', '=', old)
    .execute();
  const leaves = await db
    .insertInto('actor')
    .values(
      Array.from({ length: 250 }, (_, i) => ({
        kind: 'ORGANIZATION' as const,
        name: `leaf ${String(i).padStart(3, '0')}`,
        released_to: 'CLEAR' as const,
      })),
    )
    .returning('id')
    .execute();
  await db
    .insertInto('actor_relationship')
    .values(
      leaves.map((leaf) => ({
        from_actor_id: id.hub ?? 0,
        to_actor_id: leaf.id,
        type: 'supplies',
        released_to: 'CLEAR' as const,
      })),
    )
    .execute();
});
afterAll(() => database.close());

interface Walk {
  totalCount: number;
  truncated: boolean;
  frontierSize: number;
  levels: { depth: number; frontierSize: number; kept: number; truncated: boolean }[];
  edges: {
    cursor: string;
    node: { distance: number; actor: { name: string }; firstHop: { name: string } };
  }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  relationships: { from: { name: string }; to: { name: string } }[];
}

const WALK_FIELDS = `totalCount truncated frontierSize
  levels { depth frontierSize kept truncated }
  edges { cursor node { distance actor { name } firstHop { name } } }
  pageInfo { hasNextPage endCursor }
  relationships { from { name } to { name } }`;

async function walk(args: string, actor = 'root'): Promise<Walk> {
  const data = await query<{ actor: { neighbourhood: Walk } }>(
    app,
    `query ($id: ID!) { actor(id: $id) { neighbourhood(${args}) { ${WALK_FIELDS} } } }`,
    { id: gid(actor) },
  );
  return data.actor.neighbourhood;
}

const reached = (w: Walk) =>
  w.edges.map((e) => `${e.node.actor.name}@${e.node.distance} via ${e.node.firstHop.name}`);
const links = (w: Walk) => w.relationships.map((r) => `${r.from.name}-${r.to.name}`).sort();

describe('Actor.neighbourhood', () => {
  it('lists each reachable actor once, at its shortest distance, with the first hop', async () => {
    const w = await walk(
      'depth: 2, types: ["cooperates-with", "supplies"], minConfidence: 60, first: 100',
    );
    expect(reached(w)).toEqual([
      // Most confident links first within a level, then by id.
      'a@1 via a',
      'b@1 via b',
      'old@1 via old',
      'c@2 via a',
      'd@2 via b',
    ]);
    expect(w.levels).toEqual([
      { depth: 1, frontierSize: 3, kept: 3, truncated: false },
      { depth: 2, frontierSize: 2, kept: 2, truncated: false },
    ]);
    expect(w.truncated).toBe(false);
    expect(links(w)).toEqual(['a-b', 'a-c', 'b-d', 'b-root', 'c-d', 'root-a', 'root-old']);
  });

  it('walks cycles without revisiting and stops at the depth asked for', async () => {
    const one = await walk('depth: 1, minConfidence: 60');
    expect(reached(one)).toEqual(['a@1 via a', 'b@1 via b', 'old@1 via old']);
    const three = await walk('depth: 3, minConfidence: 60, first: 100');
    expect(reached(three)).toEqual([
      'a@1 via a',
      'b@1 via b',
      'old@1 via old',
      'c@2 via a',
      'd@2 via b',
      'e@3 via a',
    ]);
  });

  it('follows only relationships in force on asOf, of the types and confidence asked for', async () => {
    // Undated links are not known to be in force on a day: only with includeUndated.
    expect(reached(await walk('depth: 1, asOf: "2010-06-01", minConfidence: 60'))).toEqual([]);
    const asOf = await walk(
      'depth: 1, asOf: "2010-06-01", includeUndated: true, minConfidence: 60',
    );
    // 2001–2002 is out of force in 2010 either way.
    expect(reached(asOf)).toEqual(['a@1 via a', 'b@1 via b']);
    const then = await walk('depth: 1, asOf: "2002-06-01", minConfidence: 60');
    expect(reached(then)).toEqual(['old@1 via old']);
    const supplies = await walk('depth: 2, types: ["supplies"], first: 5');
    expect(reached(supplies).slice(0, 2)).toEqual(['b@1 via b']);
    const weak = await walk('depth: 1, first: 100');
    expect(reached(weak)).toContain('weak@1 via weak');
    expect(reached(weak)).toContain('hub@1 via hub');
  });

  it('never reaches or counts what the caller may not see', async () => {
    const w = await walk('depth: 3, first: 100', 'a');
    const names = w.edges.map((e) => e.node.actor.name);
    expect(names).not.toContain('secret');
    expect(names).not.toContain('beyond');
    expect(names).not.toContain('embargoed');
    // a → root, b, c (not secret); → old, hub, weak, d, e; → hub's leaves.
    expect(w.levels.map((l) => l.frontierSize)).toEqual([3, 5, 250]);
    expect(links(w).join()).not.toContain('secret');
  });

  it('caps each level and says so, and pages the kept actors with cursors', async () => {
    const w = await walk('depth: 2, first: 100');
    // Level 1: a, b, hub, weak, old. Level 2: c, d and hub's 250 leaves: 252, 200 kept.
    expect(w.levels.map(({ frontierSize, kept }) => ({ frontierSize, kept }))).toEqual([
      { frontierSize: 5, kept: 5 },
      { frontierSize: 252, kept: 200 },
    ]);
    expect(w.truncated).toBe(true);
    expect(w.frontierSize).toBe(252);
    expect(w.totalCount).toBe(205);
    expect(w.edges).toHaveLength(100);
    const next = await walk(`depth: 2, first: 100, after: "${w.pageInfo.endCursor}"`);
    expect(next.edges).toHaveLength(100);
    const last = await walk(`depth: 2, first: 100, after: "${next.pageInfo.endCursor}"`);
    expect(last.edges).toHaveLength(5);
    expect(last.pageInfo.hasNextPage).toBe(false);
    const all = [...w.edges, ...next.edges, ...last.edges].map((e) => e.node.actor.name);
    expect(new Set(all).size).toBe(205);
  });

  it('refuses bad arguments with codes, naming the argument', async () => {
    const bad = async (args: string) => {
      const answer = await graphql(
        app,
        `query ($id: ID!) { actor(id: $id) { name neighbourhood(${args}) { totalCount } } }`,
        { id: gid('root') },
      );
      return answer.errors?.map((e) => [e.extensions?.code, e.extensions?.argument]);
    };
    expect(await bad('depth: 4')).toEqual([['BAD_USER_INPUT', 'depth']]);
    expect(await bad('depth: 0')).toEqual([['BAD_USER_INPUT', 'depth']]);
    expect(await bad('minConfidence: 101')).toEqual([['BAD_USER_INPUT', 'minConfidence']]);
    // A malformed type is refused by the RelationshipType scalar (tests/api/code-scalars.test.ts).
    expect(await bad('types: ["Not A Slug"]')).toEqual([['BAD_USER_INPUT', undefined]]);
    expect(await bad('after: "bm9wZQ"')).toEqual([['INVALID_CURSOR', 'after']]);
  });

  it('takes a fixed number of statements however many actors it reaches', async () => {
    const count = async (depth: number, actor: string) => {
      database.statements.reset();
      await walk(`depth: ${depth}, first: 100`, actor);
      return database.statements.count;
    };
    // e reaches 3 actors in two hops, root 205: the actor, one statement per level, the links
    // among them, the relationships' rows, and actors in at most two batches (the edges' and
    // the relationships' ends resolve at different depths, so ticks may split them).
    expect(await count(2, 'e')).toBeLessThanOrEqual(7);
    expect(await count(2, 'root')).toBeLessThanOrEqual(7);
    expect(await count(3, 'root')).toBeLessThanOrEqual(8);
  });

  it('is charged by depth, and a restricted caller can walk two hops', async () => {
    const document = (depth: number) =>
      `{ actors(first: 100) { edges { node { neighbourhood(depth: ${depth}) { totalCount edges { node { actor { name } } } } } } } }`;
    // Anonymous callers in production get the restricted limits (RESTRICTED_MAX_COST 5,000).
    const restricted = createApp({
      db: database.db,
      logger: createLogger('silent'),
      config: loadConfig({ NODE_ENV: 'production', ANONYMOUS_OPERATIONS: 'any' }),
    });
    const refused = await graphql(restricted, document(1));
    expect(refused.errors?.map((e) => e.extensions?.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    const answer = await graphql(
      restricted,
      `query ($id: ID!) { actor(id: $id) { neighbourhood(depth: 2, first: 20) { ${WALK_FIELDS} } } }`,
      { id: gid('root') },
    );
    expect(answer.errors).toBeUndefined();
  });

  it('runs for a partner key as a registered two-hop document, within the partner limits', async () => {
    const production = loadConfig({ NODE_ENV: 'production' });
    const text = `query PartnerWalk($id: ID!) { actor(id: $id) { neighbourhood(depth: 2, types: ["cooperates-with", "supplies"], minConfidence: 60, first: 100) { ${WALK_FIELDS} } } }`;
    const by = { name: 'tests', apiKeyId: null, requestId: null, clientName: 'partner desk' };
    // Registration checks the document against the limits partners run under.
    await registerDocuments(
      database.db,
      schema,
      parseManifest({ [documentIdOf(text)]: text }),
      by,
      {
        restricted: production.restrictedLimits,
      },
    );
    const partnerApp = createApp({
      db: database.db,
      logger: createLogger('silent'),
      config: production,
    });
    const response = await partnerApp.fetch('http://briefgraph.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...bearer(await createKey(database, 'partner')),
      },
      body: JSON.stringify({ documentId: documentIdOf(text), variables: { id: gid('root') } }),
    });
    const body = (await response.json()) as {
      data?: { actor: { neighbourhood: Walk } };
      errors?: unknown[];
    };
    expect(body.errors).toBeUndefined();
    const w = body.data?.actor.neighbourhood;
    if (!w) throw new Error('expected a neighbourhood');
    expect(reached(w)).toEqual([
      'a@1 via a',
      'b@1 via b',
      'old@1 via old',
      'c@2 via a',
      'd@2 via b',
    ]);
    expect(links(w)).toEqual(['a-b', 'a-c', 'b-d', 'b-root', 'c-d', 'root-a', 'root-old']);
  });
});

describe('path', () => {
  type Path = { length: number; actors: { name: string }[]; relationships: { type: string }[] };
  const path = async (from: string, to: string, args = '') =>
    (
      await query<{ path: Path[] }>(
        app,
        `query ($from: ID!, $to: ID!) { path(from: $from, to: $to${args}) { length actors { name } relationships { type } } }`,
        { from: gid(from), to: gid(to) },
      )
    ).path;

  it('finds a shortest chain in either direction, with its relationships in order', async () => {
    expect(await path('e', 'b')).toEqual([
      {
        length: 3,
        actors: [{ name: 'e' }, { name: 'c' }, { name: 'a' }, { name: 'b' }],
        relationships: [
          { type: 'cooperates-with' },
          { type: 'cooperates-with' },
          { type: 'cooperates-with' },
        ],
      },
    ]);
    expect((await path('root', 'root'))[0]?.length).toBe(0);
  });

  it('is empty beyond maxDepth, through hidden actors, and to an actor the caller may not see', async () => {
    expect(await path('e', 'b', ', maxDepth: 2')).toEqual([]);
    expect(await path('root', 'beyond')).toEqual([]);
    expect(await path('root', 'secret')).toEqual([]);
    expect(await path('root', 'embargoed')).toEqual([]);
    // The same walks reach them for an analyst cleared for AMBER (no embargo, higher clearance).
    const analyst = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
    const seen = await graphql<{ path: Path[] }>(
      app,
      `
        query ($from: ID!, $to: ID!) {
          path(from: $from, to: $to) {
            actors {
              name
            }
          }
        }
      `,
      { from: gid('root'), to: gid('beyond') },
      analyst,
    );
    expect(seen.data?.path[0]?.actors.map((a) => a.name)).toEqual([
      'root',
      'a',
      'secret',
      'beyond',
    ]);
    const embargoed = await graphql<{ path: Path[] }>(
      app,
      `
        query ($from: ID!, $to: ID!) {
          path(from: $from, to: $to) {
            length
          }
        }
      `,
      { from: gid('root'), to: gid('embargoed') },
      analyst,
    );
    expect(embargoed.data?.path).toEqual([{ length: 4 }]);
  });

  it('refuses an id of another type', async () => {
    const answer = await graphql(
      app,
      `query ($to: ID!) { path(from: "${encodeGlobalId('Claim', 1)}", to: $to) { length } }`,
      { to: gid('a') },
    );
    expect(answer.errors?.map((e) => [e.extensions?.code, e.extensions?.argument])).toEqual([
      ['INVALID_ID', 'from'],
    ]);
  });
});
