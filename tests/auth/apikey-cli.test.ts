import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/auth/apikey-cli.js';
import { runCommand, type CommandRun } from '../helpers/commands.js';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';
import { createDatabaseEnv, type DatabaseEnv } from '../helpers/test-database.js';
import { compiled, TEST_NODE_FLAGS } from '../helpers/test-build.js';

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

/**
 * A copy of the run's seeded template (a DATA_DIR in the embedded pass, a database with
 * TEST_DATABASE_URL): neither the command nor the server has to initdb, migrate or seed.
 */
let database: DatabaseEnv;
let server: ServerProcess | null = null;

beforeAll(async () => {
  database = await createDatabaseEnv();
});
afterAll(async () => {
  await server?.stop();
  await database?.remove();
});

/** `npm run apikey -- …` in-process (its `main`), against this file's database. */
const apikey = (...args: string[]): Promise<CommandRun> => runCommand(main, args, database.env);

/** `npm run apikey -- …` as an operator types it: a process of its own. */
async function apikeyProcess(...args: string[]): Promise<string[]> {
  const { stdout } = await run(
    process.execPath,
    [...TEST_NODE_FLAGS, compiled('src/auth/apikey-cli.ts'), ...args],
    {
      cwd: ROOT,
      env: { ...process.env, ...database.env },
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
  // Starting the server compiles TypeScript and opens the database: allow for a loaded machine.
  it(
    'creates keys with and without a running server, lists and revokes them',
    { timeout: 180_000 },
    async () => {
      // Server stopped: the command opens the database itself (the embedded one: its directory).
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
      expect(offline.code).toBe(0);
      const offlineKey = offline.out.at(-1) ?? '';
      expect(offlineKey).toMatch(/^bg_[A-Za-z0-9_-]{43}$/);
      expect(offline.out[0]).toBe(
        'created API key 1 for Desk: role editor, clearance AMBER, expires 2099-01-01T00:00:00.000Z',
      );

      server = await startServerProcess({ env: database.env });
      expect(await status(offlineKey)).toBe(200);

      // Server running: the command reaches the same data (embedded: through the server's socket,
      // as PGlite allows one process per directory). This one
      // runs as its own process, as `npm run apikey` does: the file still starts `main` when run.
      const online = await apikeyProcess('create', '--role', 'analyst', '--name', 'Night shift');
      expect(online[0]).toBe('created API key 2 for Night shift: role analyst, clearance CLEAR');
      const onlineKey = online.at(-1) ?? '';
      expect(await status(onlineKey)).toBe(200);

      const listed = await apikey('list');
      expect(listed.code).toBe(0);
      expect(listed.out).toHaveLength(3);
      expect(listed.out[2]).toMatch(/^2\tbg_.{7}…\tanalyst\tCLEAR\tno expiry\tNight shift$/);

      const revoked = await apikey('revoke', '2');
      expect(revoked.out[0]).toMatch(/^revoked: 2\t/);
      expect(await status(onlineKey)).toBe(401);
      expect(await status(offlineKey)).toBe(200);
    },
  );

  it('refuses bad arguments with the usage and exit code 2', async () => {
    const refused = await apikey('create', '--role', 'root', '--name', 'x');
    expect(refused).toEqual({
      code: 2,
      out: [],
      err: expect.stringMatching(
        /^expected --role to be one of partner, analyst, editor, admin, got "root"\n\nusage:\n {2}npm run apikey -- create /,
      ),
    });
  });
});
