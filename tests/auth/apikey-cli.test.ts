import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let dataDir: string;
let server: ServerProcess | null = null;

beforeAll(async () => {
  dataDir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-apikey-'));
});
afterAll(async () => {
  await server?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** `npm run apikey -- …` as an operator types it, against the embedded database in dataDir. */
async function apikey(...args: string[]): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    ['--import', 'tsx', 'src/auth/apikey-cli.ts', ...args],
    {
      cwd: ROOT,
      env: { ...process.env, DATA_DIR: dataDir, DATABASE_URL: '' },
    },
  );
  return stdout.trim().split('\n');
}

async function status(key: string): Promise<number> {
  if (!server) throw new Error('server not started');
  const response = await fetch(`${server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${key}` },
    body: JSON.stringify({ query: '{ briefings { totalCount } }' }),
  });
  return response.status;
}

describe('npm run apikey', () => {
  // Each command start compiles TypeScript and opens the database: allow for a loaded machine.
  it(
    'creates keys with and without a running server, lists and revokes them',
    { timeout: 180_000 },
    async () => {
      // Server stopped: the command opens the embedded database itself (migrating it).
      const offline = await apikey(
        'create',
        '--role',
        'editor',
        '--name',
        'Desk',
        '--clearance',
        'AMBER',
        '--expires',
        '2099-01-01',
      );
      const offlineKey = offline.at(-1) ?? '';
      expect(offlineKey).toMatch(/^bg_[A-Za-z0-9_-]{43}$/);
      expect(offline[0]).toBe(
        'created API key 1 for Desk: role editor, clearance AMBER, expires 2099-01-01T00:00:00.000Z',
      );

      server = await startServerProcess({ env: { DATA_DIR: dataDir, DATABASE_URL: '' } });
      expect(await status(offlineKey)).toBe(200);

      // Server running: the command reaches the same data through the server's socket.
      const online = await apikey('create', '--role', 'analyst', '--name', 'Night shift');
      const onlineKey = online.at(-1) ?? '';
      expect(await status(onlineKey)).toBe(200);

      const listed = await apikey('list');
      expect(listed).toHaveLength(3);
      expect(listed[2]).toMatch(/^2\tbg_.{7}…\tanalyst\tCLEAR\tno expiry\tNight shift$/);

      const revoked = await apikey('revoke', '2');
      expect(revoked[0]).toMatch(/^revoked: 2\t/);
      expect(await status(onlineKey)).toBe(401);
      expect(await status(offlineKey)).toBe(200);
    },
  );

  it('refuses bad arguments with the usage and exit code 2', async () => {
    await expect(apikey('create', '--role', 'root', '--name', 'x')).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'expected --role to be one of partner, analyst, editor, admin, got "root"',
      ),
    });
  });
});
