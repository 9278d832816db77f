import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { CitationRole, Marking, Reliability } from '../../src/db/types.js';
import type { App } from '../../src/yoga.js';
import { insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query, seededApp } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Generated sources, so every count is exact (→ = derivedFrom):
//
//   paperA (C) → intel (B)      paperB (D) → intel      independent (A)
//   loop1 (B) ⇄ loop2 (E)       relay (C) → hidden (AMBER, A)      contra (E)
//
// and claims citing them (role in brackets, ORIGIN unless said):
//   sameRoot:   paperA, paperB [CORROBORATES]          one origin: intel
//   twoRoots:   paperA, independent [CORROBORATES]     two: intel, independent
//   looped:     loop1, loop2 [RELAY]                   one: loop1 (the loop's lowest id)
//   disputed:   relay, paperA [CORROBORATES], contra [CONTRADICTS]
//   behindHidden: hidden, independent [CORROBORATES], paperB [CORROBORATES]
//
// (A cited source is released with the published briefing citing it, and its chain with it:
// the database refuses to unrelease it, so only markings can hide part of a chain here.)
//   secret (an AMBER claim): paperA, independent

let database: TestDatabase;
let app: App;
let amber: Record<string, string>;
const source: Record<string, number> = {};
const claim: Record<string, number> = {};
let briefingId = 0;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  const { db } = database;
  const add = async (
    name: string,
    reliability: Reliability | null,
    derivedFrom: string | null = null,
    marking: Marking = 'CLEAR',
  ) => {
    source[name] = (
      await insertSource(db, {
        title: name,
        reliability,
        derived_from_id: derivedFrom === null ? null : (source[derivedFrom] ?? 0),
        marking,
        released_to: marking,
      })
    ).id;
  };
  await add('intel', 'B');
  await add('paperA', 'C', 'intel');
  await add('paperB', 'D', 'intel');
  await add('independent', 'A');
  await add('loop1', 'B');
  await add('loop2', 'E', 'loop1');
  await db
    .updateTable('source')
    .set({ derived_from_id: source.loop2 ?? 0 })
    .where('id', '=', source.loop1 ?? 0)
    .execute();
  await add('hidden', 'A', null, 'AMBER');
  await add('relay', 'C', 'hidden');
  await add('contra', 'E');
  briefingId = (await insertBriefing(db)).id;
  let position = 0;
  const cite = async (
    name: string,
    citations: [string, CitationRole?][],
    marking: Marking = 'CLEAR',
  ) => {
    claim[name] = (
      await insertClaim(
        db,
        { briefing_id: briefingId, position: position++, statement: name, marking },
        {},
      )
    ).id;
    await db
      .insertInto('citation')
      .values(
        citations.map(([sourceName, role], i) => ({
          claim_id: claim[name] ?? 0,
          source_id: source[sourceName] ?? 0,
          role: role ?? 'ORIGIN',
          position: i,
        })),
      )
      .execute();
  };
  await cite('sameRoot', [['paperA'], ['paperB', 'CORROBORATES']]);
  await cite('twoRoots', [['paperA'], ['independent', 'CORROBORATES']]);
  await cite('looped', [['loop1'], ['loop2', 'RELAY']]);
  await cite('disputed', [['relay'], ['paperA', 'CORROBORATES'], ['contra', 'CONTRADICTS']]);
  await cite('behindHidden', [
    ['hidden'],
    ['independent', 'CORROBORATES'],
    ['paperB', 'CORROBORATES'],
  ]);
  await cite('secret', [['paperA'], ['independent']], 'AMBER');
  amber = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
});
afterAll(() => database.close());

interface Chain {
  citation: { role: string; source: { title: string } };
  origin: { title: string };
  length: number;
  strongestReliability: string | null;
  weakestReliability: string | null;
}
interface Corroboration {
  independentOrigins: number;
  contradictingOrigins: number;
  origins: { source: { title: string }; supporting: number; contradicting: number }[];
  supporting: Chain[];
  contradicting: Chain[];
}

const CHAIN = `citation { role source { title } } origin { title } length
  strongestReliability weakestReliability`;
const CORROBORATION = `corroboration { independentOrigins contradictingOrigins
  origins { source { title } supporting contradicting }
  supporting { ${CHAIN} } contradicting { ${CHAIN} } }`;

async function corroborationOf(
  name: string,
  headers: Record<string, string> = {},
): Promise<Corroboration | null> {
  const result = await graphql<{ node: { corroboration: Corroboration } | null }>(
    app,
    `query ($id: ID!) { node(id: $id) { ... on Claim { ${CORROBORATION} } } }`,
    { id: encodeGlobalId('Claim', claim[name] ?? 0) },
    headers,
  );
  expect(result.errors).toBeUndefined();
  return result.data?.node?.corroboration ?? null;
}

const summary = (c: Corroboration | null) =>
  c && {
    independent: c.independentOrigins,
    contradicting: c.contradictingOrigins,
    origins: c.origins.map((o) => `${o.source.title} ${o.supporting}/${o.contradicting}`),
    chains: [...c.supporting, ...c.contradicting].map(
      (chain) =>
        `${chain.citation.source.title}→${chain.origin.title} ${chain.length} ${chain.strongestReliability ?? '-'}..${chain.weakestReliability ?? '-'}`,
    ),
  };

async function claimsMatching(filter: string, headers: Record<string, string> = {}) {
  const result = await graphql<{
    claims: { totalCount: number; edges: { node: { statement: string } }[] };
  }>(
    app,
    `{ claims(first: 50, filter: { ${filter} }) { totalCount edges { node { statement } } } }`,
    undefined,
    headers,
  );
  expect(result.errors).toBeUndefined();
  const claims = result.data?.claims;
  return { total: claims?.totalCount, names: claims?.edges.map((e) => e.node.statement) };
}

describe('Claim.corroboration', () => {
  it('counts outlets relaying one source as one origin, with each chain’s grades', async () => {
    expect(summary(await corroborationOf('sameRoot'))).toEqual({
      independent: 1,
      contradicting: 0,
      origins: ['intel 2/0'],
      chains: ['paperA→intel 1 B..C', 'paperB→intel 1 B..D'],
    });
    expect(summary(await corroborationOf('twoRoots'))).toEqual({
      independent: 2,
      contradicting: 0,
      origins: ['intel 1/0', 'independent 1/0'],
      chains: ['paperA→intel 1 B..C', 'independent→independent 0 A..A'],
    });
  });

  it('ends a loop at its lowest source, whichever way the chain enters it', async () => {
    expect(summary(await corroborationOf('looped'))).toEqual({
      independent: 1,
      contradicting: 0,
      origins: ['loop1 2/0'],
      chains: ['loop1→loop1 1 B..E', 'loop2→loop1 1 B..E'],
    });
  });

  it('lists contradicting citations apart, with their own origins', async () => {
    const disputed = await corroborationOf('disputed');
    expect(summary(disputed)).toEqual({
      independent: 2,
      contradicting: 1,
      // The relay's origin is hidden from anonymous callers: its chain ends at the relay.
      origins: ['relay 1/0', 'intel 1/0', 'contra 0/1'],
      chains: ['relay→relay 0 C..C', 'paperA→intel 1 B..C', 'contra→contra 0 E..E'],
    });
    expect(disputed?.contradicting.map((c) => c.citation.role)).toEqual(['CONTRADICTS']);
  });

  it('never shows or counts a source or claim the caller may not see', async () => {
    expect(summary(await corroborationOf('behindHidden'))).toEqual({
      independent: 2,
      contradicting: 0,
      origins: ['independent 1/0', 'intel 1/0'],
      chains: ['independent→independent 0 A..A', 'paperB→intel 1 B..D'],
    });
    expect(summary(await corroborationOf('behindHidden', amber))).toEqual({
      independent: 3,
      contradicting: 0,
      origins: ['hidden 1/0', 'independent 1/0', 'intel 1/0'],
      chains: ['hidden→hidden 0 A..A', 'independent→independent 0 A..A', 'paperB→intel 1 B..D'],
    });
    expect(summary(await corroborationOf('disputed', amber))?.origins).toEqual([
      'hidden 1/0',
      'intel 1/0',
      'contra 0/1',
    ]);
    expect(await corroborationOf('secret')).toBeNull();
    expect((await corroborationOf('secret', amber))?.independentOrigins).toBe(2);
  });

  it('reads a whole page of claims’ corroboration in a fixed number of statements', async () => {
    const count = async (first: number) => {
      database.statements.reset();
      await query(
        app,
        `{ claims(first: ${first}, filter: { briefingId: "${encodeGlobalId('Briefing', briefingId)}" }) {
          edges { node { ${CORROBORATION} } } } }`,
      );
      return database.statements.count;
    };
    // The page, the chains of all its claims, the sources they name.
    expect(await count(1)).toBe(3);
    expect(await count(5)).toBe(3);
  });
});

describe('claims(filter: { minIndependentOrigins, cited })', () => {
  it('keeps the claims with enough independent origins', async () => {
    expect(await claimsMatching('minIndependentOrigins: 2')).toEqual({
      total: 3,
      names: ['twoRoots', 'disputed', 'behindHidden'],
    });
    expect(await claimsMatching('minIndependentOrigins: 2', amber)).toEqual({
      total: 4,
      names: ['twoRoots', 'disputed', 'behindHidden', 'secret'],
    });
    expect((await claimsMatching('minIndependentOrigins: 3', amber)).names).toEqual([
      'behindHidden',
    ]);
    expect((await claimsMatching('minIndependentOrigins: 3')).names).toEqual([]);
    expect((await claimsMatching('minIndependentOrigins: 0')).total).toBe(5);
  });

  it('keeps the claims cited in a role, or by a source of a reliability', async () => {
    expect((await claimsMatching('cited: { role: [CONTRADICTS] }')).names).toEqual(['disputed']);
    expect((await claimsMatching('cited: { role: [RELAY] }')).names).toEqual(['looped']);
    expect((await claimsMatching('cited: { reliability: [A] }')).names).toEqual([
      'twoRoots',
      'behindHidden',
    ]);
    // Both conditions on one citation: paperB (D) corroborates; no A source is an ORIGIN.
    expect(
      (await claimsMatching('cited: { role: [CORROBORATES], reliability: [D] }')).names,
    ).toEqual(['sameRoot', 'behindHidden']);
    // The hidden source (A, ORIGIN) matches only for a caller who may see it.
    expect((await claimsMatching('cited: { role: [ORIGIN], reliability: [A] }')).names).toEqual([]);
    expect(
      (await claimsMatching('cited: { role: [ORIGIN], reliability: [A] }', amber)).names,
    ).toEqual(['behindHidden', 'secret']);
  });

  it('refuses an impossible minimum', async () => {
    const result = await graphql(
      app,
      '{ claims(filter: { minIndependentOrigins: -1 }) { totalCount } }',
    );
    expect(result.errors?.[0]?.message).toBe(
      'expected filter.minIndependentOrigins in 0..1000, got -1',
    );
  });
});

describe('corroboration over the seed', () => {
  const seed = seededApp();

  it('counts the claims relayed from the U.S. intelligence briefing as one origin', async () => {
    const data = await query<{
      claims: { totalCount: number; edges: { node: { corroboration: Corroboration } }[] };
    }>(seed.app, `{ claims(first: 100) { totalCount edges { node { ${CORROBORATION} } } } }`);
    const corroborations = data.claims.edges.map((e) => e.node.corroboration);
    expect(corroborations).toHaveLength(data.claims.totalCount);
    expect(new Set(corroborations.map((c) => c.independentOrigins))).toEqual(new Set([1]));
    expect(new Set(corroborations.map((c) => c.origins[0]?.source.title))).toEqual(
      new Set(['U.S. intelligence briefing']),
    );
    const chains = new Set(corroborations.flatMap((c) => summary(c)?.chains));
    expect([...chains].sort()).toEqual(SEED_CHAINS);
    const some = await query<{ claims: { totalCount: number } }>(
      seed.app,
      '{ claims(filter: { minIndependentOrigins: 2 }) { totalCount } }',
    );
    expect(some.claims.totalCount).toBe(0);
  });
});

// Every cited source of the seed, followed to the briefing: the article's chain passes through
// The Washington Post (B) and the article itself (C); the letters (F) are not graded.
const SEED_CHAINS = [
  'Documents on Ramón Celestino Velásquez’s engagements with Iranian officials→U.S. intelligence briefing 1 B..B',
  'Letter from Nicolás Maduro to Vladimir Putin requesting military assistance→U.S. intelligence briefing 1 B..B',
  'Letter from Nicolás Maduro to Xi Jinping requesting expanded defense cooperation→U.S. intelligence briefing 1 B..B',
  'The Washington Post report on Maduro’s requests for military aid from Russia, China and Iran→U.S. intelligence briefing 1 B..B',
  'U.S. intelligence briefing→U.S. intelligence briefing 0 B..B',
  'Venezuela Seeks Military Aid from Russia, China, and Iran→U.S. intelligence briefing 2 B..C',
];
