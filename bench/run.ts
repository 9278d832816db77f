// `npm run bench`: briefgraph vs PostGraphile v5 vs a raw SQL floor on the same data.
// See bench/README.md for what it measures and how.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cacheSetup, clearPrefix, redactUrl } from './lib/cache.ts';
import { dropDatabase, issueEditorKey, loadData, type DataSummary } from './lib/data.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import {
  BENCH_DIR,
  hasTaskset,
  NODE22,
  peerSpecs,
  pin,
  post,
  procStats,
  REPO_DIR,
  startPeer,
  type PeerSpec,
  type RunningPeer,
} from './lib/peers.ts';
import { StatementCounter } from './lib/pglog.ts';
import { familiesOf, QUERIES, type BenchQuery } from './lib/queries.ts';
import { firstDifference, writeReport, type Report } from './lib/report.ts';

const { values: args } = parseArgs({
  options: {
    quick: { type: 'boolean', default: false },
    scale: { type: 'string' },
    rounds: { type: 'string' },
    warmup: { type: 'string' },
    duration: { type: 'string' },
    'rate-duration': { type: 'string' },
    'skip-rates': { type: 'boolean', default: false },
    connections: { type: 'string', default: '10' },
    pool: { type: 'string', default: '10' },
    out: { type: 'string' },
    'drop-after': { type: 'boolean', default: false },
    'no-pin': { type: 'boolean', default: false },
    peers: { type: 'string' },
    queries: { type: 'string' },
    'cache-store': { type: 'string' },
    server: { type: 'string' },
  },
});

const quick = args.quick ?? false;
const num = (value: string | undefined, fallback: number) =>
  value === undefined ? fallback : Number(value);
const settings = {
  quick,
  // Quick: a quarter of the data (loads in ~5 s) and one fixed rate, to stay under 2 minutes.
  scale: num(args.scale, quick ? 0.25 : 1),
  rounds: num(args.rounds, quick ? 1 : 2),
  warmupSeconds: num(args.warmup, quick ? 0.5 : 2),
  durationSeconds: num(args.duration, quick ? 1 : 5),
  rateSeconds: num(args['rate-duration'], quick ? 1 : 4),
  rateFractions: args['skip-rates'] ? [] : quick ? [0.8] : [0.25, 0.5, 0.8],
  connections: num(args.connections, 10),
  poolMax: num(args.pool, 10),
  countRepetitions: 3,
  databaseUrl: process.env.BENCH_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/bench',
  outDir: path.resolve(args.out ?? BENCH_DIR),
};

function log(message: string): void {
  process.stderr.write(`[bench ${new Date().toISOString().slice(11, 19)}] ${message}\n`);
}

if (!existsSync(path.join(BENCH_DIR, 'node_modules/autocannon')) || !existsSync(NODE22)) {
  console.error('bench/node_modules is missing: run `npm ci --prefix bench` first.');
  process.exit(2);
}

// `ours` runs the compiled server, as `npm start` does: built from the sources as they are now
// (before pinning, so that tsc has both cores), unless --server names a build already made (the
// test suite's smoke run passes its own).
const serverEntry = args.server ? path.resolve(args.server) : null;
if (serverEntry) {
  log(`using the compiled server at ${serverEntry}`);
} else {
  log('building the server (npm run build)');
  const build = spawnSync('npm', ['run', 'build'], { cwd: REPO_DIR, encoding: 'utf8' });
  if (build.status !== 0) {
    console.error(`npm run build failed (${build.error?.message ?? `exit ${build.status}`}):`);
    console.error(build.stdout, build.stderr);
    process.exit(2);
  }
}

// Load generator (this process) on core 0, servers on core 1; PostgreSQL is shared.
const cpus = os.cpus().length;
const pinning =
  !args['no-pin'] && cpus >= 2 && hasTaskset() && pin(process.pid, '0')
    ? { loadGenerator: '0', server: String(Math.min(1, cpus - 1)) }
    : null;
log(
  pinning
    ? `pinned: load generator on core ${pinning.loadGenerator}, servers on core ${pinning.server}, PostgreSQL unpinned`
    : 'not pinned (taskset unavailable, one core, or --no-pin)',
);

// ours-cached's response cache: Redis (shared, as in a multi-instance deployment) when one
// answers, else in-process; a key prefix of its own per run.
const cache = await cacheSetup(
  args['cache-store'],
  process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379',
).catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(2);
});
log(
  `ours-cached: response cache in ${cache.store === 'redis' ? `Redis at ${redactUrl(cache.redisUrl ?? '')}` : 'memory'} (${cache.reason}), TTL ${cache.ttlSeconds} s`,
);

const allSpecs = peerSpecs(settings.databaseUrl, settings.poolMax, cache, serverEntry);
const specs = args.peers
  ? allSpecs.filter((s) => args.peers?.split(',').includes(s.name))
  : allSpecs;

const addClaimInSchema = readFileSync(path.join(REPO_DIR, 'schema.graphql'), 'utf8').includes(
  'addClaim(',
);
const queries = (
  args.queries ? QUERIES.filter((q) => args.queries?.split(',').includes(q.id)) : QUERIES
).filter((q) => q.id !== 'Q4' || addClaimInSchema);

/** Whether a peer runs a query: the query's own peer list and the peer's own query list. */
function runs(spec: PeerSpec, query: BenchQuery): boolean {
  return (
    (!query.peers || query.peers.includes(spec.name)) &&
    (!spec.queries || spec.queries.includes(query.id)) &&
    familiesOf(query).includes(spec.family)
  );
}

async function cleanUp(): Promise<void> {
  if (cache.store === 'redis' && cache.redisUrl) await clearPrefix(cache.redisUrl, cache.prefix);
  if (args['drop-after']) await dropDatabase(settings.databaseUrl);
}

mkdirSync(settings.outDir, { recursive: true });
const started = performance.now();
const loadAverageBefore = os.loadavg();
log(
  `loading data at scale ${settings.scale} into ${settings.databaseUrl.replace(/\/\/[^@]*@/, '//')}`,
);
const data: DataSummary = await loadData(settings.databaseUrl, settings.scale);
log(`data loaded in ${data.seconds.toFixed(1)} s: ${JSON.stringify(data.rows)}`);

// Mutations need an editor key (anonymous callers are refused). Issued through our own code in
// the bench database; it is kept in memory only, never printed nor written to the results.
const editorKey = queries.some((q) => q.editor) ? await issueEditorKey(settings.databaseUrl) : null;

function requestBody(query: BenchQuery, spec: PeerSpec): string {
  return JSON.stringify(query.request(spec.family, data));
}

function requestHeaders(query: BenchQuery): Record<string, string> {
  if (!query.editor) return {};
  if (!editorKey) throw new Error(`${query.id} needs an editor key`);
  return { authorization: `Bearer ${editorKey}` };
}

// ---- Correctness gate and statement counts (untimed; log_statement on for the bench db) ----
interface GateEntry {
  body: string;
  canonical: unknown;
  statements: number | null;
  statementSample: string[];
}
const gate = new Map<string, GateEntry>(); // `${peer}/${query}`
const counter = await StatementCounter.open(settings.databaseUrl);
const statementMethod =
  counter instanceof StatementCounter
    ? `PostgreSQL server log (${counter.file}), log_statement=all for this database only, ${settings.countRepetitions} sequential requests per query after one uncounted request`
    : `not counted: ${counter.unavailable}`;
log(`statements: ${statementMethod}`);
const gateFailures: string[] = [];
try {
  for (const spec of specs) {
    const peer = await startPeer(spec, pinning?.server ?? null);
    log(`${spec.name}: up in ${(peer.startupMs / 1000).toFixed(1)} s (gate and statement count)`);
    try {
      for (const query of queries) {
        if (!runs(spec, query)) continue;
        const body = JSON.parse(requestBody(query, spec)) as unknown;
        const headers = requestHeaders(query);
        const response = await post(peer.url, body, headers);
        let parsed: { data?: unknown; errors?: unknown };
        try {
          parsed = JSON.parse(response.text) as typeof parsed;
        } catch {
          parsed = { errors: [`not JSON: ${response.text.slice(0, 200)}`] };
        }
        if (response.status !== 200 || parsed.errors || !parsed.data) {
          gateFailures.push(
            `${spec.name} ${query.id}: HTTP ${response.status} ${response.text.slice(0, 2000)}`,
          );
          continue;
        }
        let canonical: unknown;
        try {
          canonical = query.canonical(spec.family, parsed.data);
        } catch (error) {
          gateFailures.push(`${spec.name} ${query.id}: unexpected shape (${String(error)})`);
          continue;
        }
        let statements: number | null = null;
        let sample: string[] = [];
        if (counter instanceof StatementCounter) {
          const from = counter.offset();
          for (let i = 0; i < settings.countRepetitions; i++) await post(peer.url, body, headers);
          const counted = await counter.countSince(from);
          statements = counted.count / settings.countRepetitions;
          sample = counted.sample;
        }
        gate.set(`${spec.name}/${query.id}`, {
          body: response.text,
          canonical,
          statements,
          statementSample: sample,
        });
      }
    } finally {
      await peer.stop();
    }
  }
} finally {
  if (counter instanceof StatementCounter) await counter.close(settings.databaseUrl);
}
for (const query of queries) {
  const [reference, ...others] = specs
    .map((s) => ({ name: s.name, entry: gate.get(`${s.name}/${query.id}`) }))
    .filter((s) => s.entry);
  if (!reference?.entry) continue;
  for (const other of others) {
    if (!other.entry) continue;
    const difference = firstDifference(reference.entry.canonical, other.entry.canonical);
    if (difference) {
      gateFailures.push(
        `${query.id}: ${reference.name} and ${other.name} differ at ${difference.path}: ${JSON.stringify(difference.left)?.slice(0, 300)} vs ${JSON.stringify(difference.right)?.slice(0, 300)}`,
      );
    }
  }
}
if (gateFailures.length) {
  log('correctness gate FAILED:');
  for (const failure of gateFailures) log(`  ${failure}`);
  writeFileSync(
    path.join(settings.outDir, 'gate-failure.json'),
    JSON.stringify({ failures: gateFailures }, null, 2),
  );
  await cleanUp();
  process.exit(1);
}
const pairs = specs.reduce((n, spec) => n + queries.filter((q) => runs(spec, q)).length, 0);
log(
  `correctness gate passed: ${queries.length} queries × ${specs.length} peers agree (${pairs} peer × query pairs)`,
);

// ---- Max throughput at fixed concurrency, interleaved rounds (A B C A B C …) ----
interface Measurement extends LoadResult {
  round: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
  rssMb: number;
}
const measured = new Map<string, Measurement[]>();
const rated = new Map<
  string,
  (LoadResult & {
    fraction: number;
    targetRps: number;
    cpuMsPerRequest: number;
    peakRssMb: number;
  })[]
>();
const startups = new Map<string, number[]>();

async function measure(
  peer: RunningPeer,
  query: BenchQuery,
  options: { seconds: number; rate?: number },
): Promise<LoadResult & { cpuMsPerRequest: number; peakRssMb: number; rssMb: number }> {
  const body = requestBody(query, peer.spec);
  const reference = gate.get(`${peer.spec.name}/${query.id}`);
  const before = procStats(peer.pid);
  const result = await runLoad({
    url: peer.url,
    body,
    headers: requestHeaders(query),
    connections: settings.connections,
    seconds: options.seconds,
    ...(options.rate ? { rate: options.rate } : {}),
    // A mutation writes a new record each time: every answer must be the success type with the
    // gate's canonical form (ids aside); anything else counts as a mismatch.
    ...(query.mutation
      ? { verifyBody: (text: string) => matchesCanonical(query, peer.spec, text, reference) }
      : { expectBody: reference?.body }),
  });
  const after = procStats(peer.pid);
  return {
    ...result,
    cpuMsPerRequest: result.requests ? (after.cpuMs - before.cpuMs) / result.requests : 0,
    peakRssMb: after.peakRssMb,
    rssMb: after.rssMb,
  };
}

function matchesCanonical(
  query: BenchQuery,
  spec: PeerSpec,
  text: string,
  reference: GateEntry | undefined,
): boolean {
  if (!reference) return false;
  try {
    const parsed = JSON.parse(text) as { data?: unknown; errors?: unknown };
    if (parsed.errors || !parsed.data) return false;
    return firstDifference(query.canonical(spec.family, parsed.data), reference.canonical) === null;
  } catch {
    return false;
  }
}

for (let round = 1; round <= settings.rounds; round++) {
  for (const spec of specs) {
    if (!queries.some((q) => runs(spec, q))) continue;
    const peer = await startPeer(spec, pinning?.server ?? null);
    startups.set(spec.name, [...(startups.get(spec.name) ?? []), peer.startupMs]);
    try {
      for (const query of queries) {
        if (!runs(spec, query)) continue;
        if (settings.warmupSeconds > 0) {
          await runLoad({
            url: peer.url,
            body: requestBody(query, spec),
            headers: requestHeaders(query),
            connections: settings.connections,
            seconds: settings.warmupSeconds,
          });
        }
        let result = await measure(peer, query, { seconds: settings.durationSeconds });
        // Too few completed requests to mean anything (a slow peer in a short window): measure
        // again over a longer window.
        if (result.requests < 2 * settings.connections) {
          result = await measure(peer, query, {
            seconds: Math.min(10, Math.max(3, 4 * settings.durationSeconds)),
          });
        }
        const key = `${spec.name}/${query.id}`;
        measured.set(key, [...(measured.get(key) ?? []), { ...result, round }]);
        log(
          `round ${round} ${spec.name.padEnd(12)} ${query.id.padEnd(5)} ${result.rps.toFixed(0).padStart(6)} req/s  p99 ${result.p99} ms  cpu ${result.cpuMsPerRequest.toFixed(2)} ms/req${result.errors + result.non2xx + result.mismatches ? `  errors ${result.errors} non2xx ${result.non2xx} mismatches ${result.mismatches}` : ''}`,
        );
      }
    } finally {
      await peer.stop();
    }
  }
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / (values.length || 1);
const maxRps = (peer: string, query: string) =>
  mean((measured.get(`${peer}/${query}`) ?? []).map((m) => m.rps));

// ---- Latency at fixed rates: 25/50/80 % of the slowest peer's max, per query ----
// ours-cached is left out (skipRates): the rates are set by the uncached peers, and its
// max-throughput row already has its latency.
if (settings.rateFractions.length) {
  for (const spec of specs) {
    if (spec.skipRates || !queries.some((q) => runs(spec, q))) continue;
    const peer = await startPeer(spec, pinning?.server ?? null);
    startups.set(spec.name, [...(startups.get(spec.name) ?? []), peer.startupMs]);
    try {
      for (const query of queries) {
        if (!runs(spec, query)) continue;
        const slowest = Math.min(
          ...specs
            .filter((s) => !s.skipRates && runs(s, query))
            .map((s) => maxRps(s.name, query.id)),
        );
        if (settings.warmupSeconds > 0) {
          await runLoad({
            url: peer.url,
            body: requestBody(query, spec),
            headers: requestHeaders(query),
            connections: settings.connections,
            seconds: settings.warmupSeconds / 2,
          });
        }
        for (const fraction of settings.rateFractions) {
          const targetRps = Math.max(1, Math.round(slowest * fraction));
          let result = await measure(peer, query, {
            seconds: settings.rateSeconds,
            rate: targetRps,
          });
          if (result.requests < 5) {
            result = await measure(peer, query, {
              seconds: Math.min(10, Math.max(3, 3 * settings.rateSeconds)),
              rate: targetRps,
            });
          }
          const key = `${spec.name}/${query.id}`;
          rated.set(key, [...(rated.get(key) ?? []), { ...result, fraction, targetRps }]);
          log(
            `rate ${Math.round(fraction * 100)}% ${spec.name.padEnd(12)} ${query.id.padEnd(5)} ${targetRps} req/s → p50 ${result.p50} p90 ${result.p90} p99 ${result.p99} ms`,
          );
        }
      }
    } finally {
      await peer.stop();
    }
  }
}

const report: Report = {
  settings: { ...settings, pinning, statementMethod },
  data,
  startedAt: new Date(Date.now() - (performance.now() - started)).toISOString(),
  totalSeconds: (performance.now() - started) / 1000,
  loadAverageBefore,
  loadAverageAfter: os.loadavg(),
  addClaimInSchema,
  cache: { store: cache.store, reason: cache.reason, ttlSeconds: cache.ttlSeconds },
  peers: specs.map((s) => s.name),
  queries: queries.map((q) => ({
    id: q.id,
    title: q.title,
    peers: specs.filter((s) => runs(s, q)).map((s) => s.name),
    documents: Object.fromEntries(familiesOf(q).map((family) => [family, q.request(family, data)])),
  })),
  startupMs: Object.fromEntries(startups),
  gate: Object.fromEntries(
    [...gate].map(([key, entry]) => [
      key,
      {
        statements: entry.statements,
        statementSample: entry.statementSample,
        bytes: entry.body.length,
      },
    ]),
  ),
  max: Object.fromEntries(measured),
  rates: Object.fromEntries(rated),
};
await writeReport(report, settings.outDir);
log(
  `done in ${report.totalSeconds.toFixed(0)} s; wrote ${path.join(settings.outDir, 'RESULTS.md')}`,
);
await cleanUp();
