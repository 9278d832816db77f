import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { compiled, TEST_NODE_FLAGS } from './test-build.js';

export interface ServerProcess {
  /** Base URL, e.g. `http://127.0.0.1:41234` (no trailing slash). */
  url: string;
  /** SIGTERM, then SIGKILL after 10 s; resolves once the process has exited. Safe to call twice. */
  stop(): Promise<void>;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal (e.g. SIGTERM, to watch a shutdown) without waiting. */
  signal(name: NodeJS.Signals): void;
  /** Resolves with the exit code (null when killed by a signal) once the process has exited. */
  exited(): Promise<number | null>;
}

export interface StartServerProcessOptions {
  /** Added to process.env (after PORT and LOG_LEVEL=warn, so these can be overridden). */
  env?: Record<string, string>;
  /** How long to wait for /readyz to answer 200. */
  readyTimeoutMs?: number;
}

const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const READY_TIMEOUT_MS = 60_000;
const KILL_AFTER_MS = 10_000;

/** Every child still running, so a crashed test file cannot leave one behind. */
const running = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of running) child.kill('SIGKILL');
});

/** A port that was free a moment ago (the OS picks it; we release it for the server). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      if (address === null || typeof address === 'string') {
        probe.close();
        reject(new Error('expected a TCP address from the port probe'));
        return;
      }
      probe.close(() => resolve(address.port));
    });
  });
}

function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  const done = exited(child);
  if (child.exitCode === null && child.signalCode === null) {
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), KILL_AFTER_MS);
    await done;
    clearTimeout(timer);
  }
  running.delete(child);
}

/**
 * Starts the real server (`src/server.ts` as the run compiled it, as `npm start` runs the build)
 * in a child process and resolves once /readyz answers 200, i.e. after migrating
 * and seeding. On any failure the child is killed and the error carries its output.
 */
export async function startServerProcess(
  options: StartServerProcessOptions = {},
): Promise<ServerProcess> {
  const port = await freePort();
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, compiled('src/server.ts')], {
    cwd: REPO_ROOT,
    // HOST on loopback: the test reaches it there, and nothing else on the machine should.
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      LOG_LEVEL: 'warn',
      ...options.env,
      PORT: String(port),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  let captured = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (captured += chunk));
  child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (captured += chunk));
  const output = () => captured;
  const url = `http://127.0.0.1:${port}`;
  const stop = () => stopChild(child);

  try {
    await waitUntilReady(child, url, options.readyTimeoutMs ?? READY_TIMEOUT_MS, output);
  } catch (error) {
    await stop();
    throw error;
  }
  return {
    url,
    stop,
    output,
    signal: (name) => child.kill(name),
    exited: () => exited(child).then(() => child.exitCode),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  timeoutMs: number,
  output: () => string,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let lastProblem = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(
        `server process exited (code ${child.exitCode}, signal ${child.signalCode}) before it was ready; output:\n${output()}`,
      );
    }
    try {
      const response = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2_000) });
      await response.arrayBuffer();
      if (response.status === 200) return;
      lastProblem = `/readyz answered ${response.status}`;
    } catch (error) {
      // Not listening yet (still migrating/seeding): keep polling.
      lastProblem = error instanceof Error ? error.message : String(error);
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`server not ready within ${timeoutMs} ms (${lastProblem}); output:\n${output()}`);
}
