import { randomBytes } from 'node:crypto';
import { createClient } from 'graphql-sse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { freePort, startServerProcess, type ServerProcess } from '../helpers/server-process.js';

// Two server processes on one database and one Redis (127.0.0.1:6379, or REDIS_URL), under a
// channel prefix of this run's own: a write through one reaches subscribers of the other.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;

let a: RealServer;
let b: ServerProcess;
let bMetrics = '';

beforeAll(async () => {
  const shared = { SUBSCRIPTIONS_REDIS_URL: REDIS_URL, REDIS_URL: '', REDIS_PREFIX: prefix };
  a = await startRealServer(shared);
  // The second process reaches the first one's database: PostgreSQL's, or the embedded one
  // through its socket (one backend: no prepared statements of its own, no startup options).
  const metricsPort = await freePort();
  bMetrics = `http://127.0.0.1:${metricsPort}/metrics`;
  b = await startServerProcess({
    env: {
      ...shared,
      METRICS_PORT: String(metricsPort),
      SEED: 'false',
      DATABASE_URL: a.databaseEnv.DATABASE_URL ?? '',
      DATABASE_PREPARED_STATEMENTS: 'off',
      STATEMENT_TIMEOUT_MS: '0',
      WEBHOOKS: 'off',
    },
  });
});
afterAll(async () => {
  await b?.stop();
  await a?.stop();
});

describe('two instances sharing Redis', () => {
  it('delivers a write through one instance to a subscriber of the other', async () => {
    const editor = await a.key('editor');
    const client = createClient({
      url: `${b.url}/graphql`,
      singleConnection: false,
      retryAttempts: 0,
    });
    const results: unknown[] = [];
    const done = (async () => {
      for await (const result of client.iterate({
        query:
          'subscription { briefingPublished { node { kind recordId node { ... on Briefing { title } } } } }',
      }))
        results.push(result);
    })();
    // Registered on b (its briefgraph_subscriptions_open gauge) before the write through a.
    const registered = Date.now() + 10_000;
    while (!/^briefgraph_subscriptions_open 1$/m.test(await (await fetch(bMetrics)).text())) {
      if (Date.now() > registered) throw new Error('expected b to hold the subscription');
      await new Promise((resolve) => setTimeout(resolve, 20));
    }

    const call = async (query: string, variables: Record<string, unknown>) => {
      const response = await fetch(`${a.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
        body: JSON.stringify({ query, variables }),
      });
      return (
        (await response.json()) as {
          data: Record<string, { briefing: { id: string; version: number } } | undefined>;
        }
      ).data;
    };
    let briefing: { id: string; version: number } | undefined = (
      await call(
        `mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) {
          ... on CreateBriefingSuccess { briefing { id version } } } }`,
        { input: { slug: 'redis-shared', title: 'Shared', body: 'Alpha.', marking: 'CLEAR' } },
      )
    ).createBriefing?.briefing;
    if (!briefing) throw new Error('expected the briefing to be created');
    for (const to of ['IN_REVIEW', 'PUBLISHED']) {
      briefing = (
        await call(
          `mutation ($id: ID!, $v: Int!, $to: BriefingStatus!) { transitionBriefing(id: $id, expectedVersion: $v, to: $to) {
            ... on TransitionBriefingSuccess { briefing { id version } } } }`,
          { id: briefing.id, v: briefing.version, to },
        )
      ).transitionBriefing?.briefing;
      if (!briefing) throw new Error(`expected the transition to ${to}`);
    }
    const deadline = Date.now() + 10_000;
    while (results.length === 0 && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 100));
    client.dispose();
    await done;
    expect(results).toEqual([
      {
        data: {
          briefingPublished: {
            node: { kind: 'UPSERT', recordId: briefing.id, node: { title: 'Shared' } },
          },
        },
      },
    ]);
  });
});
