import { ApolloClient, ApolloLink, HttpLink, InMemoryCache, gql } from '@apollo/client/core';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { Client, fetchExchange, gql as urqlGql } from '@urql/core';
import { persistedExchange } from '@urql/exchange-persisted';
import { auditServer } from 'graphql-http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256Hex } from '../../src/persisted/document-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import { ACTOR_NAMES, BRIEFING_TITLE } from './operations.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';

// Real clients against the real server process (development defaults: anonymous APQ allowed).

let real: RealServer;
let endpoint = '';

/** A fetch that records what each request carried, to see that the second one sends no query. */
function recordingFetch(seen: { query: boolean; hash: boolean }[]): typeof fetch {
  return async (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    const body =
      typeof init?.body === 'string' ? (JSON.parse(init.body) as Record<string, unknown>) : {};
    const query = body.query ?? url.searchParams.get('query');
    const extensions = JSON.stringify(body.extensions ?? url.searchParams.get('extensions') ?? '');
    seen.push({ query: Boolean(query), hash: extensions.includes('sha256Hash') });
    return fetch(input, init);
  };
}

beforeAll(async () => {
  real = await startRealServer();
  endpoint = `${real.server.url}/graphql`;
});
afterAll(() => real?.stop());

describe('@apollo/client with the persisted-queries link', () => {
  it('does the APQ round trip, then sends only the hash', async () => {
    const seen: { query: boolean; hash: boolean }[] = [];
    const client = new ApolloClient({
      cache: new InMemoryCache(),
      link: ApolloLink.from([
        new PersistedQueryLink({ sha256: sha256Hex }),
        new HttpLink({ uri: endpoint, fetch: recordingFetch(seen) }),
      ]),
    });
    const document = gql(BRIEFING_TITLE);
    const variables = { slug: SEED_BRIEFING_SLUG };
    const first = await client.query({ query: document, variables, fetchPolicy: 'network-only' });
    expect(first.data).toMatchObject({ briefing: { title: expect.any(String) } });
    const second = await client.query({ query: document, variables, fetchPolicy: 'network-only' });
    expect(second.data).toEqual(first.data);
    // Hash only (unknown), hash + query (registered), then hash only again.
    expect(seen).toEqual([
      { query: false, hash: true },
      { query: true, hash: true },
      { query: false, hash: true },
    ]);
  });
});

describe('@urql/core with the persisted exchange', () => {
  it('does the APQ round trip, then sends only the hash', async () => {
    const seen: { query: boolean; hash: boolean }[] = [];
    const client = new Client({
      url: endpoint,
      fetch: recordingFetch(seen),
      // urql sends hashed queries as GET: a GET without a content type needs the CSRF header.
      fetchOptions: { headers: { 'x-graphql-csrf': '1' } },
      requestPolicy: 'network-only',
      exchanges: [
        persistedExchange({ generateHash: (query) => Promise.resolve(sha256Hex(query)) }),
        fetchExchange,
      ],
    });
    const document = urqlGql(ACTOR_NAMES);
    const first = await client.query(document, { first: 2 }).toPromise();
    expect(first.error).toBeUndefined();
    expect(first.data).toMatchObject({ actors: { edges: expect.any(Array) } });
    const second = await client.query(document, { first: 2 }).toPromise();
    expect(second.data).toEqual(first.data);
    expect(seen).toEqual([
      { query: false, hash: true },
      { query: true, hash: true },
      { query: false, hash: true },
    ]);
  });
});

describe('graphql-http server audits', () => {
  it('passes every MUST audit as an analyst', async () => {
    const analyst = await real.key('analyst');
    const results = await auditServer({
      url: endpoint,
      fetchFn: (input: RequestInfo | URL, init?: RequestInit) =>
        fetch(input, {
          ...init,
          headers: {
            ...Object.fromEntries(new Headers(init?.headers)),
            authorization: `Bearer ${analyst}`,
          },
        }),
    });
    const failedMust = results.filter((r) => r.status !== 'ok' && r.name.startsWith('MUST'));
    expect(failedMust.map((r) => `${r.name}: ${'reason' in r ? r.reason : ''}`)).toEqual([]);
    // The SHOULD audits pass too (README, "For partners"): none is listed as failing.
    expect(results.filter((r) => r.status !== 'ok').map((r) => r.name)).toEqual([]);
  });
});
