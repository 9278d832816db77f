import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Hostile requests: each gets a clear 4xx error (never a 5xx, never a masked one), and nothing
// in the database changes.

let database: TestDatabase;
let app: App;
let analyst: Record<string, string>;
let partner: Record<string, string>;
let rowsBefore: Record<string, number>;
/** Registered, yet deeper than the restricted depth limit (10) allows. */
/** Registered, 1,111 tokens: within the trusted token limit (10,000), over the restricted one (1,000). */
const LONG_REGISTERED = `{ nodes(ids: [${'"x" '.repeat(1100)}]) { id } }`;
const DEEP_REGISTERED = `query Deep { actors { edges { node { ${'relationships { edges { node { to { '.repeat(2)}name${' } } } }'.repeat(2)} } } } }`;

async function rowCounts(): Promise<Record<string, number>> {
  const tables = await sql<{ table_name: string }>`
    select table_name from information_schema.tables
    where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
    order by table_name`.execute(database.db);
  const counts: Record<string, number> = {};
  for (const { table_name } of tables.rows) {
    const result = await sql<{
      n: string;
    }>`select count(*) as n from ${sql.table(table_name)}`.execute(database.db);
    counts[table_name] = Number(result.rows[0]?.n);
  }
  return counts;
}

interface Answer {
  status: number;
  headers: Headers;
  text: string;
  errors: { message: string; extensions?: { code?: string } }[];
  data?: Record<string, unknown> | null;
}

async function send(target: App, init: RequestInit & { path?: string } = {}): Promise<Answer> {
  const started = Date.now();
  const response = await target.fetch(`http://briefgraph.test${init.path ?? '/graphql'}`, {
    method: 'POST',
    ...init,
    headers: {
      accept: 'application/graphql-response+json',
      ...(init.headers as Record<string, string>),
    },
  });
  const text = await response.text();
  // Rejections are fast: nothing here should take the server a second.
  expect(Date.now() - started).toBeLessThan(2000);
  let body: { errors?: Answer['errors']; data?: Answer['data'] } = {};
  try {
    body = JSON.parse(text) as typeof body;
  } catch {
    // Some refusals (405, 406) have no JSON body.
  }
  return {
    status: response.status,
    headers: response.headers,
    text,
    errors: body.errors ?? [],
    data: body.data,
  };
}

function json(body: unknown, headers: Record<string, string> = {}): RequestInit {
  return {
    body: JSON.stringify(body),
    headers: { 'content-type': 'application/json', ...headers },
  };
}

function expectClearError(answer: Answer, status: number, pattern: RegExp) {
  expect(answer.status, answer.text).toBe(status);
  expect(answer.text).not.toMatch(/Unexpected error|stack|at .*\.ts:\d+/);
  expect(answer.errors.map((e) => e.message).join('\n')).toMatch(pattern);
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ db: database.db, logger: createLogger('silent'), config: loadConfig({}) });
  analyst = bearer(await createKey(database, 'analyst'));
  partner = bearer(await createKey(database, 'partner'));
  await registerDocuments(
    database.db,
    schema,
    [
      { id: null, body: DEEP_REGISTERED, operationName: null },
      { id: null, body: LONG_REGISTERED, operationName: null },
    ],
    {
      name: 'tests',
      apiKeyId: null,
      requestId: null,
      clientName: null,
    },
  );
  rowsBefore = await rowCounts();
});
afterAll(async () => {
  // The server is still up and nothing changed.
  const health = await app.fetch('http://briefgraph.test/healthz');
  expect(health.status).toBe(200);
  expect(await rowCounts()).toEqual(rowsBefore);
  await database.close();
});

describe('malformed requests', () => {
  it('refuses malformed JSON', async () => {
    const answer = await send(app, {
      body: '{"query": "{ briefings { totalCount } ',
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBe(400);
  });

  it('refuses wrong content types', async () => {
    const plain = await send(app, {
      body: '{ briefings { totalCount } }',
      headers: { 'content-type': 'text/plain' },
    });
    expectClearError(plain, 403, /cross-site request refused/);
    const xml = await send(app, {
      body: '<query/>',
      headers: { 'content-type': 'application/xml' },
    });
    expect(xml.status).toBeGreaterThanOrEqual(400);
    expect(xml.status).toBeLessThan(500);
  });

  it('refuses invalid UTF-8', async () => {
    const bytes = new Uint8Array([
      ...new TextEncoder().encode('{"query":"{ briefings(filter: { tag: [\\"'),
      0xff,
      0xfe,
      ...new TextEncoder().encode('\\"] }) { totalCount } }"}'),
    ]);
    const answer = await send(app, {
      body: bytes,
      headers: { 'content-type': 'application/json' },
    });
    expect(answer.status).toBeLessThan(500);
    if (answer.status === 200) expect(answer.data).toEqual({ briefings: { totalCount: 0 } });
  });

  it('refuses an unknown operation name', async () => {
    const answer = await send(
      app,
      json({ query: 'query A { briefings { totalCount } }', operationName: 'Nope' }),
    );
    expectClearError(answer, 400, /Could not determine what operation to execute/);
  });

  it('refuses a body over MAX_BODY_BYTES with 413', async () => {
    const answer = await send(
      app,
      json({ query: '{ briefings { totalCount } }', variables: { pad: 'x'.repeat(200_000) } }),
    );
    expectClearError(answer, 413, /exceeds the limit of 100000 bytes/);
  });

  it('refuses oversized variables', async () => {
    const answer = await send(
      app,
      json({
        query: 'query ($c: [String!]) { actors(filter: { country: $c }) { totalCount } }',
        variables: { c: Array.from({ length: 30_000 }, () => 'VE') },
      }),
    );
    expect(answer.status).toBe(413);
  });

  it('refuses more batched operations than MAX_BATCH', async () => {
    const answer = await send(
      app,
      json(Array.from({ length: 11 }, () => ({ query: '{ briefings { totalCount } }' }))),
    );
    expectClearError(answer, 413, /Batching is limited to 10 operations/);
  });
});

describe('expensive documents', () => {
  it('refuses deep nesting, naming the limit', async () => {
    const deep = `{ actors { edges { node { ${'relationships { edges { node { to { '.repeat(6)}name${' } } } }'.repeat(6)} } } } }`;
    expectClearError(
      await send(app, json({ query: deep }, analyst)),
      400,
      /depth limit of 20 exceeded/,
    );
  });

  it('holds partners to the tighter limits, even for registered documents', async () => {
    const answer = await send(app, json({ documentId: documentIdOf(DEEP_REGISTERED) }, partner));
    expectClearError(answer, 400, /depth limit of 10 exceeded/);
    expect((await send(app, json({ query: DEEP_REGISTERED }, analyst))).status).toBe(200);
  });

  it('refuses an alias bomb', async () => {
    const aliases = Array.from({ length: 500 }, (_, i) => `a${i}: briefings { totalCount }`).join(
      ' ',
    );
    expectClearError(
      await send(app, json({ query: `{ ${aliases} }` }, analyst)),
      400,
      /Aliases limit of 100 exceeded/,
    );
  });

  it('refuses a fragment bomb quickly', async () => {
    const fragments = Array.from({ length: 30 }, (_, i) =>
      i === 29
        ? `fragment F${i} on Actor { name }`
        : `fragment F${i} on Actor { ...F${i + 1} relationships(first: 100) { edges { node { to { ...F${i + 1} } } } } }`,
    ).join('\n');
    const answer = await send(
      app,
      json({ query: `{ actors(first: 100) { edges { node { ...F0 } } } } ${fragments}` }, analyst),
    );
    expectClearError(answer, 400, /limit of \d+ .*exceeded/);
  });

  it('refuses fragments that expand exponentially before validating them', async () => {
    // 40 fragments, each spreading the previous one twice: 2^39 fields once expanded.
    const chain = (spreads: (previous: string) => string) =>
      Array.from({ length: 40 }, (_, i) =>
        i === 0
          ? 'fragment F0 on Actor { name }'
          : `fragment F${i} on Actor { ${spreads(`...F${i - 1}`)} }`,
      ).join('\n');
    for (const fragments of [
      chain((f) => `${f} ${f}`),
      chain((f) => `${f} ... on Actor { ${f} }`),
      chain((f) => `${f} relationships { edges { node { to { ${f} } } } }`),
    ]) {
      for (const caller of [analyst, {}]) {
        const answer = await send(
          app,
          json({ query: `{ actors { edges { node { ...F39 } } } } ${fragments}` }, caller),
        );
        expectClearError(
          answer,
          400,
          /expanded fields limit of 50000 for trusted callers exceeded/,
        );
        expect(answer.errors.map((e) => e.extensions?.code)).toEqual(['DOCUMENT_TOO_COMPLEX']);
      }
    }
  });

  it('refuses too many tokens and too many directives', async () => {
    const tokens = `{ ${'briefings { totalCount } '.repeat(3000)} }`;
    expectClearError(
      await send(app, json({ query: tokens }, analyst)),
      400,
      /token limit of 10000/,
    );
    const directives = `{ briefings { totalCount ${'@include(if: true) '.repeat(150)} } }`;
    expectClearError(
      await send(app, json({ query: directives }, analyst)),
      400,
      /Directives limit of 100 exceeded/,
    );
  });

  it('counts tokens against each caller tier, however often the text came before', async () => {
    for (let i = 0; i < 2; i += 1) {
      const trusted = await send(app, json({ query: LONG_REGISTERED }, analyst));
      expect(trusted.text).not.toMatch(/token limit|TOKEN_LIMIT_EXCEEDED/);
      expect(trusted.errors.map((e) => e.extensions?.code)).toEqual(['INVALID_ID']);
    }
    for (let i = 0; i < 2; i += 1) {
      expectClearError(
        await send(app, json({ documentId: documentIdOf(LONG_REGISTERED) }, partner)),
        400,
        /token limit of 1000 for restricted callers/,
      );
    }
  });

  it('caps first: 100000 at 100', async () => {
    const answer = await send(
      app,
      json({ query: '{ claims(first: 100000) { edges { cursor } } }' }),
    );
    expect(answer.status).toBe(200);
    const edges = (answer.data as { claims: { edges: unknown[] } }).claims.edges;
    expect(edges.length).toBeLessThanOrEqual(100);
  });

  it('takes huge strings as plain values', async () => {
    const answer = await send(
      app,
      json({
        query: 'query ($n: String) { actors(filter: { name: $n }) { totalCount } }',
        variables: { n: 'ä'.repeat(40_000) },
      }),
    );
    expect(answer.status).toBeLessThan(500);
    expect(answer.text).not.toMatch(/Unexpected error/);
  });
});

describe('SQL-looking strings', () => {
  const INJECTIONS = [
    "'; drop table briefing; --",
    '" or 1=1 --',
    "x') or ('1'='1",
    '%_\\',
    '$1; delete from claim',
  ];
  const QUERIES: [string, string][] = [
    ['actor name', 'query ($s: String) { actors(filter: { name: $s }) { totalCount } }'],
    [
      'actor country',
      'query ($s: CountryCode!) { actors(filter: { country: [$s] }) { totalCount } }',
    ],
    [
      'relationship type',
      'query ($s: RelationshipType!) { actorRelationships(filter: { type: [$s] }) { totalCount } }',
    ],
    ['briefing tag', 'query ($s: Slug!) { briefings(filter: { tag: [$s] }) { totalCount } }'],
    ['briefing author', 'query ($s: ID) { briefings(filter: { authorId: $s }) { totalCount } }'],
    [
      'briefing mentions',
      'query ($s: ID) { briefings(filter: { mentionsActorId: $s }) { totalCount } }',
    ],
    ['claim predicate', 'query ($s: Slug!) { claims(filter: { predicate: [$s] }) { totalCount } }'],
    ['claim actor', 'query ($s: ID) { claims(filter: { actorId: $s }) { totalCount } }'],
    ['claim briefing', 'query ($s: ID) { claims(filter: { briefingId: $s }) { totalCount } }'],
    [
      'source publisher',
      'query ($s: String) { sources(filter: { publisher: $s }) { totalCount } }',
    ],
    ['briefing slug', 'query ($s: Slug!) { briefing(slug: $s) { title } }'],
    ['cursor', 'query ($s: String) { briefings(after: $s) { totalCount } }'],
    ['node id', 'query ($s: ID!) { node(id: $s) { id } }'],
  ];

  it.each(QUERIES)('are plain values in the %s filter', async (_name, query) => {
    for (const value of INJECTIONS) {
      const answer = await send(app, json({ query, variables: { s: value } }, analyst));
      expect(answer.status, answer.text).toBeLessThan(500);
      expect(answer.text).not.toMatch(/Unexpected error|syntax error at|relation "/);
      for (const error of answer.errors) {
        expect(['BAD_USER_INPUT', 'INVALID_ID', 'INVALID_CURSOR']).toContain(
          error.extensions?.code,
        );
      }
    }
  });
});

describe('HTTP guards', () => {
  it('asks a header-less GET for the CSRF header, and serves GraphiQL', async () => {
    const query = encodeURIComponent('{ briefings { totalCount } }');
    const bare = await send(app, { method: 'GET', path: `/graphql?query=${query}` });
    expectClearError(bare, 403, /x-graphql-csrf/);
    const withHeader = await send(app, {
      method: 'GET',
      path: `/graphql?query=${query}`,
      headers: { 'x-graphql-csrf': '1' },
    });
    expect(withHeader.status).toBe(200);
    const page = await app.fetch('http://briefgraph.test/graphql', {
      headers: { accept: 'text/html' },
    });
    expect(page.status).toBe(200);
    await page.text();
  });

  it('allows only the origins in CORS_ORIGINS', async () => {
    const cors = createApp({
      db: database.db,
      logger: createLogger('silent'),
      config: loadConfig({ CORS_ORIGINS: 'https://news.example' }),
    });
    const preflight = (origin: string) =>
      cors.fetch('http://briefgraph.test/graphql', {
        method: 'OPTIONS',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'content-type',
        },
      });
    expect(
      (await preflight('https://news.example')).headers.get('access-control-allow-origin'),
    ).toBe('https://news.example');
    expect(
      (await preflight('https://evil.example')).headers.get('access-control-allow-origin'),
    ).not.toBe('https://evil.example');
    expect(
      (
        await send(app, { method: 'OPTIONS', headers: { origin: 'https://news.example' } })
      ).headers.get('access-control-allow-origin'),
    ).toBeNull();
  });

  it('answers 429 with Retry-After past a key’s rate limit', async () => {
    // Date only: the four requests must fall in one fixed window, wherever the clock is.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:10Z'));
    try {
      const limited = createApp({
        db: database.db,
        logger: createLogger('silent'),
        config: loadConfig({ RATE_LIMIT_KEY: '3' }),
      });
      const statuses: number[] = [];
      let last: Answer | undefined;
      for (let i = 0; i < 4; i++) {
        last = await send(limited, json({ query: '{ briefings { totalCount } }' }, analyst));
        statuses.push(last.status);
      }
      expect(statuses).toEqual([200, 200, 200, 429]);
      expect(last?.headers.get('retry-after')).toBe('50');
      expect(last?.errors[0]?.message).toMatch(/rate limit of 3 requests per 60 s exceeded/);
    } finally {
      vi.useRealTimers();
    }
  });
});
