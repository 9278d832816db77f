import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createApp, type App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createMemoryLogger, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Forged cursors, overflowing ids and numbers, and strings PostgreSQL cannot store are client
// mistakes: each gets its code and a clear message, and nothing is logged as a server error.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
const logger = createMemoryLogger();

const base64 = (text: string) => Buffer.from(text).toString('base64url');
const cursor = (payload: unknown) => base64(JSON.stringify(payload));
const globalId = (text: string) => base64(text);

const ODD_STRINGS: [string, string][] = [
  ['a NUL character', 'a\u0000b'],
  ['a lone high surrogate', 'a\uD800b'],
  ['a lone low surrogate', '\uDC00'],
  ['2,001 characters', 'x'.repeat(2001)],
];

/** Every root argument and filter field that takes free text and reaches SQL. */
const STRING_ARGUMENTS: [string, string][] = [
  ['briefing slug', 'query ($v: Slug!) { briefing(slug: $v) { title } }'],
  ['actor name', 'query ($v: String) { actors(filter: { name: $v }) { totalCount } }'],
  [
    'actor country',
    'query ($v: CountryCode!) { actors(filter: { country: [$v] }) { totalCount } }',
  ],
  ['briefing tag', 'query ($v: Slug!) { briefings(filter: { tag: [$v] }) { totalCount } }'],
  ['source publisher', 'query ($v: String) { sources(filter: { publisher: $v }) { totalCount } }'],
  ['claim predicate', 'query ($v: Slug!) { claims(filter: { predicate: [$v] }) { totalCount } }'],
  [
    'relationship type',
    'query ($v: RelationshipType!) { actorRelationships(filter: { type: [$v] }) { totalCount } }',
  ],
  ['audit actor', 'query ($v: String) { auditLog(filter: { actorName: $v }) { totalCount } }'],
  ['audit type', 'query ($v: String) { auditLog(filter: { entityType: $v }) { totalCount } }'],
  ['audit action', 'query ($v: String!) { auditLog(filter: { action: [$v] }) { totalCount } }'],
  ['persisted client', 'query ($v: String) { persistedOperations(clientName: $v) { documentId } }'],
  ['cursor', 'query ($v: String) { actors(after: $v) { totalCount } }'],
];

/** Every root connection, with the ordering its cursors must name and its key count. */
const CONNECTIONS: [string, string, number][] = [
  ['actors', 'NAME_ASC', 1],
  ['briefings', 'PUBLISHED_AT_DESC', 1],
  ['claims', 'BRIEFING_POSITION', 2],
  ['sources', 'TITLE_ASC', 1],
  ['actorRelationships', 'VALID_FROM_ASC', 1],
  ['auditLog', 'AT_DESC', 1],
];

/** Cursors that decode, but not to what this server writes (`k`: well-formed keys). */
const FORGED_CURSORS: [string, (o: string, k: string[]) => string][] = [
  ['a number as key', (o, k) => cursor({ o, k: [1, ...k.slice(1)], i: 1 })],
  ['an object as key', (o, k) => cursor({ o, k: [{ a: 1 }, ...k.slice(1)], i: 1 })],
  ['null keys', (o) => cursor({ o, k: null, i: 1 })],
  ['nested key arrays', (o, k) => cursor({ o, k: [k], i: 1 })],
  ['one key too many', (o, k) => cursor({ o, k: [...k, 'a'], i: 1 })],
  ['an extra field', (o, k) => cursor({ o, k, i: 1, x: 1 })],
  ['a missing id', (o, k) => cursor({ o, k })],
  ['an id past 2^63', (o, k) => cursor({ o, k, i: 2 ** 64 })],
  [
    'an id past 2^53',
    (o, k) => base64(`{"o":"${o}","k":${JSON.stringify(k)},"i":9007199254740993}`),
  ],
  ['a negative id', (o, k) => cursor({ o, k, i: -1 })],
  ['a zero id', (o, k) => cursor({ o, k, i: 0 })],
  ['a fractional id', (o, k) => cursor({ o, k, i: 1.5 })],
  ['a string id', (o, k) => cursor({ o, k, i: '1' })],
  ['1e309 as id', (o, k) => base64(`{"o":"${o}","k":${JSON.stringify(k)},"i":1e309}`)],
  ['NaN as id', (o, k) => base64(`{"o":"${o}","k":${JSON.stringify(k)},"i":NaN}`)],
  ['a NUL in a key', (o, k) => cursor({ o, k: ['a\u0000', ...k.slice(1)], i: 1 })],
  ['a lone surrogate in a key', (o, k) => cursor({ o, k: ['\uD800', ...k.slice(1)], i: 1 })],
  ['a 1,001-character key', (o, k) => cursor({ o, k: ['x'.repeat(1001), ...k.slice(1)], i: 1 })],
  ['another ordering', (_o, k) => cursor({ o: 'NOPE', k, i: 1 })],
  ['no JSON', () => base64('{{')],
  ['no base64', () => '!!'],
];

const ODD_IDS: [string, string][] = [
  ['an id past 2^63', globalId('Actor:9223372036854775808')],
  ['an id past 2^53', globalId('Actor:9007199254740993')],
  ['20 digits', globalId('Actor:99999999999999999999')],
  ['a zero id', globalId('Actor:0')],
  ['a negative id', globalId('Actor:-1')],
  ['NaN', globalId('Actor:NaN')],
  ['Infinity', globalId('Actor:Infinity')],
  ['1e309', globalId('Actor:1e309')],
  ['a NUL', 'QWN0b3I6\u0000'],
];

const ID_ARGUMENTS: [string, string][] = [
  ['node', 'query ($v: ID!) { node(id: $v) { id } }'],
  ['nodes', 'query ($v: ID!) { nodes(ids: [$v]) { id } }'],
  ['actor', 'query ($v: ID!) { actor(id: $v) { id } }'],
  ['claims by actor', 'query ($v: ID) { claims(filter: { actorId: $v }) { totalCount } }'],
  ['claims by briefing', 'query ($v: ID) { claims(filter: { briefingId: $v }) { totalCount } }'],
  ['briefings by author', 'query ($v: ID) { briefings(filter: { authorId: $v }) { totalCount } }'],
  [
    'briefings by actor',
    'query ($v: ID) { briefings(filter: { mentionsActorId: $v }) { totalCount } }',
  ],
  [
    'relationships by actor',
    'query ($v: ID) { actorRelationships(filter: { actorId: $v }) { totalCount } }',
  ],
  ['audit by entity', 'query ($v: ID) { auditLog(filter: { entityId: $v }) { totalCount } }'],
];

/** Numbers and dates outside what the argument's type holds. */
const ODD_VALUES: [string, string, unknown][] = [
  ['first past 2^31', 'query ($v: Int) { actors(first: $v) { totalCount } }', 2 ** 31],
  ['first fractional', 'query ($v: Int) { actors(first: $v) { totalCount } }', 1.5],
  ['first as "NaN"', 'query ($v: Int) { actors(first: $v) { totalCount } }', 'NaN'],
  ['last negative', 'query ($v: Int) { claims(last: $v) { totalCount } }', -1],
  [
    'confidence past 100',
    'query ($v: Int) { claims(filter: { minConfidence: $v }) { totalCount } }',
    2 ** 31 - 1,
  ],
  [
    'confidence below 0',
    'query ($v: Int) { claims(filter: { minConfidence: $v }) { totalCount } }',
    -(2 ** 31),
  ],
  [
    'year 0',
    'query ($v: Date) { actorRelationships(filter: { asOf: $v }) { totalCount } }',
    '0000-01-01',
  ],
  [
    'a negative year',
    'query ($v: DateTime) { briefings(filter: { publishedFrom: $v }) { totalCount } }',
    '-000001-01-01T00:00:00Z',
  ],
  [
    'February 30',
    'query ($v: Date!) { claims(filter: { validDuring: { from: $v } }) { totalCount } }',
    '2006-02-30',
  ],
];

interface Answer {
  status: number;
  codes: (string | undefined)[];
  messages: string[];
}

async function ask(query: string, variables: Record<string, unknown> = {}): Promise<Answer> {
  const result = await graphql(app, query, variables, editor);
  return {
    status: result.status,
    codes: (result.errors ?? []).map((e) => e.extensions?.code as string | undefined),
    messages: (result.errors ?? []).map((e) => e.message),
  };
}

function expectClientError(answer: Answer, code: string, message: RegExp) {
  expect(answer.status).toBeLessThan(500);
  expect(answer.codes).toEqual([code]);
  expect(answer.messages.join('\n')).toMatch(message);
  expect(answer.messages.join('\n')).not.toMatch(/Unexpected error/);
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ db: database.db, logger, config: loadConfig({}) });
  // An editor with full clearance reaches every root field, the audit log included.
  editor = bearer(await createKey(database, 'admin', { clearance: 'RED' }));
});
beforeEach(() => {
  logger.lines.length = 0;
});
afterAll(() => database.close());

function expectNothingLogged() {
  expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
}

describe('strings PostgreSQL cannot store, or too long for a read', () => {
  it.each(STRING_ARGUMENTS)('are refused in the %s', async (_name, query) => {
    for (const [label, value] of ODD_STRINGS) {
      const answer = await ask(query, { v: value });
      expect(answer.codes, `${label}: ${answer.messages.join()}`).toHaveLength(1);
      expect(['BAD_USER_INPUT', 'INVALID_CURSOR']).toContain(answer.codes[0]);
      expect(answer.status).toBeLessThan(500);
    }
    expectNothingLogged();
  });

  it('are refused as literals in the document, and in mutation inputs', async () => {
    expectClientError(
      await ask('{ actors(filter: { name: "a\\u0000b" }) { totalCount } }'),
      'BAD_USER_INPUT',
      /expected text PostgreSQL can store of at most 2000 characters, got a NUL character \(U\+0000\) in a string of the document/,
    );
    expectClientError(
      await ask('query ($v: String) { actors(filter: { name: $v }) { totalCount } }', {
        v: 'x'.repeat(2001),
      }),
      'BAD_USER_INPUT',
      /got 2001 characters, over the 2000 a read takes in variable \$v/,
    );
    const before = await database.db
      .selectFrom('actor')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    const mutation = await ask(
      'mutation ($input: CreateActorInput!) { createActor(input: $input) { __typename } }',
      { input: { kind: 'PERSON', name: 'Nul\u0000Person' } },
    );
    expectClientError(
      mutation,
      'BAD_USER_INPUT',
      /got a NUL character \(U\+0000\) in variable \$input/,
    );
    const after = await database.db
      .selectFrom('actor')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
    expectNothingLogged();
  });

  it('holds a document’s literals to the limit of the operation run, every time', async () => {
    // One document text (one parsed document), a long literal in a read and in a write.
    const long = 'x'.repeat(2500);
    const document = `query Read { actors(filter: { name: "${long}" }) { totalCount } }
      mutation Write {
        createActor(input: { kind: PERSON, name: "Literal Person", description: "${long}" }) {
          __typename
        }
      }`;
    const run = async (operationName: string) => {
      const response = await app.fetch('http://briefgraph.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...editor },
        body: JSON.stringify({ query: document, operationName }),
      });
      return (await response.json()) as { data?: unknown; errors?: { message: string }[] };
    };
    for (const operationName of ['Read', 'Write', 'Read']) {
      const answer = await run(operationName);
      if (operationName === 'Read') {
        expect(answer.errors?.map((e) => e.message)).toEqual([
          'expected text PostgreSQL can store of at most 2000 characters, got 2500 characters, over the 2000 a read takes in a string of the document',
        ]);
      } else {
        expect(answer).toEqual({ data: { createActor: { __typename: 'CreateActorSuccess' } } });
      }
    }
    expectNothingLogged();
  });

  it('bounds reads at MAX_READ_STRING_LENGTH', async () => {
    const tighter = createApp({
      db: database.db,
      logger,
      config: loadConfig({ MAX_READ_STRING_LENGTH: '1500' }),
    });
    const query = 'query ($v: String) { actors(filter: { name: $v }) { totalCount } }';
    const at = await graphql(tighter, query, { v: 'x'.repeat(1500) }, editor);
    expect(at.errors).toBeUndefined();
    expect(at.data).toEqual({ actors: { totalCount: 0 } });
    const over = await graphql(tighter, query, { v: 'x'.repeat(1501) }, editor);
    expect(over.errors?.map((e) => [e.extensions?.code, e.message])).toEqual([
      [
        'BAD_USER_INPUT',
        'expected text PostgreSQL can store of at most 1500 characters, got 1501 characters, over the 1500 a read takes in variable $v',
      ],
    ]);
    expectNothingLogged();
  });
});

describe('forged cursors', () => {
  it.each(CONNECTIONS)('are refused by %s', async (connection, ordering, keyCount) => {
    const query = `query ($v: String) { ${connection}(after: $v) { totalCount } }`;
    const keys = Array.from({ length: keyCount }, () => '1');
    for (const [label, forge] of FORGED_CURSORS) {
      const answer = await ask(query, { v: forge(ordering, keys) });
      expect(answer.codes, `${label}: ${answer.messages.join()}`).toEqual(['INVALID_CURSOR']);
      expect(answer.messages[0]).toMatch(/^expected `after` to be a cursor/);
    }
    expectNothingLogged();
  });

  it('with keys the database cannot read as the key’s type are client errors', async () => {
    // Well formed, but `briefing_id`/`position` are integers and `published_at` a timestamp.
    for (const [query, forged] of [
      [
        'query ($v: String) { claims(after: $v) { totalCount edges { cursor } } }',
        cursor({ o: 'BRIEFING_POSITION', k: ['abc', '1'], i: 1 }),
      ],
      [
        'query ($v: String) { claims(after: $v) { edges { cursor } } }',
        cursor({ o: 'BRIEFING_POSITION', k: ['99999999999999999999', '1'], i: 1 }),
      ],
      [
        'query ($v: String) { briefings(after: $v) { edges { cursor } } }',
        cursor({ o: 'PUBLISHED_AT_DESC', k: ['not a date'], i: 1 }),
      ],
      [
        'query ($v: String) { briefings(before: $v) { edges { cursor } } }',
        cursor({ o: 'PUBLISHED_AT_DESC', k: ['2025-13-45 99:00:00+00'], i: 1 }),
      ],
    ] as const) {
      expectClientError(
        await ask(query, { v: forged }),
        'BAD_USER_INPUT',
        /^expected values the database can read, got one it refused: /,
      );
    }
    expectNothingLogged();
  });
});

describe('ids out of range', () => {
  it.each(ID_ARGUMENTS)('are refused by %s', async (_name, query) => {
    for (const [label, id] of ODD_IDS) {
      const answer = await ask(query, { v: id });
      expect(answer.codes, `${label}: ${answer.messages.join()}`).toHaveLength(1);
      // A NUL is refused before the id is read; every other one as an id.
      expect(answer.codes[0]).toBe(label === 'a NUL' ? 'BAD_USER_INPUT' : 'INVALID_ID');
      expect(answer.status).toBeLessThan(500);
    }
    expectNothingLogged();
  });
});

describe('numbers and dates out of range', () => {
  it.each(ODD_VALUES)('are refused: %s', async (_label, query, value) => {
    const answer = await ask(query, { v: value });
    expect(answer.codes).toEqual(['BAD_USER_INPUT']);
    expect(answer.status).toBeLessThan(500);
    expectNothingLogged();
  });
});
