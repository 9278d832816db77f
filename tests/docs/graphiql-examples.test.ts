import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_EXAMPLE_QUERIES } from '../../src/graphiql-default-query.js';
import type { App } from '../../src/yoga.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// GraphiQL opens with one tab per analyst question (issue 14 §6); each must run as it is, for
// an anonymous visitor, and answer something over the seed.
let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

function operationName(text: string): string {
  return /^query (\w+)/m.exec(text)?.[1] ?? '';
}

describe('GraphiQL example operations', () => {
  it('offers search, neighbourhood, timeline, corroboration, contradictions and changes', () => {
    expect(GRAPHIQL_EXAMPLE_QUERIES.map(operationName)).toEqual([
      'Search',
      'Neighbourhood',
      'Timeline',
      'Corroboration',
      'Contradictions',
      'Changes',
    ]);
  });

  it.each(GRAPHIQL_EXAMPLE_QUERIES.map((text) => [operationName(text), text]))(
    '%s runs anonymously over the seed and finds something',
    async (_name, text) => {
      const result = await graphql<Record<string, unknown>>(app, text);
      expect(result.errors).toBeUndefined();
      // Every example's answer holds at least one list item: none answers with nothing.
      expect(JSON.stringify(result.data)).toMatch(/"edges":\[\{/);
    },
  );
});
