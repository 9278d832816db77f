import {
  isObjectType,
  OverlappingFieldsCanBeMergedRule,
  parse,
  specifiedRules,
  validate,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { GRAPHIQL_DEFAULT_QUERY } from '../../src/graphiql-default-query.js';
import { costLimitRule } from '../../src/hardening/cost-limit.js';
import { documentRules } from '../../src/hardening/document-limits.js';
import { expandedFieldCount } from '../../src/hardening/fragment-expansion.js';
import type { WalkCounter } from '../../src/hardening/walk-counter.js';
import { schema } from '../../src/schema.js';
import { createApp, type App } from '../../src/yoga.js';
import { createMemoryLogger } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Validation work must grow linearly with the document, however its fragments multiply when
// expanded. Proven by counting the work, never by timing it.

/**
 * `n` fragments, each spreading the previous one twice (`flat`: `copies` times), so the last
 * expands to 2^(n-1) fields (copies^(n-1)).
 */
function chainedFragments(n: number, shape: 'flat' | 'nested', copies = 2): string {
  const fragments = [`fragment F0 on Actor { name }`];
  for (let i = 1; i < n; i++) {
    const previous = `...F${i - 1}`;
    fragments.push(
      shape === 'flat'
        ? `fragment F${i} on Actor { ${`${previous} `.repeat(copies)}}`
        : `fragment F${i} on Actor { ${previous} relationships(first: 1) { edges { node { to { ${previous} } } } } }`,
    );
  }
  return `{ actors(first: 1) { edges { node { ...F${n - 1} } } } }\n${fragments.join('\n')}`;
}

const UNLIMITED = Number.MAX_SAFE_INTEGER;
const SIZES = [10, 20, 40] as const;

/** Work for each size in SIZES; asserts it grows by the same step per fragment (linear). */
function expectLinear(work: (n: number) => number): number[] {
  const [w10, w20, w40] = SIZES.map(work) as [number, number, number];
  expect(w20 - w10).toBeGreaterThan(0);
  expect(w40 - w20).toBe(2 * (w20 - w10));
  return [w10, w20, w40];
}

/** Counts the fragment look-ups a rule makes: an exponential rule looks one up per path. */
function countingFragmentLookups(rule: ValidationRule, counter: WalkCounter): ValidationRule {
  return (context: ValidationContext) => {
    const getFragment = context.getFragment.bind(context);
    context.getFragment = (name) => {
      counter.visits += 1;
      return getFragment(name);
    };
    return rule(context);
  };
}

describe('validation work', () => {
  it.each(['flat', 'nested'] as const)(
    'sizes %s chained fragments in work linear in their number',
    (shape) => {
      const expansion = expectLinear((n) => {
        const counter = { visits: 0 };
        const document = parse(chainedFragments(n, shape));
        const fields = expandedFieldCount(document, UNLIMITED, counter);
        expect(fields).toBeGreaterThan(2 ** (n - 1));
        return counter.visits;
      });
      // One visit per selection written: 4 in the operation, 2 in each fragment but F0's 1.
      if (shape === 'flat') expect(expansion).toEqual(SIZES.map((n) => 4 + 2 * (n - 1) + 1));
      expectLinear((n) => {
        const counter = { visits: 0 };
        const errors = validate(schema, parse(chainedFragments(n, shape)), [
          costLimitRule(UNLIMITED, 'trusted', counter),
        ]);
        expect(errors).toEqual([]);
        return counter.visits;
      });
    },
  );

  it('stops at the first limit breach', () => {
    const counter = { visits: 0 };
    const document = parse(chainedFragments(40, 'flat'));
    expect(expandedFieldCount(document, 100, counter)).toBe(101);
    // 3 selections above F39, then down the chain of first spreads to F0 and back up to 128.
    expect(counter.visits).toBeLessThan(3 + 2 * 40);
    const costCounter = { visits: 0 };
    const errors = validate(schema, document, [costLimitRule(100, 'trusted', costCounter)]);
    expect(errors.map((e) => e.extensions.code)).toEqual(['COST_LIMIT_EXCEEDED']);
    expect(costCounter.visits).toBeLessThan(3 + 2 * 40);
  });

  it('terminates on fragment cycles, which graphql reports', () => {
    const cyclic = parse(
      '{ actors { edges { node { ...A } } } } fragment A on Actor { name ...B } fragment B on Actor { ...A ...A }',
    );
    expect(expandedFieldCount(cyclic, UNLIMITED)).toBe(4);
    const errors = validate(schema, cyclic, [
      ...specifiedRules,
      ...documentRules('trusted', loadConfig({}).trustedLimits),
    ]);
    expect(errors.map((e) => e.message)).toContain(
      'Cannot spread fragment "A" within itself via "B".',
    );
  });

  it.each(['flat', 'nested'] as const)(
    'looks each fragment up a linear number of times in every rule that runs (%s)',
    (shape) => {
      const lookups = (rule: ValidationRule, n: number) => {
        const counter = { visits: 0 };
        validate(schema, parse(chainedFragments(n, shape)), [
          countingFragmentLookups(rule, counter),
        ]);
        return counter.visits;
      };
      const rules = [...specifiedRules, ...documentRules('trusted', loadConfig({}).trustedLimits)];
      for (const rule of rules) {
        if (rule === OverlappingFieldsCanBeMergedRule) continue;
        // Rules that never look fragments up (most of graphql's) count 0 for every size.
        expectLinear((n) => lookups(rule, n) + n);
      }
      // graphql-js compares fragments pairwise: quadratic (4× per doubling), not exponential
      // (2^20× from 20 to 40). The expansion limit refuses such chains before it runs, and the
      // token limit bounds the pairs in any document it admits.
      const [l10, l20, l40] = SIZES.map((n) => lookups(OverlappingFieldsCanBeMergedRule, n));
      expect(l20).toBeLessThanOrEqual(5 * (l10 ?? 0));
      expect(l40).toBeLessThanOrEqual(5 * (l20 ?? 0));
    },
  );
});

describe('documents through the server', () => {
  let database: TestDatabase;
  let logger: ReturnType<typeof createMemoryLogger>;
  let trusted: App;
  let restricted: App;

  const send = async (app: App, body: Record<string, unknown>) => {
    const response = await app.fetch('http://briefgraph.test/graphql', {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/graphql-response+json',
      },
      body: JSON.stringify(body),
    });
    const json = (await response.json()) as {
      data?: Record<string, unknown> | null;
      errors?: { message: string; extensions?: { code?: string } }[];
    };
    return { status: response.status, ...json, errors: json.errors ?? [] };
  };
  const codes = (answer: { errors: { extensions?: { code?: string } }[] }) =>
    answer.errors.map((e) => e.extensions?.code);

  /** An app whose anonymous callers get the given tier's limits, overridden by `env`. */
  const appWith = (tier: 'restricted' | 'trusted', env: Record<string, string> = {}) =>
    createApp({
      db: database.db,
      logger,
      config: loadConfig(
        tier === 'restricted'
          ? { NODE_ENV: 'production', ANONYMOUS_OPERATIONS: 'any', ...env }
          : env,
      ),
    });

  beforeAll(async () => {
    database = await createTestDatabase();
    logger = createMemoryLogger();
    trusted = appWith('trusted');
    restricted = appWith('restricted');
  });
  afterAll(async () => {
    // Nothing here is a server error.
    expect(logger.lines.filter((line) => line.level === 'error')).toEqual([]);
    await database.close();
  });

  it('runs a chain of 8 fragments, and refuses 20 and 40 before validating them', async () => {
    // 8 is as deep as the trusted depth limit (20) admits: armor counts a spread as 2 levels.
    const eight = await send(trusted, { query: chainedFragments(8, 'flat') });
    expect(eight.status).toBe(200);
    expect(eight.errors).toEqual([]);
    expect(eight.data).toEqual({ actors: { edges: [{ node: { name: expect.any(String) } }] } });
    for (const n of [20, 40]) {
      for (const shape of ['flat', 'nested'] as const) {
        const answer = await send(trusted, { query: chainedFragments(n, shape) });
        expect(answer.status).toBe(400);
        expect(answer.data).toBeUndefined();
        expect(answer.errors).toEqual([
          {
            message:
              'expanded fields limit of 50000 for trusted callers exceeded: with its fragments expanded, the document reaches more than 50000 fields',
            extensions: { code: 'DOCUMENT_TOO_COMPLEX', requestId: expect.any(String) },
          },
        ]);
      }
    }
  });

  it('applies each tier its own expansion limit', async () => {
    // 3 fields above 4^7 = 16,384: within the trusted 50,000, over the restricted 5,000.
    const document = chainedFragments(8, 'flat', 4);
    expect((await send(trusted, { query: document })).status).toBe(200);
    const answer = await send(restricted, { query: document });
    expect(answer.status).toBe(400);
    expect(answer.errors.map((e) => e.message)).toEqual([
      'expanded fields limit of 5000 for restricted callers exceeded: with its fragments expanded, the document reaches more than 5000 fields',
    ]);
    const lowered = appWith('trusted', { TRUSTED_MAX_EXPANDED_FIELDS: '16386' });
    expect(codes(await send(lowered, { query: document }))).toEqual(['DOCUMENT_TOO_COMPLEX']);
    const exact = appWith('trusted', { TRUSTED_MAX_EXPANDED_FIELDS: '16387' });
    expect((await send(exact, { query: document })).status).toBe(200);
  });

  it('counts a wide fragment once per spread', async () => {
    const wide = `fragment W on Actor { ${'__typename '.repeat(600)} }`;
    const spreads = (count: number) =>
      `{ actors(first: 1) { edges { node { ${'...W '.repeat(count)} } } } } ${wide}`;
    // 3 fields above the spreads, 600 per spread.
    expect(expandedFieldCount(parse(spreads(83)), UNLIMITED)).toBe(3 + 83 * 600);
    expect((await send(trusted, { query: spreads(83) })).status).toBe(200);
    expect(codes(await send(trusted, { query: spreads(84) }))).toEqual(['DOCUMENT_TOO_COMPLEX']);
  });

  it('adds up every operation in the document, whichever one runs', async () => {
    const document = (operations: number) =>
      Array.from(
        { length: operations },
        (_, i) => `query Q${i} { actors(first: 1) { edges { node { ...W } } } }`,
      ).join('\n') + ` fragment W on Actor { ${'__typename '.repeat(197)} }`;
    // 200 fields per operation.
    expect((await send(trusted, { query: document(250), operationName: 'Q0' })).status).toBe(200);
    const answer = await send(trusted, { query: document(251), operationName: 'Q0' });
    expect(codes(answer)).toEqual(['DOCUMENT_TOO_COMPLEX']);
  });

  /** The exact cost of a document: refused one below it, run at it. */
  const expectCost = async (document: string, cost: number) => {
    const below = appWith('trusted', { TRUSTED_MAX_COST: String(cost - 1) });
    const refused = await send(below, { query: document });
    expect(refused.status).toBe(400);
    expect(codes(refused)).toEqual(['COST_LIMIT_EXCEEDED']);
    const at = appWith('trusted', { TRUSTED_MAX_COST: String(cost) });
    const answer = await send(at, { query: document });
    expect(codes(answer)).toEqual([]);
    expect(answer.status).toBe(200);
  };

  it('costs fragments and inline fragments inside connections once per item', async () => {
    // actors: 10 × (1 + edges 1 × (1 + node 1 × (1 + A))), A = name 1 + relationships
    // 5 × (1 + edges (1 + node (1 + type 1))) = 21: 10 × 24 = 240.
    await expectCost(
      `{ actors(first: 10) { edges { node { ...A } } } }
       fragment A on Actor { name relationships(first: 5) { edges { node { ... on ActorRelationship { type } } } } }`,
      240,
    );
    // The same fragment spread again costs again: it is fetched again.
    await expectCost(
      `{ actors(first: 10) { edges { node { ...A } } } more: actors(first: 10) { edges { node { ...A } } } }
       fragment A on Actor { name relationships(first: 5) { edges { node { ... on ActorRelationship { type } } } } }`,
      480,
    );
  });

  it('counts a plain list at its declared cap, or the page cap', async () => {
    const actorType = schema.getType('Actor');
    const queryType = schema.getQueryType();
    if (!isObjectType(actorType) || !queryType) throw new Error('expected Actor and Query types');
    const capOf = (extensions: { maxItems?: unknown }) =>
      typeof extensions.maxItems === 'number' ? extensions.maxItems : 100;
    const aliases = capOf(actorType.getFields().aliases?.extensions ?? {});
    // 2 × (1 + edges (1 + node (1 + aliases × (1 + name 1)))).
    await expectCost(
      '{ actors(first: 2) { edges { node { aliases { name } } } } }',
      2 * (3 + aliases * 2),
    );
    const ids = [1, 2, 3].map((id) => JSON.stringify(encodeGlobalId('Actor', id)));
    await expectCost(`{ nodes(ids: [${ids.join(', ')}]) { id } }`, 3 * 2);
    const nodesCap = capOf(queryType.getFields().nodes?.extensions ?? {});
    const byVariable = 'query ($ids: [ID!]!) { nodes(ids: $ids) { id } }';
    const below = appWith('trusted', { TRUSTED_MAX_COST: String(nodesCap * 2 - 1) });
    expect(codes(await send(below, { query: byVariable, variables: { ids: [] } }))).toEqual([
      'COST_LIMIT_EXCEEDED',
    ]);
  });

  it('admits GraphiQL’s default query under the trusted limits', async () => {
    const answer = await send(trusted, { query: GRAPHIQL_DEFAULT_QUERY });
    expect(answer.errors).toEqual([]);
    expect(answer.status).toBe(200);
  });

  it('keeps /healthz answering while fragment bombs are refused', async () => {
    const bombs = Array.from({ length: 5 }, () =>
      send(trusted, { query: chainedFragments(40, 'nested') }),
    );
    const health = trusted.fetch('http://briefgraph.test/healthz');
    const answers = await Promise.all(bombs);
    expect(answers.map(codes)).toEqual(Array.from({ length: 5 }, () => ['DOCUMENT_TOO_COMPLEX']));
    const healthz = await health;
    expect(healthz.status).toBe(200);
    expect(await healthz.json()).toEqual({ status: 'ok' });
  });
});
