import { randomBytes } from 'node:crypto';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createRequestHandler } from '../../src/bootstrap.js';
import { createMemoryResponseStore } from '../../src/cache/response-store.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { insertBriefing, insertClaim } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// The response cache in front of Yoga, over real sockets (the front is a node:http listener),
// wired as the server wires it (createRequestHandler). Two instances share Redis at
// 127.0.0.1:6379 (or REDIS_URL) under a per-run prefix, as in tests/hardening/shared-state.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let database: TestDatabase;
let editor: Record<string, string>;
let analyst: Record<string, string>;
const servers: Server[] = [];
const redisConnections: Redis[] = [];
const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  database = await createTestDatabase();
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  analyst = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
});

afterAll(async () => {
  for (const server of servers) {
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeAllConnections();
    });
  }
  const [first] = redisConnections;
  if (first) {
    const keys = await first.keys(`${prefix}*`);
    if (keys.length) await first.del(...keys);
  }
  for (const redis of redisConnections) await redis.quit();
  await database.close();
});

/** A server as `npm start` runs it, on the test database; `env` as the environment. */
async function startInstance(
  env: Record<string, string> = {},
  redis: Redis | null = null,
): Promise<string> {
  const config = loadConfig({ RATE_LIMIT_ANONYMOUS: '100000', REDIS_PREFIX: prefix, ...env });
  const handler = createRequestHandler({
    db: database.db,
    config,
    logger: createLogger('silent'),
    redis,
  });
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

async function connectRedis(): Promise<Redis> {
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
  redisConnections.push(redis);
  return redis;
}

interface Answer {
  status: number;
  cache: string | null;
  body: string;
}

async function answer(response: Response): Promise<Answer> {
  return {
    status: response.status,
    cache: response.headers.get('x-cache'),
    body: await response.text(),
  };
}

async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<Answer> {
  return answer(
    await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    }),
  );
}

const BRIEFING = /* GraphQL */ `
  query ($slug: Slug!) {
    briefing(slug: $slug) {
      title
      status
      claims {
        edges {
          node {
            statement
          }
        }
      }
    }
  }
`;

const UPDATE_CLAIM = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateClaimInput!) {
    updateClaim(id: $id, expectedVersion: $version, input: $input) {
      __typename
      ... on UpdateClaimSuccess {
        claim {
          statement
          version
        }
      }
      ... on ConflictError {
        message
        currentVersion
      }
      ... on ValidationError {
        issues {
          path
          message
        }
      }
    }
  }
`;

const TRANSITION = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $to: BriefingStatus!, $reason: String) {
    transitionBriefing(id: $id, expectedVersion: $version, to: $to, reason: $reason) {
      __typename
      ... on TransitionBriefingSuccess {
        briefing {
          status
        }
      }
    }
  }
`;

/** The exact bytes Yoga sends for `data`. */
const json = (value: unknown) => JSON.stringify(value);

let briefings = 0;

/** A published TLP:CLEAR briefing with a CLEAR claim and an AMBER one. */
async function publishedBriefing() {
  briefings += 1;
  const slug = `cached-${briefings}`;
  const title = `Cached briefing ${briefings}`;
  const briefing = await insertBriefing(database.db, { slug, title });
  const clear = await insertClaim(database.db, {
    briefing_id: briefing.id,
    position: 0,
    statement: 'A public claim.',
  });
  await insertClaim(database.db, {
    briefing_id: briefing.id,
    position: 1,
    statement: 'An AMBER claim.',
    marking: 'AMBER',
  });
  const read = { query: BRIEFING, variables: { slug } };
  const view = (statements: string[], status = 'PUBLISHED') =>
    json({
      data: {
        briefing: {
          title,
          status,
          claims: { edges: statements.map((statement) => ({ node: { statement } })) },
        },
      },
    });
  return {
    slug,
    read,
    id: encodeGlobalId('Briefing', briefing.id),
    claimId: encodeGlobalId('Claim', clear.id),
    claimRowId: clear.id,
    anonymousView: view(['A public claim.']),
    view,
  };
}

const NOT_FOUND = json({ data: { briefing: null } });

describe('anonymous reads', () => {
  let url: string;
  beforeAll(async () => {
    url = await startInstance();
  });

  it('misses, then hits with the identical body; another variable or document misses', async () => {
    const briefing = await publishedBriefing();
    const other = await publishedBriefing();
    const first = await post(url, briefing.read);
    expect(first).toEqual({ status: 200, cache: 'MISS', body: briefing.anonymousView });
    expect(await post(url, briefing.read)).toEqual({ ...first, cache: 'HIT' });

    expect(await post(url, other.read)).toEqual({
      status: 200,
      cache: 'MISS',
      body: other.anonymousView,
    });
    const titleOnly = { query: '{ briefings(first: 1) { totalCount } }' };
    const counted = await post(url, titleOnly);
    expect(counted.cache).toBe('MISS');
    expect(await post(url, titleOnly)).toEqual({ ...counted, cache: 'HIT' });
  });

  it('keys GET requests by their query string and by the headers that shape the answer', async () => {
    const briefing = await publishedBriefing();
    const search = new URLSearchParams({
      query: BRIEFING,
      variables: JSON.stringify({ slug: briefing.slug }),
    });
    const get = async (accept: string) =>
      answer(
        await fetch(`${url}/graphql?${search}`, {
          headers: { accept, 'x-graphql-csrf': '1' },
        }),
      );
    expect(await get('application/json')).toEqual({
      status: 200,
      cache: 'MISS',
      body: briefing.anonymousView,
    });
    expect((await get('application/json')).cache).toBe('HIT');
    expect((await get('application/graphql-response+json')).cache).toBe('MISS');
    // The POST of the same operation is another request.
    expect((await post(url, briefing.read)).cache).toBe('MISS');
  });

  it('caches registered documents named by id, as production anonymous callers send them', async () => {
    const production = await startInstance({ NODE_ENV: 'production' });
    const briefing = await publishedBriefing();
    await registerDocuments(
      database.db,
      schema,
      parseManifest({ [documentIdOf(BRIEFING)]: BRIEFING }),
      {
        name: 'tests',
        apiKeyId: null,
        requestId: null,
        clientName: 'frontend',
      },
    );
    const byId = { documentId: documentIdOf(BRIEFING), variables: { slug: briefing.slug } };
    expect(await post(production, byId)).toEqual({
      status: 200,
      cache: 'MISS',
      body: briefing.anonymousView,
    });
    expect((await post(production, byId)).cache).toBe('HIT');
    // Document text is refused to anonymous callers in production, and the refusal not stored.
    for (let i = 0; i < 2; i += 1) {
      const refused = await post(production, briefing.read);
      expect(refused).toMatchObject({ status: 403, cache: 'MISS' });
      expect(refused.body).toContain('PERSISTED_QUERY_ONLY');
    }
  });

  it('never serves a keyed caller from the cache, nor stores what a keyed caller sees', async () => {
    const briefing = await publishedBriefing();
    const withAmber = briefing.view(['A public claim.', 'An AMBER claim.']);

    // A key first: its (AMBER) answer is not stored for anonymous callers.
    expect(await post(url, briefing.read, analyst)).toEqual({
      status: 200,
      cache: null,
      body: withAmber,
    });
    expect(await post(url, briefing.read)).toEqual({
      status: 200,
      cache: 'MISS',
      body: briefing.anonymousView,
    });
    expect((await post(url, briefing.read)).cache).toBe('HIT');
    // Once the anonymous answer is cached, keys still get their own.
    expect(await post(url, briefing.read, analyst)).toEqual({
      status: 200,
      cache: null,
      body: withAmber,
    });
  });

  it('never shows drafts or AMBER briefings to anonymous callers, cached or not', async () => {
    await insertBriefing(database.db, {
      slug: 'cached-draft',
      title: 'A draft',
      status: 'DRAFT',
      published_at: null,
    });
    await insertBriefing(database.db, { slug: 'cached-amber', title: 'An AMBER briefing' });
    await database.db
      .updateTable('briefing')
      .set({ marking: 'AMBER' })
      .where('slug', '=', 'cached-amber')
      .execute();
    const draft = { query: BRIEFING, variables: { slug: 'cached-draft' } };
    const amber = { query: BRIEFING, variables: { slug: 'cached-amber' } };

    expect(await post(url, draft, editor)).toEqual({
      status: 200,
      cache: null,
      body: json({
        data: { briefing: { title: 'A draft', status: 'DRAFT', claims: { edges: [] } } },
      }),
    });
    expect(await post(url, draft)).toEqual({ status: 200, cache: 'MISS', body: NOT_FOUND });
    expect(await post(url, draft)).toEqual({ status: 200, cache: 'HIT', body: NOT_FOUND });
    expect((await post(url, draft, editor)).body).toContain('"status":"DRAFT"');

    expect((await post(url, amber, analyst)).body).toContain('An AMBER briefing');
    expect(await post(url, amber)).toEqual({ status: 200, cache: 'MISS', body: NOT_FOUND });
    expect(await post(url, amber)).toEqual({ status: 200, cache: 'HIT', body: NOT_FOUND });
  });
});

describe('invalidation', () => {
  let url: string;
  beforeAll(async () => {
    url = await startInstance();
  });

  it('answers the first read after a write from the new data', async () => {
    const briefing = await publishedBriefing();
    expect((await post(url, briefing.read)).cache).toBe('MISS');
    expect(await post(url, briefing.read)).toEqual({
      status: 200,
      cache: 'HIT',
      body: briefing.anonymousView,
    });

    const updated = await post(
      url,
      {
        query: UPDATE_CLAIM,
        variables: { id: briefing.claimId, version: 1, input: { statement: 'A revised claim.' } },
      },
      editor,
    );
    expect(updated.body).toBe(
      json({
        data: {
          updateClaim: {
            __typename: 'UpdateClaimSuccess',
            claim: { statement: 'A revised claim.', version: 2 },
          },
        },
      }),
    );
    const revised = briefing.view(['A revised claim.']);
    expect(await post(url, briefing.read)).toEqual({ status: 200, cache: 'MISS', body: revised });
    expect(await post(url, briefing.read)).toEqual({ status: 200, cache: 'HIT', body: revised });

    const retracted = await post(
      url,
      {
        query: TRANSITION,
        variables: { id: briefing.id, version: 1, to: 'RETRACTED', reason: 'Withdrawn.' },
      },
      editor,
    );
    expect(retracted.body).toBe(
      json({
        data: {
          transitionBriefing: {
            __typename: 'TransitionBriefingSuccess',
            briefing: { status: 'RETRACTED' },
          },
        },
      }),
    );
    expect(await post(url, briefing.read)).toEqual({ status: 200, cache: 'MISS', body: NOT_FOUND });
  });

  it('survives failed writes, and never stores mutations or answers with errors', async () => {
    const briefing = await publishedBriefing();
    expect((await post(url, briefing.read)).cache).toBe('MISS');

    const stale = await post(
      url,
      {
        query: UPDATE_CLAIM,
        variables: { id: briefing.claimId, version: 7, input: { statement: 'Never written.' } },
      },
      editor,
    );
    expect(JSON.parse(stale.body)).toMatchObject({
      data: { updateClaim: { __typename: 'ConflictError', currentVersion: 1 } },
    });
    const invalid = await post(
      url,
      {
        query: UPDATE_CLAIM,
        variables: { id: briefing.claimId, version: 1, input: { statement: null } },
      },
      editor,
    );
    expect(JSON.parse(invalid.body)).toMatchObject({
      data: { updateClaim: { __typename: 'ValidationError' } },
    });
    // Nothing was written: the cached answer is still the right one, and still served.
    expect(await post(url, briefing.read)).toEqual({
      status: 200,
      cache: 'HIT',
      body: briefing.anonymousView,
    });

    const anonymousWrite = {
      query: UPDATE_CLAIM,
      variables: { id: briefing.claimId, version: 1, input: { statement: 'Anonymous.' } },
    };
    for (let i = 0; i < 2; i += 1) {
      const refused = await post(url, anonymousWrite);
      expect(refused.status).toBe(401);
      expect(refused.cache).toBe('MISS');
    }

    const badId = { query: '{ node(id: "not-a-global-id") { id } }' };
    const invalidDocument = { query: '{ briefing(slug: 1) { title } }' };
    for (const request of [badId, badId, invalidDocument, invalidDocument]) {
      const failed = await post(url, request);
      expect(failed.cache).toBe('MISS');
      expect(JSON.parse(failed.body)).toHaveProperty('errors');
    }

    // The answers above did not touch the data: the claim is still at version 1.
    const row = await database.db
      .selectFrom('claim')
      .select(['statement', 'version'])
      .where('id', '=', briefing.claimRowId)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ statement: 'A public claim.', version: 1 });
  });

  it('serves no read that starts after a write’s answer from before the write', async () => {
    const briefing = await publishedBriefing();
    await post(url, briefing.read);
    expect((await post(url, briefing.read)).cache).toBe('HIT');

    const inFlight: Promise<Answer>[] = [];
    let written = false;
    const write = post(
      url,
      {
        query: UPDATE_CLAIM,
        variables: { id: briefing.claimId, version: 1, input: { statement: 'Raced.' } },
      },
      editor,
    ).then((result) => {
      written = true;
      return result;
    });
    // Reads keep starting while the write runs; each may see either version.
    while (!written) {
      inFlight.push(post(url, briefing.read));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(JSON.parse((await write).body)).toMatchObject({
      data: { updateClaim: { __typename: 'UpdateClaimSuccess' } },
    });
    const after = await Promise.all(Array.from({ length: 8 }, () => post(url, briefing.read)));
    const raced = briefing.view(['Raced.']);
    expect(after.map((read) => read.body)).toEqual(after.map(() => raced));

    // Reads that ran across the write stored nothing the next reads can see.
    const during = await Promise.all(inFlight);
    expect(during.length).toBeGreaterThan(0);
    for (const read of during) expect([briefing.anonymousView, raced]).toContain(read.body);
    expect(await post(url, briefing.read)).toEqual({ status: 200, cache: 'HIT', body: raced });
  });
});

describe('two instances sharing Redis', () => {
  let a: string;
  let b: string;
  let redis: Redis;
  beforeAll(async () => {
    redis = await connectRedis();
    a = await startInstance({}, redis);
    b = await startInstance({}, await connectRedis());
  });

  it('shares entries, and a write through one instance invalidates the other’s', async () => {
    const briefing = await publishedBriefing();
    expect(await post(b, briefing.read)).toEqual({
      status: 200,
      cache: 'MISS',
      body: briefing.anonymousView,
    });
    expect((await post(b, briefing.read)).cache).toBe('HIT');
    expect(await post(a, briefing.read)).toEqual({
      status: 200,
      cache: 'HIT',
      body: briefing.anonymousView,
    });

    const updated = await post(
      a,
      {
        query: UPDATE_CLAIM,
        variables: { id: briefing.claimId, version: 1, input: { statement: 'Shared revision.' } },
      },
      editor,
    );
    expect(JSON.parse(updated.body)).toMatchObject({
      data: { updateClaim: { __typename: 'UpdateClaimSuccess' } },
    });
    const revised = briefing.view(['Shared revision.']);
    expect(await post(b, briefing.read)).toEqual({ status: 200, cache: 'MISS', body: revised });
    expect(await post(a, briefing.read)).toEqual({ status: 200, cache: 'HIT', body: revised });

    const retracted = await post(
      a,
      {
        query: TRANSITION,
        variables: { id: briefing.id, version: 1, to: 'RETRACTED', reason: 'Withdrawn.' },
      },
      editor,
    );
    expect(JSON.parse(retracted.body)).toMatchObject({
      data: { transitionBriefing: { __typename: 'TransitionBriefingSuccess' } },
    });
    expect(await post(b, briefing.read)).toEqual({ status: 200, cache: 'MISS', body: NOT_FOUND });

    const entries = await redis.keys(`${prefix}response:*:*`);
    expect(entries.length).toBeGreaterThan(0);
    for (const key of entries) expect(await redis.ttl(key)).toBeGreaterThan(0);
  });
});

describe('rate limits', () => {
  it('counts hits against the anonymous limit, each request once', async () => {
    // Date only: the rate-limit window is fixed for the test, timers and sockets run as usual.
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-01T12:00:10Z'));
    try {
      const url = await startInstance({
        RATE_LIMIT_ANONYMOUS: '3',
        RATE_LIMIT_WINDOW_SECONDS: '60',
      });
      const briefing = await publishedBriefing();
      const caches = [];
      for (let i = 0; i < 3; i += 1) {
        const read = await post(url, briefing.read);
        expect(read.status).toBe(200);
        caches.push(read.cache);
      }
      expect(caches).toEqual(['MISS', 'HIT', 'HIT']);

      const refused = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(briefing.read),
      });
      expect(refused.status).toBe(429);
      expect(refused.headers.get('retry-after')).toBe('50');
      expect(refused.headers.get('ratelimit-remaining')).toBe('0');
      expect(await refused.json()).toEqual({
        errors: [
          {
            message: 'rate limit of 3 requests per 60 s exceeded; retry after 50 s',
            extensions: {
              code: 'RATE_LIMITED',
              limit: 3,
              windowSeconds: 60,
              retryAfter: 50,
              requestId: refused.headers.get('x-request-id'),
            },
          },
        ],
      });
      // A key has its own budget.
      expect((await post(url, briefing.read, analyst)).status).toBe(200);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('the front', () => {
  it('hands bodies over MAX_BODY_BYTES to Yoga, announced or chunked, which answers 413', async () => {
    const url = await startInstance({ MAX_BODY_BYTES: '1000' });
    const big = JSON.stringify({ query: `{ __typename }`, padding: 'x'.repeat(2000) });
    const announced = await fetch(`${url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: big,
    });
    expect(announced.status).toBe(413);
    expect(await announced.json()).toMatchObject({
      errors: [{ extensions: { code: 'REQUEST_TOO_LARGE' } }],
    });

    const { port } = new URL(url);
    const chunked = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const request = httpRequest(
        { host: '127.0.0.1', port, path: '/graphql', method: 'POST' },
        (response) => {
          let body = '';
          response.setEncoding('utf8').on('data', (chunk: string) => (body += chunk));
          response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
        },
      );
      request.on('error', reject);
      request.setHeader('content-type', 'application/json');
      // No content-length: Node sends the body chunked.
      for (let i = 0; i < big.length; i += 500) request.write(big.slice(i, i + 500));
      request.end();
    });
    expect(chunked.status).toBe(413);
    expect(chunked.body).toContain('REQUEST_TOO_LARGE');
  });

  it('is absent when RESPONSE_CACHE_TTL_SECONDS is 0', async () => {
    const url = await startInstance({ RESPONSE_CACHE_TTL_SECONDS: '0' });
    const briefing = await publishedBriefing();
    for (let i = 0; i < 2; i += 1) {
      expect(await post(url, briefing.read)).toEqual({
        status: 200,
        cache: null,
        body: briefing.anonymousView,
      });
    }
  });
});

describe('the in-process store', () => {
  const entry = (text: string) => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: Buffer.from(text),
  });

  it('keeps at most maxEntries and maxBytes, least recently used out first', async () => {
    const store = createMemoryResponseStore({ ttlSeconds: 60, maxEntries: 2, maxBytes: 100_000 });
    const { generation } = await store.lookup('a');
    await store.store(generation, 'a', entry('A'));
    await store.store(generation, 'b', entry('B'));
    expect((await store.lookup('a')).entry?.body.toString()).toBe('A');
    await store.store(generation, 'c', entry('C'));
    expect((await store.lookup('b')).entry).toBeNull();
    expect((await store.lookup('a')).entry?.body.toString()).toBe('A');
    expect((await store.lookup('c')).entry?.body.toString()).toBe('C');

    const small = createMemoryResponseStore({ ttlSeconds: 60, maxEntries: 100, maxBytes: 300 });
    await small.store('0', 'a', entry('x'.repeat(150)));
    await small.store('0', 'b', entry('y'.repeat(150)));
    expect((await small.lookup('a')).entry).toBeNull();
    expect((await small.lookup('b')).entry?.body.length).toBe(150);
  });

  it('drops a response read under an older generation', async () => {
    const store = createMemoryResponseStore({ ttlSeconds: 60, maxEntries: 10, maxBytes: 100_000 });
    const before = await store.lookup('q');
    await store.invalidate();
    await store.store(before.generation, 'q', entry('old'));
    const after = await store.lookup('q');
    expect(after.generation).not.toBe(before.generation);
    expect(after.entry).toBeNull();
  });
});
