import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let analyst: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  analyst = bearer(await createKey(database, 'analyst'));
});
afterAll(() => database.close());

const CREATE = /* GraphQL */ `
  mutation ($input: CreateSourceInput!, $key: String) {
    createSource(input: $input, idempotencyKey: $key) {
      __typename
      ... on CreateSourceSuccess {
        source {
          id
          title
          version
          derivedFrom {
            title
          }
        }
      }
      ... on ValidationError {
        message
        issues {
          path
          message
        }
      }
      ... on NotFoundError {
        entity
        reference
        path
      }
      ... on ForbiddenError {
        message
      }
    }
  }
`;

interface CreateResult {
  createSource: {
    __typename: string;
    source?: { id: string; title: string; version: number };
    issues?: { path: string[]; message: string }[];
  };
}

async function sourceCount(): Promise<number> {
  const row = await database.db
    .selectFrom('source')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('createSource / updateSource', () => {
  it('creates a source relaying another, audited under the key’s name', async () => {
    const origin = await graphql<CreateResult>(
      app,
      CREATE,
      { input: { kind: 'STATEMENT', title: '  Ministry statement  ' } },
      editor,
    );
    expect(origin.data?.createSource.__typename).toBe('CreateSourceSuccess');
    const relay = await graphql<CreateResult>(
      app,
      CREATE,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'Wire story',
          derivedFromId: origin.data?.createSource.source?.id,
          reliability: 'C',
        },
      },
      editor,
    );
    expect(relay.data?.createSource.source).toMatchObject({
      title: 'Wire story',
      version: 1,
      derivedFrom: { title: 'Ministry statement' },
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['actor_name', 'action', 'entity_type'])
      .where('action', '=', 'source.create')
      .execute();
    expect(audit).toEqual([
      { actor_name: 'Desk', action: 'source.create', entity_type: 'Source' },
      { actor_name: 'Desk', action: 'source.create', entity_type: 'Source' },
    ]);
  });

  it('lists every validation problem with its path and writes nothing', async () => {
    const before = await sourceCount();
    const result = await graphql<CreateResult>(
      app,
      CREATE,
      { input: { kind: 'NEWS_REPORT', title: ' ', url: 'ftp://x', description: 'x'.repeat(5001) } },
      editor,
    );
    expect(result.data?.createSource.__typename).toBe('ValidationError');
    expect(result.data?.createSource.issues).toEqual([
      { path: ['input', 'title'], message: 'expected 1 to 500 characters, got 0' },
      { path: ['input', 'url'], message: 'expected an http(s) URL, got "ftp://x"' },
      { path: ['input', 'description'], message: 'expected 1 to 5000 characters, got 5001' },
    ]);
    expect(await sourceCount()).toBe(before);
  });

  it('refuses analysts with a ForbiddenError and anonymous callers with HTTP 401', async () => {
    const forbidden = await graphql<CreateResult>(
      app,
      CREATE,
      { input: { kind: 'NEWS_REPORT', title: 'x' } },
      analyst,
    );
    expect(forbidden.data?.createSource).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const anonymous = await graphql(app, CREATE, { input: { kind: 'NEWS_REPORT', title: 'x' } });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('returns the first result for a retried idempotency key and writes nothing new', async () => {
    const input = { kind: 'DATASET', title: 'SIPRI arms transfers' };
    const first = await graphql<CreateResult>(app, CREATE, { input, key: 'retry-1' }, editor);
    const count = await sourceCount();
    const again = await graphql<CreateResult>(app, CREATE, { input, key: 'retry-1' }, editor);
    expect(again.data?.createSource.source?.id).toBe(first.data?.createSource.source?.id);
    expect(await sourceCount()).toBe(count);
    const reused = await graphql<{ createSource: { __typename: string } }>(
      app,
      CREATE,
      { input: { ...input, title: 'Other' }, key: 'retry-1' },
      editor,
    );
    expect(reused.data?.createSource.__typename).toBe('ConflictError');
  });
});
