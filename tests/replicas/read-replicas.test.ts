import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { Redis } from 'ioredis';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { startServer, type RunningServer } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase, type Database } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Role } from '../../src/db/types.js';
import { seedDatabase } from '../../src/seed/load-seed.js';
import { createMemoryLogger } from '../helpers/graphql.js';
import { createTestDataDir } from '../helpers/test-database.js';
import {
  createReplicaCluster,
  replicaClusterUnavailable,
  type ReplicaCluster,
} from '../helpers/replica-cluster.js';

// The topology of README "Read replicas" on one machine: a primary and a streaming replica the
// test creates (and removes), two app instances sharing one Redis. The replica applies each
// commit 300 ms late, so a read sent there right after a write is stale: the caller who wrote
// must be routed to the primary, through either instance, while other callers read the replica.

const SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';
const APPLY_DELAY_MS = 300;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

const unavailable = process.env.TEST_DATABASE_URL ? await replicaClusterUnavailable() : null;

/** One metric's value in Prometheus text, 0 when the series does not exist yet. */
function metric(text: string, name: string, labels: Record<string, string>): number {
  const wanted = Object.entries(labels).map(([key, value]) => `${key}="${value}"`);
  const line = text
    .split('\n')
    .find((each) => each.startsWith(`${name}{`) && wanted.every((label) => each.includes(label)));
  return line === undefined ? 0 : Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe.runIf(process.env.TEST_DATABASE_URL && unavailable === null)(
  'read replicas (PostgreSQL pass only: the test builds a primary and a replica of its own)',
  () => {
    let cluster: ReplicaCluster;
    let redis: Redis;
    const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;
    const keys = {} as Record<'editor' | 'analyst', string>;
    let instances: [RunningServer, RunningServer];
    let replicaDirect: Database;
    const logger = createMemoryLogger();

    beforeAll(async () => {
      cluster = await createReplicaCluster({
        applyDelayMs: APPLY_DELAY_MS,
        async prepare(primaryUrl) {
          const db = createDatabase({ url: primaryUrl, maxConnections: 1 });
          try {
            await migrateToLatest(db);
            await seedDatabase(db);
            for (const role of ['editor', 'analyst'] satisfies Role[]) {
              keys[role] = (
                await issueApiKey(db, {
                  name: `replica test ${role}`,
                  role,
                  clearance: 'CLEAR',
                  expiresAt: null,
                  createdBy: 'tests',
                })
              ).key;
            }
          } finally {
            await db.destroy();
          }
        },
      });
      redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
      await redis.connect();
      const config = loadConfig({
        ...process.env,
        DATABASE_URL: cluster.primaryUrl,
        DATABASE_READ_URL: cluster.replicaUrl,
        // The path a deployment behind PgBouncer takes (here the same server, directly).
        DATABASE_MIGRATION_URL: cluster.primaryUrl,
        REDIS_URL,
        REDIS_PREFIX: prefix,
        PORT: '0',
        HOST: '127.0.0.1',
        METRICS_PORT: '0',
        SEED: 'false',
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        // The webhook worker's rounds (three statements each on the primary, every second by
        // default) would fall into the statement counts below whenever the requests are slow.
        WEBHOOK_INTERVAL_MS: '3600000',
      });
      instances = [await startServer(config, logger), await startServer(config, logger)];
      replicaDirect = createDatabase({ url: cluster.replicaUrl, maxConnections: 1 });
    });

    afterAll(async () => {
      await replicaDirect?.destroy();
      for (const instance of instances ?? []) await instance.close();
      if (redis) {
        const stale = await redis.keys(`${prefix}*`);
        if (stale.length) await redis.del(...stale);
        await redis.quit();
      }
      await cluster?.remove();
    });

    async function post<T>(
      instance: RunningServer,
      query: string,
      variables: Record<string, unknown> = {},
      role: Role | null = null,
    ): Promise<T> {
      const response = await fetch(`${instance.url}/graphql`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(role === 'editor' || role === 'analyst'
            ? { authorization: `Bearer ${keys[role]}` }
            : {}),
        },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data?: T; errors?: unknown };
      if (response.status !== 200 || body.errors || !body.data)
        throw new Error(`expected data, got ${response.status} ${JSON.stringify(body)}`);
      return body.data;
    }

    async function scrape(instance: RunningServer): Promise<string> {
      return (await fetch(instance.metricsUrl ?? '')).text();
    }

    const TITLE = 'query Title($slug: Slug!) { briefing(slug: $slug) { title version } }';
    type Title = { briefing: { title: string; version: number } };

    async function readyz(instance: RunningServer) {
      const response = await fetch(`${instance.url}/readyz`);
      return {
        status: response.status,
        body: (await response.json()) as {
          status: string;
          databases: Record<string, { status: string; lagMs?: number | null }>;
        },
      };
    }

    it('sends reads to the replica, and reports both databases in /readyz', async () => {
      const [a] = instances;
      const before = await scrape(a);
      for (let i = 0; i < 5; i++) await post<Title>(a, TITLE, { slug: SLUG }, 'analyst');
      const after = await scrape(a);
      const delta = (name: string, labels: Record<string, string>) =>
        metric(after, name, labels) - metric(before, name, labels);
      expect(delta('briefgraph_db_reads_total', { database: 'replica-1', reason: 'replica' })).toBe(
        5,
      );
      const statements = 'briefgraph_db_statement_duration_seconds_count';
      expect(delta(statements, { database: 'replica-1', result: 'ok' })).toBeGreaterThanOrEqual(5);
      // On the primary only the API-key lookups, which must see a revocation at once.
      expect(delta(statements, { database: 'primary', result: 'ok' })).toBe(5);
      expect(
        metric(after, 'briefgraph_db_pool_connections_idle', { database: 'replica-1' }),
      ).toBeGreaterThan(0);
      expect(metric(after, 'briefgraph_db_replica_serving', { database: 'replica-1' })).toBe(1);

      const ready = await readyz(a);
      expect(ready.status).toBe(200);
      expect(ready.body).toMatchObject({
        status: 'ready',
        databases: { primary: { status: 'ok' }, 'replica-1': { status: 'ok' } },
      });
      expect(typeof ready.body.databases['replica-1']?.lagMs).toBe('number');
    });

    it('lets a caller read its own write at once through either instance, and anonymous callers too', async () => {
      const [a, b] = instances;
      let { version } = (await post<Title>(a, TITLE, { slug: SLUG }, 'editor')).briefing;
      const id = (
        await post<{ briefing: { id: string } }>(a, '{ briefing(slug: "' + SLUG + '") { id } }')
      ).briefing.id;
      const before = await scrape(b);
      let staleOnReplica = 0;
      for (let i = 0; i < 25; i++) {
        const title = `Venezuela seeks military aid (revision ${i})`;
        const written = await post<{
          updateBriefing: { briefing: { version: number } };
        }>(
          i % 2 === 0 ? a : b,
          `mutation Retitle($id: ID!, $version: Int!, $title: String!) {
            updateBriefing(id: $id, expectedVersion: $version, input: { title: $title }) {
              ... on UpdateBriefingSuccess { briefing { version } }
            }
          }`,
          { id, version, title },
          'editor',
        );
        version = written.updateBriefing.briefing.version;
        const replicaNow = await sql<{
          title: string;
        }>`select title from briefing where slug = ${SLUG}`.execute(replicaDirect);
        if (replicaNow.rows[0]?.title !== title) staleOnReplica += 1;
        // The other instance than the one that wrote (on odd turns, the same one).
        const reader = i % 2 === 0 ? b : a;
        expect((await post<Title>(reader, TITLE, { slug: SLUG }, 'editor')).briefing).toEqual({
          title,
          version,
        });
        // Anonymous answers go through the shared response cache, which the write emptied.
        expect(
          (await post<Title>(reader, `${TITLE} # ${i % 3}`, { slug: SLUG })).briefing.title,
        ).toBe(title);
      }
      // The replica really was behind: without routing these reads would have been stale.
      expect(staleOnReplica).toBeGreaterThan(20);
      const after = await scrape(b);
      expect(
        metric(after, 'briefgraph_db_reads_total', { database: 'primary', reason: 'pinned' }) -
          metric(before, 'briefgraph_db_reads_total', { database: 'primary', reason: 'pinned' }),
      ).toBeGreaterThan(0);

      // Once the replica has replayed the writes, the editor reads from it again.
      await new Promise((resolve) => setTimeout(resolve, APPLY_DELAY_MS + 500));
      const settled = await scrape(b);
      await post<Title>(b, TITLE, { slug: SLUG }, 'editor');
      expect(
        metric(await scrape(b), 'briefgraph_db_reads_total', {
          database: 'replica-1',
          reason: 'replica',
        }) -
          metric(settled, 'briefgraph_db_reads_total', {
            database: 'replica-1',
            reason: 'replica',
          }),
      ).toBe(1);
    });

    it('lets another caller read the replica right after someone else wrote', async () => {
      const [a, b] = instances;
      const { version, id } = (
        await post<{ briefing: { version: number; id: string } }>(
          a,
          `{ briefing(slug: "${SLUG}") { id version } }`,
          {},
          'editor',
        )
      ).briefing;
      await post(
        a,
        `mutation($id: ID!, $version: Int!) {
          updateBriefing(id: $id, expectedVersion: $version, input: { title: "Read by others" }) {
            __typename
          }
        }`,
        { id, version },
        'editor',
      );
      const before = await scrape(b);
      const seen = (await post<Title>(b, TITLE, { slug: SLUG }, 'analyst')).briefing;
      const after = await scrape(b);
      expect(
        metric(after, 'briefgraph_db_reads_total', { database: 'replica-1', reason: 'replica' }) -
          metric(before, 'briefgraph_db_reads_total', { database: 'replica-1', reason: 'replica' }),
      ).toBe(1);
      // Not yet replayed there: the analyst sees the title before the editor's change.
      expect(seen.version).toBe(version);
    });

    it('sends reads to the primary once the replica is down, and /readyz says so', async () => {
      const [a] = instances;
      await cluster.stopReplica();
      let ready = await readyz(a);
      for (let i = 0; i < 50 && ready.body.databases['replica-1']?.status === 'ok'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        ready = await readyz(a);
      }
      expect(ready.status).toBe(200);
      expect(ready.body).toEqual({
        status: 'ready',
        databases: {
          primary: { status: 'ok' },
          'replica-1': { status: 'unreachable', lagMs: null },
        },
      });
      const before = await scrape(a);
      expect((await post<Title>(a, TITLE, { slug: SLUG }, 'analyst')).briefing.title).toBe(
        'Read by others',
      );
      const after = await scrape(a);
      expect(
        metric(after, 'briefgraph_db_reads_total', { database: 'primary', reason: 'no-replica' }) -
          metric(before, 'briefgraph_db_reads_total', {
            database: 'primary',
            reason: 'no-replica',
          }),
      ).toBe(1);
      expect(metric(after, 'briefgraph_db_replica_serving', { database: 'replica-1' })).toBe(0);
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message: 'replica replica-1 unreachable; reads go elsewhere',
        }),
      );
    });
  },
);

describe.skipIf(process.env.TEST_DATABASE_URL)('read replicas with the embedded database', () => {
  it('are ignored, with a log line saying so (the replica topology runs in the PostgreSQL pass)', async () => {
    const dataDir = await createTestDataDir();
    const logger = createMemoryLogger();
    const config = loadConfig({
      ...process.env,
      DATABASE_URL: '',
      DATA_DIR: dataDir,
      DATABASE_READ_URL: 'postgres://nobody@127.0.0.1:1/none',
      PORT: '0',
      HOST: '127.0.0.1',
      SEED: 'false',
      REDIS_URL: '',
    });
    const server = await startServer(config, logger);
    try {
      expect(logger.lines).toContainEqual(
        expect.objectContaining({
          level: 'warn',
          message:
            'DATABASE_READ_URL is ignored: the embedded database has no replicas (set DATABASE_URL to use them)',
        }),
      );
      const ready = await fetch(`${server.url}/readyz`);
      expect(await ready.json()).toEqual({
        status: 'ready',
        databases: { primary: { status: 'ok' } },
      });
    } finally {
      await server.close();
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

if (process.env.TEST_DATABASE_URL && unavailable !== null) {
  describe('read replicas', () => {
    it.skip(`need root and PostgreSQL 15 binaries to build a replica: ${unavailable}`);
  });
}
