import {
  GraphQLObjectType,
  GraphQLSchema,
  GraphQLString,
  getNamedType,
  getNullableType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type GraphQLField,
  type GraphQLNamedType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { SOURCE_COLUMNS } from '../../src/common/field-columns.js';
import { columnsFor, selectedFieldsByType } from '../../src/common/selection.js';
import { columnsOfField } from '../../src/compiled/columns.js';
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

function objectTypeOf(name: string): GraphQLObjectType {
  const type = schema.getType(name);
  if (!isObjectType(type)) throw new Error(`${name} is not an object type`);
  return type;
}

const ENTITIES = new Set(['Briefing', 'Claim', 'Source', 'Actor', 'ActorRelationship']);

/** The field's required arguments, at a value each allows (an instant for `at`). */
function requiredArgs(field: GraphQLField<unknown, unknown>): string {
  const args = field.args
    .filter((arg) => isNonNullType(arg.type) && arg.defaultValue === undefined)
    .map((arg) => {
      if (getNullableType(arg.type).toString() === 'DateTime')
        return `${arg.name}: "2100-01-01T00:00:00Z"`;
      throw new Error(`no test value for ${field.name}(${arg.name})`);
    });
  return args.length ? `(${args.join(', ')})` : '';
}

/** A selection that makes the field's resolver run and shows everything it read. */
function selectionOf(field: GraphQLField<unknown, unknown>): string {
  const type: GraphQLNamedType = getNamedType(field.type);
  if (isLeafType(type)) return field.name;
  if (ENTITIES.has(type.name) || type.name.endsWith('Connection'))
    return `${field.name}${requiredArgs(field)} { __typename }`;
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
    query: (selection: string) =>
      `{ briefings(first: 5) { edges { node { claims(first: 50) { edges { node { ${selection} } } } } } } }`,
  },
  {
    type: 'Source',
    query: (selection: string) =>
      `{ claims(first: 50) { edges { node { citations { edges { node { source { ${selection} } } } } } } } }`,
  },
  {
    type: 'Actor',
    query: (selection: string) =>
      `{ claims(first: 50) { edges { node { objects { ${selection} } } } } }`,
  },
  {
    type: 'ActorRelationship',
    query: (selection: string) =>
      `{ actors(first: 30) { edges { node { relationships(first: 5) { edges { node { ${selection} } } } } } } }`,
  },
  {
    type: 'Actor',
    query: (selection: string) =>
      `{ actors(first: 30) { edges { node { relationships(first: 5) { edges { node { from { ${selection} } to { ${selection} } } } } } } } }`,
  },
];

/** Where a case's query puts the selection, to find it in the query's text. */
const MARK = '@selection@';

/** The fields leading to each place `MARK` stands in `document` (arguments left out). */
function pathsTo(document: string): string[][] {
  const paths: string[][] = [];
  const stack: string[] = [];
  let last = '';
  for (const token of document.replace(/\([^)]*\)/g, '').match(/[{}]|[^\s{}]+/g) ?? []) {
    if (token === '{') stack.push(last);
    else if (token === '}') stack.pop();
    else if (token === MARK) paths.push(stack.slice(1));
    else last = token;
  }
  return paths;
}

/** `data` with only `name` kept where the selection was (lists followed item by item). */
function onlyField(data: unknown, paths: string[][], name: string): unknown {
  const prune = (value: unknown, path: string[], depth: number): unknown => {
    if (Array.isArray(value)) return value.map((item) => prune(item, path, depth));
    if (value === null || typeof value !== 'object') return value;
    const record = value as Record<string, unknown>;
    if (depth === path.length) return { [name]: record[name] };
    const key = path[depth] ?? '';
    return { ...record, [key]: prune(record[key], path, depth + 1) };
  };
  return paths.reduce((pruned, path) => prune(pruned, path, 0), data);
}

describe('reading only the columns an operation needs', () => {
  it('knows the columns of every field of the pruned types, from the fields themselves', () => {
    for (const { type } of CASES) {
      const fields = Object.values(objectTypeOf(type).getFields());
      const undeclared = fields.filter((field) => columnsOfField(field) === null);
      expect(
        undeclared.map((field) => field.name),
        type,
      ).toEqual([]);
    }
  });

  for (const { type, query } of CASES) {
    it(`answers each ${type} field alone exactly as a whole-row read does (${query('…').slice(2, 40)}…)`, async () => {
      const fields = Object.values(objectTypeOf(type).getFields());
      // Whole rows answer a field the same whatever else is selected: one read of every field
      // is the reference for each field read alone (a read per field doubled the file's time).
      const fromWhole = await graphql(whole, query(fields.map(selectionOf).join(' ')));
      expect(fromWhole.errors).toBeUndefined();
      const paths = pathsTo(query(MARK));
      for (const field of fields) {
        const { name } = field;
        const fromPruned = await graphql(pruned, query(selectionOf(field)));
        expect(fromPruned.errors, `${type}.${name}`).toBeUndefined();
        expect(fromPruned.data, `${type}.${name}`).toEqual(onlyField(fromWhole.data, paths, name));
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

  it('reads whole rows when a selected field declares nothing, or outside an operation', () => {
    const selection = selectedFieldsByType(
      schema,
      parse('{ node(id: "x") { id ... on Source { title kind } } }'),
      null,
    );
    expect(selection.byType.get('Source')).toEqual(new Set(['id', 'title', 'kind']));
    // `id` on the Node interface counts for every type implementing it.
    expect(selection.byType.get('Actor')).toEqual(new Set(['id']));
    expect(columnsFor(selection, SOURCE_COLUMNS)).toEqual(['id', 'kind', 'title']);
    expect(columnsFor(null, SOURCE_COLUMNS)).toEqual(SOURCE_COLUMNS.all);
    // A field without a declaration (added later, say) makes its rows whole.
    const undeclared = new GraphQLSchema({
      query: new GraphQLObjectType({
        name: 'Source',
        fields: {
          title: { type: GraphQLString, extensions: { pothosExposedField: 'title' } },
          mystery: { type: GraphQLString },
        },
      }),
    });
    const pick = (fields: string[]) => ({
      schema: undeclared,
      byType: new Map([['Source', new Set(fields)]]),
    });
    expect(columnsFor(pick(['title']), SOURCE_COLUMNS)).toEqual(['id', 'title']);
    expect(columnsFor(pick(['title', 'mystery']), SOURCE_COLUMNS)).toEqual(SOURCE_COLUMNS.all);
  });
});
