import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { documentIdOf, sha256Hex } from '../../src/persisted/document-id.js';
import { parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import { createApp, type App } from '../../src/yoga.js';
import { ACTOR_NAMES, BRIEFING_TITLE } from '../clients/operations.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Who may run what, in process: partners and (in production) anonymous callers run registered
// documents only; APQ teaches the cache only for callers allowed any document.

let database: TestDatabase;
let development: App;
let production: App;
let partner: Record<string, string>;
let analyst: Record<string, string>;
const UNREGISTERED = '{ briefings(first: 1) { totalCount } }';

interface Answer {
  status: number;
  body: {
    data?: Record<string, unknown> | null;
    errors?: { message: string; extensions?: Record<string, unknown> }[];
  };
}

async function post(
  app: App,
  body: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

async function get(
  app: App,
  params: Record<string, string>,
  headers: Record<string, string> = {},
): Promise<Answer> {
  const response = await app.fetch(
    `http://briefgraph.test/graphql?${new URLSearchParams(params)}`,
    {
      headers: { accept: 'application/graphql-response+json', ...headers },
    },
  );
  return { status: response.status, body: (await response.json()) as Answer['body'] };
}

const codeOf = (answer: Answer) => answer.body.errors?.[0]?.extensions?.code;

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  development = createApp({ db: database.db, logger, config: loadConfig({}) });
  production = createApp({
    db: database.db,
    logger,
    config: loadConfig({ NODE_ENV: 'production' }),
  });
  partner = bearer(await createKey(database, 'partner'));
  analyst = bearer(await createKey(database, 'analyst'));
  // The partner flow: a manifest generated from the client's operations, then imported.
  const manifest = Object.fromEntries([BRIEFING_TITLE].map((body) => [documentIdOf(body), body]));
  await registerDocuments(database.db, schema, parseManifest(manifest), {
    name: 'tests',
    apiKeyId: null,
    requestId: null,
    clientName: 'partner desk',
  });
});
afterAll(() => database.close());

describe('a partner key', () => {
  const variables = { slug: SEED_BRIEFING_SLUG };

  it('runs a registered document by documentId over POST and GET', async () => {
    const byPost = await post(
      development,
      { documentId: documentIdOf(BRIEFING_TITLE), variables },
      partner,
    );
    expect(byPost.status).toBe(200);
    expect(byPost.body.data).toMatchObject({
      briefing: { claims: { totalCount: expect.any(Number) } },
    });
    const byGet = await get(
      development,
      { documentId: documentIdOf(BRIEFING_TITLE), variables: JSON.stringify(variables) },
      partner,
    );
    expect(byGet.status).toBe(200);
    expect(byGet.body.data).toEqual(byPost.body.data);
  });

  it('runs it by its Apollo hash too', async () => {
    const answer = await post(
      development,
      {
        variables,
        extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex(BRIEFING_TITLE) } },
      },
      partner,
    );
    expect(answer.body.data).toMatchObject({ briefing: { title: expect.any(String) } });
  });

  it('is refused the same operation sent as text, with 403 PERSISTED_QUERY_ONLY', async () => {
    const answer = await post(development, { query: BRIEFING_TITLE, variables }, partner);
    expect(answer.status).toBe(403);
    expect(codeOf(answer)).toBe('PERSISTED_QUERY_ONLY');
    expect(answer.body.errors?.[0]?.message).toMatch(/registered documents only/);
  });

  it('gets a clear error for an unknown or malformed id', async () => {
    const unknown = await post(development, { documentId: `sha256:${'a'.repeat(64)}` }, partner);
    expect(unknown.status).toBe(400);
    expect(codeOf(unknown)).toBe('PERSISTED_QUERY_NOT_FOUND');
    const malformed = await post(development, { documentId: 'md5:abc' }, partner);
    expect(malformed.status).toBe(400);
    expect(codeOf(malformed)).toBe('INVALID_DOCUMENT_ID');
  });

  it('cannot register a document through APQ', async () => {
    const hash = sha256Hex(ACTOR_NAMES);
    const extensions = { persistedQuery: { version: 1, sha256Hash: hash } };
    expect((await post(development, { query: ACTOR_NAMES, extensions }, partner)).status).toBe(403);
    expect(codeOf(await post(development, { extensions }, partner))).toBe(
      'PERSISTED_QUERY_NOT_FOUND',
    );
  });

  it('has no introspection in production unless INTROSPECTION=on', async () => {
    const introspection = sha256Hex('{ __schema { queryType { name } } }');
    await registerDocuments(
      database.db,
      schema,
      parseManifest({ [introspection]: '{ __schema { queryType { name } } }' }),
      {
        name: 'tests',
        apiKeyId: null,
        requestId: null,
        clientName: null,
      },
    );
    const refused = await post(production, { documentId: `sha256:${introspection}` }, partner);
    expect(refused.status).toBe(400);
    expect(refused.body.errors?.[0]?.message).toMatch(/introspection has been disabled/);
    const on = createApp({
      db: database.db,
      logger: createLogger('silent'),
      config: loadConfig({ NODE_ENV: 'production', INTROSPECTION: 'on' }),
    });
    expect((await post(on, { documentId: `sha256:${introspection}` }, partner)).body.data).toEqual({
      __schema: { queryType: { name: 'Query' } },
    });
    // Analysts always have it.
    expect(
      (await post(production, { query: '{ __schema { queryType { name } } }' }, analyst)).status,
    ).toBe(200);
  });
});

describe('anonymous callers', () => {
  it('send any read operation in development, but no writes', async () => {
    const read = await post(development, { query: UNREGISTERED });
    expect(read.status).toBe(200);
    const write = await post(development, {
      query: 'mutation { revokeApiKey(id: "x") { __typename } }',
    });
    expect(write.status).toBe(401);
  });

  it('run registered documents only in production', async () => {
    const text = await post(production, { query: UNREGISTERED });
    expect(text.status).toBe(403);
    expect(codeOf(text)).toBe('PERSISTED_QUERY_ONLY');
    const registered = await post(production, {
      documentId: documentIdOf(BRIEFING_TITLE),
      variables: { slug: SEED_BRIEFING_SLUG },
    });
    expect(registered.status).toBe(200);
  });

  it('follow ANONYMOUS_OPERATIONS over either default', async () => {
    const logger = createLogger('silent');
    const open = createApp({
      db: database.db,
      logger,
      config: loadConfig({ NODE_ENV: 'production', ANONYMOUS_OPERATIONS: 'any' }),
    });
    expect((await post(open, { query: UNREGISTERED })).status).toBe(200);
    const closed = createApp({
      db: database.db,
      logger,
      config: loadConfig({ ANONYMOUS_OPERATIONS: 'persisted' }),
    });
    expect((await post(closed, { query: UNREGISTERED })).status).toBe(403);
  });
});

describe('APQ', () => {
  it('asks for the document once, then runs it by hash', async () => {
    const query = '{ actors(first: 3) { totalCount } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    const first = await post(development, { extensions });
    expect(first.body.errors?.[0]?.message).toBe('PersistedQueryNotFound');
    const second = await post(development, { query, extensions });
    expect(second.status).toBe(200);
    const third = await post(development, { extensions });
    expect(third.status).toBe(200);
    expect(third.body.data).toEqual(second.body.data);
  });

  it('refuses a document that does not match its hash', async () => {
    const answer = await post(development, {
      query: UNREGISTERED,
      extensions: { persistedQuery: { version: 1, sha256Hash: sha256Hex('{ other }') } },
    });
    expect(answer.status).toBe(400);
    expect(codeOf(answer)).toBe('PERSISTED_QUERY_HASH_MISMATCH');
  });

  it('never widens anonymous access in production', async () => {
    const query = '{ sources(first: 1) { totalCount } }';
    const extensions = { persistedQuery: { version: 1, sha256Hash: sha256Hex(query) } };
    // An analyst teaches the cache; anonymous callers still may not run the document.
    expect((await post(production, { query, extensions }, analyst)).status).toBe(200);
    expect(codeOf(await post(production, { extensions }))).toBe('PERSISTED_QUERY_NOT_FOUND');
    expect((await post(production, { query, extensions })).status).toBe(403);
  });

  it('refuses mutations over GET with 405', async () => {
    const answer = await get(
      development,
      { query: 'mutation { revokeApiKey(id: "x") { __typename } }' },
      analyst,
    );
    expect(answer.status).toBe(405);
  });
});
