import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRequestHandler } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// GraphQL is served on exactly /graphql, health on exactly /healthz and /readyz; every other
// path is 404 before any guard, authentication or execution, so no path can execute something
// the guards (body size, CSRF, rate limit, authentication) did not see. Requests go over a real
// socket, with raw request targets, through the same handler `npm start` serves (the response
// cache in front of Yoga included).

const ANONYMOUS_LIMIT = 4;
const MAX_BODY_BYTES = 2000;

let database: TestDatabase;
let server: Server;
let port: number;
let analyst: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  analyst = bearer(await createKey(database, 'analyst'));
  const config = loadConfig({
    ...process.env,
    RATE_LIMIT_ANONYMOUS: String(ANONYMOUS_LIMIT),
    RATE_LIMIT_KEY: '1000',
    RATE_LIMIT_WINDOW_SECONDS: '3600',
    MAX_BODY_BYTES: String(MAX_BODY_BYTES),
  });
  server = createServer(
    createRequestHandler({ db: database.db, config, logger: createLogger('silent'), redis: null }),
  );
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  await new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  await database.close();
});

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

/** Sends `path` byte for byte as the request target (fetch would normalise it). */
function send(
  method: string,
  path: string,
  options: { headers?: Record<string, string>; body?: string; localAddress?: string } = {},
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: options.headers,
        ...(options.localAddress && { localAddress: options.localAddress }),
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(options.body);
  });
}

const QUERY = JSON.stringify({ query: '{ briefings { totalCount } }' });
const JSON_HEADERS = { 'content-type': 'application/json' };

/** Paths that end in, start with or normalise to /graphql (or a health path) but are not it. */
const UNSERVED = [
  '/x/graphql',
  '/graphql/',
  '//graphql',
  '/a/b/graphql',
  '/GRAPHQL',
  '/graphql;x',
  '/%67raphql',
  '/graphql%2F',
  '/a/../graphql',
  '/./graphql',
  '/x?q=/graphql',
  '/graphqlx',
  '/',
  '/healthz/',
  '/x/healthz',
  '/readyz/',
  '/x/readyz',
  '/__yoga_health',
  '/health',
];

const NOT_FOUND = {
  errors: [
    {
      message:
        'no such path: GraphQL is served at exactly /graphql, health at /healthz and /readyz',
      // Every error carries its request's id (README "Operating briefgraph").
      extensions: { code: 'NOT_FOUND', requestId: expect.any(String) as unknown },
    },
  ],
};

describe('one GraphQL endpoint', () => {
  it('answers 404 JSON on every other path, for every method, before any database work', async () => {
    database.statements.reset();
    for (const path of UNSERVED) {
      for (const [method, headers, body] of [
        ['GET', { 'x-graphql-csrf': '1', accept: 'text/html' }, undefined],
        ['POST', JSON_HEADERS, QUERY],
        ['POST', { ...JSON_HEADERS, ...analyst }, QUERY],
      ] as const) {
        const answer = await send(method, path, { headers, body });
        expect({ path, method, status: answer.status }).toEqual({ path, method, status: 404 });
        expect(answer.headers['content-type']).toMatch(/^application\/json/);
        expect(JSON.parse(answer.body)).toEqual(NOT_FOUND);
      }
    }
    // Not even the API key was looked up.
    expect(database.statements.count).toBe(0);
  });

  it('serves /graphql with and without a query string, and the exact health paths', async () => {
    const post = await send('POST', '/graphql', { headers: JSON_HEADERS, body: QUERY });
    expect(post.status).toBe(200);
    expect(JSON.parse(post.body)).toEqual({ data: { briefings: { totalCount: 1 } } });
    const withQuery = await send('POST', '/graphql?trace=1', {
      headers: { ...JSON_HEADERS, ...analyst },
      body: QUERY,
    });
    expect(JSON.parse(withQuery.body)).toEqual({ data: { briefings: { totalCount: 1 } } });
    const get = await send('GET', `/graphql?query=${encodeURIComponent('{ __typename }')}`, {
      headers: { 'x-graphql-csrf': '1', ...analyst },
    });
    expect(JSON.parse(get.body)).toEqual({ data: { __typename: 'Query' } });
    expect(JSON.parse((await send('GET', '/healthz')).body)).toEqual({ status: 'ok' });
    expect(JSON.parse((await send('GET', '/readyz')).body)).toEqual({
      status: 'ready',
      databases: { primary: { status: 'ok' } },
    });
  });

  it('refuses an announced body over MAX_BODY_BYTES with 413 on every path that executes', async () => {
    const big = JSON.stringify({ query: `{ briefings { totalCount } } #${'x'.repeat(3000)}` });
    for (const path of ['/graphql', '/graphql?x=1']) {
      for (const headers of [JSON_HEADERS, { ...JSON_HEADERS, ...analyst }]) {
        const answer = await send('POST', path, { headers, body: big });
        expect({ path, status: answer.status }).toEqual({ path, status: 413 });
        expect(JSON.parse(answer.body)).toMatchObject({
          errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: MAX_BODY_BYTES } }],
        });
      }
    }
  });

  it('cuts a chunked body off past MAX_BODY_BYTES with 413, and answers one within it', async () => {
    const chunked = { ...JSON_HEADERS, 'transfer-encoding': 'chunked' };
    const big = JSON.stringify({ query: `{ briefings { totalCount } } #${'x'.repeat(3000)}` });
    // From an address of its own: the anonymous requests spend no other test's budget.
    const localAddress = '127.0.0.2';
    for (const headers of [chunked, { ...chunked, ...analyst }]) {
      const answer = await send('POST', '/graphql', { headers, body: big, localAddress });
      expect(answer.status).toBe(413);
      expect(JSON.parse(answer.body)).toMatchObject({
        errors: [{ extensions: { code: 'REQUEST_TOO_LARGE', limit: MAX_BODY_BYTES } }],
      });
      const small = await send('POST', '/graphql', {
        headers,
        body: JSON.stringify({ query: `{ __typename } #${'x'.repeat(1900)}` }),
        localAddress,
      });
      expect(JSON.parse(small.body)).toEqual({ data: { __typename: 'Query' } });
    }
  });

  it('counts every kind of request that executes against the client address', async () => {
    // Each from its own loopback address, so each case starts with a fresh budget.
    const cases: [string, (from: string) => Promise<Answer>][] = [
      [
        'POST',
        (from) =>
          send('POST', '/graphql', { headers: JSON_HEADERS, body: QUERY, localAddress: from }),
      ],
      [
        'POST with a query string',
        (from) =>
          send('POST', '/graphql?a=b', { headers: JSON_HEADERS, body: QUERY, localAddress: from }),
      ],
      [
        'GET',
        (from) =>
          send('GET', `/graphql?query=${encodeURIComponent('{ __typename }')}`, {
            headers: { 'x-graphql-csrf': '1' },
            localAddress: from,
          }),
      ],
      [
        'GraphiQL',
        (from) => send('GET', '/graphql', { headers: { accept: 'text/html' }, localAddress: from }),
      ],
    ];
    let octet = 10;
    for (const [name, request] of cases) {
      const from = `127.0.0.${octet++}`;
      const statuses: number[] = [];
      for (let i = 0; i <= ANONYMOUS_LIMIT; i++) statuses.push((await request(from)).status);
      expect({ name, statuses }).toEqual({
        name,
        statuses: [...Array<number>(ANONYMOUS_LIMIT).fill(200), 429],
      });
      // An unserved path is not counted, and is still 404 for an address over its limit.
      expect(
        (
          await send('POST', '/x/graphql', {
            headers: JSON_HEADERS,
            body: QUERY,
            localAddress: from,
          })
        ).status,
      ).toBe(404);
    }
  });
});

describe('one GraphQL endpoint inside Yoga (in-process callers such as tests)', () => {
  it('answers 404 for GraphQL and GraphiQL on paths that only end in /graphql', async () => {
    const app = createApp({ db: database.db, logger: createLogger('silent') });
    for (const path of ['/x/graphql', '/graphql/', '//graphql', '/GRAPHQL', '/x?q=/graphql']) {
      const post = await app.fetch(`http://briefgraph.test${path}`, {
        method: 'POST',
        headers: JSON_HEADERS,
        body: QUERY,
      });
      expect({ path, status: post.status }).toEqual({ path, status: 404 });
      expect(await post.json()).toEqual(NOT_FOUND);
      const page = await app.fetch(`http://briefgraph.test${path}`, {
        headers: { accept: 'text/html' },
      });
      expect({ path, status: page.status }).toEqual({ path, status: 404 });
    }
  });
});
