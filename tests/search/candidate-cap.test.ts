import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ANONYMOUS_VISIBILITY } from '../../src/db/visibility.js';
import {
  SEARCH_TYPES,
  searchPage,
  type SearchRequest,
} from '../../src/search/search.repository.js';
import { insertActor, insertBriefing, insertClaim } from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  const briefing = await insertBriefing(database.db, { title: 'Capped' });
  for (let position = 0; position < 12; position += 1) {
    await insertClaim(database.db, {
      briefing_id: briefing.id,
      position,
      // Claim 11 says "drone" three times: the best match, and the newest.
      statement: position === 11 ? 'Drone, drone, drone.' : `Drone sighting number ${position}.`,
    });
  }
});
afterAll(() => database.close());

const request = (candidateCap: number): SearchRequest => ({
  query: 'drone',
  highlightQuery: 'drone',
  nameQuery: null,
  nameMatchesBelow: 20,
  types: SEARCH_TYPES,
  filter: {},
  after: null,
  pageSize: 100,
  candidateCap,
});

describe('the candidate cap', () => {
  it('ranks every match when they are fewer than the cap', async () => {
    const page = await searchPage(database.db, ANONYMOUS_VISIBILITY, request(100));
    expect(page.total).toBe(12);
    expect(page.capped).toBe(false);
    expect(page.hits[0]?.snippet_text).toBe('Drone, drone, drone');
    expect(page.hits[0]?.snippet_html).toBe(
      '<mark>Drone</mark>, <mark>drone</mark>, <mark>drone</mark>',
    );
  });

  it('ranks only the newest matches of a type beyond it, and says so', async () => {
    const page = await searchPage(database.db, ANONYMOUS_VISIBILITY, request(5));
    expect(page.capped).toBe(true);
    expect(page.total).toBe(5);
    const ids = page.hits.map((hit) => hit.id);
    const newest = await database.db
      .selectFrom('claim')
      .select('id')
      .orderBy('id', 'desc')
      .limit(5)
      .execute();
    expect([...ids].sort((a, b) => a - b)).toEqual(
      newest.map((row) => row.id).sort((a, b) => a - b),
    );
    expect(ids[0]).toBe(newest[0]?.id);
  });
});

describe('similar spellings of names', () => {
  let ids: Record<'alpha' | 'beta' | 'misspelt', number>;

  beforeAll(async () => {
    ids = {
      alpha: (await insertActor(database.db, { name: 'Quintaro Alpha' })).id,
      beta: (await insertActor(database.db, { name: 'Quintaro Beta' })).id,
      // Not a full-text match for "quintaro", a similar spelling of it.
      misspelt: (await insertActor(database.db, { name: 'Quintarro Gamma' })).id,
    };
  });

  const actors = async (nameMatchesBelow: number) => {
    const page = await searchPage(database.db, ANONYMOUS_VISIBILITY, {
      ...request(100),
      query: 'quintaro',
      highlightQuery: 'quintaro',
      nameQuery: 'quintaro',
      nameMatchesBelow,
    });
    return page.hits.map((hit) => [hit.type, hit.id]);
  };

  it('are looked for when the words match fewer actors than the threshold', async () => {
    // Two full-text matches (the same rank: newest first), then the similar spelling.
    expect(await actors(3)).toEqual([
      ['ACTOR', ids.beta],
      ['ACTOR', ids.alpha],
      ['ACTOR', ids.misspelt],
    ]);
  });

  it('are not looked for when the words match as many actors as the threshold', async () => {
    expect(await actors(2)).toEqual([
      ['ACTOR', ids.beta],
      ['ACTOR', ids.alpha],
    ]);
  });
});
