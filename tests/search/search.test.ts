import { parse, validate } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { costLimitRule } from '../../src/hardening/cost-limit.js';
import { schema } from '../../src/schema.js';
import { SEARCH_BASE_COST } from '../../src/search/search.schema.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

interface Hit {
  type: string;
  rank: number;
  snippet: { text: string; html: string };
  record: { __typename: string; label: string };
}
interface SearchResult {
  totalCount: number;
  capped: boolean;
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
  edges: { cursor: string; node: Hit }[];
}

const SEARCH = `query Search($q: String!, $types: [SearchType!], $first: Int, $after: String, $filter: SearchFilter) {
  search(query: $q, types: $types, first: $first, after: $after, filter: $filter) {
    totalCount capped pageInfo { hasNextPage endCursor }
    edges { cursor node { type rank snippet { text html } record {
      __typename
      ... on Briefing { label: title }
      ... on Claim { label: statement }
      ... on Source { label: title }
      ... on Actor { label: name }
    } } }
  }
}`;

async function search(
  q: string,
  options: { types?: string[]; first?: number; after?: string; filter?: object } = {},
  headers: Record<string, string> = {},
): Promise<SearchResult> {
  const result = await graphql<{ search: SearchResult }>(
    app,
    SEARCH,
    { q, first: 100, ...options },
    headers,
  );
  if (result.errors?.length || !result.data)
    throw new Error(`expected data, got ${JSON.stringify(result.errors)}`);
  return result.data.search;
}

/** Hits as `Type: label`, best first. */
const labels = (result: SearchResult) =>
  result.edges.map((e) => `${e.node.record.__typename}: ${e.node.record.label}`);

describe('search over the seed', () => {
  it('folds accents and finds the actor, its claim and the briefing, best first', async () => {
    const result = await search('chavez');
    expect(labels(result)).toEqual([
      'Actor: Hugo Chávez',
      'Claim: Hugo Chávez was President of Venezuela in July 2006.',
      'Briefing: Venezuela Seeks Military Aid from Russia, China, and Iran',
    ]);
    expect(result.totalCount).toBe(3);
    expect(result.capped).toBe(false);
    expect(result.edges[0]?.node.snippet.html).toBe(
      'Hugo <mark>Chávez</mark> Hugo <mark>Chavez</mark>, Hugo Rafael <mark>Chávez</mark> Frías President of Venezuela when the 2006 Su-30MK2 contract was signed',
    );
    expect(result.edges[0]?.node.snippet.text).toBe(
      'Hugo Chávez Hugo Chavez, Hugo Rafael Chávez Frías President of Venezuela when the 2006 Su-30MK2 contract was signed',
    );
    const ranks = result.edges.map((e) => e.node.rank);
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
  });

  it('matches a designator however it is written, with the same hits', async () => {
    const [hyphen, compact, lower, spaced] = await Promise.all(
      ['Su-30MK2', 'su30mk2', 'Su-30mk2', 'SU 30MK2'].map((q) => search(q)),
    );
    const hits = labels(hyphen as SearchResult);
    expect(hits.slice(0, 2)).toEqual([
      'Actor: Sukhoi Su-30MK2',
      'Briefing: Venezuela Seeks Military Aid from Russia, China, and Iran',
    ]);
    expect(hits).toHaveLength(15);
    expect(labels(compact as SearchResult)).toEqual(hits);
    expect(labels(lower as SearchResult)).toEqual(hits);
    // Typed with a space, the parts match (ranked as two words): the same records.
    expect(labels(spaced as SearchResult).sort()).toEqual([...hits].sort());
    expect(hyphen?.edges[1]?.node.snippet.html).toContain(
      'modernisation of Venezuela’s <mark>Su</mark>-<mark>30MK2</mark> fighters',
    );
  });

  it('answers the README example: a designator, an exclusion, two types', async () => {
    const result = await search('su30mk2 -engines', { types: ['CLAIM', 'ACTOR'], first: 5 });
    expect(result.edges[0]?.node.record.label).toBe('Sukhoi Su-30MK2');
    expect(result.totalCount).toBe(13);
    for (const label of labels(result)) expect(label).not.toMatch(/engine/i);
  });

  it('finds actors by a misspelt name or alias (trigram similarity)', async () => {
    // Equal similarity (“Maduro” in the name, and in the alias “Maduro government”): newest
    // first.
    expect(labels(await search('Madurro', { types: ['ACTOR'] }))).toEqual([
      'Actor: Government of Venezuela',
      'Actor: Nicolás Maduro',
    ]);
  });

  it('takes any text as web-search syntax without an error', async () => {
    for (const q of ['"unclosed phrase', '-', 'or or or', '((( & | ! :* <->', '""', '   ', '\\']) {
      const result = await graphql<{ search: SearchResult }>(app, SEARCH, { q });
      expect(result.errors, q).toBeUndefined();
    }
    const exact = labels(await search('"letter to Putin"', { types: ['CLAIM'] }));
    expect(exact.length).toBeGreaterThan(0);
    const excluded = labels(await search('"letter to Putin" -engines', { types: ['CLAIM'] }));
    expect(excluded.length).toBeLessThan(exact.length);
    for (const label of excluded) expect(label).not.toMatch(/engine/i);
  });
});

describe('search over generated records', () => {
  beforeAll(async () => {
    const briefing = await insertBriefing(database.db, { title: 'Designators' });
    const statements = [
      'Iran supplied Shahed-136 drones to Russia.',
      'The Shahed 136 is a loitering munition.',
      'A shahed136 wreck was photographed.',
      'Russia delivered the S-300 system to Venezuela.',
      'The S-400 system is newer.',
      'Venezuela flies the Su 30MK2 as its main fighter.',
    ];
    for (const [position, statement] of statements.entries())
      await insertClaim(database.db, { briefing_id: briefing.id, position, statement });
    const spanish = await insertBriefing(database.db, {
      title: 'Compras militares',
      language: 'es',
      body: 'Venezuela compró aviones de combate y sistemas de defensa aérea.',
    });
    await insertClaim(database.db, {
      briefing_id: spanish.id,
      position: 0,
      statement: 'Venezuela compró veinticuatro aviones.',
    });
    const russian = await insertBriefing(database.db, {
      title: 'Военные закупки',
      language: 'ru',
      body: 'Венесуэла закупила двадцать четыре самолёта у России.',
    });
    await insertClaim(database.db, {
      briefing_id: russian.id,
      position: 0,
      statement: 'Россия поставила самолёты Венесуэле.',
    });
  });

  const claims = async (q: string) =>
    labels(await search(q, { types: ['CLAIM'] }))
      .map((label) => label.replace('Claim: ', ''))
      .sort();

  it('matches designators with or without hyphens and spaces', async () => {
    const shahed = [
      'A shahed136 wreck was photographed.',
      'Iran supplied Shahed-136 drones to Russia.',
      'The Shahed 136 is a loitering munition.',
    ];
    expect(await claims('Shahed 136')).toEqual(shahed);
    expect(await claims('shahed136')).toEqual(shahed);
    expect(await claims('Shahed-136')).toEqual(shahed);
    expect(await claims('S-300')).toEqual(['Russia delivered the S-300 system to Venezuela.']);
    expect(await claims('s300')).toEqual(['Russia delivered the S-300 system to Venezuela.']);
    expect(await claims('S-400')).toEqual(['The S-400 system is newer.']);
    expect(await claims('"Shahed-136 drones"')).toEqual([
      'Iran supplied Shahed-136 drones to Russia.',
    ]);
    expect(await claims('Shahed-136 -drones')).toEqual([
      'A shahed136 wreck was photographed.',
      'The Shahed 136 is a loitering munition.',
    ]);
    expect(await claims('su30mk2 flies')).toEqual([
      'Venezuela flies the Su 30MK2 as its main fighter.',
    ]);
  });

  it('matches Spanish and Russian inflections and folds accents and ё', async () => {
    expect(await claims('avión')).toEqual(['Venezuela compró veinticuatro aviones.']);
    expect(await claims('AVION compro')).toEqual(['Venezuela compró veinticuatro aviones.']);
    expect(await claims('самолеты')).toEqual(['Россия поставила самолёты Венесуэле.']);
    expect(labels(await search('самолет', { types: ['BRIEFING'] }))).toEqual([
      'Briefing: Военные закупки',
    ]);
    expect(labels(await search('aérea defensa', { types: ['BRIEFING'] }))).toEqual([
      'Briefing: Compras militares',
    ]);
  });

  it('pages by cursor through the same hits as one large page', async () => {
    const all = await search('venezuela');
    expect(all.totalCount).toBe(all.edges.length);
    const paged: string[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await search('venezuela', { first: 4, ...(after ? { after } : {}) });
      expect(page.totalCount).toBe(all.totalCount);
      paged.push(...labels(page));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor ?? undefined;
    }
    expect(paged).toEqual(labels(all));
    const bad = await graphql(app, SEARCH, { q: 'venezuela', after: 'bm9wZQ' });
    expect(bad.errors?.[0]?.extensions?.code).toBe('INVALID_CURSOR');
  });

  it('narrows actor and source hits by kind', async () => {
    expect(labels(await search('venezuela', { types: ['ACTOR'] }))).toContain(
      'Actor: Government of Venezuela',
    );
    const states = await search('venezuela', {
      types: ['ACTOR'],
      filter: { actorKind: ['STATE'] },
    });
    expect(labels(states)).toEqual([
      'Actor: Venezuela',
      'Actor: Ukraine',
      'Actor: United States',
      'Actor: Iran',
      'Actor: Russia',
    ]);
    const briefings = await search('intelligence', {
      types: ['SOURCE'],
      filter: { sourceKind: ['INTELLIGENCE_BRIEFING'] },
    });
    expect(labels(briefings)).toEqual(['Source: U.S. intelligence briefing']);
  });

  it('runs in one statement whatever the page size, and in a few on the loader path', async () => {
    const loaders = createApp({
      db: database.db,
      logger: createLogger('silent'),
      compiledReads: false,
    });
    for (const first of [1, 5, 50, 100]) {
      database.statements.reset();
      const result = await search('venezuela', { first });
      expect(result.edges).toHaveLength(Math.min(first, result.totalCount));
      // The compiled read: the search, its records and their fields in one statement.
      expect(database.statements.count, `first: ${first}`).toBe(1);
      database.statements.reset();
      const viaLoaders = await graphql<{ search: SearchResult }>(loaders, SEARCH, {
        q: 'venezuela',
        first,
      });
      expect(viaLoaders.data?.search).toEqual(result);
      // One search statement, then one load per record type on the page.
      const types = new Set(result.edges.map((e) => e.node.type));
      expect(database.statements.count, `first: ${first}`).toBe(1 + types.size);
    }
  });
});

describe('visibility', () => {
  const WORD = 'quorvex';
  let keys: Record<'analystAmber' | 'editorAmber', Record<string, string>>;

  beforeAll(async () => {
    keys = {
      analystAmber: bearer(await createKey(database, 'analyst', { clearance: 'AMBER' })),
      editorAmber: bearer(await createKey(database, 'editor', { clearance: 'AMBER' })),
    };
    const open = await insertBriefing(database.db, { title: `Quorvex public briefing` });
    await insertClaim(database.db, {
      briefing_id: open.id,
      position: 0,
      statement: 'Quorvex public claim.',
    });
    await insertClaim(database.db, {
      briefing_id: open.id,
      position: 1,
      statement: 'Quorvex amber claim.',
      marking: 'AMBER',
    });
    const draft = await insertBriefing(database.db, {
      title: 'Quorvex draft briefing',
      status: 'DRAFT',
      published_at: null,
    });
    await insertClaim(database.db, {
      briefing_id: draft.id,
      position: 0,
      statement: 'Quorvex draft claim.',
    });
    await insertBriefing(database.db, { title: 'Quorvex amber briefing', marking: 'AMBER' });
    await insertBriefing(database.db, { title: 'Quorvex red briefing', marking: 'RED' });
    const released = await insertActor(database.db, { name: 'Quorvex Released Actor' });
    await insertActor(database.db, { name: 'Quorvex Embargoed Actor', released_to: null });
    await insertActor(database.db, {
      name: 'Quorvex Amber Actor',
      marking: 'AMBER',
      released_to: 'AMBER',
    });
    await insertActor(database.db, { name: 'Quorvex Merged Actor', merged_into_id: released.id });
    await insertSource(database.db, { title: 'Quorvex released source' });
    await insertSource(database.db, { title: 'Quorvex embargoed source', released_to: null });
  });

  const sorted = async (q: string, headers: Record<string, string> = {}) => {
    const result = await search(q, {}, headers);
    expect(result.totalCount).toBe(result.edges.length);
    return labels(result).sort();
  };

  it('shows anonymous callers published CLEAR, released records only', async () => {
    expect(await sorted(WORD)).toEqual([
      'Actor: Quorvex Released Actor',
      'Briefing: Quorvex public briefing',
      'Claim: Quorvex public claim.',
      'Source: Quorvex released source',
    ]);
    // A misspelt name finds the visible actor, never a hidden one.
    expect(await sorted('Quorvx Released Actor')).toEqual(['Actor: Quorvex Released Actor']);
    expect(await sorted('Quorvx Embargoed Actor')).toEqual([]);
    expect(await sorted('Quorvx Merged Actor')).toEqual([]);
    expect(await sorted('embargoed')).toEqual([]);
    expect(await sorted('draft amber red merged')).toEqual([]);
  });

  it('shows an AMBER analyst AMBER records and unreleased ones, never drafts or RED', async () => {
    expect(await sorted(WORD, keys.analystAmber)).toEqual([
      'Actor: Quorvex Amber Actor',
      'Actor: Quorvex Embargoed Actor',
      'Actor: Quorvex Released Actor',
      'Briefing: Quorvex amber briefing',
      'Briefing: Quorvex public briefing',
      'Claim: Quorvex amber claim.',
      'Claim: Quorvex public claim.',
      'Source: Quorvex embargoed source',
      'Source: Quorvex released source',
    ]);
  });

  it('shows an editor drafts too, and never a merged actor', async () => {
    const seen = await sorted(WORD, keys.editorAmber);
    expect(seen).toContain('Briefing: Quorvex draft briefing');
    expect(seen).toContain('Claim: Quorvex draft claim.');
    expect(seen).not.toContain('Briefing: Quorvex red briefing');
    expect(seen).not.toContain('Actor: Quorvex Merged Actor');
  });

  it('reads hits’ records as the loader path does, which checks each again', async () => {
    // The compiled statement reads a hit's record by id alone (the search applied its
    // visibility); the loader path loads it through the record's own visibility rules.
    const loaders = createApp({
      db: database.db,
      logger: createLogger('silent'),
      compiledReads: false,
    });
    for (const headers of [{}, keys.analystAmber, keys.editorAmber]) {
      for (const q of [WORD, 'Quorvx Released Actor', 'Quorvx Merged Actor']) {
        const compiled = await search(q, {}, headers);
        const viaLoaders = await graphql<{ search: SearchResult }>(
          loaders,
          SEARCH,
          { q, first: 100 },
          headers,
        );
        expect(viaLoaders.data?.search, q).toEqual(compiled);
      }
    }
  });

  it('keeps the index in step with edits', async () => {
    await database.db
      .updateTable('briefing')
      .set({ title: 'Zephyrine public briefing' })
      .where('title', '=', 'Quorvex public briefing')
      .execute();
    expect(labels(await search('zephyrine'))).toEqual(['Briefing: Zephyrine public briefing']);
    expect(await sorted(WORD)).not.toContain('Briefing: Quorvex public briefing');
    // A renamed actor's misspelt new name finds it: its stored folded name follows the rename.
    await database.db
      .updateTable('actor')
      .set({ name: 'Zaphrodine Released Actor' })
      .where('name', '=', 'Quorvex Released Actor')
      .execute();
    expect(await sorted('Zaphrodyne')).toEqual(['Actor: Zaphrodine Released Actor']);
  });
});

describe('cost', () => {
  const costErrors = (document: string, limit: number) =>
    validate(schema, parse(document), [costLimitRule(limit, 'test')]).map((e) => e.message);

  it('charges search its ranking work on top of its page', () => {
    // first: 10 × (the connection + totalCount) + SEARCH_BASE_COST.
    const document = '{ search(query: "x", first: 10) { totalCount } }';
    expect(costErrors(document, 10 * 2 + SEARCH_BASE_COST)).toEqual([]);
    expect(costErrors(document, 10 * 2 + SEARCH_BASE_COST - 1)).toHaveLength(1);
  });
});
