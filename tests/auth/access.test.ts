import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import type { App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
const keys: Record<string, Record<string, string>> = {};
let amberSourceTitle = '';
let probeActorId = '';

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  keys.analystClear = bearer(await createKey(database, 'analyst'));
  keys.analystAmber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
  keys.editorAmber = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  keys.admin = bearer(await createKey(database, 'admin', { clearance: 'RED' }));

  await insertBriefing(database.db, { slug: 'amber-published', marking: 'AMBER' });
  await insertBriefing(database.db, { slug: 'clear-draft', status: 'DRAFT', published_at: null });
  // An AMBER source cited by a seeded CLEAR claim: the claim stays visible, the citation not.
  const amberSource = await insertSource(database.db, {
    title: 'Amber intercept',
    marking: 'AMBER',
  });
  amberSourceTitle = amberSource.title;
  const claim = await database.db
    .selectFrom('claim')
    .select('id')
    .where('predicate', '=', 'contracted')
    .executeTakeFirstOrThrow();
  await database.db
    .insertInto('citation')
    .values({ claim_id: claim.id, source_id: amberSource.id, role: 'CORROBORATES', position: 9 })
    .execute();
  // An actor known only through an AMBER relationship to a CLEAR one.
  const probe = await insertActor(database.db, { name: 'Relationship Probe' });
  const partner = await insertActor(database.db, { name: 'Amber Counterpart' });
  await database.db
    .updateTable('actor_relationship')
    .set({ marking: 'AMBER' })
    .where('id', '=', (await insertRelationship(database.db, probe.id, partner.id, 'funds')).id)
    .execute();
  probeActorId = encodeGlobalId('Actor', probe.id);
});
afterAll(() => database.close());

describe('API keys on requests', () => {
  it.each([
    [
      'a non-Bearer scheme',
      'Basic dXNlcjpwYXNz',
      'expected an Authorization header of the form "Bearer <api key>"',
    ],
    [
      'a malformed key',
      'Bearer not-a-key',
      'malformed API key: expected bg_ followed by 43 characters',
    ],
    ['an unknown key', `Bearer bg_${'A'.repeat(43)}`, 'unknown API key'],
  ])('refuses %s with HTTP 401', async (_name, header, message) => {
    const result = await graphql(app, '{ briefings { totalCount } }', undefined, {
      authorization: header,
    });
    expect(result.status).toBe(401);
    expect(result.errors).toEqual([
      { message, extensions: { code: 'UNAUTHENTICATED', requestId: expect.any(String) } },
    ]);
  });

  it('refuses revoked and expired keys with HTTP 401', async () => {
    const revoked = await createKey(database, 'analyst');
    await database.db
      .updateTable('api_key')
      .set({ revoked_at: new Date() })
      .where('key_prefix', '=', revoked.slice(0, 10))
      .execute();
    const expired = await createKey(database, 'analyst', {
      expiresAt: new Date(Date.now() - 1000),
    });
    for (const [key, reason] of [
      [revoked, /^API key bg_.{7}… was revoked$/],
      [expired, /^API key bg_.{7}… expired on /],
    ] as const) {
      const result = await graphql(app, '{ briefings { totalCount } }', undefined, bearer(key));
      expect(result.status).toBe(401);
      expect(result.errors?.[0]?.message).toMatch(reason);
    }
  });

  it('stores only a hash of each key', async () => {
    const key = await createKey(database, 'partner');
    const rows = await database.db.selectFrom('api_key').selectAll().execute();
    expect(JSON.stringify(rows)).not.toContain(key);
  });
});

describe('what each caller sees', () => {
  const LIST = `{ briefings(first: 50) { totalCount edges { node { slug } } }
    amber: briefing(slug: "amber-published") { slug }
    draft: briefing(slug: "clear-draft") { slug } }`;

  it.each([
    ['anonymous', undefined, [SEED_BRIEFING_SLUG], false, false],
    ['an analyst cleared CLEAR', 'analystClear', [SEED_BRIEFING_SLUG], false, false],
    [
      'an analyst cleared AMBER',
      'analystAmber',
      ['amber-published', SEED_BRIEFING_SLUG],
      true,
      false,
    ],
    [
      'an editor cleared AMBER',
      'editorAmber',
      ['amber-published', SEED_BRIEFING_SLUG, 'clear-draft'],
      true,
      true,
    ],
  ])('%s', async (_name, key, slugs, seesAmber, seesDraft) => {
    const result = await graphql<{
      briefings: { totalCount: number; edges: { node: { slug: string } }[] };
      amber: unknown;
      draft: unknown;
    }>(app, LIST, undefined, key ? keys[key] : {});
    expect(result.errors).toBeUndefined();
    expect(result.data?.briefings.edges.map((e) => e.node.slug)).toEqual(slugs);
    expect(result.data?.briefings.totalCount).toBe(slugs.length);
    expect(result.data?.amber).toEqual(seesAmber ? { slug: 'amber-published' } : null);
    expect(result.data?.draft).toEqual(seesDraft ? { slug: 'clear-draft' } : null);
  });

  it('hides a citation to a source above clearance, without hiding the claim', async () => {
    const QUERY =
      '{ claims(filter: { predicate: ["contracted"] }) { edges { node { citations { edges { node { source { title } } } } } } } sources { totalCount } }';
    const anonymous = await graphql<{
      claims: {
        edges: { node: { citations: { edges: { node: { source: { title: string } } }[] } } }[];
      };
      sources: { totalCount: number };
    }>(app, QUERY);
    const cleared = await graphql<typeof anonymous.data & object>(
      app,
      QUERY,
      undefined,
      keys.analystAmber,
    );
    const titles = (r: typeof anonymous) =>
      r.data?.claims.edges[0]?.node.citations.edges.map((c) => c.node.source.title);
    expect(titles(anonymous)).not.toContain(amberSourceTitle);
    expect(titles(cleared)).toContain(amberSourceTitle);
    expect(cleared.data?.sources.totalCount).toBe((anonymous.data?.sources.totalCount ?? 0) + 1);
  });

  it('hides a relationship above clearance and the actor only reachable through it', async () => {
    const QUERY = `{ actor(id: "${probeActorId}") { relationships { totalCount edges { node { type to { name } } } } } }`;
    const anonymous = await graphql(app, QUERY);
    expect(anonymous.data).toEqual({ actor: { relationships: { totalCount: 0, edges: [] } } });
    const cleared = await graphql(app, QUERY, undefined, keys.analystAmber);
    expect(cleared.data).toEqual({
      actor: {
        relationships: {
          totalCount: 1,
          edges: [{ node: { type: 'funds', to: { name: 'Amber Counterpart' } } }],
        },
      },
    });
  });
});

describe('admin key management', () => {
  it('creates a key that works, lists it, and revokes it so that it gets 401', async () => {
    const created = await graphql<{
      createApiKey: {
        __typename: string;
        created: { key: string; apiKey: { id: string; role: string; clearance: string } };
      };
    }>(
      app,
      'mutation { createApiKey(input: { name: "Partner desk", role: analyst, clearance: GREEN }) { __typename ... on CreateApiKeySuccess { created { key apiKey { id role clearance } } } } }',
      undefined,
      keys.admin,
    );
    expect(created.data?.createApiKey.__typename).toBe('CreateApiKeySuccess');
    const { key, apiKey } = created.data?.createApiKey.created ?? { key: '', apiKey: { id: '' } };
    expect(apiKey).toMatchObject({ role: 'analyst', clearance: 'GREEN' });
    expect(
      (await graphql(app, '{ briefings { totalCount } }', undefined, bearer(key))).status,
    ).toBe(200);

    const listed = await graphql<{ apiKeys: { name: string }[] }>(
      app,
      '{ apiKeys { name } }',
      undefined,
      keys.admin,
    );
    expect(listed.data?.apiKeys.map((k) => k.name)).toContain('Partner desk');

    const revoked = await graphql<{ revokeApiKey: { __typename: string } }>(
      app,
      'mutation($id: ID!) { revokeApiKey(id: $id) { __typename } }',
      { id: apiKey.id },
      keys.admin,
    );
    expect(revoked.data?.revokeApiKey.__typename).toBe('RevokeApiKeySuccess');
    expect(
      (await graphql(app, '{ briefings { totalCount } }', undefined, bearer(key))).status,
    ).toBe(401);
  });

  it('refuses key management to editors: ForbiddenError in mutations, FORBIDDEN on queries', async () => {
    const mutation = await graphql<{ createApiKey: unknown }>(
      app,
      'mutation { createApiKey(input: { name: "x", role: admin }) { __typename ... on ForbiddenError { message } } }',
      undefined,
      keys.editorAmber,
    );
    expect(mutation.data?.createApiKey).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const query = await graphql(app, '{ apiKeys { name } }', undefined, keys.editorAmber);
    expect(query.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
  });
});

describe('audit log', () => {
  it('is readable by editors, with history per briefing and the briefing as of an instant', async () => {
    const before = new Date();
    const anonymous = await graphql(app, '{ auditLog { totalCount } }');
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('FORBIDDEN');
    const result = await graphql<{
      auditLog: { edges: { node: { action: string; actorName: string; entityType: string } }[] };
      briefing: { history: { totalCount: number; edges: { node: { action: string } }[] } };
      then: unknown;
      earlier: unknown;
    }>(
      app,
      `query($before: DateTime!) {
        auditLog(filter: { entityType: "Briefing" }) { edges { node { action actorName entityType } } }
        briefing(slug: "${SEED_BRIEFING_SLUG}") { history { totalCount edges { node { action } } } }
        then: briefing(slug: "${SEED_BRIEFING_SLUG}", asOf: $before) { title status version }
        earlier: briefing(slug: "${SEED_BRIEFING_SLUG}", asOf: "2000-01-01T00:00:00Z") { title }
      }`,
      { before: before.toISOString() },
      keys.editorAmber,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.auditLog.edges).toEqual([
      { node: { action: 'seed.load', actorName: 'seed', entityType: 'Briefing' } },
    ]);
    // The load: the briefing's entry and one per claim (claims' entries name their briefing).
    expect(result.data?.briefing.history).toEqual({
      totalCount: 1 + 35,
      edges: Array.from({ length: 20 }, () => ({ node: { action: 'seed.load' } })),
    });
    expect(result.data?.then).toEqual({
      title: 'Venezuela Seeks Military Aid from Russia, China, and Iran',
      status: 'PUBLISHED',
      version: 1,
    });
    expect(result.data?.earlier).toBeNull();
    const forAnalyst = await graphql<{ briefing: { history: unknown } }>(
      app,
      `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { history { totalCount edges { node { action } } } } }`,
      undefined,
      keys.analystAmber,
    );
    expect(forAnalyst.data?.briefing.history).toEqual({ totalCount: 0, edges: [] });
  });
});
