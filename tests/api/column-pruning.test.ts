import {
  getNamedType,
  isLeafType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ACTOR_COLUMNS,
  CLAIM_COLUMNS,
  RELATIONSHIP_COLUMNS,
  SOURCE_COLUMNS,
} from '../../src/common/field-columns.js';
import { columnsFor, selectedFieldsByType } from '../../src/common/selection.js';
import { createLogger } from '../../src/logger.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let pruned: App;
let whole: App;

beforeAll(async () => {
  database = await createTestDatabase();
  const logger = createLogger('silent');
  // Column pruning serves the loader path; compiled reads select inside one statement.
  pruned = createApp({ db: database.db, logger, compiledReads: false });
  whole = createApp({ db: database.db, logger, columnPruning: false, compiledReads: false });
});
afterAll(() => database.close());

const ENTITIES = new Set(['Briefing', 'Claim', 'Source', 'Actor', 'ActorRelationship']);

/** A selection that makes the field's resolver run and shows everything it read. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const type: GraphQLNamedType = getNamedType(field.type);
  if (isLeafType(type)) return field.name;
  if (ENTITIES.has(type.name) || type.name.endsWith('Connection'))
    return `${field.name} { __typename }`;
  if (!isObjectType(type)) return `${field.name} { __typename }`;
  // A value object (span, quantity, valid time, alias…): every leaf it has.
  const leaves = Object.values(type.getFields())
    .filter(
      (f) =>
        isLeafType(getNamedType(f.type)) &&
        f.args.every((a) => a.defaultValue !== undefined || !a.type.toString().endsWith('!')),
    )
    .map((f) => f.name);
  return `${field.name} { __typename ${leaves.join(' ')} }`;
}

const CASES = [
  {
    type: 'Claim',
    map: CLAIM_COLUMNS.byField,
    query: (selection: string) =>
      `{ briefings(first: 5) { edges { node { claims(first: 50) { edges { node { ${selection} } } } } } } }`,
  },
  {
    type: 'Source',
    map: SOURCE_COLUMNS.byField,
    query: (selection: string) =>
      `{ claims(first: 50) { edges { node { citations { edges { node { source { ${selection} } } } } } } } }`,
  },
  {
    type: 'Actor',
    map: ACTOR_COLUMNS.byField,
    query: (selection: string) =>
      `{ claims(first: 50) { edges { node { objects { ${selection} } } } } }`,
  },
  {
    type: 'ActorRelationship',
    map: RELATIONSHIP_COLUMNS.byField,
    query: (selection: string) =>
      `{ actors(first: 30) { edges { node { relationships(first: 5) { edges { node { ${selection} } } } } } } }`,
  },
  {
    type: 'Actor',
    map: ACTOR_COLUMNS.byField,
    query: (selection: string) =>
      `{ actors(first: 30) { edges { node { relationships(first: 5) { edges { node { from { ${selection} } to { ${selection} } } } } } } } }`,
  },
];

describe('reading only the columns an operation needs', () => {
  it('lists every field of the pruned types, and nothing else', () => {
    for (const { type, map } of CASES) {
      const objectType = schema.getType(type);
      if (!isObjectType(objectType)) throw new Error(`${type} is not an object type`);
      expect(Object.keys(map).sort(), type).toEqual(Object.keys(objectType.getFields()).sort());
    }
  });

  for (const { type, map, query } of CASES) {
    it(`answers each ${type} field alone exactly as a whole-row read does (${query('…').slice(2, 40)}…)`, async () => {
      const objectType = schema.getType(type);
      if (!isObjectType(objectType)) throw new Error(`${type} is not an object type`);
      for (const name of Object.keys(map)) {
        const field = objectType.getFields()[name];
        if (!field) throw new Error(`${type}.${name} is not in the schema`);
        const document = query(selectionOf(field));
        const [fromPruned, fromWhole] = await Promise.all([
          graphql(pruned, document),
          graphql(whole, document),
        ]);
        expect(fromPruned.errors, `${type}.${name}`).toBeUndefined();
        expect(fromPruned.data, `${type}.${name}`).toEqual(fromWhole.data);
      }
    });
  }

  it('selects only the needed columns in the nested loads', async () => {
    database.statements.reset();
    await graphql(
      pruned,
      `
        {
          briefings(first: 3) {
            edges {
              node {
                claims(first: 5) {
                  edges {
                    node {
                      statement
                      citations {
                        edges {
                          node {
                            source {
                              title
                            }
                          }
                        }
                      }
                      objects {
                        name
                      }
                    }
                  }
                }
              }
            }
          }
        }
      `,
    );
    const statements = database.statements.sql.join('\n');
    expect(statements).toContain('"source"."title"');
    expect(statements).not.toContain('"source"."url"');
    expect(statements).toContain('"actor"."name"');
    expect(statements).not.toContain('"actor"."description"');
    expect(statements).toContain('"claim"."statement"');
    expect(statements).not.toContain('"claim"."quote"');
  });

  it('reads whole rows when a selected field is not listed, or outside an operation', () => {
    const source = (byField: Record<string, readonly string[]>) => ({
      typeName: 'Source',
      all: ['id', 'title', 'url'],
      always: ['id'],
      byField,
    });
    const all = ['id', 'title', 'url'];
    const map = { title: ['title'] };
    const selection = selectedFieldsByType(
      schema,
      parse('{ node(id: "x") { id ... on Source { title kind } } }'),
      null,
    );
    expect(selection.get('Source')).toEqual(new Set(['id', 'title', 'kind']));
    // `id` on the Node interface counts for every type implementing it.
    expect(selection.get('Actor')).toEqual(new Set(['id']));
    expect(columnsFor(selection, source({ ...map, id: [] }))).toEqual(all);
    expect(columnsFor(selection, source({ ...map, id: [], kind: [] }))).toEqual(['id', 'title']);
    expect(columnsFor(null, source(map))).toEqual(all);
  });
});
