import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
});
afterAll(() => database.close());

interface Written {
  id: string;
  version: number;
}

async function createActor(name: string): Promise<Written> {
  const result = await graphql<{ createActor: { actor?: Written } }>(
    app,
    `
      mutation ($input: CreateActorInput!) {
        createActor(input: $input) {
          ... on CreateActorSuccess {
            actor {
              id
              version
            }
          }
        }
      }
    `,
    { input: { kind: 'PERSON', name } },
    editor,
  );
  const actor = result.data?.createActor.actor;
  if (!actor) throw new Error(`expected an actor, got ${JSON.stringify(result)}`);
  return actor;
}

async function names(list: string, args: string, nameField: string): Promise<string[]> {
  const result = await graphql<Record<string, { edges: { node: Record<string, string> }[] }>>(
    app,
    `query ${args.includes('$since') ? '($since: DateTime)' : ''} { ${list}(${args}) {
      edges { node { ${nameField} } } } }`,
    args.includes('$since') ? { since: since.toISOString() } : {},
    editor,
  );
  const page = result.data?.[list];
  if (!page) throw new Error(`expected ${list}, got ${JSON.stringify(result)}`);
  return page.edges.map((edge) => edge.node[nameField] ?? '');
}

let since: Date;

describe('updatedSince', () => {
  it('lists only what changed since, in change order with CHANGED_ASC', async () => {
    since = new Date();
    const zulu = await createActor('Zulu');
    await createActor('Yankee');
    const renamed = await graphql(
      app,
      `
        mutation ($id: ID!, $v: Int!) {
          updateActor(id: $id, expectedVersion: $v, input: { name: "Xray" }) {
            __typename
          }
        }
      `,
      { id: zulu.id, v: zulu.version },
      editor,
    );
    expect(renamed.data).toEqual({ updateActor: { __typename: 'UpdateActorSuccess' } });

    expect(await names('actors', 'updatedSince: $since', 'name')).toEqual(['Xray', 'Yankee']);
    expect(await names('actors', 'updatedSince: $since, orderBy: CHANGED_ASC', 'name')).toEqual([
      'Yankee',
      'Xray',
    ]);
    for (const [list, field] of [
      ['briefings', 'title'],
      ['claims', 'statement'],
      ['sources', 'title'],
      ['actorRelationships', 'type'],
    ] as const) {
      expect(await names(list, 'updatedSince: $since', field)).toEqual([]);
      expect((await names(list, 'orderBy: CHANGED_ASC, first: 100', field)).length).toBeGreaterThan(
        0,
      );
    }
  });
});
