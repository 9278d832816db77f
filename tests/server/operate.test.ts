import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRealServer, type RealServer } from '../helpers/real-server.js';
import { freePort } from '../helpers/server-process.js';

// What an operator sees of a real server process: its access log on stderr, its Prometheus
// endpoint over HTTP, and its shutdown with requests in flight (README "Operating briefgraph").

interface LogLine {
  level: string;
  msg: string;
  requestId?: string;
  [field: string]: unknown;
}

function logLines(output: string): LogLine[] {
  return output
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as LogLine);
}

/** The access line of `requestId`, once the asynchronous logger has written it. */
async function accessLine(real: RealServer, requestId: string): Promise<LogLine> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const line = logLines(real.server.output()).find(
      (each) => each.msg === 'request' && each.requestId === requestId,
    );
    if (line) return line;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`no access line for ${requestId} in:\n${real.server.output()}`);
}

async function post(
  real: RealServer,
  body: unknown,
  headers: Record<string, string> = {},
): Promise<{ status: number; headers: Headers; body: Record<string, unknown> }> {
  const response = await fetch(`${real.server.url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...headers },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    headers: response.headers,
    body: (await response.json()) as Record<string, unknown>,
  };
}

describe('a running server, as an operator sees it', () => {
  let real: RealServer;
  let metricsPort: number;

  beforeAll(async () => {
    metricsPort = await freePort();
    real = await startRealServer({
      LOG_LEVEL: 'info',
      METRICS_PORT: String(metricsPort),
      SHUTDOWN_TIMEOUT_MS: '2500',
    });
  });
  afterAll(async () => {
    await real.stop();
  });

  it('logs one line per request with its id, operation, caller and outcomes, never the key', async () => {
    const key = await real.key('analyst');
    const answer = await post(
      real,
      { query: 'query SeedTitle { briefings(first: 1) { totalCount } }' },
      { authorization: `Bearer ${key}`, 'x-request-id': 'trace-42.a' },
    );
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-request-id')).toBe('trace-42.a');
    expect(answer.headers.get('ratelimit-limit')).toBe('1200');
    expect(Number(answer.headers.get('ratelimit-remaining'))).toBeLessThan(1200);

    const line = await accessLine(real, 'trace-42.a');
    expect(line).toMatchObject({
      level: 'info',
      method: 'POST',
      path: '/graphql',
      status: 200,
      operationName: 'SeedTitle',
      operationType: 'query',
      role: 'analyst',
      rateLimit: 'allowed',
      cache: null,
      documentId: null,
    });
    expect(typeof line.keyId).toBe('number');
    expect(typeof line.durationMs).toBe('number');
    expect(real.server.output()).not.toContain(key);
    expect(real.server.output()).not.toContain(key.slice(3, 20));
  });

  it('replaces an unsafe x-request-id and puts the id in every error', async () => {
    const unsafe = await post(real, { query: '{ nope }' }, { 'x-request-id': 'a b"c' });
    const id = unsafe.headers.get('x-request-id') ?? '';
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    expect(unsafe.body).toMatchObject({
      errors: [{ extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: id } }],
    });
    expect(await accessLine(real, id)).toMatchObject({ errors: ['GRAPHQL_VALIDATION_FAILED'] });

    const long = await post(real, { query: '{ __typename }' }, { 'x-request-id': 'x'.repeat(129) });
    expect(long.headers.get('x-request-id')).not.toBe('x'.repeat(129));

    const refused = await post(
      real,
      { query: '{ __typename }' },
      { authorization: 'Bearer bg_wrong', 'x-request-id': 'refused-1' },
    );
    expect(refused.status).toBe(401);
    expect(refused.body).toMatchObject({
      errors: [{ extensions: { code: 'UNAUTHENTICATED', requestId: 'refused-1' } }],
    });

    const missing = await fetch(`${real.server.url}/nowhere`, {
      headers: { 'x-request-id': 'lost-1' },
    });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('x-request-id')).toBe('lost-1');
    expect(await missing.json()).toMatchObject({
      errors: [{ extensions: { code: 'NOT_FOUND', requestId: 'lost-1' } }],
    });
    expect(await accessLine(real, 'lost-1')).toMatchObject({ status: 404, path: '/nowhere' });
  });

  it('marks anonymous reads as response-cache misses then hits', async () => {
    const query = { query: '{ briefings(first: 2) { edges { node { title } } } }' };
    await post(real, query, { 'x-request-id': 'cache-1' });
    const hit = await post(real, query, { 'x-request-id': 'cache-2' });
    expect(hit.headers.get('x-cache')).toBe('HIT');
    expect(hit.headers.get('x-request-id')).toBe('cache-2');
    expect(hit.headers.get('ratelimit-limit')).toBe('300');
    expect(await accessLine(real, 'cache-1')).toMatchObject({ cache: 'miss', role: 'anonymous' });
    expect(await accessLine(real, 'cache-2')).toMatchObject({ cache: 'hit', status: 200 });
  });

  it('serves Prometheus metrics on the metrics port only', async () => {
    const scrape = await fetch(`http://127.0.0.1:${metricsPort}/metrics`);
    expect(scrape.status).toBe(200);
    const text = await scrape.text();
    for (const metric of [
      /^briefgraph_http_requests_total\{operation="\(ad hoc\)",type="query",outcome="ok"\} \d+/m,
      /^briefgraph_http_request_duration_seconds_bucket\{le="0\.1",type="query",outcome="ok"\} \d+/m,
      /^briefgraph_graphql_errors_total\{code="GRAPHQL_VALIDATION_FAILED"\} [1-9]/m,
      /^briefgraph_graphql_errors_total\{code="UNAUTHENTICATED"\} [1-9]/m,
      /^briefgraph_db_statement_duration_seconds_count\{database="primary",result="ok"\} [1-9]/m,
      /^briefgraph_db_pool_connections_in_use\{database="primary"\} \d+/m,
      /^briefgraph_db_pool_connections_idle\{database="primary"\} \d+/m,
      /^briefgraph_db_pool_waiting\{database="primary"\} \d+/m,
      /^briefgraph_response_cache_requests_total\{result="hit"\} [1-9]/m,
      // None open here; tests/sync/subscriptions.test.ts waits on it as subscriptions open and close.
      /^briefgraph_subscriptions_open 0$/m,
    ]) {
      expect(text).toMatch(metric);
    }
    expect((await fetch(`${real.server.url}/metrics`)).status).toBe(404);
  });

  // Last, on the same process: its shutdown with one request that finishes in time and one that
  // never would (one process for both: a server start is seconds of CPU).
  it('on SIGTERM stops accepting, finishes the request in flight, cuts off a stalled one at SHUTDOWN_TIMEOUT_MS and exits 0', async () => {
    // The helper's own connection to the server's embedded database would hold it open.
    await real.db.destroy();
    const body = JSON.stringify({ query: '{ briefings(first: 1) { totalCount } }' });
    const { port } = new URL(real.server.url);
    const open = (headers: Record<string, string | number>) =>
      httpRequest({ host: '127.0.0.1', port, path: '/graphql', method: 'POST', headers });
    // In flight: its body arrives in two parts, with the SIGTERM in between.
    const finished = open({
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      'x-request-id': 'in-flight-1',
    });
    const answer = new Promise<{ status: number; body: string }>((resolve, reject) => {
      finished.on('response', (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      });
      finished.on('error', reject);
    });
    finished.write(body.slice(0, 10));
    // Stalled: the client never sends the rest.
    const stalled = open({ 'content-type': 'application/json', 'content-length': 1000 });
    const cut = new Promise<string>((resolve) => {
      stalled.on('error', (error) => resolve(error.message));
      stalled.on('response', () => resolve('answered'));
    });
    stalled.write('{"query":');
    await new Promise((resolve) => setTimeout(resolve, 300));

    const started = Date.now();
    real.server.signal('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 500));
    // No longer accepting: a new connection is refused while the first request runs.
    await expect(fetch(`${real.server.url}/healthz`)).rejects.toThrow();
    finished.end(body.slice(10));
    const done = await answer;
    expect(done.status).toBe(200);
    expect(JSON.parse(done.body)).toMatchObject({ data: { briefings: { totalCount: 1 } } });

    expect(await real.server.exited()).toBe(0);
    // SHUTDOWN_TIMEOUT_MS is 2,500: the stalled request held the shutdown that long, no longer.
    expect(Date.now() - started).toBeGreaterThanOrEqual(2_400);
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await cut).not.toBe('answered');
    const lines = logLines(real.server.output()).map((line) => line.msg);
    expect(lines).toContain('received SIGTERM, shutting down');
    expect(lines.some((line) => line.includes('cut off'))).toBe(true);
    expect(lines.indexOf('shut down')).toBeGreaterThan(lines.lastIndexOf('request'));
  });
});
