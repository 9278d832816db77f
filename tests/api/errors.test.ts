import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isObjectType } from 'graphql';
import { encodeGlobalId, NODE_TYPENAMES } from '../../src/common/global-id.js';
import { schema } from '../../src/schema.js';
import type { App } from '../../src/yoga.js';
import { createMemoryLogger, createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

describe('client mistakes get a GraphQL error with a code', () => {
  it.each([
    [
      'a global id that is not base64 of Type:id',
      '{ claims(filter: { briefingId: "not an id!" }) { totalCount } }',
      'INVALID_ID',
    ],
    [
      'a global id whose database id is not a number',
      `{ claims(filter: { actorId: "${Buffer.from('Actor:abc').toString('base64url')}" }) { totalCount } }`,
      'INVALID_ID',
    ],
    [
      'a malformed cursor',
      '{ claims(first: 2, after: "garbage") { totalCount } }',
      'INVALID_CURSOR',
    ],
    [
      'a cursor that decodes but is not ours',
      `{ claims(after: "${Buffer.from('{"x":1}').toString('base64url')}") { totalCount } }`,
      'INVALID_CURSOR',
    ],
    [
      'minConfidence above 100',
      '{ claims(filter: { minConfidence: 101 }) { totalCount } }',
      'BAD_USER_INPUT',
    ],
    [
      'minConfidence below 0',
      '{ claims(filter: { minConfidence: -1 }) { totalCount } }',
      'BAD_USER_INPUT',
    ],
    ['a negative page size', '{ actors(first: -1) { totalCount } }', 'BAD_USER_INPUT'],
    ['first and last together', '{ actors(first: 1, last: 1) { totalCount } }', 'BAD_USER_INPUT'],
    [
      'a reversed date range',
      '{ claims(filter: { validDuring: { from: "2008-01-01", to: "2006-01-01" } }) { totalCount } }',
      'BAD_USER_INPUT',
    ],
  ])('%s', async (_name, text, code) => {
    const result = await graphql(app, text);
    expect(result.status).toBe(200);
    expect(result.data).toBeNull();
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.extensions?.code).toBe(code);
    expect(result.errors?.[0]?.message).toMatch(/^expected /);
  });

  it('reports a malformed node id on the node field, which stays null', async () => {
    const result = await graphql(app, '{ node(id: "not an id!") { id } }');
    expect(result.data).toEqual({ node: null });
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    expect(result.errors?.[0]?.path).toEqual(['node']);
  });

  it('answers INVALID_ID for an id of a type node(id:) does not answer', async () => {
    for (const typename of ['Citation', 'Foo']) {
      const id = encodeGlobalId(typename, 1);
      const one = await graphql(app, `{ node(id: "${id}") { id } }`);
      expect(one.data).toEqual({ node: null });
      expect(one.errors?.map((error) => [error.path, error.extensions?.code])).toEqual([
        [['node'], 'INVALID_ID'],
      ]);
      expect(one.errors?.[0]?.message).toContain(`got the id of a ${typename}`);
      const many = await graphql(app, `{ nodes(ids: ["${id}"]) { id } }`);
      expect(many.errors?.[0]?.extensions?.code).toBe('INVALID_ID');
    }
  });

  it('knows every type the schema says implements Node', () => {
    const nodeTypes = Object.values(schema.getTypeMap())
      .filter((type) => isObjectType(type) && type.getInterfaces().some((i) => i.name === 'Node'))
      .map((type) => type.name)
      .sort();
    expect([...NODE_TYPENAMES].sort()).toEqual(nodeTypes);
  });

  it('refuses an impossible date literal before execution, with HTTP 400', async () => {
    const result = await graphql(
      app,
      '{ claims(filter: { validDuring: { from: "2006-02-30" } }) { totalCount } }',
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toContain(
      'expected a Date as YYYY-MM-DD, got "2006-02-30"',
    );
  });

  it('refuses an impossible date in variables, with HTTP 400 and a code', async () => {
    const result = await graphql(
      app,
      'query($d: Date) { claims(filter: { validDuring: { from: $d } }) { totalCount } }',
      { d: '2006-13-01' },
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toContain(
      'expected a Date as YYYY-MM-DD, got "2006-13-01"',
    );
  });

  it('names the cursor the client sent under another orderBy', async () => {
    const first = await graphql<{ actors: { pageInfo: { endCursor: string } } }>(
      app,
      '{ actors(first: 1) { pageInfo { endCursor } } }',
    );
    const cursor = first.data?.actors.pageInfo.endCursor;
    const result = await graphql(
      app,
      `{ actors(first: 1, after: "${cursor}", orderBy: CREATED_AT_DESC) { totalCount } }`,
    );
    expect(result.errors?.[0]?.message).toBe(
      'expected `after` to be a cursor for orderBy CREATED_AT_DESC, got one for NAME_ASC',
    );
    expect(result.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('rejects a filter id of the wrong type', async () => {
    const claimId = encodeGlobalId('Claim', 1);
    const result = await graphql(
      app,
      'query($id: ID!) { claims(filter: { actorId: $id }) { totalCount } }',
      { id: claimId },
    );
    expect(result.errors?.[0]).toMatchObject({
      message: 'expected `filter.actorId` to be the id of an Actor, got the id of a Claim',
      extensions: { code: 'INVALID_ID', argument: 'filter.actorId' },
    });
  });

  it('answers a bad enum value with HTTP 400 and GRAPHQL_VALIDATION_FAILED', async () => {
    const result = await graphql(app, '{ claims(orderBy: LOUDEST_FIRST) { totalCount } }');
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('answers a bad enum value in variables with HTTP 400', async () => {
    const result = await graphql(
      app,
      'query($s: [ClaimStatus!]) { claims(filter: { status: $s }) { totalCount } }',
      { s: ['MAYBE'] },
    );
    expect(result.status).toBe(400);
    expect(result.errors?.[0]?.message).toContain(
      'Value "MAYBE" does not exist in "ClaimStatus" enum',
    );
  });
});

describe('what does not exist is null, not an error', () => {
  it('returns null for an unknown slug, node id and actor id', async () => {
    const result = await graphql(
      app,
      `{
      briefing(slug: "no-such-briefing") { id }
      node(id: "${encodeGlobalId('Claim', 999999)}") { id }
      actor(id: "${encodeGlobalId('Actor', 999999)}") { id }
      wrongType: actor(id: "${encodeGlobalId('Claim', 1)}") { id }
      nodes(ids: ["${encodeGlobalId('Source', 999999)}"]) { id }
    }`,
    );
    expect(result.errors).toBeUndefined();
    expect(result.data).toEqual({
      briefing: null,
      node: null,
      actor: null,
      wrongType: null,
      nodes: [null],
    });
  });
});

describe('unexpected errors', () => {
  it('are masked in the response and logged with their cause', async () => {
    const broken = await createTestDatabase({ seed: false });
    const logger = createMemoryLogger();
    const brokenApp = createTestApp(broken, logger);
    await broken.close();
    const result = await graphql(brokenApp, '{ actors { totalCount } }');
    expect(result.errors).toHaveLength(1);
    expect(result.errors?.[0]?.message).toBe('Unexpected error.');
    expect(JSON.stringify(result)).not.toMatch(/select|actor\b.*from|stack|pool/i);
    expect(logger.lines.filter((line) => line.level === 'error')).toHaveLength(1);
    const [logged] = logger.lines.filter((line) => line.level === 'error');
    expect(logged?.message).toBe('unexpected error while executing a request');
    expect(logged?.fields?.error).toContain('driver has already been destroyed');
  });
});
