import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open.js';
import { venezuelaBriefing } from '../../src/seed/venezuela-briefing.js';
import { looseEntries, loosen } from '../helpers/file-modes.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

// The real `src/server.ts` in a child process, over HTTP: what `npm start` gives an analyst.

const SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';
const TITLE = 'Venezuela Seeks Military Aid from Russia, China, and Iran';
// Source titles as written in src/seed/venezuela-briefing.ts.
const INTEL_BRIEFING = 'U.S. intelligence briefing';
const POST_REPORT =
  'The Washington Post report on Maduro’s requests for military aid from Russia, China and Iran';
const LETTER_TO_PUTIN =
  'Letter from Nicolás Maduro to Vladimir Putin requesting military assistance';

interface GraphQLBody<T> {
  data?: T;
  errors?: { message: string }[];
}

async function graphql<T>(server: ServerProcess, query: string): Promise<T> {
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json' },
    body: JSON.stringify({ query }),
  });
  const body = (await response.json()) as GraphQLBody<T>;
  if (response.status !== 200 || body.errors?.length || !body.data) {
    throw new Error(`expected data, got HTTP ${response.status}: ${JSON.stringify(body)}`);
  }
  return body.data;
}

interface SeedBriefingData {
  briefing: {
    title: string;
    asSource: { title: string; derivationChain: { title: string }[] } | null;
    claims: {
      totalCount: number;
      edges: {
        node: {
          statement: string;
          citations: {
            edges: {
              node: {
                role: string;
                credibility: number;
                source: { title: string; derivationChain: { title: string }[] };
              };
            }[];
          };
        };
      }[];
    };
  } | null;
}

/** The seed briefing by slug, with claims traced to their sources, as a client would ask for it. */
async function expectSeedBriefing(server: ServerProcess): Promise<void> {
  const data = await graphql<SeedBriefingData>(
    server,
    `{
      briefing(slug: "${SLUG}") {
        title
        asSource { title derivationChain { title } }
        claims(first: 4) {
          totalCount
          edges { node { statement citations { edges { node { role credibility source { title derivationChain { title } } } } } } }
        }
      }
    }`,
  );
  const briefing = data.briefing;
  expect(briefing?.title).toBe(TITLE);
  expect(briefing?.claims.totalCount).toBeGreaterThan(15);
  expect(briefing?.claims.totalCount).toBe(venezuelaBriefing.claims.length);
  // The article relays the Post, which relays the intelligence briefing: nearest first.
  expect(briefing?.asSource).toEqual({
    title: TITLE,
    derivationChain: [{ title: POST_REPORT }, { title: INTEL_BRIEFING }],
  });
  // Fourth claim ("maduro-wrote-to-putin") cites VIA_LETTER_TO_PUTIN: origin first, then the relays.
  expect(briefing?.claims.edges[3]?.node).toEqual({
    statement: 'Maduro sent a letter to Russian President Vladimir Putin.',
    citations: {
      edges: [
        {
          node: {
            role: 'ORIGIN',
            credibility: 2,
            source: { title: LETTER_TO_PUTIN, derivationChain: [{ title: INTEL_BRIEFING }] },
          },
        },
        {
          node: {
            role: 'RELAY',
            credibility: 2,
            source: { title: INTEL_BRIEFING, derivationChain: [] },
          },
        },
        {
          node: {
            role: 'RELAY',
            credibility: 2,
            source: { title: POST_REPORT, derivationChain: [{ title: INTEL_BRIEFING }] },
          },
        },
      ],
    },
  });
}

// Each pass watches one fresh start migrate and seed by itself, on the database it tests; every
// other server process in the tests starts from a copy of the run's seeded template.
describe.runIf(!process.env.TEST_DATABASE_URL)('server process on the embedded database', () => {
  let dataDir: string;
  let server: ServerProcess | undefined;

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-process-'));
    // DATABASE_URL emptied so a developer's own setting cannot redirect the test to their data.
    // Up to the hook's limit: initdb, every migration and the seed take a minute on a busy machine.
    server = await startServerProcess({
      env: { DATA_DIR: dataDir, DATABASE_URL: '' },
      readyTimeoutMs: 110_000,
    });
  });

  afterAll(async () => {
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  function running(): ServerProcess {
    if (!server) throw new Error('server not started');
    return server;
  }

  it('answers /healthz and /readyz', async () => {
    const health = await fetch(`${running().url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
    const ready = await fetch(`${running().url}/readyz`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({
      status: 'ready',
      databases: { primary: { status: 'ok' } },
    });
  });

  it('serves the seeded briefing over GraphQL', async () => {
    await expectSeedBriefing(running());
  });

  // The directory holds every briefing, RED ones included: owner-only (0700 directories, 0600
  // files), including what the database wrote while initialising, migrating and seeding it.
  it('keeps its new data directory owner-only', async () => {
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(await looseEntries(dataDir)).toEqual([]);
  });

  it('serves GraphiQL to browsers without loading anything from a CDN', async () => {
    const response = await fetch(`${running().url}/graphql`, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await response.text();
    expect(html).toContain('<title>briefgraph</title>');
    // The bundle inlines libraries whose comments mention URLs; only tags that load something matter.
    expect(html).not.toMatch(/<script[^>]*\ssrc=["']?(https?:)?\/\//i);
    expect(html).not.toMatch(/<link[^>]*\shref=["']?(https?:)?\/\//i);
  });

  it('keeps its data across a restart, does not seed twice, and closes a loosened directory again', async () => {
    await running().stop();
    server = undefined;

    // Written while the server is down, straight into its data directory (released, as an
    // editor's publishActor would, so anonymous readers may see it).
    const direct = await openDatabase({ databaseUrl: null, dataDir, maxConnections: 1 });
    try {
      await direct.db
        .insertInto('actor')
        .values({ kind: 'PERSON', name: 'Restart Probe Person', released_to: 'CLEAR' })
        .execute();
    } finally {
      await direct.close();
    }
    // A directory left world-readable (an older version, a careless copy) is fixed on start.
    await loosen(dataDir);
    expect((await looseEntries(dataDir)).length).toBeGreaterThan(100);

    server = await startServerProcess({ env: { DATA_DIR: dataDir, DATABASE_URL: '' } });
    expect(await looseEntries(dataDir)).toEqual([]);
    const data = await graphql<{
      actors: { totalCount: number; edges: { node: { name: string } }[] };
      briefings: { totalCount: number };
    }>(
      running(),
      `
        {
          actors(filter: { name: "restart probe" }) {
            totalCount
            edges {
              node {
                name
              }
            }
          }
          briefings {
            totalCount
          }
        }
      `,
    );
    expect(data).toEqual({
      actors: { totalCount: 1, edges: [{ node: { name: 'Restart Probe Person' } }] },
      briefings: { totalCount: 1 },
    });
    await expectSeedBriefing(running());
  });
});

const testDatabaseUrl = process.env.TEST_DATABASE_URL;

describe.runIf(testDatabaseUrl)('server process on PostgreSQL (TEST_DATABASE_URL)', () => {
  const name = `briefgraph_test_${process.pid}_${randomBytes(4).toString('hex')}`;
  let created = false;
  let server: ServerProcess | undefined;

  /** An admin connection for creating and dropping the test database (as tests/helpers/test-database.ts). */
  function admin(url: string): Kysely<Record<string, never>> {
    return new Kysely({
      dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
    });
  }

  beforeAll(async () => {
    const baseUrl = testDatabaseUrl as string;
    const connection = admin(baseUrl);
    try {
      await sql`create database ${sql.id(name)}`.execute(connection);
      created = true;
    } finally {
      await connection.destroy();
    }
    const target = new URL(baseUrl);
    target.pathname = `/${name}`;
    // The server migrates and seeds the empty database itself at start.
    server = await startServerProcess({ env: { DATABASE_URL: target.toString() } });
  });

  afterAll(async () => {
    await server?.stop();
    if (created) {
      const connection = admin(testDatabaseUrl as string);
      try {
        await sql`drop database if exists ${sql.id(name)} with (force)`.execute(connection);
      } finally {
        await connection.destroy();
      }
    }
  });

  it('migrates, seeds and serves the seeded briefing', async () => {
    if (!server) throw new Error('server not started');
    const ready = await fetch(`${server.url}/readyz`);
    expect(ready.status).toBe(200);
    await expectSeedBriefing(server);
  });
});
