import { ApolloClient, InMemoryCache, gql } from '@apollo/client/core';
import { YogaLink } from '@graphql-yoga/apollo-link';
import { Client, fetchExchange, gql as urqlGql, subscriptionExchange } from '@urql/core';
import { createClient, type Client as SseClient } from 'graphql-sse';
import { connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { freePort } from '../helpers/server-process.js';

// Subscriptions over SSE with real clients against the real server process, events in this
// process (the embedded default): graphql-sse, urql and Apollo through Yoga's link.

let real: RealServer;
let endpoint = '';
let metrics = '';
let editor = '';

const EDGE = `cursor node { kind type recordId node { id ... on Briefing { title status } ... on Claim { statement } } }`;
const PUBLISHED = `subscription { briefingPublished { ${EDGE} } }`;
const BRIEFING_CHANGED = `subscription ($id: ID!) { briefingChanged(id: $id) { ${EDGE} } }`;
const CLAIM_CHANGED = `subscription ($briefingId: ID!) { claimChanged(briefingId: $briefingId) { ${EDGE} } }`;

beforeAll(async () => {
  const metricsPort = await freePort();
  // No Redis: events stay in the process (another run's servers share no channel with it).
  real = await startRealServer({
    REDIS_URL: '',
    SUBSCRIPTIONS_REDIS_URL: '',
    SUBSCRIPTIONS_MAX_PER_CALLER: '4',
    METRICS_PORT: String(metricsPort),
  });
  endpoint = `${real.server.url}/graphql`;
  metrics = `http://127.0.0.1:${metricsPort}/metrics`;
  editor = await real.key('editor');
});
afterAll(() => real?.stop());

async function post(
  query: string,
  variables: Record<string, unknown>,
  key: string = editor,
): Promise<Record<string, unknown>> {
  const response = await fetch(endpoint, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown };
  if (!body.data) throw new Error(`expected data, got ${JSON.stringify(body)}`);
  return body.data;
}

interface Briefing {
  id: string;
  version: number;
}

async function createDraft(slug: string): Promise<Briefing> {
  const data = await post(
    `mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) {
      ... on CreateBriefingSuccess { briefing { id version } } } }`,
    { input: { slug, title: `Draft ${slug}`, body: 'Alpha supplied Bravo.', marking: 'CLEAR' } },
  );
  return (data.createBriefing as { briefing: Briefing }).briefing;
}

async function addClaim(briefingId: string, statement: string): Promise<string> {
  const data = await post(
    `mutation ($briefingId: ID!, $input: AddClaimInput!) { addClaim(briefingId: $briefingId, input: $input) {
      ... on AddClaimSuccess { claim { id } } } }`,
    { briefingId, input: { statement, predicate: 'supplied' } },
  );
  return (data.addClaim as { claim: { id: string } }).claim.id;
}

async function publish(briefing: Briefing): Promise<Briefing> {
  let current = briefing;
  for (const to of ['IN_REVIEW', 'PUBLISHED']) {
    const data = await post(
      `mutation ($id: ID!, $expectedVersion: Int!, $to: BriefingStatus!) {
        transitionBriefing(id: $id, expectedVersion: $expectedVersion, to: $to) {
          ... on TransitionBriefingSuccess { briefing { id version } } } }`,
      { id: current.id, expectedVersion: current.version, to },
    );
    current = (data.transitionBriefing as { briefing: Briefing }).briefing;
  }
  return current;
}

function sseClient(key?: string): SseClient {
  return createClient({
    url: endpoint,
    singleConnection: false,
    retryAttempts: 0,
    ...(key && { headers: { authorization: `Bearer ${key}` } }),
  });
}

/** A subscription's results as they come, and how to wait for the next one. */
function collect(iterator: AsyncIterableIterator<{ data?: unknown; errors?: unknown }>) {
  const results: { data?: unknown; errors?: unknown }[] = [];
  const wakers: (() => void)[] = [];
  const done = (async () => {
    for await (const result of iterator) {
      results.push(result);
      for (const wake of wakers.splice(0)) wake();
    }
  })();
  return {
    results,
    done,
    async next(count: number, timeoutMs = 10_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (results.length < count) {
        if (Date.now() > deadline)
          throw new Error(`expected ${count} results, got ${JSON.stringify(results)}`);
        await new Promise<void>((resolve) => {
          wakers.push(resolve);
          setTimeout(resolve, 100);
        });
      }
    },
    stop: () => iterator.return?.(),
  };
}

/** The payloads of an SSE body's `next` events. */
function nextEvents(text: string): unknown[] {
  return [...text.matchAll(/^event: next\ndata: (.*)$/gm)].map((match) =>
    JSON.parse(match[1] ?? ''),
  );
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Waits until exactly `count` subscriptions receive changes on the server (its
 * briefgraph_subscriptions_open gauge): those just opened are registered before the write they
 * should see, and those closed before are gone.
 */
async function listening(count: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const text = await (await fetch(metrics)).text();
    const open = Number(/^briefgraph_subscriptions_open (\d+)$/m.exec(text)?.[1]);
    if (open === count) return;
    if (Date.now() > deadline)
      throw new Error(`expected ${count} subscriptions receiving changes, the server has ${open}`);
    await pause(20);
  }
}

describe('graphql-sse, distinct connections', () => {
  it('keeps a draft’s changes from anonymous subscribers and delivers its publication', async () => {
    const draft = await createDraft('sse-draft');
    const anonymous = sseClient();
    const staff = sseClient(editor);
    const anonClaims = collect(
      anonymous.iterate({ query: CLAIM_CHANGED, variables: { briefingId: draft.id } }),
    );
    const anonBriefing = collect(
      anonymous.iterate({ query: BRIEFING_CHANGED, variables: { id: draft.id } }),
    );
    const anonPublished = collect(anonymous.iterate({ query: PUBLISHED }));
    const staffClaims = collect(
      staff.iterate({ query: CLAIM_CHANGED, variables: { briefingId: draft.id } }),
    );
    await listening(4);

    const claimId = await addClaim(draft.id, 'Alpha supplied Bravo.');
    await staffClaims.next(1);
    expect(staffClaims.results[0]).toEqual({
      data: {
        claimChanged: {
          cursor: expect.any(String),
          node: {
            kind: 'UPSERT',
            type: 'Claim',
            recordId: claimId,
            node: { id: claimId, statement: 'Alpha supplied Bravo.' },
          },
        },
      },
    });

    const published = await publish(draft);
    await Promise.all([anonClaims.next(1), anonBriefing.next(1), anonPublished.next(1)]);
    // The first event anonymous subscribers get is the publication: the draft's were dropped.
    expect(anonPublished.results).toEqual([
      {
        data: {
          briefingPublished: {
            cursor: expect.any(String),
            node: {
              kind: 'UPSERT',
              type: 'Briefing',
              recordId: published.id,
              node: { id: published.id, title: 'Draft sse-draft', status: 'PUBLISHED' },
            },
          },
        },
      },
    ]);
    expect(anonBriefing.results).toEqual([
      {
        data: {
          briefingChanged: {
            cursor: expect.any(String),
            node: {
              kind: 'UPSERT',
              type: 'Briefing',
              recordId: published.id,
              node: { id: published.id, title: 'Draft sse-draft', status: 'PUBLISHED' },
            },
          },
        },
      },
    ]);
    // The claim added under embargo reaches anonymous callers with the briefing's release.
    expect(anonClaims.results).toEqual([
      {
        data: {
          claimChanged: {
            cursor: expect.any(String),
            node: {
              kind: 'UPSERT',
              type: 'Claim',
              recordId: claimId,
              node: { id: claimId, statement: 'Alpha supplied Bravo.' },
            },
          },
        },
      },
    ]);
    // Staff saw the claim, then each transition's change of it (its briefing changed).
    await staffClaims.next(3);
    expect(staffClaims.results).toHaveLength(3);

    // A write that rolls back publishes nothing; a removal reaches those who saw the claim as a
    // tombstone, right after it (nothing came in between).
    const conflict = await post(
      `mutation ($id: ID!) { removeClaim(id: $id, expectedVersion: 99) { __typename } }`,
      { id: claimId },
    );
    expect(conflict).toEqual({ removeClaim: { __typename: 'ConflictError' } });
    const removed = await post(
      `mutation ($id: ID!) { removeClaim(id: $id, expectedVersion: 1) { __typename } }`,
      { id: claimId },
    );
    expect(removed).toEqual({ removeClaim: { __typename: 'RemoveClaimSuccess' } });
    await Promise.all([anonClaims.next(2), staffClaims.next(4)]);
    const tombstone = {
      data: {
        claimChanged: {
          cursor: expect.any(String),
          node: { kind: 'TOMBSTONE', type: 'Claim', recordId: claimId, node: null },
        },
      },
    };
    expect(anonClaims.results[1]).toEqual(tombstone);
    expect(staffClaims.results[3]).toEqual(tombstone);
    expect([anonClaims.results.length, staffClaims.results.length]).toEqual([2, 4]);

    for (const stream of [anonClaims, anonBriefing, anonPublished, staffClaims]) {
      await stream.stop();
      await stream.done;
    }
    anonymous.dispose();
    staff.dispose();
  });

  it('refuses a malformed id with INVALID_ID', async () => {
    const client = sseClient();
    const stream = collect(
      client.iterate({ query: BRIEFING_CHANGED, variables: { id: 'not-an-id' } }),
    );
    await stream.next(1);
    await stream.done;
    expect(stream.results).toEqual([
      {
        errors: [
          expect.objectContaining({
            message: 'expected a global id as returned by this API, got "not-an-id"',
            extensions: expect.objectContaining({ code: 'INVALID_ID' }),
          }),
        ],
      },
    ]);
    client.dispose();
  });
});

describe('urql with fetchSubscriptions', () => {
  it('receives a publication', async () => {
    const client = new Client({
      url: endpoint,
      fetchSubscriptions: true,
      exchanges: [fetchExchange],
    });
    const results: unknown[] = [];
    const { unsubscribe } = client
      .subscription(urqlGql(PUBLISHED), {})
      .subscribe((result) => results.push(result.error ? String(result.error) : result.data));
    await listening(1);
    const published = await publish(await createDraft('urql-draft'));
    const deadline = Date.now() + 10_000;
    while (results.length === 0 && Date.now() < deadline) await pause(50);
    unsubscribe();
    expect(results).toEqual([
      {
        briefingPublished: {
          cursor: expect.any(String),
          node: {
            kind: 'UPSERT',
            type: 'Briefing',
            recordId: published.id,
            node: {
              id: published.id,
              title: 'Draft urql-draft',
              status: 'PUBLISHED',
            },
          },
        },
      },
    ]);
    // urql's subscriptionExchange is for websockets and the like: fetchSubscriptions is enough.
    expect(subscriptionExchange).toBeTypeOf('function');
  });
});

describe('Apollo Client with the Yoga link', () => {
  it('receives a publication', async () => {
    const client = new ApolloClient({
      cache: new InMemoryCache({ possibleTypes: { Node: ['Briefing', 'Claim'] } }),
      // The link subscribes with GET (EventSource-style): without a content type the CSRF
      // guard wants its header.
      link: new YogaLink({ endpoint, headers: { 'x-graphql-csrf': '1' } }),
    });
    const results: unknown[] = [];
    const subscription = client.subscribe({ query: gql(PUBLISHED) }).subscribe({
      next: (result) => results.push(result.error ? String(result.error) : result.data),
      error: (error: unknown) => results.push({ error: String(error) }),
    });
    await listening(1);
    const published = await publish(await createDraft('apollo-draft'));
    const deadline = Date.now() + 10_000;
    while (results.length === 0 && Date.now() < deadline) await pause(50);
    subscription.unsubscribe();
    expect(results).toEqual([
      {
        briefingPublished: {
          __typename: 'ChangeEdge',
          cursor: expect.any(String),
          node: {
            __typename: 'Change',
            kind: 'UPSERT',
            type: 'Briefing',
            recordId: published.id,
            node: {
              __typename: 'Briefing',
              id: published.id,
              title: 'Draft apollo-draft',
              status: 'PUBLISHED',
            },
          },
        },
      },
    ]);
  });
});

describe('partners', () => {
  it('subscribe with registered documents only', async () => {
    const partner = await real.key('partner');
    const admin = await real.key('admin');
    const refused = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${partner}`,
      },
      body: JSON.stringify({ query: PUBLISHED }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.text()).toContain('PERSISTED_QUERY_ONLY');

    await post(
      `mutation ($input: RegisterPersistedOperationInput!) { registerPersistedOperation(input: $input) { __typename } }`,
      { input: { body: PUBLISHED, clientName: 'partner feed' } },
      admin,
    );
    const controller = new AbortController();
    const response = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${partner}`,
      },
      body: JSON.stringify({ documentId: documentIdOf(PUBLISHED) }),
      signal: controller.signal,
    });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    await listening(1);
    const published = await publish(await createDraft('partner-draft'));
    if (!response.body) throw new Error('expected an event stream');
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let text = '';
    while (!text.includes('"briefingPublished"')) {
      const { value, done } = await reader.read();
      if (done) break;
      text += value;
    }
    controller.abort();
    expect(nextEvents(text)[0]).toMatchObject({
      data: { briefingPublished: { node: { recordId: published.id, kind: 'UPSERT' } } },
    });

    // graphql-sse names a registered document by its hash (the registry answers those too).
    const client = sseClient(partner);
    const stream = collect(
      client.iterate({
        query: '',
        extensions: {
          persistedQuery: { version: 1, sha256Hash: documentIdOf(PUBLISHED).slice(7) },
        },
      }),
    );
    // The aborted stream above is gone, this one receives.
    await listening(1);
    const next = await publish(await createDraft('partner-sse-draft'));
    await stream.next(1);
    expect(stream.results[0]).toMatchObject({
      data: { briefingPublished: { node: { recordId: next.id, kind: 'UPSERT' } } },
    });
    await stream.stop();
    client.dispose();
  });
});

describe('limits', () => {
  it('refuses a caller’s subscription beyond SUBSCRIPTIONS_MAX_PER_CALLER, until one closes', async () => {
    const client = sseClient(editor);
    const open = Array.from({ length: 4 }, () => collect(client.iterate({ query: PUBLISHED })));
    await listening(4);
    const refused = await fetch(endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'text/event-stream',
        authorization: `Bearer ${editor}`,
      },
      body: JSON.stringify({ query: PUBLISHED }),
    });
    expect(refused.status).toBe(429);
    expect(nextEvents(await refused.text())).toEqual([
      {
        errors: [
          {
            message:
              'expected at most 4 open subscriptions per caller, got one more: close one first',
            locations: [{ line: 1, column: 16 }],
            path: ['briefingPublished'],
            extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', requestId: expect.any(String) },
          },
        ],
      },
    ]);
    // A disconnected client's slot is free again.
    await open[0]?.stop();
    await listening(3);
    const again = collect(client.iterate({ query: PUBLISHED }));
    await listening(4);
    const published = await publish(await createDraft('limits-draft'));
    await again.next(1);
    expect(again.results[0]).toMatchObject({
      data: { briefingPublished: { node: { recordId: published.id } } },
    });
    for (const stream of [...open.slice(1), again]) await stream.stop();
    client.dispose();
  });
});

describe('shutdown', () => {
  it('ends open subscriptions and unused connections on SIGTERM instead of waiting for them', async () => {
    const client = sseClient();
    const stream = collect(client.iterate({ query: PUBLISHED }));
    // A connection that never sends a request, as a browser's preconnect.
    const { port } = new URL(real.server.url);
    const unused = connect(Number(port), '127.0.0.1');
    const unusedClosed = new Promise<void>((resolve) => unused.once('close', () => resolve()));
    await new Promise<void>((resolve) => unused.once('connect', () => resolve()));
    await listening(1);
    const started = Date.now();
    real.server.signal('SIGTERM');
    await stream.done;
    // The stream completes as the shutdown starts, not at SHUTDOWN_TIMEOUT_MS (10 s).
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(stream.results).toEqual([]);
    await unusedClosed;
    expect(await real.server.exited()).toBe(0);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(real.server.output()).not.toContain('cut off');
    client.dispose();
  });
});
