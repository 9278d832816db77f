import { expect } from 'vitest';
import type { Database } from '../../src/db/database.js';
import type { App } from '../../src/yoga.js';
import { graphql } from './graphql.js';

// For tests of the audit log's as-of records: instants taken from the log itself, and writes
// through the API that must succeed.

/** Just after the last write: the log keeps microseconds, a Date milliseconds. */
export async function afterLastWrite(db: Database): Promise<string> {
  const row = await db
    .selectFrom('audit_log')
    .select((eb) => eb.fn.max('at').as('at'))
    .executeTakeFirstOrThrow();
  const at = new Date(row.at as Date);
  // The next write starts later than this instant.
  await new Promise((resolve) => setTimeout(resolve, 10));
  return new Date(at.getTime() + 1).toISOString();
}

/** Runs a mutation as `headers`' caller; returns the record it wrote (its id and version). */
export async function writeAs(
  app: App,
  headers: Record<string, string>,
  document: string,
  variables: Record<string, unknown>,
): Promise<{ id: string; version: number }> {
  const result = await graphql<Record<string, { __typename: string } & Record<string, unknown>>>(
    app,
    document,
    variables,
    headers,
  );
  expect(result.errors).toBeUndefined();
  const payload = Object.values(result.data ?? {})[0];
  expect(payload?.__typename).toMatch(/Success$/);
  const record = Object.values(payload ?? {}).find((value) => typeof value === 'object');
  return (record ?? { id: '', version: 0 }) as { id: string; version: number };
}
