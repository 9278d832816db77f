import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { main } from '../../src/persisted/persisted-cli.js';
import { ACTOR_NAMES, BRIEFING_TITLE } from '../clients/operations.js';
import { runCommand, type CommandRun } from '../helpers/commands.js';
import { createDatabaseEnv, type DatabaseEnv } from '../helpers/test-database.js';
import { compiled, TEST_NODE_FLAGS } from '../helpers/test-build.js';

const ROOT = path.resolve(import.meta.dirname, '../..');

let database: DatabaseEnv;
let folder: string;

beforeAll(async () => {
  // Reached by URL in both passes: each command connects instead of opening a data directory.
  database = await createDatabaseEnv({ reach: 'url' });
  folder = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-persisted-'));
});
afterAll(async () => {
  await database?.remove();
  await rm(folder, { recursive: true, force: true });
});

/** `npm run persisted -- …` in-process (its `main`), against this file's database. */
const persisted = (...args: string[]): Promise<CommandRun> => runCommand(main, args, database.env);

async function manifest(name: string, content: unknown): Promise<string> {
  const file = path.join(folder, name);
  await writeFile(file, JSON.stringify(content));
  return file;
}

describe('npm run persisted', () => {
  it('imports a manifest, lists the documents and disables one', async () => {
    const ids = [documentIdOf(BRIEFING_TITLE), documentIdOf(ACTOR_NAMES)];
    const file = await manifest('persisted-documents.json', {
      [documentIdOf(BRIEFING_TITLE)]: BRIEFING_TITLE,
      [documentIdOf(ACTOR_NAMES)]: ACTOR_NAMES,
    });
    expect(await persisted('import', file, '--client', 'newsroom')).toEqual({
      code: 0,
      out: [
        `registered 2 documents from ${file}:`,
        `${ids[0]}\tBriefingTitle`,
        `${ids[1]}\tActorNames`,
      ],
      err: '',
    });
    const row = (id: string | undefined, enabled: boolean) =>
      `${id}\t${enabled}\tnewsroom\t${id === ids[0] ? 'BriefingTitle' : 'ActorNames'}\tpersisted command`;
    // Registered together, so listed by document id.
    const sorted = [...ids].sort();
    expect((await persisted('list')).out).toEqual([
      'documentId\tenabled\tclient\toperation\tregistered by',
      ...sorted.map((id) => row(id, true)),
    ]);

    expect(await persisted('disable', ids[1] ?? '')).toEqual({
      code: 0,
      out: [`disabled ${ids[1]}`],
      err: '',
    });
    expect((await persisted('list')).out).toEqual([
      'documentId\tenabled\tclient\toperation\tregistered by',
      ...sorted.map((id) => row(id, id !== ids[1])),
    ]);
  });

  it('exits 1 on a manifest whose id does not match its text, and on an unknown document', async () => {
    const file = await manifest('wrong.json', { [documentIdOf(ACTOR_NAMES)]: BRIEFING_TITLE });
    const refused = await persisted('import', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(new RegExp(`^${file}: `));
    const unknown = `sha256:${'0'.repeat(64)}`;
    expect(await persisted('disable', unknown)).toEqual({
      code: 1,
      out: [],
      err: `no persisted operation ${unknown}\n`,
    });
  });

  it('refuses a document a partner could never run, naming the limit, unless told to warn', async () => {
    // 100 × 100 × 100 citations: far over the restricted cost limit (5,000), valid otherwise.
    const heavy =
      'query EveryCitation { briefings(first: 100) { edges { node { claims(first: 100) { edges { node { citations(first: 100) { totalCount } } } } } } } }';
    const file = await manifest('heavy.json', { [documentIdOf(heavy)]: heavy });
    const refused = await persisted('import', file);
    expect(refused.code).toBe(1);
    expect(refused.err).toContain('1 of 1 documents are invalid; nothing was registered');
    expect(refused.err).toMatch(
      /EveryCitation: query cost limit of 5000 for restricted callers exceeded/,
    );
    expect((await persisted('list')).out.join('\n')).not.toContain(documentIdOf(heavy));

    const warned = await persisted('import', file, '--allow-over-limits');
    expect(warned.code).toBe(0);
    expect(warned.err).toMatch(
      /^warning: EveryCitation: query cost limit of 5000 for restricted callers exceeded.*--allow-over-limits/,
    );
    expect((await persisted('list')).out.join('\n')).toContain(documentIdOf(heavy));
  });

  it('runs as a process of its own: without a command it prints the usage, exit code 2', async () => {
    await expect(
      promisify(execFile)(
        process.execPath,
        [...TEST_NODE_FLAGS, compiled('src/persisted/persisted-cli.ts')],
        {
          cwd: ROOT,
          env: { ...process.env, ...database.env },
        },
      ),
    ).rejects.toMatchObject({
      code: 2,
      stderr: expect.stringMatching(
        /^expected a command\n\nusage:\n {2}npm run persisted -- import/,
      ),
    });
  });
});
