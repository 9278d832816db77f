import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { issueApiKey } from '../../src/auth/api-keys.js';
import { startServer, type RunningServer } from '../../src/bootstrap.js';
import { loadConfig } from '../../src/config.js';
import { createDatabase } from '../../src/db/database.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { createLogger } from '../../src/logger.js';
import { seedDatabase } from '../../src/seed/load-seed.js';
import { freePort } from '../helpers/server-process.js';

// What a caller sees while the database is down (stopped) or hung (its processes stopped):
// 503 JSON DATABASE_UNAVAILABLE with Retry-After and no stack, for keyed requests (whose key
// lookup needs the database) and for executions; /readyz answers 503 within 2 s. The test
// creates its own PostgreSQL cluster on a free port and stops and pauses that one, never the
// machine's shared cluster. It needs pg_createcluster and root, as the PostgreSQL pass has.

const run = promisify(execFile);
const VERSION = '15';
const EXECUTION_TIMEOUT_MS = 1500;

const UNAVAILABLE = {
  errors: [
    {
      message: 'the database is unavailable; retry later',
      // Every error carries the request's id (operators match it to the access log).
      extensions: { code: 'DATABASE_UNAVAILABLE', requestId: expect.any(String) as unknown },
    },
  ],
};

describe.runIf(process.env.TEST_DATABASE_URL)(
  'database outage (PostgreSQL pass only: the test runs a cluster of its own)',
  () => {
    const cluster = `bg_outage_${randomBytes(4).toString('hex')}`;
    let server: RunningServer;
    let key: string;
    let processes: number[] = [];

    async function ctl(action: 'start' | 'stop') {
      await run('pg_ctlcluster', [
        VERSION,
        cluster,
        action,
        ...(action === 'stop' ? ['-m', 'fast'] : []),
      ]);
    }

    /** The postmaster and every backend of the test's own cluster. */
    async function clusterProcesses(): Promise<number[]> {
      const pidFile = await readFile(path.join(os.tmpdir(), cluster, 'postmaster.pid'), 'utf8');
      const postmaster = Number(pidFile.split('\n')[0]);
      const { stdout } = await run('pgrep', ['-P', String(postmaster)]).catch(() => ({
        stdout: '',
      }));
      return [postmaster, ...stdout.split('\n').filter(Boolean).map(Number)];
    }

    function signal(pids: number[], name: 'SIGSTOP' | 'SIGCONT') {
      for (const pid of pids) {
        try {
          process.kill(pid, name);
        } catch {
          // Exited meanwhile.
        }
      }
    }

    beforeAll(async () => {
      const port = await freePort();
      await run('pg_createcluster', [
        VERSION,
        cluster,
        '-p',
        String(port),
        // In the run's temporary directory (a RAM disk when there is one: tests/helpers).
        '-d',
        path.join(os.tmpdir(), cluster),
        '--start-conf=manual',
        '--',
        '--auth-local=trust',
        '--auth-host=trust',
      ]);
      await ctl('start');
      const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
      const setup = createDatabase({ url, maxConnections: 1 });
      await migrateToLatest(setup);
      await seedDatabase(setup);
      ({ key } = await issueApiKey(setup, {
        name: 'outage analyst',
        role: 'analyst',
        clearance: 'CLEAR',
        expiresAt: null,
        createdBy: 'tests',
      }));
      await setup.destroy();
      const config = loadConfig({
        ...process.env,
        NODE_ENV: 'production',
        ANONYMOUS_OPERATIONS: 'any',
        DATABASE_URL: url,
        PORT: '0',
        HOST: '127.0.0.1',
        SEED: 'false',
        EXECUTION_TIMEOUT_MS: String(EXECUTION_TIMEOUT_MS),
        DATABASE_CONNECT_TIMEOUT_MS: '1000',
        DATABASE_QUERY_TIMEOUT_MS: '5000',
        REDIS_URL: '',
      });
      server = await startServer(config, createLogger('silent'));
    });

    afterAll(async () => {
      signal(processes, 'SIGCONT');
      await server?.close();
      await run('pg_dropcluster', [VERSION, cluster, '--stop']).catch(() => undefined);
    });

    async function post(body: string, headers: Record<string, string> = {}) {
      const started = Date.now();
      const response = await fetch(`${server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
      const text = await response.text();
      return {
        status: response.status,
        contentType: response.headers.get('content-type'),
        retryAfter: response.headers.get('retry-after'),
        text,
        elapsed: Date.now() - started,
      };
    }

    const keyed = () =>
      post(JSON.stringify({ query: '{ briefings { totalCount } }' }), {
        authorization: `Bearer ${key}`,
      });
    /** Anonymous, and different each time, so the response cache cannot answer it. */
    let variant = 0;
    const anonymous = () =>
      post(JSON.stringify({ query: `{ briefings { totalCount } } # ${(variant += 1)}` }));

    async function readyz() {
      const started = Date.now();
      const response = await fetch(`${server.url}/readyz`);
      return {
        status: response.status,
        body: await response.json(),
        elapsed: Date.now() - started,
      };
    }

    async function untilReady() {
      for (let i = 0; i < 100; i++) {
        if ((await readyz()).status === 200) return;
        await new Promise((resolve) => setTimeout(resolve, 200));
      }
      throw new Error('expected the database to be reachable again');
    }

    function expectUnavailable(answer: Awaited<ReturnType<typeof post>>) {
      expect(answer.status).toBe(503);
      expect(answer.contentType).toMatch(/^application\/(graphql-response\+)?json/);
      expect(answer.retryAfter).toBe('5');
      expect(JSON.parse(answer.text)).toEqual(UNAVAILABLE);
    }

    it('answers while the database runs', { timeout: 60_000 }, async () => {
      expect((await keyed()).status).toBe(200);
      expect((await readyz()).status).toBe(200);
    });

    it(
      'answers 503 DATABASE_UNAVAILABLE while the database is stopped',
      { timeout: 120_000 },
      async () => {
        await ctl('stop');
        expectUnavailable(await keyed());
        expectUnavailable(await anonymous());
        expect(await readyz()).toMatchObject({
          status: 503,
          body: { status: 'unavailable', reason: 'database unreachable' },
        });
        const health = await fetch(`${server.url}/healthz`);
        expect(health.status).toBe(200);
        await ctl('start');
        await untilReady();
        expect((await keyed()).status).toBe(200);
      },
    );

    it(
      'answers 503 within the deadline while the database hangs, /readyz within 2 s',
      { timeout: 120_000 },
      async () => {
        processes = await clusterProcesses();
        signal(processes, 'SIGSTOP');
        try {
          const ready = await readyz();
          expect(ready.status).toBe(503);
          expect(ready.elapsed).toBeLessThan(2000);
          // Several at once: the pool's connections hang, later requests wait for a connection.
          const answers = await Promise.all([keyed(), keyed(), keyed()]);
          for (const answer of answers) expectUnavailable(answer);
          const execution = await anonymous();
          expect(execution.status).toBe(503);
          expect(JSON.parse(execution.text).errors[0].extensions.code).toMatch(
            /^(TIMEOUT|DATABASE_UNAVAILABLE)$/,
          );
        } finally {
          signal(processes, 'SIGCONT');
        }
        await untilReady();
        expect((await keyed()).status).toBe(200);
      },
    );
  },
);
