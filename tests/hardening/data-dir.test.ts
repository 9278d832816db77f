import { execFile, spawn } from 'node:child_process';
import { cp, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dataDirLockPath, startEmbeddedDatabase } from '../../src/db/embedded.js';
import { createTestDataDir } from '../helpers/test-database.js';
import { compiled, TEST_NODE_FLAGS } from '../helpers/test-build.js';

// The embedded database's directory holds every briefing, RED ones included: one process at a
// time has it, through a lock file (owner-only, 0600) with the holder's pid. It runs in the embedded pass only: TEST_DATABASE_URL changes nothing here,
// so the PostgreSQL pass would run the same code again (and has no data-directory template).

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, '../..');

let root: string;
/** A data directory a server has used and stopped: the lock tests start from copies of it. */
let pristine: string;

/** `dir` holding a database already, as a server that ran there before leaves it. */
async function previouslyUsed(dir: string): Promise<void> {
  await cp(pristine, dir, { recursive: true });
}

/** The pid of a process that has exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  if (child.pid === undefined) throw new Error('expected a pid');
  return child.pid;
}

const lockedMessage = (dir: string, pid: number) =>
  `DATA_DIR ${dir} is in use by process ${pid} (lock file ${dataDirLockPath(dir)}); stop that server first, or set DATABASE_URL. If no briefgraph runs as process ${pid}, remove the lock file.`;

describe.runIf(!process.env.TEST_DATABASE_URL)('embedded data directory (embedded pass)', () => {
  beforeAll(async () => {
    root = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-datadir-'));
    // A copy of the run's migrated template, not an initdb of its own (seconds of CPU). The
    // modes of a directory initialised from scratch, and of one fixed on start, are checked on
    // the fresh start of tests/server/process.test.ts.
    pristine = await createTestDataDir({ seed: false });
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
    await rm(pristine, { recursive: true, force: true });
  });

  it('refuses a second opener naming the holder, and is free again after stop', async () => {
    const dir = path.join(root, 'held');
    await previouslyUsed(dir);
    const first = await startEmbeddedDatabase(dir);
    expect(await readFile(dataDirLockPath(dir), 'utf8')).toBe(`${process.pid}\n`);
    expect((await stat(dataDirLockPath(dir))).mode & 0o777).toBe(0o600);
    await expect(startEmbeddedDatabase(dir)).rejects.toThrow(lockedMessage(dir, process.pid));
    // Two at once: exactly one gets it.
    await first.stop();
    await expect(stat(dataDirLockPath(dir))).rejects.toMatchObject({ code: 'ENOENT' });
    const both = await Promise.allSettled([startEmbeddedDatabase(dir), startEmbeddedDatabase(dir)]);
    const opened = both.filter((result) => result.status === 'fulfilled');
    // Compared as one list, so a failure shows why each start ended as it did.
    expect(
      both.map((result) =>
        result.status === 'fulfilled' ? 'opened' : (result.reason as Error).message,
      ),
    ).toEqual(expect.arrayContaining(['opened', lockedMessage(dir, process.pid)]));
    await opened[0]?.value.stop();
  });

  it('takes over a lock whose holder died', async () => {
    const dir = path.join(root, 'stale');
    await previouslyUsed(dir);
    await writeFile(dataDirLockPath(dir), `${await deadPid()}\n`);
    const embedded = await startEmbeddedDatabase(dir);
    expect(await readFile(dataDirLockPath(dir), 'utf8')).toBe(`${process.pid}\n`);
    await embedded.stop();
  });

  it(
    'lets exactly one of two processes starting together on a stale lock have the directory',
    { timeout: 120_000 },
    async () => {
      const dir = path.join(root, 'race');
      await previouslyUsed(dir);
      await writeFile(dataDirLockPath(dir), `${await deadPid()}\n`);
      // Each starter notes that it has tried; one that opened holds the directory until both
      // have, so the other cannot come late and find it free (however slowly either starts).
      const attempts = path.join(root, 'race-attempts');
      await mkdir(attempts);
      const script = `
        const { readdir, writeFile } = await import('node:fs/promises');
        const { startEmbeddedDatabase } = await import(${JSON.stringify(compiled('src/db/embedded.ts'))});
        let embedded = null;
        let outcome;
        try {
          embedded = await startEmbeddedDatabase(${JSON.stringify(dir)});
          outcome = 'opened ' + process.pid;
        } catch (error) {
          outcome = 'refused ' + error.message;
        }
        await writeFile(${JSON.stringify(attempts)} + '/' + process.pid, '');
        if (embedded) {
          const deadline = Date.now() + 60000;
          while ((await readdir(${JSON.stringify(attempts)})).length < 2 && Date.now() < deadline)
            await new Promise((resolve) => setTimeout(resolve, 50));
          await embedded.stop();
        }
        console.log(outcome);`;
      const start = () =>
        run(process.execPath, [...TEST_NODE_FLAGS, '--input-type=module', '-e', script], {
          cwd: ROOT,
        }).then(({ stdout }) => stdout.trim());
      const outputs = await Promise.all([start(), start()]);
      const opened = outputs.filter((output) => output.startsWith('opened '));
      expect(opened).toHaveLength(1);
      const winner = Number(opened[0]?.slice('opened '.length));
      expect(outputs.filter((output) => output.startsWith('refused '))).toEqual([
        `refused ${lockedMessage(dir, winner)}`,
      ]);
      await expect(stat(dataDirLockPath(dir))).rejects.toMatchObject({ code: 'ENOENT' });
    },
  );
});
