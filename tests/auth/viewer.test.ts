import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { loadConfig } from '../../src/config.js';
import { registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// `viewer`: who the server takes the caller to be, and the limits it holds the caller to.

const VIEWER = `{
  viewer {
    role clearance keyName keyExpiresAt mayRunAnyOperation
    limits { tier maxDepth maxCost requestsPerWindow windowSeconds maxBodyBytes }
  }
}`;

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    config: loadConfig({ TRUSTED_MAX_COST: '30000000', RATE_LIMIT_KEY: '77' }),
  });
});
afterAll(async () => {
  await database.close();
});

describe('viewer', () => {
  it('reports an anonymous caller with the limits it gets outside production', async () => {
    const { data, errors } = await graphql(app, VIEWER);
    expect(errors).toBeUndefined();
    expect(data).toEqual({
      viewer: {
        role: null,
        clearance: 'CLEAR',
        keyName: null,
        keyExpiresAt: null,
        mayRunAnyOperation: true,
        limits: {
          tier: 'trusted',
          maxDepth: 20,
          maxCost: 30_000_000,
          requestsPerWindow: 300,
          windowSeconds: 60,
          maxBodyBytes: 100_000,
        },
      },
    });
  });

  it('reports a key’s role, clearance, name, expiry and limits, never the key', async () => {
    const key = await createKey(database, 'analyst', {
      clearance: 'AMBER',
      name: 'Night desk',
      expiresAt: new Date('2099-01-01T00:00:00Z'),
    });
    const { data } = await graphql(app, VIEWER, undefined, bearer(key));
    expect(data).toEqual({
      viewer: {
        role: 'analyst',
        clearance: 'AMBER',
        keyName: 'Night desk',
        keyExpiresAt: '2099-01-01T00:00:00.000Z',
        mayRunAnyOperation: true,
        limits: {
          tier: 'trusted',
          maxDepth: 20,
          maxCost: 30_000_000,
          requestsPerWindow: 77,
          windowSeconds: 60,
          maxBodyBytes: 100_000,
        },
      },
    });
    expect(JSON.stringify(data)).not.toContain(key);
  });

  it('tells a partner, running it as a registered document, of its restricted limits', async () => {
    const key = await createKey(database, 'partner', { name: 'Outlet' });
    const [row] = await registerDocuments(
      database.db,
      schema,
      [{ id: null, operationName: null, body: VIEWER }],
      {
        name: 'tests',
        apiKeyId: null,
        requestId: null,
        clientName: 'Outlet',
      },
    );
    const response = await app.fetch('http://briefgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(key) },
      body: JSON.stringify({ documentId: row?.document_id }),
    });
    expect(await response.json()).toMatchObject({
      data: {
        viewer: {
          role: 'partner',
          keyName: 'Outlet',
          mayRunAnyOperation: false,
          limits: { tier: 'restricted', maxDepth: 10, maxCost: 5000, requestsPerWindow: 77 },
        },
      },
    });
  });
});
