import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { GRAPHIQL_ASSETS_PATH } from '../../src/graphiql/graphiql-plugin.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue #10 point 7: GraphiQL was one 9 MB page (8 MB of inline script), uncompressed and
// uncacheable, rendered for every GET. Now the page is a few KB and names its files by content
// hash; the files are compressed once and cached by browsers for a year. Anonymous visitors of
// a production server are told how to send a key.

const BROWSER = {
  accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8',
  'accept-encoding': 'gzip, deflate, br',
};

let database: TestDatabase;
let app: App;
let production: App;

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  app = createApp({ db: database.db, logger, config: loadConfig({}) });
  production = createApp({
    db: database.db,
    logger,
    config: loadConfig({ NODE_ENV: 'production' }),
  });
});

afterAll(async () => {
  await database.close();
});

function open(target: App, path: string, headers: Record<string, string> = BROWSER) {
  return target.fetch(`http://briefgraph.test${path}`, { headers });
}

/** The page's text whatever encoding it came in. */
async function pageText(response: Response): Promise<string> {
  const bytes = Buffer.from(await response.arrayBuffer());
  const encoding = response.headers.get('content-encoding');
  if (encoding === 'br') return brotliDecompressSync(bytes).toString('utf8');
  if (encoding === 'gzip') return gunzipSync(bytes).toString('utf8');
  return bytes.toString('utf8');
}

/** Every file the page links to, in order. */
function linkedAssets(html: string): string[] {
  return [...html.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1] as string);
}

describe('the GraphiQL page', () => {
  it('is a few KB, the same for a hundred concurrent visitors, and revalidated', async () => {
    const responses = await Promise.all(Array.from({ length: 100 }, () => open(app, '/graphql')));
    const bodies = await Promise.all(
      responses.map(async (response) => {
        expect(response.status).toBe(200);
        expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
        expect(response.headers.get('content-encoding')).toBe('br');
        expect(response.headers.get('cache-control')).toBe('no-cache');
        expect(response.headers.get('content-security-policy')).toContain("script-src 'self';");
        return Buffer.from(await response.arrayBuffer());
      }),
    );
    const [first] = bodies;
    if (!first) throw new Error('expected answers');
    expect(first.length).toBeLessThan(4_000);
    for (const body of bodies) expect(body.equals(first)).toBe(true);

    const html = brotliDecompressSync(first).toString('utf8');
    expect(html.length).toBeLessThan(10_000);
    expect(html).not.toMatch(/<script>|<style>/);
    expect(html).toContain('<title>briefgraph</title>');
    expect(html).toContain('query SeedBriefing');
    expect(html).not.toContain('briefgraph-notice');

    const etag = responses[0]?.headers.get('etag');
    expect(etag).toMatch(/^"[\w-]+-br"$/);
    const again = await open(app, '/graphql', { ...BROWSER, 'if-none-match': etag ?? '' });
    expect(again.status).toBe(304);
    expect(await again.text()).toBe('');
  });

  it('serves each linked file compressed, immutable, under a name that changes with it', async () => {
    const html = await pageText(await open(app, '/graphql'));
    const assets = linkedAssets(html);
    expect(assets.map((path) => path.replace(/\.[0-9A-Za-z]{12}\./, '.<hash>.'))).toEqual([
      `${GRAPHIQL_ASSETS_PATH}favicon.<hash>.ico`,
      `${GRAPHIQL_ASSETS_PATH}graphiql.<hash>.css`,
      `${GRAPHIQL_ASSETS_PATH}page.<hash>.css`,
      `${GRAPHIQL_ASSETS_PATH}graphiql.<hash>.js`,
      `${GRAPHIQL_ASSETS_PATH}boot.<hash>.js`,
    ]);
    const config = JSON.parse(
      /<script type="application\/json" id="graphiql-config">(.*?)<\/script>/s.exec(html)?.[1] ??
        'null',
    ) as { workers: Record<string, string>; options: Record<string, unknown> };
    expect(Object.keys(config.workers)).toEqual(['editorWorkerService', 'json', 'graphql']);
    expect(config.options).toMatchObject({ title: 'briefgraph', endpoint: '/graphql' });

    for (const path of [...assets, ...Object.values(config.workers)]) {
      const identity = await open(app, path, { 'accept-encoding': 'identity' });
      expect(identity.status).toBe(200);
      expect(identity.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      expect(identity.headers.get('content-encoding')).toBeNull();
      expect(identity.headers.get('vary')).toBe('Accept-Encoding');
      const plain = Buffer.from(await identity.arrayBuffer());
      expect(identity.headers.get('content-length')).toBe(String(plain.length));
      expect(identity.headers.get('content-type')).toBe(
        path.endsWith('.js')
          ? 'text/javascript; charset=utf-8'
          : path.endsWith('.css')
            ? 'text/css; charset=utf-8'
            : 'image/x-icon',
      );

      const br = await open(app, path, { 'accept-encoding': 'gzip, br' });
      expect(br.headers.get('content-encoding')).toBe('br');
      const brBytes = Buffer.from(await br.arrayBuffer());
      expect(brotliDecompressSync(brBytes).equals(plain)).toBe(true);

      const gzip = await open(app, path, { 'accept-encoding': 'gzip, br;q=0' });
      expect(gzip.headers.get('content-encoding')).toBe('gzip');
      expect(gunzipSync(Buffer.from(await gzip.arrayBuffer())).equals(plain)).toBe(true);

      const etag = br.headers.get('etag') ?? '';
      expect(etag).not.toBe(gzip.headers.get('etag'));
      const revalidated = await open(app, path, { 'accept-encoding': 'br', 'if-none-match': etag });
      expect(revalidated.status).toBe(304);
    }

    // The script is most of GraphiQL: compressed, and fetched once a year, not on every visit.
    const script = assets.find((path) => /graphiql\.\w+\.js$/.test(path)) ?? '';
    const compressed = await open(app, script, { 'accept-encoding': 'br' });
    const size = Number(compressed.headers.get('content-length'));
    expect(size).toBeGreaterThan(100_000);
    expect(size).toBeLessThan(2_000_000);
  });

  it('answers 404 for any other path under the assets, and leaves GraphQL requests alone', async () => {
    for (const path of [
      `${GRAPHIQL_ASSETS_PATH}graphiql.js`,
      `${GRAPHIQL_ASSETS_PATH}`,
      `${GRAPHIQL_ASSETS_PATH}boot.js`,
      `${GRAPHIQL_ASSETS_PATH}favicon.000000000000.ico`,
    ]) {
      const response = await open(app, path);
      expect({ path, status: response.status }).toEqual({ path, status: 404 });
    }
    const json = await open(app, '/graphql?query=%7B__typename%7D', {
      accept: 'application/json',
      'x-graphql-csrf': '1',
    });
    expect(json.status).toBe(200);
    expect(await json.json()).toEqual({ data: { __typename: 'Query' } });
  });
});

describe('GraphiQL for an anonymous visitor in production', () => {
  it('explains how to send a key, and opens the Headers editor for it', async () => {
    const html = await pageText(await open(production, '/graphql'));
    expect(html).toContain('<aside class="briefgraph-notice" role="note">');
    expect(html).toContain('Without one, its schema is hidden and only registered operations run.');
    expect(html).toContain(
      'paste <code>{&quot;Authorization&quot;: &quot;Bearer &lt;your API key&gt;&quot;}</code>',
    );
    const config = JSON.parse(
      /id="graphiql-config">(.*?)<\/script>/s.exec(html)?.[1] ?? 'null',
    ) as { options: { defaultQuery: string; defaultEditorToolsVisibility: string } };
    expect(config.options.defaultEditorToolsVisibility).toBe('headers');
    expect(config.options.defaultQuery).toMatch(
      /^# This server needs an API key\. Open "Headers" below and paste\n# {3}\{"Authorization": "Bearer <your API key>"\}\n/,
    );
    // What the visitor runs into without a key is still refused, and says why.
    const refused = await production.fetch('http://briefgraph.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ __typename }' }),
    });
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({
      errors: [{ extensions: { code: 'PERSISTED_QUERY_ONLY' } }],
    });
  });
});
