import { execFile } from 'node:child_process';
import { readdir } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main } from '../../src/db/migrate-cli.js';
import { MIGRATIONS_FOLDER } from '../../src/db/migrate.js';
import { runCommand, type CommandRun } from '../helpers/commands.js';
import { createDatabaseEnv, type DatabaseEnv } from '../helpers/test-database.js';
import { compiled, TEST_NODE_FLAGS } from '../helpers/test-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let database: DatabaseEnv;

beforeAll(async () => {
  database = await createDatabaseEnv({ seed: false });
});
afterAll(() => database?.remove());

/** `npm run migrate -- …` in-process (its `main`), against this file's database. */
const migrate = (...args: string[]): Promise<CommandRun> => runCommand(main, args, database.env);

describe('npm run migrate', () => {
  it('says when there is nothing to do, goes down one step and up again', async () => {
    const latest = (await readdir(MIGRATIONS_FOLDER))
      .filter((file) => file.endsWith('.ts'))
      .sort()
      .at(-1)
      ?.replace(/\.ts$/, '');
    expect(await migrate()).toEqual({
      code: 0,
      out: ['nothing to do: the database is up to date'],
      err: '',
    });
    expect(await migrate('down')).toEqual({ code: 0, out: [`Down ${latest}`], err: '' });
    expect(await migrate('latest')).toEqual({ code: 0, out: [`Up ${latest}`], err: '' });
  });

  it('runs as a process of its own: an unknown direction prints the usage, exit code 2', async () => {
    await expect(
      promisify(execFile)(
        process.execPath,
        [...TEST_NODE_FLAGS, compiled('src/db/migrate-cli.ts'), 'sideways'],
        {
          cwd: ROOT,
          env: { ...process.env, ...database.env },
        },
      ),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(/^expected "latest" or "down", got "sideways"\n\nusage:/),
    });
  });
});
