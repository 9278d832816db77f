import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A change exists if and only if its write committed: a refused write, and a retry answered
// from its idempotency key, add none.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
});
afterAll(() => database.close());

async function changeCount(): Promise<number> {
  const row = await database.db
    .selectFrom('change')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

const CREATE = `mutation ($key: String) { createActor(input: { kind: PERSON, name: "Once" }, idempotencyKey: $key) {
  __typename ... on CreateActorSuccess { actor { id version } } } }`;

describe('the change feed', () => {
  it('records a committed write once, and nothing for a refused one or a replay', async () => {
    const before = await changeCount();
    const created = await graphql<{ createActor: { actor: { id: string; version: number } } }>(
      app,
      CREATE,
      { key: 'atomic-1' },
      editor,
    );
    expect(await changeCount()).toBe(before + 1);

    await graphql(app, CREATE, { key: 'atomic-1' }, editor);
    expect(await changeCount()).toBe(before + 1);

    const actor = created.data?.createActor.actor;
    const refused = await graphql<{ updateActor: { __typename: string } }>(
      app,
      `
        mutation ($id: ID!, $v: Int!) {
          updateActor(id: $id, expectedVersion: $v, input: { name: "Twice" }) {
            __typename
          }
        }
      `,
      { id: actor?.id, v: (actor?.version ?? 0) + 5 },
      editor,
    );
    expect(refused.data?.updateActor.__typename).toBe('ConflictError');
    expect(await changeCount()).toBe(before + 1);
  });
});
