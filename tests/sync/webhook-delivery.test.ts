import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { hostname } from 'node:os';
import { sql } from 'kysely';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig, type WebhookConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { createLogger } from '../../src/logger.js';
import { createMetrics } from '../../src/observability/metrics.js';
import { claimDueDeliveries } from '../../src/sync/webhook.repository.js';
import { createWebhookWorker, type WebhookWorker } from '../../src/sync/webhook-worker.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql, mutateOk } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Deliveries to a real HTTP receiver on its own port, which verifies every signature as a
// partner would (README "For partners"): nothing is lost while the receiver is down or when a
// worker dies mid-batch, two workers never make the same attempt, a 410 disables the endpoint,
// and a delivery that keeps failing is dead-lettered and can be replayed.

const CONFIG: WebhookConfig = {
  enabled: true,
  intervalMs: 10,
  batchSize: 4,
  maxAttempts: 3,
  retryBaseMs: 1,
  timeoutMs: 2000,
  leaseMs: 3000,
  allowPrivateAddresses: true,
  secretGraceSeconds: 86_400,
};

interface Received {
  id: string;
  timestamp: number;
  headers: Record<string, string | string[] | undefined>;
  raw: string;
  body: { type: string; timestamp: string; data: { type: string; id: string; cursor: string } };
}

/** The verification of README "For partners", with Node's crypto only. */
function verify(
  secret: string,
  headers: Record<string, string | string[] | undefined>,
  body: string,
) {
  const id = String(headers['webhook-id']);
  const timestamp = String(headers['webhook-timestamp']);
  const key = Buffer.from(secret.slice('whsec_'.length), 'base64');
  const expected = Buffer.from(
    `v1,${createHmac('sha256', key).update(`${id}.${timestamp}.${body}`).digest('base64')}`,
  );
  const fresh = Math.abs(Date.now() / 1000 - Number(timestamp)) < 300;
  return (
    fresh &&
    String(headers['webhook-signature'])
      .split(' ')
      .some((sig) => sig.length === expected.length && timingSafeEqual(Buffer.from(sig), expected))
  );
}

/** A partner's receiver: answers `status()`, keeps every verified delivery, counts the rest. */
class Receiver {
  server: Server;
  port = 0;
  status: () => number = () => 204;
  received: Received[] = [];
  /** Requests whose signature did not verify. */
  forged = 0;
  secret = '';

  constructor() {
    this.server = createServer((req, res) => {
      let body = '';
      req.on('data', (chunk: Buffer) => (body += chunk.toString()));
      req.on('end', () => {
        const status = this.status();
        if (!verify(this.secret, req.headers, body)) this.forged += 1;
        else
          this.received.push({
            id: String(req.headers['webhook-id']),
            timestamp: Number(req.headers['webhook-timestamp']),
            headers: req.headers,
            raw: body,
            body: JSON.parse(body) as Received['body'],
          });
        res.writeHead(status).end();
      });
    });
  }

  async up(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(this.port, '127.0.0.1', resolve));
    this.port = (this.server.address() as AddressInfo).port;
  }

  async down(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** webhook-ids answered 2xx, in arrival order (one entry per verified request). */
  ids(): string[] {
    return this.received.map((delivery) => delivery.id);
  }
}

let database: TestDatabase;
let app: App;
let admin: Record<string, string>;
let editor: Record<string, string>;
let analystKeyId: string;
let partnerKeyId: string;
let receiver: Receiver;
const workers: WebhookWorker[] = [];

function worker(config: Partial<WebhookConfig> = {}, db: Database = database.db): WebhookWorker {
  const created = createWebhookWorker({
    db,
    config: { ...CONFIG, ...config },
    logger: createLogger('silent'),
    random: () => 0.5,
  });
  workers.push(created);
  return created;
}

/** Runs rounds until nothing is due and nothing new came in (retries wait at most ms). */
async function drain(runner: WebhookWorker, rounds = 40): Promise<void> {
  for (let round = 0; round < rounds; round += 1) {
    const result = await runner.runOnce();
    if (result.enqueued === 0 && result.attempted === 0) {
      const pending = await database.db
        .selectFrom('webhook_delivery')
        .select('id')
        .where('status', '=', 'PENDING')
        .where('next_attempt_at', '<=', new Date(Date.now() + 50))
        .execute();
      if (pending.length === 0) return;
    }
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

async function registerEndpoint(apiKeyId: string, events: string[]): Promise<number> {
  const payload = await mutateOk<{ registered: { secret: string; endpoint: { id: string } } }>(
    app,
    admin,
    'registerWebhookEndpoint',
    `mutation ($input: RegisterWebhookEndpointInput!) { registerWebhookEndpoint(input: $input) {
      __typename ... on RegisterWebhookEndpointSuccess { registered { secret endpoint { id } } }
      ... on Error { message } } }`,
    { input: { url: `http://127.0.0.1:${receiver.port}/hook`, events, apiKeyId } },
  );
  receiver.secret = payload.registered.secret;
  const id = Buffer.from(payload.registered.endpoint.id, 'base64url').toString().split(':')[1];
  return Number(id);
}

async function createActors(count: number, marking = 'CLEAR'): Promise<string[]> {
  const ids: string[] = [];
  for (let index = 0; index < count; index += 1) {
    const payload = await mutateOk<{ actor: { id: string } }>(
      app,
      editor,
      'createActor',
      `mutation ($input: CreateActorInput!) { createActor(input: $input) {
        __typename ... on CreateActorSuccess { actor { id } } ... on Error { message } } }`,
      { input: { kind: 'PERSON', name: `Person ${Date.now()} ${index}`, marking } },
    );
    ids.push(payload.actor.id);
  }
  return ids;
}

async function deliveries(endpointId: number) {
  return database.db
    .selectFrom('webhook_delivery')
    .selectAll()
    .where('endpoint_id', '=', endpointId)
    .orderBy('id')
    .execute();
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    config: loadConfig({ WEBHOOK_ALLOW_PRIVATE_ADDRESSES: 'true' }),
  });
  admin = bearer(await createKey(database, 'admin'));
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
  await createKey(database, 'analyst', { name: 'Analyst desk' });
  await createKey(database, 'partner', { name: 'Partner outlet' });
  const keys = await database.db.selectFrom('api_key').select(['id', 'name']).execute();
  const keyId = (name: string) =>
    encodeGlobalId('ApiKey', keys.find((key) => key.name === name)?.id ?? 0);
  analystKeyId = keyId('Analyst desk');
  partnerKeyId = keyId('Partner outlet');
});

afterEach(async () => {
  await Promise.all(workers.splice(0).map((running) => running.stop()));
  if (receiver.server.listening) await receiver.down();
  // Each test has its own endpoint: the earlier ones stop receiving.
  await database.db
    .updateTable('webhook_endpoint')
    .set({ enabled: false, disabled_reason: 'test over' })
    .execute();
});

afterAll(() => database.close());

describe('webhook delivery', () => {
  beforeAll(() => {
    receiver = new Receiver();
  });

  it('sends each change once, signed, naming the record only', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT', 'ACTOR_TOMBSTONE']);
    const actors = await createActors(3);
    const metrics = createMetrics();
    const runner = createWebhookWorker({
      db: database.db,
      config: CONFIG,
      logger: createLogger('silent'),
      metrics,
    });
    database.statements.reset();
    expect(await runner.runOnce()).toEqual({ enqueued: 3, attempted: 3 });
    // Enqueue: BEGIN, latest change, lock endpoints, its changes, their visibility, insert,
    // cursor, COMMIT; deliver: claim, endpoints, visibility, one outcome each; the backlog.
    expect(database.statements.sql.filter((text) => !/^(begin|commit)/i.test(text))).toHaveLength(
      6 + 3 + 3 + 1,
    );
    database.statements.reset();
    expect(await runner.runOnce()).toEqual({ enqueued: 0, attempted: 0 });
    // Idle: the latest change, the endpoints behind it, the claim, the backlog.
    expect(database.statements.sql.filter((text) => !/^(begin|commit)/i.test(text))).toHaveLength(
      4,
    );
    const exposition = await metrics.registry.metrics();
    expect(exposition).toContain('briefgraph_webhook_attempts_total{outcome="delivered"} 3');
    expect(exposition).toContain('briefgraph_webhook_backlog 0');
    expect(receiver.forged).toBe(0);
    // Sent together: they may arrive in any order.
    expect(receiver.received.map((delivery) => delivery.body.data.id).sort()).toEqual(
      [...actors].sort(),
    );
    const rows = await deliveries(endpointId);
    expect(receiver.ids().sort()).toEqual(rows.map((row) => row.message_id).sort());
    expect(rows.map((row) => [row.status, row.attempts, row.last_response_status])).toEqual([
      ['DELIVERED', 1, 204],
      ['DELIVERED', 1, 204],
      ['DELIVERED', 1, 204],
    ]);
    const first = receiver.received.find((delivery) => delivery.id === rows[0]?.message_id);
    expect(first?.body).toEqual({
      type: 'actor.upsert',
      timestamp: rows[0]?.occurred_at.toISOString(),
      data: {
        type: 'Actor',
        id: actors[0],
        cursor: Buffer.from(`change:${rows[0]?.change_id}`).toString('base64url'),
      },
    });
    expect(first?.id).toMatch(/^msg_[0-9a-f]{32}$/);
  });

  it('signs with the previous secret too during a rotation’s grace period, then with the new one only', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    const previous = receiver.secret;
    const rotated = await mutateOk<{ registered: { secret: string } }>(
      app,
      admin,
      'rotateWebhookEndpointSecret',
      `mutation ($id: ID!) { rotateWebhookEndpointSecret(id: $id) {
        __typename ... on RotateWebhookEndpointSecretSuccess { registered { secret } } } }`,
      { id: encodeGlobalId('WebhookEndpoint', endpointId) },
    );
    const current = rotated.registered.secret;
    const [row] = await database.db
      .selectFrom('webhook_endpoint')
      .select([
        'secret',
        'previous_secret',
        sql<number>`round(extract(epoch from previous_secret_until - now()))`.as('graceLeft'),
      ])
      .where('id', '=', endpointId)
      .execute();
    expect(row).toEqual({ secret: current, previous_secret: previous, graceLeft: 86_400 });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'webhook-endpoint.rotate-secret')
      .execute();
    expect(JSON.stringify(audit)).not.toContain(previous.slice(6));
    expect(JSON.stringify(audit)).not.toContain(current.slice(6));

    // A receiver still on the old secret verifies; one on the new secret too.
    await createActors(1);
    await drain(worker());
    expect(receiver.forged).toBe(0);
    const [during] = receiver.received;
    expect(String(during?.headers['webhook-signature']).split(' ')).toHaveLength(2);
    expect(verify(current, during?.headers ?? {}, during?.raw ?? '')).toBe(true);
    expect(verify(previous, during?.headers ?? {}, during?.raw ?? '')).toBe(true);

    // Once the grace period is over, only the new secret signs.
    await database.db
      .updateTable('webhook_endpoint')
      .set({ previous_secret_until: sql<Date>`now() - interval '1 second'` })
      .where('id', '=', endpointId)
      .execute();
    receiver.secret = current;
    receiver.received = [];
    await createActors(1);
    await drain(worker());
    const [after] = receiver.received;
    expect(String(after?.headers['webhook-signature']).split(' ')).toHaveLength(1);
    expect(verify(current, after?.headers ?? {}, after?.raw ?? '')).toBe(true);
    expect(verify(previous, after?.headers ?? {}, after?.raw ?? '')).toBe(false);
  });

  it('loses nothing while the receiver is down or failing, with the same webhook-id on retries', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    await receiver.down();
    const actors = await createActors(5);
    const runner = worker({ maxAttempts: 10 });
    await runner.runOnce();
    await runner.runOnce();
    const refused = await deliveries(endpointId);
    expect(refused.map((row) => row.status)).toEqual(Array(5).fill('PENDING'));
    expect(refused.every((row) => row.attempts >= 1 && row.last_error !== null)).toBe(true);
    // Up again, but failing: the same ids come again later.
    receiver.status = () => 503;
    await receiver.up();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await runner.runOnce();
    await runner.runOnce();
    const failedIds = new Set(receiver.ids());
    expect(failedIds.size).toBeGreaterThan(0);
    receiver.status = () => 200;
    receiver.received = [];
    await drain(runner);
    const rows = await deliveries(endpointId);
    expect(rows.map((row) => row.status)).toEqual(Array(5).fill('DELIVERED'));
    expect(new Set(receiver.received.map((delivery) => delivery.body.data.id))).toEqual(
      new Set(actors),
    );
    expect(receiver.ids().sort()).toEqual(rows.map((row) => row.message_id).sort());
    for (const id of failedIds) expect(receiver.ids()).toContain(id);
    expect(receiver.forged).toBe(0);
  });

  it('loses nothing when a worker dies after claiming a batch', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    await receiver.down();
    const actors = await createActors(3);
    const runner = worker({ leaseMs: 300, timeoutMs: 200 });
    expect(await runner.runOnce()).toEqual({ enqueued: 3, attempted: 3 });
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Another worker claims the batch and dies before sending: its rows stay claimed.
    const claimed = await claimDueDeliveries(database.db, 10, 300);
    expect(claimed.map((row) => row.attempts)).toEqual([2, 2, 2]);
    await receiver.up();
    expect(await runner.runOnce()).toEqual({ enqueued: 0, attempted: 0 });
    expect(receiver.received).toEqual([]);
    // Once the lease runs out, they are claimed again.
    await new Promise((resolve) => setTimeout(resolve, 350));
    await drain(runner);
    const rows = await deliveries(endpointId);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual([
      ['DELIVERED', 3],
      ['DELIVERED', 3],
      ['DELIVERED', 3],
    ]);
    expect(receiver.received.map((delivery) => delivery.body.data.id).sort()).toEqual(
      actors.sort(),
    );
  });

  it('has two workers on one database make each attempt once', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    const actors = await createActors(12);
    // A second instance: its own pool on PostgreSQL (the embedded database has one connection).
    const second = database.url
      ? createDatabase({ url: database.url, maxConnections: 3 })
      : database.db;
    try {
      const one = worker({ batchSize: 3 });
      const two = worker({ batchSize: 3 }, second);
      await Promise.all([drain(one), drain(two)]);
      await drain(one);
    } finally {
      if (second !== database.db) await second.destroy();
    }
    const rows = await deliveries(endpointId);
    expect(rows.map((row) => [row.status, row.attempts])).toEqual(Array(12).fill(['DELIVERED', 1]));
    expect(receiver.ids().sort()).toEqual(rows.map((row) => row.message_id).sort());
    expect(new Set(receiver.received.map((delivery) => delivery.body.data.id))).toEqual(
      new Set(actors),
    );
  });

  it('disables an endpoint that answers 410, and resumes when an admin enables it', async () => {
    receiver = new Receiver();
    receiver.status = () => 410;
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    await createActors(2);
    const runner = worker({ batchSize: 1 });
    await drain(runner);
    expect(receiver.received).toHaveLength(1);
    const [endpoint] = await database.db
      .selectFrom('webhook_endpoint')
      .select(['enabled', 'disabled_reason'])
      .where('id', '=', endpointId)
      .execute();
    expect(endpoint).toEqual({
      enabled: false,
      disabled_reason: 'the endpoint answered 410 Gone',
    });
    expect((await deliveries(endpointId)).map((row) => row.status)).toEqual(['PENDING', 'PENDING']);
    receiver.status = () => 200;
    await mutateOk(
      app,
      admin,
      'updateWebhookEndpoint',
      `mutation ($id: ID!) { updateWebhookEndpoint(id: $id, input: { enabled: true }) {
        __typename ... on UpdateWebhookEndpointSuccess { endpoint { enabled } } ... on Error { message } } }`,
      { id: encodeGlobalId('WebhookEndpoint', endpointId) },
    );
    await drain(runner);
    expect((await deliveries(endpointId)).map((row) => row.status)).toEqual([
      'DELIVERED',
      'DELIVERED',
    ]);
  });

  it('dead-letters after the last attempt, shows it to admins and replays it', async () => {
    receiver = new Receiver();
    receiver.status = () => 500;
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    const [actor] = await createActors(1);
    await drain(worker());
    const [dead] = await deliveries(endpointId);
    expect(dead).toMatchObject({
      status: 'DEAD',
      attempts: 3,
      last_response_status: 500,
      last_error: 'the endpoint answered 500',
    });
    expect(receiver.ids()).toEqual(Array(3).fill(dead?.message_id));
    const deliveryId = encodeGlobalId('WebhookDelivery', dead?.id ?? 0);
    const listed = await graphql<{ webhookDeliveries: unknown[] }>(
      app,
      `
        query ($id: ID!) {
          webhookDeliveries(endpointId: $id, status: DEAD) {
            id
            webhookId
            event
            recordId
            status
            attempts
            nextAttemptAt
            lastResponseStatus
            lastError
          }
        }
      `,
      { id: encodeGlobalId('WebhookEndpoint', endpointId) },
      admin,
    );
    expect(listed.data?.webhookDeliveries).toEqual([
      {
        id: deliveryId,
        webhookId: dead?.message_id,
        event: 'ACTOR_UPSERT',
        recordId: actor,
        status: 'DEAD',
        attempts: 3,
        nextAttemptAt: null,
        lastResponseStatus: 500,
        lastError: 'the endpoint answered 500',
      },
    ]);
    receiver.status = () => 200;
    receiver.received = [];
    const replayed = await mutateOk<{ delivery: unknown }>(
      app,
      admin,
      'replayWebhookDelivery',
      `mutation ($id: ID!) { replayWebhookDelivery(id: $id) {
        __typename ... on ReplayWebhookDeliverySuccess { delivery { status attempts } }
        ... on Error { message } } }`,
      { id: deliveryId },
    );
    expect(replayed.delivery).toEqual({ status: 'PENDING', attempts: 0 });
    await drain(worker());
    expect(receiver.ids()).toEqual([dead?.message_id]);
    expect((await deliveries(endpointId)).map((row) => [row.status, row.attempts])).toEqual([
      ['DELIVERED', 1],
    ]);
  });

  it('never sends what the endpoint’s key may not see when the delivery is made', async () => {
    receiver = new Receiver();
    await receiver.up();
    const partnerEndpoint = await registerEndpoint(partnerKeyId, [
      'ACTOR_UPSERT',
      'ACTOR_TOMBSTONE',
    ]);
    const analystEndpoint = await registerEndpoint(analystKeyId, [
      'ACTOR_UPSERT',
      'ACTOR_TOMBSTONE',
    ]);
    await receiver.down();
    // Unreleased (embargoed for partners), and visible to the analyst until raised to RED.
    const [actor] = await createActors(1);
    const runner = worker();
    await runner.runOnce();
    expect(await deliveries(partnerEndpoint)).toEqual([]);
    const [upsert] = await deliveries(analystEndpoint);
    expect(upsert).toMatchObject({ event_type: 'actor.upsert', status: 'PENDING' });
    await mutateOk(
      app,
      editor,
      'updateActor',
      `mutation ($id: ID!) { updateActor(id: $id, expectedVersion: 1, input: { marking: RED }) {
        __typename ... on UpdateActorSuccess { actor { id } } ... on Error { message } } }`,
      { id: actor },
    );
    await receiver.up();
    await new Promise((resolve) => setTimeout(resolve, 20));
    await drain(runner);
    const rows = await deliveries(analystEndpoint);
    expect(rows.map((row) => [row.event_type, row.status])).toEqual([
      ['actor.upsert', 'WITHHELD'],
      ['actor.tombstone', 'DELIVERED'],
    ]);
    expect(
      receiver.received.map((delivery) => [delivery.body.type, delivery.body.data.id]),
    ).toEqual([['actor.tombstone', actor]]);
    expect(await deliveries(partnerEndpoint)).toEqual([]);
  });
});

describe('webhook delivery outside tests', () => {
  it('refuses to connect to a name that resolves to a private address (SSRF)', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    // The machine's own name passes the URL check and resolves inward (/etc/hosts, a
    // container's address): only the connection shows it.
    await database.db
      .updateTable('webhook_endpoint')
      .set({ url: `http://${hostname()}:${receiver.port}/hook` })
      .where('id', '=', endpointId)
      .execute();
    await createActors(1);
    await worker({ allowPrivateAddresses: false }).runOnce();
    const [row] = await deliveries(endpointId);
    expect(row).toMatchObject({ status: 'PENDING', attempts: 1, last_response_status: null });
    expect(row?.last_error).toContain(`refused: ${hostname()} resolves to a private address (`);
    expect(receiver.received).toEqual([]);
    expect(receiver.forged).toBe(0);
  });
});

describe('a receiver that never answers', () => {
  it('is cut off after WEBHOOK_TIMEOUT_MS and retried later', async () => {
    receiver = new Receiver();
    await receiver.up();
    const endpointId = await registerEndpoint(analystKeyId, ['ACTOR_UPSERT']);
    await receiver.down();
    // The same port, now holding every request open.
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(receiver.port, '127.0.0.1', resolve));
    try {
      await createActors(1);
      const started = Date.now();
      await worker({ timeoutMs: 200, leaseMs: 1000 }).runOnce();
      expect(Date.now() - started).toBeLessThan(2000);
      const [row] = await deliveries(endpointId);
      expect(row).toMatchObject({ status: 'PENDING', attempts: 1, last_response_status: null });
      expect(row?.last_error).toBe('no answer within 200 ms');
    } finally {
      silent.closeAllConnections();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    }
  });
});
