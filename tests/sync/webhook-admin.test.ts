import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Admins register, change, pause, rotate and list partner endpoints; the secret is shown once
// and never again; bad input is refused whole, with every problem named, and writes nothing.

let database: TestDatabase;
/** The production default: private addresses refused. */
let app: App;
let admin: Record<string, string>;
let editor: Record<string, string>;
let partnerKeyId: string;

const ENDPOINT = 'id url events enabled disabledReason apiKeyId secretHint createdBy';
const ERRORS = `... on Error { __typename message }
  ... on ValidationError { issues { path message } }`;
const REGISTER = /* GraphQL */ `
  mutation ($input: RegisterWebhookEndpointInput!) {
    registerWebhookEndpoint(input: $input) {
      __typename
      ... on RegisterWebhookEndpointSuccess { registered { secret endpoint { ${ENDPOINT} } } }
      ${ERRORS}
    }
  }
`;

interface Endpoint {
  id: string;
  url: string;
  events: string[];
  enabled: boolean;
  disabledReason: string | null;
  apiKeyId: string;
  secretHint: string;
  createdBy: string;
}

type Payload = Record<string, unknown> & { __typename: string };

async function register(input: Record<string, unknown>, headers = admin): Promise<Payload> {
  const result = await graphql<{ registerWebhookEndpoint: Payload }>(
    app,
    REGISTER,
    { input },
    headers,
  );
  if (!result.data) throw new Error(`expected data, got ${JSON.stringify(result)}`);
  return result.data.registerWebhookEndpoint;
}

async function endpointRows() {
  return database.db.selectFrom('webhook_endpoint').selectAll().orderBy('id').execute();
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ db: database.db, logger: createLogger('silent'), config: loadConfig({}) });
  admin = bearer(await createKey(database, 'admin', { name: 'Ada Admin' }));
  editor = bearer(await createKey(database, 'editor'));
  await createKey(database, 'partner', { name: 'Partner Outlet' });
  const key = await database.db
    .selectFrom('api_key')
    .select('id')
    .where('name', '=', 'Partner Outlet')
    .executeTakeFirstOrThrow();
  partnerKeyId = encodeGlobalId('ApiKey', key.id);
});
afterAll(() => database.close());

describe('registerWebhookEndpoint', () => {
  it('returns the secret once, stores it to sign with, and never shows it again', async () => {
    const payload = await register({
      url: 'https://hooks.partner.example/briefgraph',
      events: ['CLAIM_UPSERT', 'CLAIM_TOMBSTONE', 'CLAIM_UPSERT'],
      apiKeyId: partnerKeyId,
    });
    expect(payload.__typename).toBe('RegisterWebhookEndpointSuccess');
    const registered = payload['registered'] as { secret: string; endpoint: Endpoint };
    expect(registered.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [row] = await endpointRows();
    expect(row).toMatchObject({
      url: 'https://hooks.partner.example/briefgraph',
      events: ['claim.upsert', 'claim.tombstone'],
      secret: registered.secret,
      enabled: true,
      created_by: 'Ada Admin',
    });
    // It starts at the end of the feed: what happened before is not sent.
    const latest = await database.db
      .selectFrom('change')
      .select((eb) => eb.fn.max('id').as('id'))
      .executeTakeFirstOrThrow();
    expect(row?.cursor).toBe(latest.id);
    expect(registered.endpoint).toEqual({
      id: encodeGlobalId('WebhookEndpoint', row?.id ?? 0),
      url: 'https://hooks.partner.example/briefgraph',
      events: ['CLAIM_UPSERT', 'CLAIM_TOMBSTONE'],
      enabled: true,
      disabledReason: null,
      apiKeyId: partnerKeyId,
      secretHint: `${registered.secret.slice(0, 10)}…`,
      createdBy: 'Ada Admin',
    });
    const listed = await graphql<{ webhookEndpoints: Endpoint[] }>(
      app,
      `{ webhookEndpoints { ${ENDPOINT} } }`,
      {},
      admin,
    );
    expect(listed.data?.webhookEndpoints).toEqual([registered.endpoint]);
    expect(JSON.stringify(listed)).not.toContain(registered.secret);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_type', '=', 'WebhookEndpoint')
      .execute();
    expect(audit.map((entry) => entry.action)).toEqual(['webhook-endpoint.register']);
    expect(JSON.stringify(audit)).not.toContain(registered.secret.slice(6));
  });

  it('refuses bad URLs, no events and unusable keys, all at once, and writes nothing', async () => {
    const before = await endpointRows();
    const revokedKey = await createKey(database, 'partner', { name: 'Revoked' });
    const revoked = await database.db
      .updateTable('api_key')
      .set({ revoked_at: new Date() })
      .where('name', '=', 'Revoked')
      .returning('id')
      .executeTakeFirstOrThrow();
    expect(revokedKey).toBeTruthy();
    const cases: [string, string][] = [
      ['ftp://partner.example/x', 'expected an http or https URL, got ftp'],
      ['https://user:pw@partner.example/x', 'expected no credentials in the URL'],
      ['not a url', 'expected an absolute http or https URL, got "not a url"'],
      ['http://127.0.0.1:8080/x', 'expected a public address, got 127.0.0.1'],
      ['http://10.1.2.3/x', 'expected a public address, got 10.1.2.3'],
      ['http://169.254.169.254/latest', 'expected a public address, got 169.254.169.254'],
      ['http://[::1]/x', 'expected a public address, got [::1]'],
      ['http://[::ffff:192.168.0.1]/x', 'expected a public address'],
      ['http://localhost:4000/x', 'expected a public address, got localhost'],
      ['http://localhost.:4000/x', 'expected a public address, got localhost.'],
    ];
    for (const [url, message] of cases) {
      const payload = await register({
        url,
        events: [],
        apiKeyId: encodeGlobalId('ApiKey', revoked.id),
      });
      expect(payload.__typename, url).toBe('ValidationError');
      const issues = payload['issues'] as { path: string[]; message: string }[];
      expect(
        issues.map((issue) => issue.path.join('.')),
        url,
      ).toEqual(['input.url', 'input.events', 'input.apiKeyId']);
      expect(issues[0]?.message, url).toContain(message);
      expect(issues[1]?.message).toBe('expected at least one event, got none');
      expect(issues[2]?.message).toMatch(/^expected an active API key/);
    }
    const wrongType = await register({
      url: 'https://partner.example/x',
      events: ['ACTOR_UPSERT'],
      apiKeyId: encodeGlobalId('Claim', 1),
    });
    expect(wrongType['issues']).toEqual([
      {
        path: ['input', 'apiKeyId'],
        message: 'expected the id of an ApiKey, got the id of a Claim',
      },
    ]);
    // A key past its expiry is as unusable as a revoked one.
    await createKey(database, 'partner', {
      name: 'Expired',
      expiresAt: new Date(Date.now() - 60_000),
    });
    const expired = await database.db
      .selectFrom('api_key')
      .select('id')
      .where('name', '=', 'Expired')
      .executeTakeFirstOrThrow();
    const lapsed = await register({
      url: 'https://partner.example/x',
      events: ['ACTOR_UPSERT'],
      apiKeyId: encodeGlobalId('ApiKey', expired.id),
    });
    expect(lapsed['issues']).toEqual([
      {
        path: ['input', 'apiKeyId'],
        message: expect.stringMatching(/^expected an active API key/),
      },
    ]);
    expect(await endpointRows()).toEqual(before);
  });

  it('is for admins only', async () => {
    const input = {
      url: 'https://partner.example/x',
      events: ['ACTOR_UPSERT'],
      apiKeyId: partnerKeyId,
    };
    const asEditor = await register(input, editor);
    expect(asEditor).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const anonymous = await graphql(app, REGISTER, { input });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.['code']).toBe('UNAUTHENTICATED');
    const list = await graphql(app, '{ webhookEndpoints { id } }', {}, editor);
    expect(list.data).toBeNull();
    expect(list.errors?.[0]?.extensions?.['code']).toBe('FORBIDDEN');
    expect(await endpointRows()).toHaveLength(1);
  });
});

describe('changing an endpoint', () => {
  async function run(text: string, variables: Record<string, unknown>): Promise<Payload> {
    const result = await graphql<Record<string, Payload>>(app, text, variables, admin);
    const payload = Object.values(result.data ?? {})[0];
    if (!payload) throw new Error(`expected a payload, got ${JSON.stringify(result)}`);
    return payload;
  }
  const UPDATE = `mutation ($id: ID!, $input: UpdateWebhookEndpointInput!) {
    updateWebhookEndpoint(id: $id, input: $input) {
      __typename ... on UpdateWebhookEndpointSuccess { endpoint { ${ENDPOINT} } } ${ERRORS} } }`;
  const DISABLE = `mutation ($id: ID!) { disableWebhookEndpoint(id: $id) {
      __typename ... on DisableWebhookEndpointSuccess { endpoint { ${ENDPOINT} } } ${ERRORS} } }`;
  const ROTATE = `mutation ($id: ID!) { rotateWebhookEndpointSecret(id: $id) {
      __typename ... on RotateWebhookEndpointSecretSuccess { registered { secret endpoint { secretHint } } }
      ${ERRORS} } }`;

  it('updates URL and events, pauses and enables, and rotates the secret', async () => {
    const [row] = await endpointRows();
    const id = encodeGlobalId('WebhookEndpoint', row?.id ?? 0);
    const updated = await run(UPDATE, {
      id,
      input: { url: 'https://hooks.partner.example/v2', events: ['BRIEFING_UPSERT'] },
    });
    expect(updated['endpoint']).toMatchObject({
      url: 'https://hooks.partner.example/v2',
      events: ['BRIEFING_UPSERT'],
      enabled: true,
    });
    const disabled = await run(DISABLE, { id });
    expect(disabled['endpoint']).toMatchObject({
      enabled: false,
      disabledReason: 'disabled by Ada Admin',
    });
    const enabled = await run(UPDATE, { id, input: { enabled: true } });
    expect(enabled['endpoint']).toMatchObject({ enabled: true, disabledReason: null });
    const rotated = await run(ROTATE, { id });
    const { secret } = rotated['registered'] as { secret: string };
    expect(secret).not.toBe(row?.secret);
    const [after] = await endpointRows();
    expect(after?.secret).toBe(secret);
    const actions = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('entity_type', '=', 'WebhookEndpoint')
      .orderBy('id')
      .execute();
    expect(actions.map((entry) => entry.action)).toEqual([
      'webhook-endpoint.register',
      'webhook-endpoint.update',
      'webhook-endpoint.disable',
      'webhook-endpoint.update',
      'webhook-endpoint.rotate-secret',
    ]);
  });

  it('refuses a bad URL or an unknown endpoint, and changes nothing', async () => {
    const before = await endpointRows();
    const [row] = before;
    const id = encodeGlobalId('WebhookEndpoint', row?.id ?? 0);
    const bad = await run(UPDATE, { id, input: { url: 'gopher://x', events: [] } });
    expect(bad['issues']).toEqual([
      { path: ['input', 'url'], message: 'expected an http or https URL, got gopher' },
      { path: ['input', 'events'], message: 'expected at least one event, got none' },
    ]);
    const missing = await run(DISABLE, { id: encodeGlobalId('WebhookEndpoint', 999) });
    expect(missing).toMatchObject({ __typename: 'NotFoundError' });
    for (const [text, id] of [
      [DISABLE, encodeGlobalId('Claim', row?.id ?? 0)],
      [ROTATE, 'not-an-id'],
    ] as const) {
      const wrongId = await run(text, { id });
      expect(wrongId['issues']).toEqual([
        {
          path: ['id'],
          message:
            id === 'not-an-id'
              ? 'expected the id of a WebhookEndpoint, got "not-an-id"'
              : 'expected the id of a WebhookEndpoint, got the id of a Claim',
        },
      ]);
    }
    expect(await endpointRows()).toEqual(before);
  });

  it('replays only a dead-lettered delivery', async () => {
    const [row] = await endpointRows();
    const delivery = await database.db
      .insertInto('webhook_delivery')
      .values({
        endpoint_id: row?.id ?? 0,
        change_id: 1,
        event_type: 'briefing.upsert',
        entity_type: 'Briefing',
        entity_id: 1,
        occurred_at: new Date(),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    const REPLAY = `mutation ($id: ID!) { replayWebhookDelivery(id: $id) {
      __typename ... on ReplayWebhookDeliverySuccess { delivery { status attempts } } ${ERRORS} } }`;
    const pending = await run(REPLAY, { id: encodeGlobalId('WebhookDelivery', delivery.id) });
    expect(pending).toEqual({
      __typename: 'ConflictError',
      message: 'expected a DEAD delivery to replay, got PENDING',
    });
    const missing = await run(REPLAY, { id: encodeGlobalId('WebhookDelivery', 999) });
    expect(missing['__typename']).toBe('NotFoundError');
    const endpointId = await run(REPLAY, { id: encodeGlobalId('WebhookEndpoint', row?.id ?? 0) });
    expect(endpointId['issues']).toEqual([
      {
        path: ['id'],
        message: 'expected the id of a WebhookDelivery, got the id of a WebhookEndpoint',
      },
    ]);
    const tooMany = await graphql(
      app,
      'query ($id: ID!) { webhookDeliveries(endpointId: $id, first: 101) { id } }',
      { id: encodeGlobalId('WebhookEndpoint', row?.id ?? 0) },
      admin,
    );
    expect(tooMany.errors?.[0]?.message).toBe('expected first between 0 and 100, got 101');
  });
});
