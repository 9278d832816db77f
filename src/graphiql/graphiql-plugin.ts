import type * as GraphiQLBundle from '@graphql-yoga/render-graphiql/graphiql';
import type { GraphiQLOptions, Plugin } from 'graphql-yoga';
import type { Config } from '../config.js';
import { requestPath } from '../common/request-url.js';
import { GRAPHIQL_DEFAULT_QUERY, GRAPHIQL_EXAMPLE_QUERIES } from '../graphiql-default-query.js';
import { serveStaticFile, StaticFile } from './static-file.js';

/** Where GraphiQL's files are served, each under a name that changes with its content. */
export const GRAPHIQL_ASSETS_PATH = '/graphiql/assets/';

const IMMUTABLE = 'public, max-age=31536000, immutable';
/** The page names the current assets, so a browser must check it is still current. */
const REVALIDATE = 'no-cache';

const JAVASCRIPT = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

type Bundle = typeof GraphiQLBundle;

/** Room for the notice above GraphiQL, whose container otherwise takes the whole viewport. */
const PAGE_CSS = `
body { display: flex; flex-direction: column; height: 100vh; margin: 0; }
#root { flex: 1; min-height: 0; }
#root .graphiql-container { height: 100%; width: 100%; }
.briefgraph-notice {
  padding: 10px 16px; font: 14px/1.5 system-ui, sans-serif;
  background: #fff6d6; color: #3d3000; border-bottom: 1px solid #e6d28a;
}
.briefgraph-notice code { background: #fff; padding: 1px 4px; border-radius: 3px; }
`;

/**
 * Reads the page's settings from the JSON the page carries (no inline script, so a strict
 * Content-Security-Policy holds), points Monaco at the worker files, and starts GraphiQL.
 */
const BOOT_SCRIPT = `(function () {
  var config = JSON.parse(document.getElementById('graphiql-config').textContent);
  self.MonacoEnvironment = {
    globalAPI: false,
    getWorkerUrl: function (moduleId, label) { return config.workers[label]; },
  };
  YogaGraphiQL.renderYogaGraphiQL(document.querySelector('#root'), config.options);
})();
`;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  // GraphiQL and Monaco set style attributes and inject style elements at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "worker-src 'self'",
  "connect-src 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Whether an anonymous visitor cannot use GraphiQL as it opens: without introspection it has
 * no schema, and with registered documents only nothing typed into it runs.
 */
export function anonymousNeedsKey(
  config: Pick<Config, 'introspection' | 'anonymousOperations'>,
): boolean {
  return !config.introspection || config.anonymousOperations === 'persisted';
}

const KEY_HINT = '{"Authorization": "Bearer <your API key>"}';

function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;');
}

/** JSON that cannot end the `<script>` element it sits in. */
function scriptJson(value: unknown): string {
  return JSON.stringify(value)
    .replaceAll('<', '\\u003c')
    .replaceAll('>', '\\u003e')
    .replaceAll('&', '\\u0026')
    .replaceAll('\u2028', '\\u2028')
    .replaceAll('\u2029', '\\u2029');
}

function keyNotice(config: Pick<Config, 'introspection' | 'anonymousOperations'>): string {
  const limits = [
    ...(config.introspection ? [] : ['its schema is hidden']),
    ...(config.anonymousOperations === 'persisted' ? ['only registered operations run'] : []),
  ];
  return `<aside class="briefgraph-notice" role="note">
<strong>GraphiQL needs an API key here.</strong> Without one, ${limits.join(' and ')}.
Open <em>Headers</em> under the query editor and paste <code>${escapeHtml(KEY_HINT)}</code>,
then re-fetch the schema (the ⟳ button on the left) and press ▶ to run the query.
An admin creates keys (<code>npm run apikey -- create --role analyst</code>).
</aside>`;
}

/** The comment GraphiQL opens with when a key is needed: the notice, where the user types. */
const KEY_QUERY_PREFIX = `# This server needs an API key. Open "Headers" below and paste
#   ${KEY_HINT}
# then re-fetch the schema (⟳, on the left) and press ▶.
`;

interface GraphiQL {
  page: StaticFile;
  assets: Map<string, StaticFile>;
}

function fromDataUrl(url: string): StaticFile {
  const match = /^data:([^;,]+);base64,(.*)$/s.exec(url);
  if (!match?.[1] || match[2] === undefined) {
    throw new Error(`expected GraphiQL's favicon as a base64 data URL, got ${url.slice(0, 40)}…`);
  }
  return new StaticFile(Buffer.from(match[2], 'base64'), match[1]);
}

/**
 * GraphiQL as separate files: a page of a few KB that names the script, styles, Monaco's
 * workers and favicon by content hash. The bundle from @graphql-yoga/render-graphiql, which
 * otherwise inlines all of them (9 MB) into every page, is split once, here.
 */
async function buildGraphiQL(
  config: Pick<Config, 'introspection' | 'anonymousOperations'>,
): Promise<GraphiQL> {
  const bundle: Bundle = await import('@graphql-yoga/render-graphiql/graphiql');
  const assets = new Map<string, StaticFile>();
  const add = (name: string, extension: string, file: StaticFile): string => {
    const path = `${GRAPHIQL_ASSETS_PATH}${name}.${file.hash}.${extension}`;
    assets.set(path, file);
    return path;
  };
  const text = (content: string, type: string) => new StaticFile(Buffer.from(content), type);
  const workers = {
    editorWorkerService: add('editor-worker', 'js', text(bundle.editorWorkerService, JAVASCRIPT)),
    json: add('json-worker', 'js', text(bundle.jsonWorker, JAVASCRIPT)),
    graphql: add('graphql-worker', 'js', text(bundle.graphqlWorker, JAVASCRIPT)),
  };
  const favicon = add('favicon', 'ico', fromDataUrl(bundle.favicon));
  const styles = [
    add('graphiql', 'css', text(bundle.css, CSS)),
    add('page', 'css', text(PAGE_CSS, CSS)),
  ];
  const scripts = [
    add('graphiql', 'js', text(bundle.js, JAVASCRIPT)),
    add('boot', 'js', text(BOOT_SCRIPT, JAVASCRIPT)),
  ];
  const needsKey = anonymousNeedsKey(config);
  const firstQuery = needsKey
    ? `${KEY_QUERY_PREFIX}${GRAPHIQL_DEFAULT_QUERY}`
    : GRAPHIQL_DEFAULT_QUERY;
  const options: GraphiQLOptions = {
    title: 'briefgraph',
    endpoint: '/graphql',
    defaultQuery: firstQuery,
    // The examples open as tabs beside it, one click away (until the visitor's own tabs are kept).
    defaultTabs: [{ query: firstQuery }, ...GRAPHIQL_EXAMPLE_QUERIES.map((query) => ({ query }))],
    ...(needsKey && { defaultEditorToolsVisibility: 'headers' as const }),
  };
  const html = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>briefgraph</title>
    <link rel="icon" href="${favicon}" />
${styles.map((href) => `    <link rel="stylesheet" href="${href}" />`).join('\n')}
  </head>
  <body id="body" class="no-focus-outline">
    <noscript>GraphiQL needs JavaScript.</noscript>
    ${needsKey ? keyNotice(config) : ''}
    <div id="root"></div>
    <script type="application/json" id="graphiql-config">${scriptJson({ options, workers })}</script>
${scripts.map((src) => `    <script src="${src}"></script>`).join('\n')}
  </body>
</html>
`;
  return { page: text(html, 'text/html; charset=utf-8'), assets };
}

/**
 * Serves GraphiQL at `GET /graphql` (for a browser: `Accept: text/html`) and its files under
 * GRAPHIQL_ASSETS_PATH, exact paths only. The page and every file are built once and kept
 * with their compressed forms, so a page costs a lookup, not a 9 MB render. Nothing comes from
 * a CDN: analysts' networks (and these machines) are offline.
 */
export function graphiqlPlugin(
  config: Pick<Config, 'introspection' | 'anonymousOperations'>,
): Plugin {
  // Loaded on the first GraphiQL request only: the bundle costs ~75 MB of memory, which an
  // instance serving only the API never needs.
  let built: Promise<GraphiQL> | undefined;
  const graphiql = () =>
    (built ??= buildGraphiQL(config).catch((error: unknown) => {
      built = undefined;
      throw error;
    }));
  return {
    // Synchronous for API requests: see src/common/maybe-promise.ts.
    onRequest({ request, url, serverContext, endResponse, fetchAPI }) {
      if (request.method !== 'GET' && request.method !== 'HEAD') return;
      const path = requestPath(url, serverContext);
      if (path === '/graphql') {
        if (!request.headers.get('accept')?.includes('text/html')) return;
        return (async () => {
          const response = await serveStaticFile(
            request,
            (await graphiql()).page,
            REVALIDATE,
            fetchAPI.Response,
          );
          response.headers.set('content-security-policy', CONTENT_SECURITY_POLICY);
          endResponse(response);
        })();
      }
      if (!path.startsWith(GRAPHIQL_ASSETS_PATH)) return;
      return (async () => {
        const file = (await graphiql()).assets.get(path);
        endResponse(
          file
            ? await serveStaticFile(request, file, IMMUTABLE, fetchAPI.Response)
            : new fetchAPI.Response(null, { status: 404 }),
        );
      })();
    },
  };
}
