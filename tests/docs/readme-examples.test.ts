import { readFileSync } from 'node:fs';
import { getOperationAST, parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { schema } from '../../src/schema.js';
import type { App } from '../../src/yoga.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// README's GraphQL examples are what newcomers paste first: each must be valid against the
// schema, and each that needs no variables must run on the seed without an error.

const README = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
const examples = [...README.matchAll(/```graphql\n([\s\S]*?)```/g)].map((match) => match[1] ?? '');

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

describe('README examples', () => {
  it('has GraphQL examples', () => {
    expect(examples.length).toBeGreaterThan(3);
  });

  it.each(examples.map((text) => [text.split('\n', 1)[0] ?? '', text] as const))(
    'validates: %s',
    async (_title, text) => {
      const document = parse(text);
      expect(validate(schema, document).map((error) => error.message)).toEqual([]);
      const operation = getOperationAST(document);
      if (operation?.operation !== 'query' || operation.variableDefinitions?.length) return;
      const answer = await graphql(app, text);
      expect(answer.errors ?? []).toEqual([]);
    },
  );
});
