import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import type { App } from '../../src/yoga.js';
import { insertActor } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
});
afterAll(() => database.close());

const SLUG = 'a slug of lower-case letters, digits and single hyphens (at most 120)';
const TYPE = 'a relationship type matching ^[a-z0-9-]+$ (at most 80), like requested-aid-from';
const COUNTRY = 'an ISO 3166-1 alpha-2 country code like VE';
const LANGUAGE = 'a BCP 47 language tag like es or pt-BR';
const CURRENCY = 'an ISO 4217 currency code like USD';
const QID = 'a Wikidata item id like Q717';

/** The one error a refused request answers, and that it answered no data. */
async function refusal(document: string, variables?: Record<string, unknown>) {
  const result = await graphql(app, document, variables, editor);
  expect(result.status).toBe(400);
  expect(result.data).toBeUndefined();
  expect(result.errors).toHaveLength(1);
  const [error] = result.errors ?? [];
  expect(error?.extensions?.code).toBe('BAD_USER_INPUT');
  return error?.message;
}

/** [scalar, argument or filter field with `$v` where the value goes, bad value, expected]. */
const READS: [string, string, string, string][] = [
  ['Slug!', 'briefing(slug: $v) { title }', 'Venezuela Aid', SLUG],
  ['Slug!', 'stixBundle(slug: $v)', 'a--b', SLUG],
  ['Slug!', 'briefings(filter: { tag: [$v] }) { totalCount }', 'Arms_Transfers', SLUG],
  ['Slug!', 'claims(filter: { predicate: [$v] }) { totalCount }', 'requested from', SLUG],
  [
    'Slug!',
    'actors(filter: { externalId: { scheme: $v, value: "1" } }) { totalCount }',
    'SIPRI',
    SLUG,
  ],
  [
    'RelationshipType!',
    'actorRelationships(filter: { type: [$v] }) { totalCount }',
    'Supplies',
    TYPE,
  ],
  [
    'RelationshipType!',
    'actor(wikidataQid: "Q1") { neighbourhood(types: [$v]) { totalCount } }',
    'Supplies',
    TYPE,
  ],
  ['CountryCode!', 'actors(filter: { country: [$v] }) { totalCount }', 'VEN', COUNTRY],
  ['CurrencyCode!', 'claims(filter: { currency: [$v] }) { totalCount }', 'usd', CURRENCY],
  ['WikidataQid!', 'actor(wikidataQid: $v) { name }', 'Q0717', QID],
];

describe('codes and slugs are checked where GraphQL reads them', () => {
  it.each(READS)(
    'refuses a bad %s literal and variable in %s',
    async (type, field, bad, expected) => {
      const literal = `{ ${field.replace('$v', JSON.stringify(bad))} }`;
      expect(await refusal(literal)).toBe(`expected ${expected}, got ${JSON.stringify(bad)}`);
      const variable = `query ($v: ${type}) { ${field} }`;
      expect(await refusal(variable, { v: bad })).toBe(
        `Variable "$v" got invalid value ${JSON.stringify(bad)}; expected ${expected}, got ${JSON.stringify(bad)}`,
      );
    },
  );

  it('names a literal of another kind as written, with its location', async () => {
    const result = await graphql(app, '{ briefing(slug: 42) { title } }');
    expect(result.errors).toEqual([
      {
        message: `expected ${SLUG}, got 42`,
        locations: [{ line: 1, column: 18 }],
        extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }) as unknown,
      },
    ]);
  });

  it('takes a Wikidata item id as typed, in its canonical form, and answers codes as stored', async () => {
    await insertActor(database.db, { name: 'Typed', wikidata_qid: 'Q4242', country: 'VE' });
    const data = await query<{ actor: { name: string; wikidataQid: string; country: string } }>(
      app,
      'query ($v: WikidataQid) { actor(wikidataQid: $v) { name wikidataQid country } }',
      { v: ' q4242 ' },
    );
    expect(data.actor).toEqual({ name: 'Typed', wikidataQid: 'Q4242', country: 'VE' });
    const seed = await query<{ briefing: { slug: string; language: string } }>(
      app,
      'query ($v: Slug!) { briefing(slug: $v) { slug language } }',
      { v: SEED_BRIEFING_SLUG },
    );
    expect(seed.briefing).toEqual({ slug: SEED_BRIEFING_SLUG, language: 'en' });
  });
});

const ACTOR = encodeGlobalId('Actor', 1);

/** [mutation, path to the bad value in `input`, input type, a valid input, bad value, expected]. */
const WRITES: [string, string, string, Record<string, unknown>, unknown, string][] = [
  [
    'createBriefing',
    'slug',
    'CreateBriefingInput',
    { slug: 'fine', title: 'T', body: 'B.' },
    'Not A Slug',
    SLUG,
  ],
  [
    'createBriefing',
    'language',
    'CreateBriefingInput',
    { slug: 'fine', title: 'T', body: 'B.' },
    'english',
    LANGUAGE,
  ],
  [
    'createBriefing',
    'tags[0].name',
    'CreateBriefingInput',
    { slug: 'fine', title: 'T', body: 'B.', tags: [{ kind: 'TOPIC', name: 'arms' }] },
    'Bad_Tag',
    SLUG,
  ],
  ['createActor', 'country', 'CreateActorInput', { kind: 'STATE', name: 'X' }, 've', COUNTRY],
  ['createActor', 'wikidataQid', 'CreateActorInput', { kind: 'STATE', name: 'X' }, 'Q0', QID],
  [
    'createActor',
    'aliases[0].language',
    'CreateActorInput',
    { kind: 'STATE', name: 'X', aliases: [{ name: 'Y', language: 'es' }] },
    'Spanish',
    LANGUAGE,
  ],
  [
    'createActor',
    'externalIds[0].scheme',
    'CreateActorInput',
    { kind: 'STATE', name: 'X', externalIds: [{ scheme: 'sipri', value: '1' }] },
    'Open Sanctions',
    SLUG,
  ],
  [
    'relateActors',
    'type',
    'RelateActorsInput',
    { fromId: ACTOR, toId: ACTOR, type: 'supplies' },
    'Supplies Arms',
    TYPE,
  ],
];

/** Sets `value` at `path` (as graphql-js prints it: `tags[0].name`) inside a copy of `input`. */
function withValue(input: Record<string, unknown>, path: string, value: unknown) {
  const keys = path.split(/[.[\]]+/).filter(Boolean);
  const copy = structuredClone(input);
  let target: Record<string, unknown> = copy;
  for (const key of keys.slice(0, -1)) target = target[key] as Record<string, unknown>;
  target[keys.at(-1) ?? ''] = value;
  return copy;
}

/** GraphQL literal text for a JSON value: object keys bare, and enum values (upper-case words, longer than a code). */
function literal(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(literal).join(', ')}]`;
  if (typeof value === 'object' && value !== null)
    return `{ ${Object.entries(value)
      .map(([key, v]) => `${key}: ${literal(v)}`)
      .join(', ')} }`;
  if (typeof value === 'string' && /^[A-Z]+$/.test(value) && value.length > 3) return value;
  return JSON.stringify(value);
}

async function writeCounts() {
  const counts = await Promise.all(
    (['briefing', 'actor', 'actor_relationship', 'audit_log'] as const).map((table) =>
      database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow(),
    ),
  );
  return counts.map(({ n }) => Number(n));
}

describe('codes and slugs are checked where GraphQL reads a write’s input', () => {
  it.each(WRITES)(
    'refuses %s with a bad input.%s, as a literal and a variable, and writes nothing',
    async (mutation, path, inputType, valid, bad, expected) => {
      const before = await writeCounts();
      const input = withValue(valid, path, bad);
      const got = JSON.stringify(bad);
      expect(
        await refusal(`mutation { ${mutation}(input: ${literal(input)}) { __typename } }`),
      ).toBe(`expected ${expected}, got ${got}`);
      expect(
        await refusal(
          `mutation ($input: ${inputType}!) { ${mutation}(input: $input) { __typename } }`,
          {
            input,
          },
        ),
      ).toBe(
        `Variable "$input" got invalid value ${got} at "input.${path}"; expected ${expected}, got ${got}`,
      );
      expect(await writeCounts()).toEqual(before);
    },
  );

  it('refuses a claim’s predicate and a quantity’s currency, and writes nothing', async () => {
    const briefingId = encodeGlobalId('Briefing', 1);
    const document =
      'mutation ($b: ID!, $input: AddClaimInput!) { addClaim(briefingId: $b, input: $input) { __typename } }';
    const claims = () =>
      database.db
        .selectFrom('claim')
        .select((eb) => eb.fn.countAll<string>().as('n'))
        .executeTakeFirstOrThrow();
    const before = await claims();
    const valid = { statement: 'S.', predicate: 'supplied' };
    expect(
      await refusal(document, { b: briefingId, input: { ...valid, predicate: 'Requested From' } }),
    ).toBe(
      `Variable "$input" got invalid value "Requested From" at "input.predicate"; expected ${SLUG}, got "Requested From"`,
    );
    const money = { qualifier: 'EXACT', value: 1, kind: 'MONEY', currency: 'dollars' };
    expect(
      await refusal(document, { b: briefingId, input: { ...valid, quantities: [money] } }),
    ).toBe(
      `Variable "$input" got invalid value "dollars" at "input.quantities[0].currency"; expected ${CURRENCY}, got "dollars"`,
    );
    expect(await claims()).toEqual(before);
  });
});
