import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServerProcess, type ServerProcess } from '../helpers/server-process.js';

// GraphiQL as an analyst meets it: a real browser, the real server process, and no network
// beyond the server itself, so anything fetched from a CDN would show up as a blocked request.

const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARTIFACTS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../.artifacts');
const TITLE = 'Venezuela Seeks Military Aid from Russia, China, and Iran';

// Monaco renders the editors; `.view-lines` holds the visible text of each.
const QUERY_EDITOR = '.graphiql-query-editor .monaco-editor .view-lines';
const RESPONSE = '.graphiql-response .monaco-editor .view-lines';

/**
 * Editor text as a reader sees it: Monaco renders spaces as U+00A0 and may wrap long lines
 * (breaking at spaces), so whitespace runs are collapsed.
 */
async function editorText(page: Page, selector: string): Promise<string> {
  return (await page.locator(selector).innerText()).replaceAll('\u00a0', ' ').replace(/\s+/g, ' ');
}

describe('GraphiQL in a browser, offline', () => {
  let dataDir: string | undefined;
  let server: ServerProcess | undefined;
  let browser: Browser | undefined;
  let page: Page;
  const blocked: string[] = [];
  const pageErrors: string[] = [];

  beforeAll(async () => {
    if (!existsSync(CHROMIUM_PATH)) {
      throw new Error(
        `Chromium not found at ${CHROMIUM_PATH}: install it with \`apt-get update && apt-get install -y chromium\` ` +
          'or set CHROMIUM_PATH to a Chromium/Chrome executable.',
      );
    }
    dataDir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-graphiql-'));
    server = await startServerProcess({ env: { DATA_DIR: dataDir, DATABASE_URL: '' } });
    browser = await chromium.launch({
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
    const context = await browser.newContext({ viewport: { width: 1600, height: 1000 } });
    const origin = new URL(server.url).origin;
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
    page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
  });

  afterAll(async () => {
    await browser?.close();
    await server?.stop();
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  });

  it('opens with the default query, runs it, shows the docs, and fetches nothing external', async () => {
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
