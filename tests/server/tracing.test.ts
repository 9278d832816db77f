import { createServer, type Server } from 'node:http';
import { SpanStatusCode } from '@opentelemetry/api';
import type { AddressInfo } from 'node:net';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { tracingPlugin } from '../../src/observability/tracing.js';
import { createApp, type App } from '../../src/yoga.js';
import { startRealServer } from '../helpers/real-server.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// README "Operating briefgraph": with OTEL_TRACING=on each GraphQL execution is a span, exported
// over OTLP/HTTP; variables and results never go into it.

const SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';

describe('execution spans', () => {
  let database: TestDatabase;
  let app: App;
  const exporter = new InMemorySpanExporter();

  beforeAll(async () => {
    database = await createTestDatabase();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    app = createApp({
      db: database.db,
      logger: createLogger('silent'),
      tracing: await tracingPlugin(provider),
    });
  });
  afterAll(async () => {
    await database.close();
  });

  async function post(body: unknown): Promise<number> {
    const response = await app.fetch('http://localhost/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    await response.text();
    return response.status;
  }

  it('names the operation and its type, and keeps the variables out', async () => {
    exporter.reset();
    const query = 'query BriefingTitle($slug: Slug!) { briefing(slug: $slug) { title } }';
    expect(await post({ query, variables: { slug: SLUG }, operationName: 'BriefingTitle' })).toBe(
      200,
    );
    const spans = exporter.getFinishedSpans();
    expect(spans.map((span) => span.name)).toEqual(['query.BriefingTitle']);
    expect(spans[0]?.attributes).toEqual({
      'graphql.execute.operationName': 'BriefingTitle',
      'graphql.execute.operationType': 'query',
      'graphql.execute.document': query,
    });
    expect(JSON.stringify(spans[0]?.attributes)).not.toContain(SLUG);
  });

  it('marks an execution with errors as failed, with the errors as an event', async () => {
    exporter.reset();
    await post({
      query:
        '{ node(id: "QnJpZWZpbmc6OTk5OTk5") { id } claims(first: 1, after: "x") { totalCount } }',
    });
    const [span] = exporter.getFinishedSpans();
    expect(span?.name).toBe('query.anonymous');
    expect(span?.status.code).toBe(SpanStatusCode.ERROR);
    expect(span?.events.map((event) => event.name)).toEqual(['exception']);
    expect(span?.events[0]?.attributes?.['exception.message']).toContain('INVALID_CURSOR');
  });
});

describe.runIf(!process.env.TEST_DATABASE_URL)('a server process with OTEL_TRACING=on', () => {
  let collector: Server;
  const received: { path: string; type: string; body: string }[] = [];

  beforeAll(async () => {
    collector = createServer((request, response) => {
      let body = '';
      request.setEncoding('utf8');
      request.on('data', (chunk: string) => (body += chunk));
      request.on('end', () => {
        received.push({
          path: request.url ?? '',
          type: request.headers['content-type'] ?? '',
          body,
        });
        response.writeHead(200, { 'content-type': 'application/json' }).end('{}');
      });
    });
    await new Promise<void>((resolve) => collector.listen(0, '127.0.0.1', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => collector.close(resolve));
  });

  it('exports its spans to the OTLP endpoint, the last ones as it shuts down', async () => {
    const { port } = collector.address() as AddressInfo;
    const real = await startRealServer({
      OTEL_TRACING: 'on',
      OTEL_SERVICE_NAME: 'briefgraph-test',
      OTEL_EXPORTER_OTLP_ENDPOINT: `http://127.0.0.1:${port}`,
    });
    try {
      const response = await fetch(`${real.server.url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: 'query Count { briefings { totalCount } }' }),
      });
      expect(response.status).toBe(200);
      await real.db.destroy();
      real.server.signal('SIGTERM');
      expect(await real.server.exited()).toBe(0);
    } finally {
      await real.stop();
    }
    expect(received.map((each) => [each.path, each.type])).toEqual([
      ['/v1/traces', 'application/json'],
    ]);
    const body = received[0]?.body ?? '';
    expect(body).toContain('"stringValue":"briefgraph-test"');
    expect(body).toContain('"name":"query.Count"');
  });
});
