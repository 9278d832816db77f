import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { access, chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { connect } from 'node:net';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type RunningServer } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createMemoryLogger } from '../helpers/graphql.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { freePort } from '../helpers/server-process.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// README "Behind PgBouncer", as written there: the app through a PgBouncer of the test's own in
// transaction mode, with two server connections for many clients, so a statement that relied
// on its session (a SET, a session lock, a named prepared statement) would meet another
// client's connection. Debian's PgBouncer is 1.18: no prepared statements in transaction mode,
// hence DATABASE_PREPARED_STATEMENTS=off; migrations go to the server directly.

const PGBOUNCER = '/usr/sbin/pgbouncer';
const run = promisify(execFile);
const SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';

async function pgbouncerUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not running as root (PgBouncer runs as user postgres)';
  try {
    await access(PGBOUNCER);
  } catch {
    return `no ${PGBOUNCER} (apt-get install pgbouncer)`;
  }
  return null;
}

const unavailable = process.env.TEST_DATABASE_URL ? await pgbouncerUnavailable() : null;

async function listening(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PgBouncer not listening on ${port}`);
}

describe.runIf(process.env.TEST_DATABASE_URL && unavailable === null)(
  'behind PgBouncer in transaction mode (PostgreSQL pass only)',
  () => {
    let database: TestDatabase;
    let folder: string;
    let bouncer: ChildProcess;
    let server: RunningServer;
    let output = '';
    const logger = createMemoryLogger();

    beforeAll(async () => {
      database = await createTestDatabase();
      const direct = new URL(database.url ?? '');
      const name = direct.pathname.slice(1);
      const port = await freePort();
      folder = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-pgbouncer-'));
      await chmod(folder, 0o755);
      const ini = path.join(folder, 'pgbouncer.ini');
      const users = path.join(folder, 'users.txt');
      await writeFile(users, '"postgres" ""\n');
      await writeFile(
        ini,
        [
          '[databases]',
          `${name} = host=${direct.hostname} port=${direct.port || 5432} dbname=${name}`,
          '[pgbouncer]',
          'listen_addr = 127.0.0.1',
          `listen_port = ${port}`,
          `unix_socket_dir = ${folder}`,
          'auth_type = trust',
          `auth_file = ${users}`,
          'pool_mode = transaction',
          'default_pool_size = 2',
          'max_client_conn = 100',
        ].join('\n'),
      );
      const uid = Number((await run('id', ['-u', 'postgres'])).stdout);
      const gid = Number((await run('id', ['-g', 'postgres'])).stdout);
      for (const file of [ini, users]) await chown(file, uid, gid);
      bouncer = spawn(PGBOUNCER, ['-u', 'postgres', ini], { stdio: ['ignore', 'pipe', 'pipe'] });
      bouncer.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      bouncer.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
      await listening(port, Date.now() + 10_000);
      const pooled = new URL(direct);
      pooled.port = String(port);
      server = await startServer(
        loadConfig({
          ...process.env,
          DATABASE_URL: pooled.toString(),
          DATABASE_MIGRATION_URL: direct.toString(),
          DATABASE_PREPARED_STATEMENTS: 'off',
          STATEMENT_TIMEOUT_MS: '0',
          // More connections than PgBouncer has to the server: they take turns on two.
          DATABASE_POOL_MAX: '8',
          PORT: '0',
          HOST: '127.0.0.1',
          SEED: 'false',
        }),
        logger,
      );
    });

    afterAll(async () => {
      await server?.close();
      bouncer?.kill('SIGTERM');
      if (bouncer && bouncer.exitCode === null)
        await new Promise((resolve) => bouncer.once('exit', resolve));
      await database?.close();
      if (folder) await rm(folder, { recursive: true, force: true });
    });

    async function post(query: string, variables: Record<string, unknown>, key?: string) {
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(key ? bearer(key) : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    }

    it('answers compiled reads and writes, many at once, each with its own result', async () => {
      const editor = await createKey(database, 'editor');
      // Writes (each a transaction of several statements) interleaved with compiled reads, in
      // rounds, so each client connection runs the same read again on whichever server
      // connection PgBouncer gives it (a statement prepared on another would not be found).
      const read = () =>
        post(
          'query ($slug: Slug!) { briefing(slug: $slug) { title claims(first: 3) { totalCount edges { node { statement } } } } }',
          { slug: SLUG },
        );
      const reads: string[] = [];
      const created: unknown[] = [];
      for (const round of [0, 1, 2]) {
        const names = Array.from({ length: 6 }, (_, index) => `PgBouncer ${round}.${index}`);
        const writes = names.map((name) =>
          post(
            'mutation ($input: CreateActorInput!) { createActor(input: $input) { __typename ... on CreateActorSuccess { actor { name } } } }',
            { input: { kind: 'ORGANIZATION', name } },
            editor,
          ),
        );
        const answers = await Promise.all([...writes, ...Array.from({ length: 12 }, read)]);
        expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
        expect(answers.filter((answer) => 'errors' in answer.body)).toEqual([]);
        created.push(...answers.slice(0, names.length).map((answer) => answer.body.data));
        reads.push(
          ...answers.slice(names.length).map((answer) => JSON.stringify(answer.body.data)),
        );
        expect(created.slice(-names.length)).toEqual(
          names.map((name) => ({
            createActor: { __typename: 'CreateActorSuccess', actor: { name } },
          })),
        );
      }
      expect(new Set(reads).size).toBe(1);
      expect(reads[0]).toContain('"totalCount":');
      expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
      expect(output).not.toMatch(/ERROR|FATAL/);
    });
  },
);

describe.runIf(process.env.TEST_DATABASE_URL && unavailable !== null)(
  'behind PgBouncer (not on this machine)',
  () => {
    it.skip(`needs root and Debian's PgBouncer: ${unavailable}`);
  },
);
