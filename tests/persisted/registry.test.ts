import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { documentIdOf, sha256Hex } from '../../src/persisted/document-id.js';
import { ManifestError, parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { ACTOR_NAMES, BRIEFING_TITLE } from '../clients/operations.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import type { App } from '../../src/yoga.js';

let database: TestDatabase;
let app: App;
let admin: Record<string, string>;
const by = { name: 'tests', apiKeyId: null, requestId: null, clientName: 'newsroom' };

const countRows = async () =>
  (await database.db.selectFrom('persisted_operation').select('document_id').execute()).length;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  admin = bearer(await createKey(database, 'admin'));
});
afterAll(() => database.close());
beforeEach(async () => {
  await database.db.deleteFrom('persisted_operation').execute();
});

describe('manifests', () => {
  it('imports a GraphQL Code Generator persisted-documents.json, with either id spelling', async () => {
    const manifest = {
      [documentIdOf(BRIEFING_TITLE)]: BRIEFING_TITLE,
      [sha256Hex(ACTOR_NAMES)]: ACTOR_NAMES,
    };
    const rows = await registerDocuments(database.db, schema, parseManifest(manifest), by);
    expect(rows.map((row) => [row.document_id, row.operation_name, row.client_name])).toEqual([
      [documentIdOf(BRIEFING_TITLE), 'BriefingTitle', 'newsroom'],
      [documentIdOf(ACTOR_NAMES), 'ActorNames', 'newsroom'],
    ]);
  });

  it('imports an Apollo persisted query manifest', async () => {
    const manifest = {
      format: 'apollo-persisted-query-manifest',
      version: 1,
      operations: [
        {
          id: sha256Hex(BRIEFING_TITLE),
          name: 'BriefingTitle',
          type: 'query',
          body: BRIEFING_TITLE,
        },
      ],
    };
    const rows = await registerDocuments(database.db, schema, parseManifest(manifest), by);
    expect(rows).toHaveLength(1);
    expect(rows[0]?.body).toBe(BRIEFING_TITLE);
    expect(rows[0]?.registered_by).toBe('tests');
    expect(rows[0]?.enabled).toBe(true);
  });

  it('rejects the whole file, naming every bad document, and stores nothing', async () => {
    const badHash = `sha256:${'0'.repeat(64)}`;
    const invalid = '{ briefing(slug: "x") { noSuchField } }';
    const manifest = {
      [documentIdOf(BRIEFING_TITLE)]: BRIEFING_TITLE,
      [badHash]: ACTOR_NAMES,
      [documentIdOf(invalid)]: invalid,
    };
    const attempt = registerDocuments(database.db, schema, parseManifest(manifest), by);
    await expect(attempt).rejects.toThrow(ManifestError);
    const error = (await attempt.catch((e: unknown) => e)) as ManifestError;
    expect(error.problems.map((p) => [p.document, p.field])).toEqual([
      [badHash, 'id'],
      [documentIdOf(invalid), 'body'],
    ]);
    expect(error.message).toContain('Cannot query field "noSuchField"');
    expect(error.message).toContain('nothing was registered');
    expect(await countRows()).toBe(0);
  });

  it('refuses files of another shape', () => {
    expect(() => parseManifest([1])).toThrow('expected a JSON object');
    expect(() => parseManifest({ format: 'other', version: 2, operations: [] })).toThrow(
      'expected format "apollo-persisted-query-manifest"',
    );
    expect(() => parseManifest({ 'sha256:abc': 42 })).toThrow('expected the document text');
  });
});

describe('admin mutations', () => {
  const REGISTER = `mutation ($input: RegisterPersistedOperationInput!) {
    registerPersistedOperation(input: $input) {
      __typename
      ... on RegisterPersistedOperationSuccess { persistedOperation { documentId operationName enabled registeredBy } }
      ... on ValidationError { issues { path message } }
      ... on ForbiddenError { message }
    }
  }`;
  const LIST = '{ persistedOperations { documentId enabled clientName } }';

  it('registers, lists and disables documents', async () => {
    const registered = await graphql(
      app,
      REGISTER,
      {
        input: { body: ACTOR_NAMES, documentId: documentIdOf(ACTOR_NAMES), clientName: 'site' },
      },
      admin,
    );
    expect(registered.data).toEqual({
      registerPersistedOperation: {
        __typename: 'RegisterPersistedOperationSuccess',
        persistedOperation: {
          documentId: documentIdOf(ACTOR_NAMES),
          operationName: 'ActorNames',
          enabled: true,
          registeredBy: 'test admin',
        },
      },
    });
    const disabled = await graphql(
      app,
      'mutation ($id: String!) { disablePersistedOperation(documentId: $id) { __typename ... on DisablePersistedOperationSuccess { persistedOperation { enabled } } } }',
      { id: documentIdOf(ACTOR_NAMES) },
      admin,
    );
    expect(disabled.data).toEqual({
      disablePersistedOperation: {
        __typename: 'DisablePersistedOperationSuccess',
        persistedOperation: { enabled: false },
      },
    });
    const listed = await graphql(app, LIST, undefined, admin);
    expect(listed.data).toEqual({
      persistedOperations: [
        { documentId: documentIdOf(ACTOR_NAMES), enabled: false, clientName: 'site' },
      ],
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'PersistedOperation')
      .where('actor_name', '=', 'test admin')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'persisted-operation.register',
      'persisted-operation.disable',
    ]);
  });

  it('refuses a wrong id or an invalid document with a ValidationError', async () => {
    const result = await graphql(
      app,
      REGISTER,
      {
        input: { body: ACTOR_NAMES, documentId: documentIdOf(BRIEFING_TITLE) },
      },
      admin,
    );
    expect(result.data).toMatchObject({
      registerPersistedOperation: {
        __typename: 'ValidationError',
        issues: [{ path: ['input', 'documentId'] }],
      },
    });
    const invalid = await graphql(app, REGISTER, { input: { body: '{ nope }' } }, admin);
    expect(invalid.data).toMatchObject({
      registerPersistedOperation: {
        __typename: 'ValidationError',
        issues: [{ path: ['input', 'body'] }],
      },
    });
    expect(await countRows()).toBe(0);
  });

  it('is for admins only', async () => {
    const editor = bearer(await createKey(database, 'editor'));
    const result = await graphql(app, REGISTER, { input: { body: ACTOR_NAMES } }, editor);
    expect(result.data).toMatchObject({
      registerPersistedOperation: { __typename: 'ForbiddenError' },
    });
    const listed = await graphql(app, LIST, undefined, editor);
    expect(listed.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    expect(await countRows()).toBe(0);
  });
});
