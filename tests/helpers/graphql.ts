import type { ExecutionResult } from 'graphql';
import { createLogger, type Logger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { afterAll, beforeAll } from 'vitest';
import { createTestDatabase, type TestDatabase } from './test-database.js';

export interface GraphQLResponse<T> extends ExecutionResult<T> {
  status: number;
}

/** Records what the server logs, so tests can assert that unexpected errors are logged. */
export function createMemoryLogger(): Logger & {
  lines: { level: string; message: string; fields?: Record<string, unknown> }[];
} {
  const lines: { level: string; message: string; fields?: Record<string, unknown> }[] = [];
  const record = (level: string) => (message: string, fields?: Record<string, unknown>) => {
    lines.push({ level, message, fields });
  };
  return {
    lines,
    debug: record('debug'),
    info: record('info'),
    warn: record('warn'),
    error: record('error'),
  };
}

export function createTestApp(
  database: TestDatabase,
  logger: Logger = createLogger('silent'),
): App {
  return createApp({ db: database.db, logger });
}

/**
 * A seeded database and an app over it for the enclosing describe block: opened before its
 * tests, closed after. Read `database` and `app` inside the tests, once they are set.
 */
export function seededApp(): { database: TestDatabase; app: App } {
  const handle = {} as { database: TestDatabase; app: App };
  beforeAll(async () => {
    handle.database = await createTestDatabase({ seed: true });
    handle.app = createTestApp(handle.database);
  });
  afterAll(() => handle.database.close());
  return handle;
}

/** Sends one GraphQL request through the real Yoga handler (no port) and parses the answer. */
export async function graphql<T = Record<string, unknown>>(
  app: App,
  query: string,
  variables?: Record<string, unknown>,
  headers: Record<string, string> = {},
): Promise<GraphQLResponse<T>> {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/graphql-response+json',
      ...headers,
    },
    body: JSON.stringify({ query, variables }),
  });
  const body = (await response.json()) as ExecutionResult<T>;
  return { ...body, status: response.status };
}

/** Like graphql(), but fails the test on any error and returns `data`. */
export async function query<T = Record<string, unknown>>(
  app: App,
  text: string,
  variables?: Record<string, unknown>,
): Promise<T> {
  const result = await graphql<T>(app, text, variables);
  if (result.errors?.length || !result.data) {
    throw new Error(`expected data, got ${JSON.stringify(result.errors ?? result)}`);
  }
  return result.data;
}

/**
 * Runs a mutation with `headers` and returns its payload (`data[field]`), failing the test on
 * anything but a `…Success` payload.
 */
export async function mutateOk<T>(
  app: App,
  headers: Record<string, string>,
  field: string,
  text: string,
  variables: Record<string, unknown>,
): Promise<T> {
  const result = await graphql<Record<string, { __typename: string } & Record<string, unknown>>>(
    app,
    text,
    variables,
    headers,
  );
  const payload = result.data?.[field];
  if (!payload || !payload.__typename.endsWith('Success')) {
    throw new Error(`expected ${field} to succeed, got ${JSON.stringify(result)}`);
  }
  return payload as T;
}
