import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { compiled } from '../helpers/test-build.js';

// Keeps the benchmark harness (bench/, `npm run bench`) working: runs it at a tiny scale for a
// few seconds against its own PostgreSQL database and checks the correctness gate and the
// report's shape. It never asserts timings: those belong to bench/RESULTS.md.

const BENCH_DIR = fileURLToPath(new URL('../../bench', import.meta.url));
const PEERS = ['ours', 'ours-cached', 'postgraphile', 'raw'];
const QUERIES = ['Q0', 'Q1', 'Q2', 'Q3', 'Q1x2', 'Q5', 'Q4'];
/**
 * Who runs what: ours-cached only the cached reads (Q1, Q3); Q5 (search) and Q4 (a write) only
 * ours and raw.
 */
const UNCACHED = ['ours', 'postgraphile', 'raw'];
const PEERS_OF: Record<string, string[]> = {
  Q0: UNCACHED,
  Q1: PEERS,
  Q2: UNCACHED,
  Q3: PEERS,
  Q1x2: UNCACHED,
  Q5: ['ours', 'raw'],
  Q4: ['ours', 'raw'],
};

/** A bench database of its own on the PostgreSQL server the other tests use (or the default). */
function smokeDatabaseUrl(): string {
  const url = new URL(
    process.env.TEST_DATABASE_URL ??
      process.env.BENCH_DATABASE_URL ??
      'postgres://postgres@127.0.0.1:5432/postgres',
  );
  url.pathname = `/bench_smoke_${process.pid}`;
  return url.href;
}

/** bench/'s own dependencies that are not installed (`npm ci --prefix bench` installs them). */
function missingBenchDependencies(): string[] {
  const manifest = JSON.parse(readFileSync(path.join(BENCH_DIR, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  return Object.keys(manifest.dependencies).filter(
    (name) => !existsSync(path.join(BENCH_DIR, 'node_modules', name, 'package.json')),
  );
}

interface Results {
  peers: string[];
  queries: { id: string; peers?: string[] }[];
  gate: Record<string, { statements: number | null }>;
  max: Record<string, { requests: number; errors: number; non2xx: number; mismatches: number }[]>;
  summary: Record<string, unknown>;
}

// It needs a PostgreSQL server (PostGraphile and the raw floor cannot use PGlite), so it runs
// in the PostgreSQL pass (TEST_DATABASE_URL set), once per CI run.
describe.runIf(process.env.TEST_DATABASE_URL)(
  'benchmark harness (bench/, PostgreSQL pass only)',
  () => {
    const outDir = mkdtempSync(path.join(os.tmpdir(), 'bench-smoke-'));
    afterAll(async () => {
      rmSync(outDir, { recursive: true, force: true });
      // The harness drops its database itself (--drop-after), except when it crashed.
      const admin = new URL(smokeDatabaseUrl());
      const name = admin.pathname.slice(1);
      admin.pathname = '/postgres';
      const client = new pg.Client({ connectionString: admin.href });
      await client.connect();
      try {
        await client.query(`drop database if exists ${name} with (force)`);
      } finally {
        await client.end();
      }
    });

    it('passes its correctness gate and reports every peer × query at tiny scale', async ({
      skip,
    }) => {
      // A developer's `npm test` need not install PostGraphile and a second Node for this one
      // test; CI installs them (.ci/run), so there it always runs.
      const missing = missingBenchDependencies();
      if (missing.length > 0) {
        const note = `bench/ dependencies not installed (${missing.join(', ')}): run \`npm ci --prefix bench\` to run it`;
        console.warn(`skipped the benchmark smoke test: ${note}`);
        skip(note);
      }
      const child = spawn(
        process.execPath,
        [
          '--import',
          'tsx',
          'run.ts',
          '--scale',
          '0.01',
          // A quarter of a second per peer × query shows the load runs and their checks work;
          // how fast is the real run's business.
          '--duration',
          '0.25',
          // Two connections drive every peer × query as surely as ten, for less of the
          // machine's CPU.
          '--connections',
          '2',
          '--warmup',
          '0',
          '--rounds',
          '1',
          '--skip-rates',
          '--no-pin',
          '--drop-after',
          '--out',
          outDir,
          // The run's own build of the server (tests/helpers/test-build.ts), not a tsc build.
          '--server',
          compiled('src/server.ts'),
        ],
        {
          cwd: BENCH_DIR,
          env: { ...process.env, BENCH_DATABASE_URL: smokeDatabaseUrl() },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
      let output = '';
      child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
      const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));

      expect(code, output).toBe(0);
      expect(output).toContain('correctness gate passed');
      expect(existsSync(path.join(outDir, 'gate-failure.json'))).toBe(false);

      const results = JSON.parse(
        readFileSync(path.join(outDir, 'results.json'), 'utf8'),
      ) as Results;
      expect(results.peers).toEqual(PEERS);
      expect(results.queries.map((q) => q.id)).toEqual(QUERIES);
      for (const query of QUERIES) {
        const peers = PEERS_OF[query] ?? [];
        expect(results.queries.find((q) => q.id === query)?.peers, query).toEqual(peers);
        for (const peer of peers) {
          const key = `${peer}/${query}`;
          expect(results.gate[key], key).toBeDefined();
          expect(results.summary[key], key).toBeDefined();
          const runs = results.max[key] ?? [];
          expect(runs, key).toHaveLength(1);
          // Every response under load matched the gate's body (no errors, no other status).
          for (const run of runs) {
            expect(run.errors + run.non2xx + run.mismatches, key).toBe(0);
          }
        }
      }
      expect(readFileSync(path.join(outDir, 'RESULTS.md'), 'utf8')).toMatch(/\|\s*Q1x2\s*\|/);
    }, 300_000);
  },
);
