import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getNullableType, isNonNullType, isObjectType, type GraphQLField } from 'graphql';
import { schema } from '../../src/schema.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A bad cursor on a nested list is that list's error: the list is null, its parent and the
// parent's other fields are still answered (README "Errors"). Every nested list of the schema,
// found by its `after` argument, on both read paths (compiled and loaders).

const SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';

/** A root read reaching one record of each type that has nested lists, in the seed. */
const PARENTS: Record<string, (selection: string) => string> = {
  Actor: (s) => `{ actors(first: 1, orderBy: NAME_ASC) { edges { node { ${s} } } } }`,
  Briefing: (s) => `{ briefing(slug: "${SLUG}") { ${s} } }`,
  Claim: (s) => `{ claims(first: 1) { edges { node { ${s} } } } }`,
  Source: (s) => `{ sources(first: 1) { edges { node { ${s} } } } }`,
  ActorRelationship: (s) => `{ actorRelationships(first: 1) { edges { node { ${s} } } } }`,
  // The record has no id of its own: the briefing's stands for it.
  BriefingRecordAsOf: (s) =>
    `{ briefing(slug: "${SLUG}", asOf: "2100-01-01T00:00:00Z") { id recordAsOf { ${s.replace(/^id /, 'at ')} } } }`,
};

const nestedLists = Object.values(schema.getTypeMap())
  .filter(isObjectType)
  .filter((type) => !['Query', 'Mutation'].includes(type.name))
  .flatMap((type) =>
    Object.values(type.getFields())
      .filter((field) => field.args.some((arg) => arg.name === 'after'))
      .map((field) => ({ type: type.name, field })),
  );

/** The field's required arguments, at the smallest value each allows. */
function requiredArgs(field: GraphQLField<unknown, unknown>): string {
  return field.args
    .filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)
    .map((arg) => {
      const type = getNullableType(arg.type).toString();
      if (type === 'Int') return `${arg.name}: 1`;
      if (type === 'DateTime') return `${arg.name}: "2100-01-01T00:00:00Z"`;
      throw new Error(`no test value for ${field.name}(${arg.name}: ${type})`);
    })
    .join(', ');
}

let database: TestDatabase;
let editor: string;

beforeAll(async () => {
  database = await createTestDatabase();
  editor = await createKey(database, 'editor');
});
afterAll(async () => {
  await database.close();
});

describe.each([
  ['compiled reads', true],
  ['loaders', false],
])('a bad cursor on a nested list (%s)', (_path, compiledReads) => {
  let app: App;
  beforeAll(() => {
    app = createApp({ db: database.db, logger: createLogger('silent'), compiledReads });
  });

  it('covers every nested list of the schema', () => {
    expect(nestedLists.map(({ type }) => type).filter((type) => !(type in PARENTS))).toEqual([]);
    expect(nestedLists.length).toBeGreaterThanOrEqual(13);
  });

  it.each(nestedLists.map(({ type, field }) => [`${type}.${field.name}`, type, field] as const))(
    '%s is null with INVALID_CURSOR, its parent answered',
    async (_name, type, field) => {
      const args = [requiredArgs(field), 'first: 1', 'after: "not-a-cursor"']
        .filter(Boolean)
        .join(', ');
      const query = PARENTS[type]?.(`id ${field.name}(${args}) { __typename }`) ?? '';
      const result = await graphql(app, query, {}, bearer(editor));
      expect(result.errors?.map((error) => error.extensions?.code)).toEqual(['INVALID_CURSOR']);
      expect(result.errors?.[0]?.path?.at(-1)).toBe(field.name);
      const parent = JSON.stringify(result.data);
      expect(parent).toMatch(/"id":"[^"]+"/);
      expect(parent).toContain(`"${field.name}":null`);
    },
  );
});
