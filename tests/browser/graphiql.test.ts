import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { main as apikey } from '../../src/auth/apikey-cli.js';
import { runCommand } from '../helpers/commands.js';
import { startRealServer, type RealServer } from '../helpers/real-server.js';

// GraphiQL as an analyst meets it: a real browser, the real server process, and no network
// beyond the server itself, so anything fetched from a CDN would show up as a blocked request.

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const ARTIFACTS = path.join(ROOT, 'tests/.artifacts');
// Starting a server process compiles TypeScript: allow for a loaded machine.
const START_TIMEOUT_MS = 180_000;
const TITLE = 'Venezuela Seeks Military Aid from Russia, China, and Iran';

// Monaco renders the editors; `.view-lines` holds the visible text of each.
const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor .view-lines';
const RESPONSE = '.graphiql-response .monaco-editor .view-lines';
// Variables and headers share one section; the one not shown is `.hidden`.
const HEADERS_EDITOR = '.graphiql-editor-tool .graphiql-editor:not(.hidden) .monaco-editor';

/**
 * Editor text as a reader sees it: Monaco renders spaces as U+00A0 and may wrap long lines
 * (breaking at spaces), so whitespace runs are collapsed.
 */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ').replace(/\s+/g, ' ');
}

/** One Chromium for the file (a launch is seconds of CPU); each visit has a context of its own. */
let launched: Promise<Browser> | undefined;

function browserOnce(): Promise<Browser> {
  launched ??= launchBrowser();
  return launched;
}

afterAll(async () => {
  await (await launched)?.close();
});

async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(
      `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` ` +
        'or set CHROMIUM_PATH to a Chromium/Chrome executable.',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH,
    args: [
      '--headless=new',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
}

/**
 * A page in a fresh browser context allowed to reach `origin` only; every other request is
 * recorded in `blocked`.
 */
async function openPage(origin: string, blocked: string[], pageErrors: string[]) {
  const context = await (
    await browserOnce()
  ).newContext({ viewport: { width: 1600, height: 1000 } });
  // On the context rather than the page, so requests from workers are caught as well.
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (url.startsWith('data:') || url.startsWith('blob:') || new URL(url).origin === origin) {
      await route.continue();
    } else {
      blocked.push(url);
      await route.abort('blockedbyclient');
    }
  });
  const page = await context.newPage();
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return { context, page };
}

describe('GraphiQL in a browser, offline', () => {
  let real: RealServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    real = await startRealServer();
    ({ context, page } = await openPage(new URL(real.server.url).origin, blocked, pageErrors));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await real?.stop();
  });

  it('opens with the default query, runs it, shows the docs, and fetches nothing external', async () => {
    const server = real?.server;
    if (!server) throw new Error('server not started');
    const response = await page.goto(`${server.url}/graphql`);
    expect(response?.status()).toBe(200);

    await page.locator(QUERY_EDITOR).waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(() => editorText(page, QUERY_EDITOR), { timeout: 15_000 })
      .toContain('query SeedBriefing');
    expect(await editorText(page, QUERY_EDITOR)).toContain(
      'venezuela-seeks-military-aid-from-russia',
    );

    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, RESPONSE), { timeout: 30_000 }).toContain(TITLE);
    expect(await editorText(page, RESPONSE)).not.toContain('"errors"');

    await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
    const docs = page.locator('.graphiql-doc-explorer');
    await docs.waitFor({ state: 'visible', timeout: 15_000 });
    // The root types page links to Query; its page lists the root fields.
    await docs.getByRole('link', { name: 'Query', exact: true }).click();
    for (const field of ['briefings', 'briefing', 'claims', 'actors']) {
      await docs
        .getByRole('link', { name: field, exact: true })
        .waitFor({ state: 'visible', timeout: 15_000 });
    }

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql.png') });

    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});

describe('GraphiQL in production, for a visitor without a key', () => {
  let real: RealServer | undefined;
  let context: BrowserContext | undefined;
  let page: Page;
  let key: string;
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    real = await startRealServer({ NODE_ENV: 'production' });
    // `npm run apikey` as an operator runs it, in-process (tests/auth/apikey-cli.test.ts runs
    // it as a process of its own).
    const created = await runCommand(
      apikey,
      ['create', '--role', 'analyst', '--name', 'Desk'],
      real.databaseEnv,
    );
    expect(created.code, created.err).toBe(0);
    key = created.out.at(-1) ?? '';
    expect(key).toMatch(/^bg_/);
    ({ context, page } = await openPage(new URL(real.server.url).origin, blocked, pageErrors));
  }, START_TIMEOUT_MS);

  afterAll(async () => {
    await context?.close();
    await real?.stop();
  });

  it('says how to add the Authorization header, and works once it is added', async () => {
    const server = real?.server;
    if (!server) throw new Error('server not started');
    const response = await page.goto(`${server.url}/graphql`);
    expect(response?.status()).toBe(200);
    const notice = page.getByRole('note');
    await notice.waitFor({ state: 'visible', timeout: 30_000 });
    expect((await notice.innerText()).replace(/\s+/g, ' ')).toContain(
      'GraphiQL needs an API key here. Without one, its schema is hidden and only registered operations run.',
    );
    await page.locator(QUERY_EDITOR).waitFor({ state: 'visible', timeout: 30_000 });
    await expect
      .poll(() => editorText(page, QUERY_EDITOR), { timeout: 15_000 })
      .toContain('# This server needs an API key. Open "Headers" below and paste');

    // The Headers editor is open; the visitor pastes the header there.
    const headers = page.locator(HEADERS_EDITOR);
    await headers.waitFor({ state: 'visible', timeout: 15_000 });
    await headers.click();
    await page.keyboard.press('ControlOrMeta+A');
    await page.keyboard.insertText(JSON.stringify({ Authorization: `Bearer ${key}` }));
    await page.getByRole('button', { name: /^Re-fetch GraphQL schema/ }).click();
    // GraphiQL takes an editor's text after a short debounce, then keeps it in localStorage.
    await expect
      .poll(
        () =>
          page.evaluate(() =>
            Object.keys(localStorage)
              .filter((name) => name.endsWith('headers'))
              .map((name) => localStorage.getItem(name))
              .join('\n'),
          ),
        { timeout: 15_000 },
      )
      .toContain(key);
    await page.locator('.graphiql-execute-button').click();
    await expect.poll(() => editorText(page, RESPONSE), { timeout: 30_000 }).toContain(TITLE);
    expect(await editorText(page, RESPONSE)).not.toContain('"errors"');

    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'graphiql-production.png') });
    expect(blocked).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
