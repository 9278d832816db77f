import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { DataSummary } from './data.ts';
import type { LoadResult } from './load.ts';
import { BENCH_DIR, CACHED_QUERIES, NODE22, REPO_DIR } from './peers.ts';

interface MaxMeasurement extends LoadResult {
  round: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
  rssMb: number;
}
interface RateMeasurement extends LoadResult {
  fraction: number;
  targetRps: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
}

export interface Report {
  settings: Record<string, unknown> & {
    connections: number;
    poolMax: number;
    scale: number;
    rounds: number;
    warmupSeconds: number;
    durationSeconds: number;
    rateSeconds: number;
    rateFractions: number[];
    quick: boolean;
    pinning: { loadGenerator: string; server: string } | null;
    statementMethod: string;
  };
  data: DataSummary;
  startedAt: string;
  totalSeconds: number;
  loadAverageBefore: number[];
  loadAverageAfter: number[];
  addClaimInSchema: boolean;
  /** ours-cached's response cache (absent in results from before it existed). */
  cache?: { store: 'redis' | 'memory'; reason: string; ttlSeconds: number };
  peers: string[];
  queries: {
    id: string;
    title: string;
    /** Peers that ran it (absent: all). */
    peers?: string[];
    documents: Record<string, unknown>;
  }[];
  startupMs: Record<string, number[]>;
  gate: Record<string, { statements: number | null; statementSample: string[]; bytes: number }>;
  max: Record<string, MaxMeasurement[]>;
  rates: Record<string, RateMeasurement[]>;
}

/** The first place two JSON values differ, or null when they are equal. */
export function firstDifference(
  left: unknown,
  right: unknown,
  at = '$',
): { path: string; left: unknown; right: unknown } | null {
  if (Object.is(left, right)) return null;
  if (typeof left !== typeof right || left === null || right === null) {
    return { path: at, left, right };
  }
  if (Array.isArray(left) || Array.isArray(right)) {
    if (!Array.isArray(left) || !Array.isArray(right)) return { path: at, left, right };
    if (left.length !== right.length) {
      return { path: `${at}.length`, left: left.length, right: right.length };
    }
    for (let i = 0; i < left.length; i++) {
      const difference = firstDifference(left[i], right[i], `${at}[${i}]`);
      if (difference) return difference;
    }
    return null;
  }
  if (typeof left === 'object') {
    const l = left as Record<string, unknown>;
    const r = right as Record<string, unknown>;
    for (const key of new Set([...Object.keys(l), ...Object.keys(r)])) {
      const difference = firstDifference(l[key], r[key], `${at}.${key}`);
      if (difference) return difference;
    }
    return null;
  }
  return { path: at, left, right };
}

function version(dir: string, name: string): string {
  try {
    const file = path.join(dir, 'node_modules', name, 'package.json');
    return (JSON.parse(readFileSync(file, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

function versions(): Record<string, string> {
  const node22 = spawnSync(NODE22, ['-v']).stdout?.toString().trim() ?? '?';
  const postgres =
    spawnSync('psql', ['--version'])
      .stdout?.toString()
      .trim()
      .replace(/^psql /, '') ?? '?';
  return {
    'node (ours, raw, harness)': process.version,
    'node (PostGraphile)': node22,
    'PostgreSQL client': postgres,
    'graphql-yoga': version(REPO_DIR, 'graphql-yoga'),
    '@pothos/core': version(REPO_DIR, '@pothos/core'),
    graphql: version(REPO_DIR, 'graphql'),
    kysely: version(REPO_DIR, 'kysely'),
    'pg (ours)': version(REPO_DIR, 'pg'),
    postgraphile: version(BENCH_DIR, 'postgraphile'),
    grafast: version(BENCH_DIR, 'grafast'),
    'pg (bench)': version(BENCH_DIR, 'pg'),
    autocannon: version(BENCH_DIR, 'autocannon'),
  };
}

const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / (values.length || 1);
const fmt = (value: number | null | undefined, digits = 0) =>
  value === null || value === undefined || Number.isNaN(value) ? '–' : value.toFixed(digits);
const ratio = (a: number | null | undefined, b: number | null | undefined) =>
  a === null || a === undefined || !b ? '–' : `${(a / b).toFixed(2)}×`;

export interface Summary {
  rps: number;
  p50: number;
  p90: number;
  p99: number;
  cpuMsPerRequest: number;
  peakRssMb: number;
  /** VmRSS at the end of the measured runs (under steady load), the largest of them. */
  steadyRssMb: number;
  statements: number | null;
  problems: number;
}

export function summarise(report: Report): Record<string, Summary> {
  const out: Record<string, Summary> = {};
  for (const [key, runs] of Object.entries(report.max)) {
    out[key] = {
      rps: mean(runs.map((r) => r.rps)),
      p50: mean(runs.map((r) => r.p50)),
      p90: mean(runs.map((r) => r.p90)),
      p99: mean(runs.map((r) => r.p99)),
      cpuMsPerRequest: mean(runs.map((r) => r.cpuMsPerRequest)),
      peakRssMb: Math.max(...runs.map((r) => r.peakRssMb)),
      steadyRssMb: Math.max(...runs.map((r) => r.rssMb)),
      statements: report.gate[key]?.statements ?? null,
      problems: runs.reduce((n, r) => n + r.errors + r.non2xx + r.mismatches + r.timeouts, 0),
    };
  }
  return out;
}

function machine(): string {
  const cpu = os.cpus()[0]?.model ?? '?';
  return `${os.cpus().length} × ${cpu}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Linux ${os.release()}`;
}

function markdown(report: Report, summary: Record<string, Summary>): string {
  const s = report.settings;
  const peers = report.peers;
  const lines: string[] = [];
  lines.push('# Benchmark results');
  lines.push('');
  lines.push(
    `Generated by \`npm run bench${s.quick ? ' -- --quick' : ''}\` (bench/run.ts) on ${report.startedAt.slice(0, 10)}; the whole run took ${report.totalSeconds.toFixed(0)} s. See [bench/README.md](README.md) for the method. ${s.quick ? '**Quick run**: short windows, one round; treat the numbers as indicative.' : ''}`,
  );
  lines.push('');
  lines.push(`- Machine: ${machine()}.`);
  lines.push(
    `- Load average (1/5/15 min) before: ${report.loadAverageBefore.map((v) => v.toFixed(2)).join(' / ')}, after: ${report.loadAverageAfter.map((v) => v.toFixed(2)).join(' / ')}. Other work on the machine (e.g. test suites) skews the numbers; compare peers within one run only.`,
  );
  lines.push(
    `- Pinning: ${s.pinning ? `load generator (autocannon, in the harness process) on core ${s.pinning.loadGenerator}, the server under test on core ${s.pinning.server} (\`taskset\`), PostgreSQL unpinned (shares both cores)` : 'none'}.`,
  );
  const ranQ4 = report.queries.some((q) => q.id === 'Q4');
  lines.push(
    `- Load: autocannon, ${s.connections} connections, pool size ${s.poolMax} for every peer, \`NODE_ENV=production\`; ${s.rounds} interleaved round(s) (${peers.join(' → ')}), each query ${s.warmupSeconds} s warm-up (discarded) then ${s.durationSeconds} s measured at max throughput; then fixed rates at ${s.rateFractions.map((f) => `${f * 100} %`).join(', ') || '(skipped)'} of the slowest uncached peer's max, ${s.rateSeconds} s each${peers.includes('ours-cached') ? ' (ours-cached is not run at fixed rates)' : ''}. Every response under load is compared with the gate's body (autocannon \`verifyBody\`, exact on every ASCII character: autocannon decodes each TCP chunk on its own, so a multi-byte character split across chunks arrives as replacement characters)${ranQ4 ? "; Q4's, which carry new ids, must each be `AddClaimSuccess` with the gate's claim, ids aside (autocannon `verifyBody`)" : ''}.`,
  );
  lines.push(
    `- Data (scale ${report.data.scale}, seed ${report.data.seed}, loaded in ${report.data.seconds.toFixed(1)} s): ${Object.entries(
      report.data.rows,
    )
      .map(([table, n]) => `${n.toLocaleString('en')} ${table}`)
      .join(', ')}. All briefings PUBLISHED and all records TLP:CLEAR.`,
  );
  lines.push(`- SQL statements: ${s.statementMethod}.`);
  lines.push(
    `- Versions: ${Object.entries(versions())
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
  );
  lines.push(
    `- Startup to first answer (ms): ${Object.entries(report.startupMs)
      .map(([peer, ms]) => `${peer} ${ms.map((m) => m.toFixed(0)).join('/')}`)
      .join('; ')}.`,
  );
  if (report.cache && peers.includes('ours-cached')) {
    lines.push(
      `- ours-cached: the \`ours\` server with its response cache on (\`RESPONSE_CACHE_TTL_SECONDS=${report.cache.ttlSeconds}\`), kept ${report.cache.store === 'redis' ? 'in Redis (`REDIS_URL`, a key prefix of its own for the run; rate-limit counters go there too)' : 'in the server process'} (${report.cache.reason}); it runs ${CACHED_QUERIES.join(' and ')} only. \`ours\` runs with \`RESPONSE_CACHE_TTL_SECONDS=0\` (uncached).`,
    );
  }
  if (!report.addClaimInSchema) {
    lines.push(
      '- Q4 (a mutation adding a claim with citations) is skipped: `addClaim` is not in schema.graphql yet.',
    );
  } else if (ranQ4) {
    lines.push(
      "- Q4 runs for ours and raw only, with an editor API key issued in the bench database. PostGraphile is left out: its generated `createClaim` writes one row per mutation (citations would be separate `createCitation` mutations, the position computed by the client) and it has no notion of keys, roles or visibility, so it would not be doing the same work. Q4's claims go to a briefing none of Q1, Q1x2 or Q3 shows, so the read queries' answers do not change.",
    );
  }
  if (report.queries.some((q) => q.id === 'Q5')) {
    lines.push(
      "- Q5 (full-text search) runs for ours and raw only: PostGraphile's Amber preset has no full-text search, and a search plugin would rank differently, so it would not be doing the same work. The raw floor is ours' algorithm by hand in one statement (capped candidates, ts_rank_cd, trigram name matches, ts_headline for the page only).",
    );
  }
  lines.push('');
  lines.push('## Queries');
  lines.push('');
  for (const q of report.queries) lines.push(`- **${q.id}**: ${q.title}.`);
  lines.push('');
  lines.push('The exact documents per peer are in `results.json` (`queries[].documents`).');
  lines.push('');
  lines.push(`## Max throughput (${s.connections} connections)`);
  lines.push('');
  lines.push(
    '| query | peer | req/s | p50 ms | p90 ms | p99 ms | SQL statements / req | Node CPU ms / req | peak RSS MB | errors |',
  );
  lines.push('| --- | --- | --: | --: | --: | --: | --: | --: | --: | --: |');
  for (const q of report.queries) {
    for (const peer of q.peers ?? peers) {
      const m = summary[`${peer}/${q.id}`];
      if (!m) continue;
      lines.push(
        `| ${q.id} | ${peer} | ${fmt(m.rps)} | ${fmt(m.p50, 1)} | ${fmt(m.p90, 1)} | ${fmt(m.p99, 1)} | ${fmt(m.statements, 1)} | ${fmt(m.cpuMsPerRequest, 2)} | ${fmt(m.peakRssMb)} | ${m.problems} |`,
      );
    }
  }
  lines.push('');
  lines.push('## Ratios (ours ÷ peer)');
  lines.push('');
  const cachedRan = Object.keys(summary).some((key) => key.startsWith('ours-cached/'));
  lines.push(
    `| query | req/s ours/PostGraphile | req/s ours/raw |${cachedRan ? ' req/s cached ours ÷ PostGraphile (uncached) |' : ''} p99 at 80 % rate ours/PostGraphile | CPU ms/req ours/PostGraphile | statements ours / PostGraphile / raw |`,
  );
  lines.push(`| --- | --: | --: |${cachedRan ? ' --: |' : ''} --: | --: | --- |`);
  // A window in which no request completed has no latency (autocannon reports 0).
  const p99At = (peer: string, query: string, fraction: number) => {
    const run = report.rates[`${peer}/${query}`]?.find((r) => r.fraction === fraction);
    return run?.requests ? run.p99 : undefined;
  };
  for (const q of report.queries) {
    const ours = summary[`ours/${q.id}`];
    const pgl = summary[`postgraphile/${q.id}`];
    const raw = summary[`raw/${q.id}`];
    const cached = summary[`ours-cached/${q.id}`];
    lines.push(
      `| ${q.id} | ${ratio(ours?.rps, pgl?.rps)} | ${ratio(ours?.rps, raw?.rps)} |${cachedRan ? ` ${ratio(cached?.rps, pgl?.rps)} |` : ''} ${ratio(p99At('ours', q.id, 0.8), p99At('postgraphile', q.id, 0.8))} | ${ratio(ours?.cpuMsPerRequest, pgl?.cpuMsPerRequest)} | ${fmt(ours?.statements, 1)} / ${fmt(pgl?.statements, 1)} / ${fmt(raw?.statements, 1)} |`,
    );
  }
  if (Object.keys(report.rates).length) {
    lines.push('');
    lines.push(`## Latency at fixed rates (${s.connections} connections, ${s.rateSeconds} s each)`);
    lines.push('');
    lines.push(
      '| query | rate | target req/s | peer | achieved req/s | p50 ms | p90 ms | p99 ms | CPU ms / req |',
    );
    lines.push('| --- | --: | --: | --- | --: | --: | --: | --: | --: |');
    for (const q of report.queries) {
      for (const fraction of s.rateFractions) {
        for (const peer of peers) {
          const r = report.rates[`${peer}/${q.id}`]?.find((x) => x.fraction === fraction);
          if (!r) continue;
          if (!r.requests) {
            lines.push(
              `| ${q.id} | ${fraction * 100} % | ${r.targetRps} | ${peer} | 0 | – | – | – | – |`,
            );
            continue;
          }
          lines.push(
            `| ${q.id} | ${fraction * 100} % | ${r.targetRps} | ${peer} | ${fmt(r.rps)} | ${fmt(r.p50, 1)} | ${fmt(r.p90, 1)} | ${fmt(r.p99, 1)} | ${fmt(r.cpuMsPerRequest, 2)} |`,
          );
        }
      }
    }
  }
  lines.push('');
  lines.push('## Issue 6 goals, as measured in this run');
  lines.push('');
  lines.push('| goal | measured | met |');
  lines.push('| --- | --- | --- |');
  const goal = (text: string, measured: string, met: boolean | null) =>
    lines.push(`| ${text} | ${measured} | ${met === null ? '–' : met ? 'yes' : 'no'} |`);
  for (const id of ['Q1', 'Q2', 'Q3']) {
    const ours = summary[`ours/${id}`];
    const pgl = summary[`postgraphile/${id}`];
    const raw = summary[`raw/${id}`];
    goal(
      `${id} req/s ≥ 1.0× PostGraphile`,
      ratio(ours?.rps, pgl?.rps),
      ours && pgl ? ours.rps >= pgl.rps : null,
    );
    const p99o = p99At('ours', id, 0.8);
    const p99p = p99At('postgraphile', id, 0.8);
    goal(
      `${id} p99 ≤ 1.25× PostGraphile's (at 80 % rate)`,
      ratio(p99o, p99p),
      p99o !== undefined && p99p ? p99o <= 1.25 * p99p : null,
    );
    const floor = id === 'Q3' ? 0.3 : 0.35;
    goal(
      `${id} req/s ≥ ${floor}× raw`,
      ratio(ours?.rps, raw?.rps),
      ours && raw ? ours.rps >= floor * raw.rps : null,
    );
    const limit = { Q1: 4, Q2: 5, Q3: 2 }[id] ?? 0;
    goal(
      `${id} SQL statements ≤ ${limit}`,
      fmt(ours?.statements, 1),
      ours?.statements == null ? null : ours.statements <= limit,
    );
  }
  if (cachedRan) {
    for (const id of CACHED_QUERIES) {
      const cached = summary[`ours-cached/${id}`];
      const pgl = summary[`postgraphile/${id}`];
      goal(
        `cached ${id} req/s ≥ 5× PostGraphile's (uncached)`,
        ratio(cached?.rps, pgl?.rps),
        cached && pgl ? cached.rps >= 5 * pgl.rps : null,
      );
    }
  }
  const q1 = summary['ours/Q1']?.statements;
  const q1x2 = summary['ours/Q1x2']?.statements;
  goal(
    'Q1 statements unchanged when page sizes double',
    `${fmt(q1, 1)} → ${fmt(q1x2, 1)}`,
    q1 == null || q1x2 == null ? null : q1 === q1x2,
  );
  for (const peer of ['ours', ...(cachedRan ? ['ours-cached'] : [])]) {
    const runs = Object.entries(summary).filter(([key]) => key.startsWith(`${peer}/`));
    const steady = Math.max(0, ...runs.map(([, m]) => m.steadyRssMb));
    const peak = Math.max(0, ...runs.map(([, m]) => m.peakRssMb));
    goal(
      `${peer} steady RSS ≤ 250 MB (VmRSS at the end of each measured run; peak in brackets)`,
      `${fmt(steady)} MB (${fmt(peak)} MB)`,
      steady ? steady <= 250 : null,
    );
  }
  lines.push('');
  lines.push('Raw data per round and rate: `results.json`.');
  lines.push('');
  // The reading of the numbers (why a goal is missed, what was tried) is written by hand, as it
  // cannot be generated; it is kept next to the harness and carried into every report.
  const analysis = path.join(BENCH_DIR, 'ANALYSIS.md');
  if (existsSync(analysis)) lines.push(readFileSync(analysis, 'utf8').trim(), '');
  return lines.join('\n');
}

async function prettier(text: string, parser: string): Promise<string> {
  try {
    const { format } = await import('prettier');
    return await format(text, { parser, singleQuote: true, printWidth: 100 });
  } catch {
    return text;
  }
}

export async function writeReport(report: Report, outDir: string): Promise<void> {
  const summary = summarise(report);
  const json = { ...report, versions: versions(), machine: machine(), summary };
  writeFileSync(
    path.join(outDir, 'results.json'),
    await prettier(JSON.stringify(json, null, 2), 'json'),
  );
  writeFileSync(
    path.join(outDir, 'RESULTS.md'),
    await prettier(markdown(report, summary), 'markdown'),
  );
}
