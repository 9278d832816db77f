import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import type { App } from '../../src/yoga.js';
import { insertBriefing } from '../factories/records.js';
import { createTestApp, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

describe('briefing(slug:)', () => {
  it('returns the seed briefing with authors, media and licences, tags and its own source chain', async () => {
    const data = await query<{ briefing: Record<string, unknown> }>(
      app,
      `query($slug: Slug!) { briefing(slug: $slug) {
        slug title status marking language publishedAt version
        authors { name }
        media { position credit licence { name url } takenOn { date precision label } }
        tags { name kind }
        asSource { kind title derivationChain { kind title } }
        claims { totalCount }
        sources(first: 100) { totalCount edges { node { kind } } }
        actors(first: 100) { totalCount edges { node { name } } }
      } }`,
      { slug: SEED_BRIEFING_SLUG },
    );
    const b = data.briefing;
    expect(b).toMatchObject({
      slug: SEED_BRIEFING_SLUG,
      title: 'Venezuela Seeks Military Aid from Russia, China, and Iran',
      status: 'PUBLISHED',
      marking: 'CLEAR',
      language: 'en',
      publishedAt: '2025-11-01T00:00:00.000Z',
      version: 1,
      authors: [{ name: 'Yusuf Çetiner' }],
      claims: { totalCount: 35 },
    });
    expect(b.media).toEqual([
      {
        position: 0,
        credit: 'Press Service of the President of the Russian Federation',
        licence: {
          name: 'Creative Commons Attribution 3.0',
          url: 'https://creativecommons.org/licenses/by/3.0/',
        },
        takenOn: { date: '2019-09-25', precision: 'DAY', label: '2019-09-25' },
      },
      {
        position: 1,
        credit: 'André Austin Du-Pont Rocha',
        licence: {
          name: 'GNU Free Documentation License, Version 1.2',
          url: 'https://www.gnu.org/licenses/old-licenses/fdl-1.2.html',
        },
        takenOn: { date: '2008-07-30', precision: 'DAY', label: '2008-07-30' },
      },
      {
        position: 2,
        credit: 'Majid Haghdoust',
        licence: { name: 'CC BY 4.0', url: 'https://creativecommons.org/licenses/by/4.0/' },
        takenOn: { date: '2019-01-30', precision: 'DAY', label: '2019-01-30' },
      },
    ]);
    expect(b.tags).toContainEqual({ name: 'latin-america', kind: 'REGION' });
    expect(b.tags).toContainEqual({ name: 'arms-transfers', kind: 'TOPIC' });
    expect(b.asSource).toEqual({
      kind: 'ANALYSIS',
      title: 'Venezuela Seeks Military Aid from Russia, China, and Iran',
      derivationChain: [
        {
          kind: 'NEWS_REPORT',
          title:
            'The Washington Post report on Maduro’s requests for military aid from Russia, China and Iran',
        },
        { kind: 'INTELLIGENCE_BRIEFING', title: 'U.S. intelligence briefing' },
      ],
    });
    expect(b.sources).toMatchObject({ totalCount: 6 });
    expect((b.sources as { edges: unknown[] }).edges).toHaveLength(6);
    expect(b.actors).toMatchObject({ totalCount: 24 });
    expect((b.actors as { edges: unknown[] }).edges).toHaveLength(24);
    expect((b.actors as { edges: unknown[] }).edges).toContainEqual({
      node: { name: 'Hugo Chávez' },
    });
  });

  it('anchors every claim quote in the body at its span', async () => {
    const data = await query<{
      briefing: {
        body: string;
        claims: { edges: { node: { quote: string; span: { start: number; end: number } } }[] };
      };
    }>(
      app,
      `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { body claims(first: 100) { edges { node { quote span { start end } } } } } }`,
    );
    const codePoints = [...data.briefing.body];
    expect(data.briefing.claims.edges).toHaveLength(35);
    for (const { node } of data.briefing.claims.edges) {
      expect(codePoints.slice(node.span.start, node.span.end).join('')).toBe(node.quote);
    }
  });

  it('fetches the same briefing through node(id:) and nodes(ids:)', async () => {
    const id = encodeGlobalId('Briefing', 1);
    const data = await query<{ node: { slug: string }; nodes: ({ slug: string } | null)[] }>(
      app,
      `{ node(id: "${id}") { ... on Briefing { slug } } nodes(ids: ["${id}", "${encodeGlobalId('Briefing', 404)}"]) { ... on Briefing { slug } } }`,
    );
    expect(data).toEqual({
      node: { slug: SEED_BRIEFING_SLUG },
      nodes: [{ slug: SEED_BRIEFING_SLUG }, null],
    });
  });
});

describe('briefings', () => {
  it('filters by tag, author, mentioned actor, published range and status, and counts', async () => {
    const ids = await query<{
      actors: { edges: { node: { id: string } }[] };
      briefing: { authors: { id: string }[] };
    }>(
      app,
      `{ actors(filter: { name: "Mohajer-6" }) { edges { node { id } } } briefing(slug: "${SEED_BRIEFING_SLUG}") { authors { id } } }`,
    );
    const actorId = ids.actors.edges[0]?.node.id;
    const authorId = ids.briefing.authors[0]?.id;
    await insertBriefing(database.db, {
      slug: 'later-briefing',
      title: 'A later briefing',
      published_at: '2026-02-01T00:00:00Z',
    });
    const data = await query<
      Record<string, { totalCount: number; edges: { node: { slug: string } }[] }>
    >(
      app,
      `query($actor: ID!, $author: ID!) {
        all: briefings { totalCount edges { node { slug } } }
        oldestFirst: briefings(orderBy: PUBLISHED_AT_ASC) { totalCount edges { node { slug } } }
        byTag: briefings(filter: { tag: ["uavs", "no-such-tag"] }) { totalCount edges { node { slug } } }
        byAuthor: briefings(filter: { authorId: $author }) { totalCount edges { node { slug } } }
        byActor: briefings(filter: { mentionsActorId: $actor }) { totalCount edges { node { slug } } }
        in2026: briefings(filter: { publishedFrom: "2026-01-01T00:00:00Z", publishedTo: "2027-01-01T00:00:00Z" }) { totalCount edges { node { slug } } }
        drafts: briefings(filter: { status: [DRAFT] }) { totalCount edges { node { slug } } }
      }`,
      { actor: actorId, author: authorId },
    );
    expect(data.all?.edges.map((e) => e.node.slug)).toEqual(['later-briefing', SEED_BRIEFING_SLUG]);
    expect(data.oldestFirst?.edges.map((e) => e.node.slug)).toEqual([
      SEED_BRIEFING_SLUG,
      'later-briefing',
    ]);
    for (const key of ['byTag', 'byAuthor', 'byActor']) {
      expect(data[key]).toEqual({ totalCount: 1, edges: [{ node: { slug: SEED_BRIEFING_SLUG } }] });
    }
    expect(data.in2026).toEqual({ totalCount: 1, edges: [{ node: { slug: 'later-briefing' } }] });
    expect(data.drafts).toEqual({ totalCount: 0, edges: [] });
  });

  it('hides drafts and content above TLP:CLEAR from anonymous callers, in lists, counts and by slug', async () => {
    await insertBriefing(database.db, {
      slug: 'secret-draft',
      status: 'DRAFT',
      published_at: null,
    });
    await insertBriefing(database.db, { slug: 'amber-briefing', marking: 'AMBER' });
    const data = await query<Record<string, unknown>>(
      app,
      `{ draft: briefing(slug: "secret-draft") { slug } amber: briefing(slug: "amber-briefing") { slug }
         briefings { totalCount edges { node { slug } } } }`,
    );
    expect(data.draft).toBeNull();
    expect(data.amber).toBeNull();
    expect(JSON.stringify(data.briefings)).not.toMatch(/secret-draft|amber-briefing/);
  });
});
