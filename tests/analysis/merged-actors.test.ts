import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, mutateOk } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Timelines and statistics after merges, through the mergeActors mutation: `old` merged into
// the visible `new`, and `gone` merged into `secret`, an actor only AMBER callers see. A merged
// actor's id stands for its survivor, so its claims follow the survivor; a merged actor whose
// survivor the caller may not see is not answered, and its claims count under no actor.

let database: TestDatabase;
let app: App;
let amber: Record<string, string>;
const actor: Record<string, number> = {};
const gid = (name: string) => encodeGlobalId('Actor', actor[name] ?? 0);

const MERGE = `mutation ($survivor: ID!, $merged: ID!) {
  mergeActors(survivorId: $survivor, expectedSurvivorVersion: 1, mergedId: $merged,
    expectedMergedVersion: 1) { __typename } }`;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  for (const name of ['old', 'new', 'gone']) actor[name] = (await insertActor(db, { name })).id;
  actor.secret = (await insertActor(db, { name: 'secret', marking: 'AMBER' })).id;
  const briefing = await insertBriefing(db);
  let position = 0;
  const add = (subject: string, statement: string, date: string) =>
    insertClaim(db, {
      briefing_id: briefing.id,
      position: position++,
      statement,
      subject_actor_id: actor[subject] ?? 0,
      predicate: 'supplied',
      valid_from: date,
      valid_from_precision: 'DAY',
      valid_from_bound: 'KNOWN',
    });
  await add('old', 'old in 2001', '2001-01-01');
  await add('new', 'new in 2002', '2002-01-01');
  await add('gone', 'gone in 2003', '2003-01-01');
  const editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  for (const [survivor, merged] of [
    ['new', 'old'],
    ['secret', 'gone'],
  ] as const)
    await mutateOk(app, editor, 'mergeActors', MERGE, {
      survivor: gid(survivor),
      merged: gid(merged),
    });
  amber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
});
afterAll(() => database.close());

async function timeline(name: string, headers: Record<string, string> = {}) {
  const result = await graphql<{
    actor: { timeline: { edges: { node: { claim: { statement: string } | null } }[] } } | null;
  }>(
    app,
    `
      query ($id: ID!) {
        actor(id: $id) {
          timeline {
            edges {
              node {
                claim {
                  statement
                }
              }
            }
          }
        }
      }
    `,
    { id: gid(name) },
    headers,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.actor?.timeline.edges.map((e) => e.node.claim?.statement) ?? null;
}

async function statistics(filter: string, headers: Record<string, string> = {}) {
  const result = await graphql<{
    claimStatistics: { total: number; groups: { count: number; actor: { name: string } | null }[] };
  }>(
    app,
    `{ claimStatistics(${filter}groupBy: [ACTOR]) { total groups { count actor { name } } } }`,
    {},
    headers,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.claimStatistics;
}

describe('timelines of merged actors', () => {
  it('shows a merged actor the survivor’s claims, its own included', async () => {
    expect(await timeline('old')).toEqual(['old in 2001', 'new in 2002']);
    expect(await timeline('new')).toEqual(['old in 2001', 'new in 2002']);
  });

  it('answers no actor, so no timeline, through a survivor the caller may not see', async () => {
    expect(await timeline('gone')).toBeNull();
    expect(await timeline('secret')).toBeNull();
    expect(await timeline('gone', amber)).toEqual(['gone in 2003']);
    expect(await timeline('secret', amber)).toEqual(['gone in 2003']);
  });
});

describe('statistics over merged actors', () => {
  it('counts a merged actor’s claims under its survivor', async () => {
    expect(await statistics(`filter: { actorId: "${gid('old')}" }, `)).toEqual({
      total: 2,
      groups: [{ count: 2, actor: { name: 'new' } }],
    });
  });

  it('counts nothing through a hidden survivor, and its claims under no actor', async () => {
    expect(await statistics(`filter: { actorId: "${gid('gone')}" }, `)).toEqual({
      total: 0,
      groups: [],
    });
    expect(await statistics('')).toEqual({
      total: 3,
      groups: [
        { count: 2, actor: { name: 'new' } },
        { count: 1, actor: null },
      ],
    });
    expect(await statistics('', amber)).toEqual({
      total: 3,
      groups: [
        { count: 2, actor: { name: 'new' } },
        { count: 1, actor: { name: 'secret' } },
      ],
    });
  });
});
