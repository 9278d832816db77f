import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';

// The delivery worker runs inside the real server process, and a SIGTERM stops it with the
// rest: the process exits cleanly.

let real: RealServer;
const received: string[] = [];
const receiver = createServer((req, res) => {
  let body = '';
  req.on('data', (chunk: Buffer) => (body += chunk.toString()));
  req.on('end', () => {
    received.push(body);
    res.writeHead(204).end();
  });
});

beforeAll(async () => {
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  real = await startRealServer({
    WEBHOOK_INTERVAL_MS: '50',
    WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true',
  });
});
afterAll(async () => {
  await real.stop();
  await new Promise<void>((resolve) => receiver.close(() => resolve()));
});

async function post(key: string, query: string, variables: Record<string, unknown>) {
  const response = await fetch(`${real.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as { data?: Record<string, Record<string, unknown>> };
}

describe('the server process', () => {
  it('delivers webhooks while it runs and stops the worker on SIGTERM', async () => {
    const admin = await real.key('admin');
    const editor = await real.key('editor');
    const analyst = await real.db
      .insertInto('api_key')
      .values({
        name: 'analyst desk',
        role: 'analyst',
        clearance: 'CLEAR',
        key_hash: 'a'.repeat(64),
        key_prefix: 'bg_test',
        created_by: 'tests',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const { port } = receiver.address() as AddressInfo;
    const registered = await post(
      admin,
      `mutation ($input: RegisterWebhookEndpointInput!) {
        registerWebhookEndpoint(input: $input) { __typename } }`,
      {
        input: {
          url: `http://127.0.0.1:${port}/hook`,
          events: ['ACTOR_UPSERT'],
          apiKeyId: encodeGlobalId('ApiKey', analyst.id),
        },
      },
    );
    expect(registered.data?.['registerWebhookEndpoint']).toEqual({
      __typename: 'RegisterWebhookEndpointSuccess',
    });
    const created = await post(
      editor,
      `mutation { createActor(input: { kind: PERSON, name: "Webhook Person" }) {
        ... on CreateActorSuccess { actor { id } } } }`,
      {},
    );
    const actorId = created.data?.['createActor']?.['actor'] as { id: string };
    for (let waited = 0; received.length === 0 && waited < 5000; waited += 50)
      await new Promise((resolve) => setTimeout(resolve, 50));
    expect(received.map((body) => (JSON.parse(body) as { data: { id: string } }).data.id)).toEqual([
      actorId.id,
    ]);
    real.server.signal('SIGTERM');
    expect(await real.server.exited()).toBe(0);
  });
});
