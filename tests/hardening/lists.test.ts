import {
  getNamedType,
  isInterfaceType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLError,
  type GraphQLOutputType,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_STATISTICS_GROUPS } from '../../src/claims/claim-statistics.schema.js';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { LIST_CAPS } from '../../src/common/list-caps.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Point 2 of issue #10: every list that can grow is a capped, keyset-paged connection; the
// small fixed lists have a hard cap on write and read; nodes(ids:) is capped; and an answer
// too large to send is refused instead of built.

let database: TestDatabase;
let app: App;
let analystAmber: Record<string, string>;
let editorAmber: Record<string, string>;
let seedBriefingId: number;
let venezuelaId: number;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  analystAmber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
  editorAmber = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  const seed = await database.db
    .selectFrom('briefing')
    .select('id')
    .where('slug', '=', SEED_BRIEFING_SLUG)
    .executeTakeFirstOrThrow();
  seedBriefingId = seed.id;
  const venezuela = await database.db
    .selectFrom('actor')
    .select('id')
    .where('name', '=', 'Venezuela')
    .executeTakeFirstOrThrow();
  venezuelaId = venezuela.id;
});
afterAll(() => database.close());

function listTypeOf(type: GraphQLOutputType): boolean {
  return isListType(isNonNullType(type) ? type.ofType : type);
}

/** The small lists that stay lists: each with its cap (README "Cost and size limits"). */
const CAPPED_LISTS: Record<string, number> = {
  'Actor.aliases': LIST_CAPS.actorAliases,
  'Actor.externalIds': LIST_CAPS.actorExternalIds,
  'Briefing.authors': LIST_CAPS.briefingAuthors,
  'Briefing.media': LIST_CAPS.briefingMedia,
  'Briefing.tags': LIST_CAPS.briefingTags,
  'Claim.objects': LIST_CAPS.claimObjects,
  'Claim.quantities': LIST_CAPS.claimQuantities,
  'Claim.dates': LIST_CAPS.claimDates,
  'Source.derivationChain': LIST_CAPS.derivationChain,
  'Source.actors': LIST_CAPS.sourceActors,
  'Claim.participants': LIST_CAPS.participants,
  'ActorRelationship.participants': LIST_CAPS.participants,
  // Briefing.recordAsOf: the same lists as they stood, under the same caps.
  'ClaimAsOf.quantities': LIST_CAPS.claimQuantities,
  'ClaimAsOf.dates': LIST_CAPS.claimDates,
  'ClaimAsOf.participants': LIST_CAPS.participants,
  'SourceAsOf.actors': LIST_CAPS.sourceActors,
  // Actor.relationshipsRecordAsOf: a relationship's participants as they stood.
  'ActorRelationshipAsOf.participants': LIST_CAPS.participants,
  'Query.nodes': LIST_CAPS.nodes,
  'ActorNeighbourhoodConnection.levels': LIST_CAPS.neighbourhoodLevels,
  'ActorNeighbourhoodConnection.relationships': LIST_CAPS.neighbourhoodRelationships,
  'ActorPath.actors': LIST_CAPS.pathRelationships + 1,
  'ActorPath.relationships': LIST_CAPS.pathRelationships,
  'ClaimCorroboration.origins': LIST_CAPS.corroborationChains,
  'ClaimCorroboration.supporting': LIST_CAPS.corroborationChains,
  'ClaimCorroboration.contradicting': LIST_CAPS.corroborationChains,
  'Claim.contradictions': LIST_CAPS.claimContradictions,
  'ClaimStatistics.groups': MAX_STATISTICS_GROUPS,
  // One shortest path for now; a list so ties can come without a breaking change.
  'Query.path': 1,
  'Query.webhookEndpoints': LIST_CAPS.webhookEndpoints,
  'Query.webhookDeliveries': LIST_CAPS.webhookDeliveries,
  'WebhookEndpoint.events': LIST_CAPS.webhookEvents,
};

/** Error details, as long as the input that caused them (which the body-size limit bounds). */
const ERROR_DETAIL_LISTS = new Set([
  'NotFoundError.path',
  'ValidationError.issues',
  'ValidationIssue.path',
]);

/**
 * Admin registries that are still plain lists (issue #10 point 2 names the content lists; these
 * two are admin-only and listed here so that the test fails when a new unpaged list appears).
 */
const ADMIN_REGISTRY_LISTS = new Set(['Query.apiKeys', 'Query.persistedOperations']);

describe('the schema', () => {
  it('has a connection for every list that can grow, and a declared cap on every other', () => {
    const unpaged: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith('__') || !(isObjectType(type) || isInterfaceType(type))) continue;
      for (const field of Object.values(type.getFields())) {
        if (!listTypeOf(field.type)) continue;
        const name = `${type.name}.${field.name}`;
        if (type.name.endsWith('Connection') && field.name === 'edges') continue;
        if (ERROR_DETAIL_LISTS.has(name) || ADMIN_REGISTRY_LISTS.has(name)) continue;
        const cap = CAPPED_LISTS[name];
        if (cap === undefined) {
          unpaged.push(name);
          continue;
        }
        expect(field.extensions.maxItems, name).toBe(cap);
        expect(field.description, name).toContain(`at most ${cap}`);
      }
    }
    expect(unpaged).toEqual([]);
  });

  it('pages every nested connection with first/after/last/before', () => {
    const nested = [
      ['Actor', 'briefings'],
      ['Briefing', 'actors'],
      ['Briefing', 'sources'],
      ['Briefing', 'history'],
      ['BriefingRecordAsOf', 'claims'],
      ['BriefingRecordAsOf', 'sources'],
      ['Actor', 'relationshipsRecordAsOf'],
      ['Claim', 'citations'],
      ['ActorRelationship', 'evidence'],
    ] as const;
    for (const [typeName, fieldName] of nested) {
      const type = schema.getType(typeName);
      if (!isObjectType(type)) throw new Error(`${typeName} is not an object type`);
      const field = type.getFields()[fieldName];
      expect(getNamedType(field?.type)?.name, `${typeName}.${fieldName}`).toMatch(/Connection$/);
      expect(field?.args.map((a) => a.name)).toEqual(
        expect.arrayContaining(['first', 'after', 'last', 'before']),
      );
    }
  });
});

describe('the alternating Briefing.actors ↔ Actor.briefings walk', () => {
  /** `levels` alternations of the two fields, each with `size` (page arguments) or none. */
  function walk(levels: number, size: string): string {
    let inner = '';
    for (let level = levels; level > 0; level -= 1) {
      inner =
        level % 2 === 1
          ? `actors${size} { edges { node { name ${inner} } } }`
          : `briefings${size} { edges { node { slug ${inner} } } }`;
    }
    return `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { slug ${inner} } }`;
  }

  function refusalCodes(result: { errors?: readonly GraphQLError[] }) {
    return (result.errors ?? []).map((e) => e.extensions?.code);
  }

  it('is refused before execution at depth 11, for anonymous callers and analysts alike', async () => {
    for (const headers of [{}, analystAmber]) {
      database.statements.reset();
      const result = await graphql(app, walk(11, ''), undefined, headers);
      expect(result.data).toBeUndefined();
      expect(refusalCodes(result)).toContain('COST_LIMIT_EXCEEDED');
      // Nothing was read: only the API key's own lookup, if any.
      expect(database.statements.sql.filter((text) => text.includes('"briefing"'))).toEqual([]);
    }
  });

  it('is refused by the cost rule alone within the depth limit: an unsized page counts as 20', async () => {
    for (const headers of [{}, analystAmber]) {
      const result = await graphql(app, walk(6, ''), undefined, headers);
      expect(result.data).toBeUndefined();
      expect(refusalCodes(result)).toEqual(['COST_LIMIT_EXCEEDED']);
    }
  });

  it('is bounded when paged: at most the page cap per level', async () => {
    const result = await graphql<{
      briefing: { actors: { edges: { node: { briefings: { edges: unknown[] } } }[] } };
    }>(app, walk(3, '(first: 1000)'), undefined, analystAmber);
    expect(result.errors).toBeUndefined();
    const actors = result.data?.briefing.actors.edges ?? [];
    // 24 actors in the seed: all fit in one page of the capped size (100).
    expect(actors).toHaveLength(24);
    for (const { node } of actors) expect(node.briefings.edges.length).toBeLessThanOrEqual(100);
  });
});

describe('nodes(ids:)', () => {
  it('refuses more than 100 ids with BAD_USER_INPUT, before loading anything', async () => {
    const id = encodeGlobalId('Briefing', seedBriefingId);
    database.statements.reset();
    const result = await graphql(app, 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }', {
      ids: Array.from({ length: 500 }, () => id),
    });
    expect(result.data).toBeNull();
    expect(result.errors).toEqual([
      expect.objectContaining({
        message: 'expected at most 100 ids, got 500',
        extensions: { code: 'BAD_USER_INPUT', argument: 'ids', requestId: expect.any(String) },
      }),
    ]);
    expect(database.statements.count).toBe(0);
  });

  it('loads a repeated id once and answers it at every position asked', async () => {
    const id = encodeGlobalId('Briefing', seedBriefingId);
    database.statements.reset();
    const data = await query<{ nodes: { slug: string }[] }>(
      app,
      'query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Briefing { slug } } }',
      { ids: Array.from({ length: 100 }, () => id) },
    );
    expect(data.nodes).toHaveLength(100);
    expect(new Set(data.nodes.map((n) => n.slug))).toEqual(new Set([SEED_BRIEFING_SLUG]));
    expect(database.statements.count).toBe(1);
  });
});

interface Connection<T> {
  totalCount: number;
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; endCursor: string | null };
}

/** Walks a nested connection two items at a time, forwards, and once backwards from its end. */
async function pageThrough<T>(
  connection: (args: string) => string,
  pick: (data: Record<string, unknown>) => Connection<T>,
  headers: Record<string, string> = {},
): Promise<{ totalCount: number; forwards: T[]; backwards: T[] }> {
  const fields =
    'totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor }';
  const forwards: T[] = [];
  let after: string | null = null;
  let totalCount = 0;
  for (let guard = 0; guard < 50; guard += 1) {
    const args: string = after ? `(first: 2, after: "${after}")` : '(first: 2)';
    const result = await graphql<Record<string, unknown>>(
      app,
      connection(`${args} { ${fields} }`),
      undefined,
      headers,
    );
    expect(result.errors).toBeUndefined();
    const page = pick(result.data ?? {});
    totalCount = page.totalCount;
    expect(page.edges.length).toBeLessThanOrEqual(2);
    expect(page.pageInfo.hasPreviousPage).toBe(after !== null);
    forwards.push(...page.edges.map((e) => e.node));
    if (!page.pageInfo.hasNextPage) break;
    after = page.pageInfo.endCursor;
  }
  const last = await graphql<Record<string, unknown>>(
    app,
    connection(`(last: 3) { ${fields} }`),
    undefined,
    headers,
  );
  expect(last.errors).toBeUndefined();
  const backwards = pick(last.data ?? {}).edges.map((e) => e.node);
  return { totalCount, forwards, backwards };
}

describe('each nested connection', () => {
  const briefingField = (field: string) => (args: string) =>
    `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { ${field}${args} } }`;
  const fromBriefing = (field: string) => (data: Record<string, unknown>) =>
    (data.briefing as Record<string, Connection<{ id: string }>>)[field] as Connection<{
      id: string;
    }>;

  async function expectPaged(
    connection: (args: string) => string,
    pick: (data: Record<string, unknown>) => Connection<{ id: string }>,
    expectedTotal: number,
    headers: Record<string, string> = {},
  ) {
    const { totalCount, forwards, backwards } = await pageThrough(connection, pick, headers);
    expect(totalCount).toBe(expectedTotal);
    expect(forwards).toHaveLength(expectedTotal);
    expect(new Set(forwards.map((n) => n.id)).size).toBe(expectedTotal);
    expect(backwards).toEqual(forwards.slice(-3));
    return forwards.map((n) => n.id);
  }

  it('Briefing.actors and Briefing.sources page the seed, and leave out AMBER records', async () => {
    const amberSource = await insertSource(database.db, { title: 'Amber cable', marking: 'AMBER' });
    const amberActor = await insertActor(database.db, { name: 'Amber codename', marking: 'AMBER' });
    await insertClaim(
      database.db,
      { briefing_id: seedBriefingId, position: 900, subject_actor_id: amberActor.id },
      { citations: [{ sourceId: amberSource.id }] },
    );
    const anonymousActors = await expectPaged(briefingField('actors'), fromBriefing('actors'), 24);
    expect(anonymousActors).not.toContain(encodeGlobalId('Actor', amberActor.id));
    await expectPaged(briefingField('sources'), fromBriefing('sources'), 6);
    const amberActors = await expectPaged(
      briefingField('actors'),
      fromBriefing('actors'),
      25,
      analystAmber,
    );
    expect(amberActors).toContain(encodeGlobalId('Actor', amberActor.id));
    await expectPaged(briefingField('sources'), fromBriefing('sources'), 7, analystAmber);
  });

  it('Actor.briefings leaves out draft briefings for anonymous callers', async () => {
    const draft = await insertBriefing(database.db, { status: 'DRAFT', published_at: null });
    await insertClaim(database.db, {
      briefing_id: draft.id,
      position: 0,
      subject_actor_id: venezuelaId,
    });
    for (let i = 0; i < 3; i += 1) {
      const published = await insertBriefing(database.db);
      await insertClaim(database.db, {
        briefing_id: published.id,
        position: 0,
        subject_actor_id: venezuelaId,
      });
    }
    const actor = (args: string) =>
      `{ actor(id: "${encodeGlobalId('Actor', venezuelaId)}") { briefings${args} } }`;
    const pick = (data: Record<string, unknown>) =>
      (data.actor as { briefings: Connection<{ id: string }> }).briefings;
    const anonymous = await expectPaged(actor, pick, 4);
    expect(anonymous).not.toContain(encodeGlobalId('Briefing', draft.id));
    const editor = await expectPaged(actor, pick, 5, editorAmber);
    expect(editor).toContain(encodeGlobalId('Briefing', draft.id));
  });

  it('Claim.citations keeps the attribution order and hides AMBER sources', async () => {
    const sources = await Promise.all(
      ['A', 'B', 'C', 'D', 'E'].map((letter) =>
        insertSource(database.db, {
          title: `Relay ${letter}`,
          marking: letter === 'C' ? 'AMBER' : 'CLEAR',
        }),
      ),
    );
    const claim = await insertClaim(
      database.db,
      { briefing_id: seedBriefingId, position: 901 },
      { citations: sources.map((s) => ({ sourceId: s.id, role: 'RELAY' as const })) },
    );
    const claimQuery = (args: string) =>
      `{ node(id: "${encodeGlobalId('Claim', claim.id)}") { ... on Claim { citations${args} } } }`;
    const pick = (data: Record<string, unknown>) =>
      (data.node as { citations: Connection<{ id: string }> }).citations;
    const citationIds = await database.db
      .selectFrom('citation')
      .select('id')
      .where('claim_id', '=', claim.id)
      .orderBy('position')
      .execute();
    const visible = citationIds
      .filter((_, i) => i !== 2)
      .map((c) => encodeGlobalId('Citation', c.id));
    expect(await expectPaged(claimQuery, pick, 4)).toEqual(visible);
    expect(await expectPaged(claimQuery, pick, 5, analystAmber)).toHaveLength(5);
  });

  it('ActorRelationship.evidence pages visible claims and hides AMBER ones', async () => {
    const from = await insertActor(database.db);
    const to = await insertActor(database.db);
    const relationship = await insertRelationship(database.db, from.id, to.id, 'supplies');
    const claims = [];
    for (let i = 0; i < 5; i += 1) {
      claims.push(
        await insertClaim(database.db, {
          briefing_id: seedBriefingId,
          position: 910 + i,
          marking: i === 4 ? 'AMBER' : 'CLEAR',
        }),
      );
    }
    await database.db
      .insertInto('relationship_evidence')
      .values(claims.map((c) => ({ relationship_id: relationship.id, claim_id: c.id })))
      .execute();
    const evidence = (args: string) =>
      `{ node(id: "${encodeGlobalId('ActorRelationship', relationship.id)}") { ... on ActorRelationship { evidence${args} } } }`;
    const pick = (data: Record<string, unknown>) =>
      (data.node as { evidence: Connection<{ id: string }> }).evidence;
    const anonymous = await expectPaged(evidence, pick, 4);
    expect(anonymous).not.toContain(encodeGlobalId('Claim', claims[4]?.id ?? 0));
    await expectPaged(evidence, pick, 5, analystAmber);
  });

  it('Briefing.history pages for editors and is an empty connection for others', async () => {
    const briefing = await insertBriefing(database.db, { slug: 'history-probe' });
    await database.db
      .insertInto('audit_log')
      .values(
        Array.from({ length: 5 }, (_, i) => ({
          at: new Date(Date.UTC(2026, 0, 1, 0, i)),
          actor_name: 'tests',
          action: 'briefing.update',
          entity_type: 'Briefing',
          entity_id: briefing.id,
          before: null,
          after: { marking: 'CLEAR', version: i + 1 },
        })),
      )
      .execute();
    const fields =
      'totalCount edges { cursor node { id } } pageInfo { hasNextPage hasPreviousPage endCursor }';
    const history = (args: string) => `{ briefing(slug: "history-probe") { history${args} } }`;
    const pick = fromBriefing('history');
    await expectPaged(history, pick, 5, editorAmber);
    const anonymous = await graphql<Record<string, unknown>>(
      app,
      history(`(first: 2) { ${fields} }`),
    );
    expect(anonymous.data).toEqual({
      briefing: {
        history: {
          totalCount: 0,
          edges: [],
          pageInfo: { hasNextPage: false, hasPreviousPage: false, endCursor: null },
        },
      },
    });
  });
});

describe('batching of the nested connections', () => {
  const NESTED = `{ briefings(first: 10) { edges { node {
      actors(first: 3) { totalCount edges { node { name briefings(first: 2) { totalCount edges { node { slug } } } } } }
      sources(first: 2) { totalCount edges { node { title } } }
      claims(first: 3) { edges { node { citations(first: 2) { totalCount edges { node { role source { title } } } } } } }
  } } } }`;

  async function statementsFor(on: App = loaderPath()): Promise<number> {
    database.statements.reset();
    await query(on, NESTED);
    return database.statements.count;
  }

  /** The path that answers what the compiler does not cover, which batches on its own. */
  function loaderPath(): App {
    return createApp({ db: database.db, logger: createLogger('silent'), compiledReads: false });
  }

  it('reads each connection in one statement per level (and one for its counts), however many parents', async () => {
    expect(await statementsFor(app)).toBe(1);
    const before = await statementsFor();
    const actors = await Promise.all(Array.from({ length: 4 }, () => insertActor(database.db)));
    const source = await insertSource(database.db);
    for (let b = 0; b < 4; b += 1) {
      const briefing = await insertBriefing(database.db);
      for (const [position, actor] of actors.entries()) {
        await insertClaim(
          database.db,
          { briefing_id: briefing.id, position, subject_actor_id: actor.id },
          { citations: [{ sourceId: source.id }] },
        );
      }
    }
    expect(await statementsFor()).toBe(before);
    // Compiled, the whole read is one statement.
    expect(await statementsFor(app)).toBe(1);
    // On the loader path: briefings; actors page + count; their briefings page + count; sources page + count;
    // claims page; citations page + count.
    expect(before).toBe(10);
  });
});

describe('the small lists’ caps on write', () => {
  const CREATE_ACTOR = `mutation ($input: CreateActorInput!) { createActor(input: $input) {
      __typename ... on ValidationError { issues { path message } } } }`;

  it('refuses more aliases or external ids than the cap, and writes nothing', async () => {
    const before = await database.db
      .selectFrom('actor')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    const result = await graphql<{ createActor: unknown }>(
      app,
      CREATE_ACTOR,
      {
        input: {
          kind: 'ORGANIZATION',
          name: 'Too many names',
          aliases: Array.from({ length: 51 }, (_, i) => ({ name: `Alias ${i}` })),
          externalIds: Array.from({ length: 51 }, (_, i) => ({ scheme: 'sipri', value: `${i}` })),
        },
      },
      editorAmber,
    );
    expect(result.data?.createActor).toEqual({
      __typename: 'ValidationError',
      issues: [
        { path: ['input', 'aliases'], message: 'expected at most 50 aliases, got 51' },
        { path: ['input', 'externalIds'], message: 'expected at most 50 external ids, got 51' },
      ],
    });
    const after = await database.db
      .selectFrom('actor')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(after.n)).toBe(Number(before.n));
  });

  it('refuses a relay chain longer than derivationChain can show', async () => {
    let previous = await insertSource(database.db, { title: 'Chain origin' });
    for (let i = 1; i <= LIST_CAPS.derivationChain; i += 1)
      previous = await insertSource(database.db, { derived_from_id: previous.id });
    const result = await graphql<{ createSource: unknown }>(
      app,
      `
        mutation ($input: CreateSourceInput!) {
          createSource(input: $input) {
            __typename
            ... on ValidationError {
              issues {
                path
                message
              }
            }
          }
        }
      `,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'One relay too many',
          derivedFromId: encodeGlobalId('Source', previous.id),
        },
      },
      editorAmber,
    );
    expect(result.data?.createSource).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'derivedFromId'],
          message: 'expected a relay chain of at most 32 sources, got one of 33 or more',
        },
      ],
    });
    const written = await database.db
      .selectFrom('source')
      .select('id')
      .where('title', '=', 'One relay too many')
      .execute();
    expect(written).toEqual([]);
  });

  it('has the database refuse an ordered list past its cap', async () => {
    const claim = await insertClaim(database.db, { briefing_id: seedBriefingId, position: 950 });
    const actor = await insertActor(database.db);
    await expect(
      database.db
        .insertInto('claim_object')
        .values({ claim_id: claim.id, actor_id: actor.id, position: LIST_CAPS.claimObjects })
        .execute(),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('the response-size backstop', () => {
  it('answers RESPONSE_TOO_LARGE instead of a body above MAX_RESPONSE_BYTES', async () => {
    const small = createApp({
      db: database.db,
      logger: createLogger('silent'),
      config: { ...loadConfig({}), maxResponseBytes: 2000 },
    });
    const ok = await graphql(small, `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { title } }`);
    expect(ok.errors).toBeUndefined();
    const tooLarge = await graphql(small, `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { body } }`);
    expect(tooLarge.data).toBeNull();
    expect(tooLarge.errors).toEqual([
      expect.objectContaining({
        message:
          'expected an answer of at most 2000 bytes, got more: ask for smaller pages or fewer fields',
        extensions: { code: 'RESPONSE_TOO_LARGE', requestId: expect.any(String) },
      }),
    ]);
  });
});
