import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { insertActor, insertRelationship, insertSource } from '../factories/records.js';
import { createTestApp, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(() => database.close());

type Names = { totalCount: number; edges: { node: { name: string } }[] };

describe('actors', () => {
  it('finds names and aliases ignoring case and accents', async () => {
    const data = await query<Record<string, Names>>(
      app,
      `{ chavez: actors(filter: { name: "CHAVEZ" }) { totalCount edges { node { name } } }
         accented: actors(filter: { name: "velásquez" }) { totalCount edges { node { name } } }
         alias: actors(filter: { name: "arpia" }) { totalCount edges { node { name } } }
         none: actors(filter: { name: "%" }) { totalCount edges { node { name } } } }`,
    );
    expect(data.chavez).toEqual({ totalCount: 1, edges: [{ node: { name: 'Hugo Chávez' } }] });
    expect(data.accented).toEqual({
      totalCount: 1,
      edges: [{ node: { name: 'Ramón Celestino Velásquez' } }],
    });
    expect(data.alias).toEqual({ totalCount: 1, edges: [{ node: { name: 'ANSU-100' } }] });
    // LIKE wildcards in the search text are literal characters.
    expect(data.none).toEqual({ totalCount: 0, edges: [] });
  });

  it('pages an actor’s claims by role, each actor its own page', async () => {
    type Page = { totalCount: number; edges: { node: { id: string } }[] };
    type Roles = { name: string; subject: Page; object: Page; any: Page };
    const roles = `name
      subject: claims(role: SUBJECT, first: 100) { totalCount edges { node { id } } }
      object: claims(role: OBJECT, first: 100) { totalCount edges { node { id } } }
      any: claims(role: ANY, first: 100) { totalCount edges { node { id } } }`;
    const data = await query<{ actors: { edges: { node: Roles }[] } }>(
      app,
      `{ actors(first: 100) { edges { node { ${roles} } } } }`,
    );
    const actors = data.actors.edges.map((e) => e.node);
    const ids = (page: Page) => page.edges.map((e) => e.node.id).sort();
    for (const actor of actors) {
      // Either role is the union of the two (no seeded claim has one actor in both roles).
      expect(ids(actor.any), actor.name).toEqual(
        [...ids(actor.subject), ...ids(actor.object)].sort(),
      );
      expect(actor.any.totalCount, actor.name).toBe(
        actor.subject.totalCount + actor.object.totalCount,
      );
      expect(actor.subject.edges.length, actor.name).toBe(actor.subject.totalCount);
    }
    // The seed has actors in each role, and one actor's page never holds another's claims.
    expect(actors.some((a) => a.subject.totalCount > 0 && a.object.totalCount > 0)).toBe(true);
    const single = await query<{ actors: { edges: { node: Roles }[] } }>(
      app,
      `{ actors(first: 1, filter: { name: "CHAVEZ" }) { edges { node { ${roles} } } } }`,
    );
    const chavez = single.actors.edges[0]?.node;
    expect(chavez).toEqual(actors.find((a) => a.name === 'Hugo Chávez'));
  });

  it('filters by kind and country and orders by name', async () => {
    const data = await query<{
      actors: Names & { edges: { node: { name: string; wikidataQid: string | null } }[] };
    }>(
      app,
      '{ actors(filter: { kind: [STATE] }, orderBy: NAME_DESC) { totalCount edges { node { name wikidataQid } } } }',
    );
    expect(data.actors.edges.map((e) => e.node)).toEqual([
      { name: 'Venezuela', wikidataQid: 'Q717' },
      { name: 'United States', wikidataQid: 'Q30' },
      { name: 'Ukraine', wikidataQid: 'Q212' },
      { name: 'Russia', wikidataQid: 'Q159' },
      { name: 'Iran', wikidataQid: 'Q794' },
      { name: 'China', wikidataQid: 'Q148' },
    ]);
    const ve = await query<{ actors: { totalCount: number } }>(
      app,
      '{ actors(filter: { country: ["VE"], kind: [PERSON] }) { totalCount } }',
    );
    expect(ve.actors.totalCount).toBe(3);
  });

  it('lists an actor’s relationships by direction, type and as-of date, with evidence', async () => {
    const data = await query<{
      actors: {
        edges: {
          node: {
            id: string;
            asOf2007: {
              totalCount: number;
              edges: { node: { type: string; from: { name: string }; to: { name: string } } }[];
            };
            undated2007: { totalCount: number };
            asOf2020: { edges: { node: { type: string; from: { name: string } } }[] };
            operates: {
              edges: {
                node: {
                  to: { name: string };
                  attributes: Record<string, unknown>;
                  validTime: unknown;
                  evidence: { totalCount: number };
                };
              }[];
            };
            incoming: { totalCount: number };
            briefings: { edges: { node: { slug: string } }[] };
          };
        }[];
      };
    }>(
      app,
      `{ actors(filter: { kind: [STATE], country: ["VE"] }) { edges { node {
          id
          asOf2007: relationships(asOf: "2007-06-01", first: 100) { totalCount edges { node { type from { name } to { name } } } }
          undated2007: relationships(asOf: "2007-06-01", includeUndated: true) { totalCount }
          asOf2020: relationships(asOf: "2020-06-01", type: ["leads"]) { edges { node { type from { name } } } }
          operates: relationships(direction: OUTGOING, type: ["operates"], orderBy: TYPE_ASC) {
            edges { node { to { name } attributes validTime { from { label } to { label } } evidence { totalCount } } }
          }
          incoming: relationships(direction: INCOMING) { totalCount }
          briefings { edges { node { slug } } }
      } } } }`,
    );
    const venezuela = data.actors.edges[0]?.node;
    // Only relationships known to hold on that day: the 2025 requests (start unknown) and the
    // undated ties are left out; includeUndated brings them back (below).
    expect(venezuela?.asOf2007.totalCount).toBe(3);
    expect(venezuela?.undated2007.totalCount).toBe(15);
    const leaders2007 = venezuela?.asOf2007.edges
      .filter((e) => e.node.type === 'leads')
      .map((e) => e.node.from.name);
    expect(leaders2007).toEqual(['Hugo Chávez']);
    expect(venezuela?.asOf2020.edges).toEqual([
      { node: { type: 'leads', from: { name: 'Nicolás Maduro' } } },
    ]);
    const su30 = venezuela?.operates.edges.find((e) => e.node.to.name === 'Sukhoi Su-30MK2');
    expect(su30?.node.attributes).toEqual({ quantity: 21, qualifier: 'APPROXIMATE' });
    expect(su30?.node.validTime).toEqual({ from: { label: '2006-Q4' }, to: null });
    expect(su30?.node.evidence.totalCount).toBeGreaterThanOrEqual(2);
    expect(venezuela?.briefings).toEqual({
      edges: [{ node: { slug: 'venezuela-seeks-military-aid-from-russia-china-iran' } }],
    });
  });

  it('hides relationships to an actor above the caller’s clearance, and the actor itself', async () => {
    const hidden = await insertActor(database.db, { name: 'Hidden Amber Actor', marking: 'AMBER' });
    const visible = await insertActor(database.db, { name: 'Visible Probe Actor' });
    await insertRelationship(database.db, visible.id, hidden.id, 'supplies');
    const data = await query<Record<string, unknown>>(
      app,
      `{ hidden: actors(filter: { name: "hidden amber" }) { totalCount }
         probe: actors(filter: { name: "visible probe" }) { edges { node { relationships { totalCount edges { node { type } } } } } } }`,
    );
    expect(data.hidden).toEqual({ totalCount: 0 });
    expect(data.probe).toEqual({
      edges: [{ node: { relationships: { totalCount: 0, edges: [] } } }],
    });
  });
});

describe('sources', () => {
  it('filters by kind, publisher and reliability, and follows the relay chain', async () => {
    const data = await query<
      Record<string, { totalCount: number; edges: { node: Record<string, unknown> }[] }>
    >(
      app,
      `{ post: sources(filter: { publisher: "washington POST" }) { totalCount edges { node { title reliability derivedFrom { title } derivationChain { title } citations(first: 2) { totalCount edges { node { role claim { predicate } } } } } } }
         docs: sources(filter: { kind: [OFFICIAL_DOCUMENT] }) { totalCount }
         reliable: sources(filter: { reliability: [A, B] }, orderBy: RELIABILITY_ASC) { totalCount edges { node { reliability } } } }`,
    );
    expect(data.post?.totalCount).toBe(1);
    const post = data.post?.edges[0]?.node as {
      reliability: string;
      derivedFrom: { title: string };
      derivationChain: { title: string }[];
      citations: { totalCount: number; edges: { node: { role: string } }[] };
    };
    expect(post.reliability).toBe('B');
    expect(post.derivedFrom).toEqual({ title: 'U.S. intelligence briefing' });
    expect(post.derivationChain).toEqual([{ title: 'U.S. intelligence briefing' }]);
    expect(post.citations.edges).toHaveLength(2);
    expect(post.citations.totalCount).toBeGreaterThan(2);
    expect(data.docs?.totalCount).toBe(3);
    expect(data.reliable?.edges.map((e) => e.node.reliability)).toEqual(['B', 'B']);
  });

  it('stops a derivation chain at a source the caller may not see', async () => {
    const secret = await insertSource(database.db, { title: 'Secret origin', marking: 'RED' });
    const middle = await insertSource(database.db, {
      title: 'Open middle',
      derived_from_id: secret.id,
    });
    await insertSource(database.db, {
      title: 'Open relay of open middle',
      derived_from_id: middle.id,
    });
    const data = await query<{
      sources: {
        edges: { node: { derivationChain: { title: string }[]; derivedFrom: unknown } }[];
      };
    }>(
      app,
      '{ sources(filter: { kind: [NEWS_REPORT] }, orderBy: TITLE_ASC, first: 100) { edges { node { title derivedFrom { title } derivationChain { title } } } } }',
    );
    const byTitle = new Map(
      data.sources.edges.map((e) => [(e.node as unknown as { title: string }).title, e.node]),
    );
    expect(byTitle.get('Open relay of open middle')?.derivationChain).toEqual([
      { title: 'Open middle' },
    ]);
    expect(byTitle.get('Open middle')).toMatchObject({ derivedFrom: null, derivationChain: [] });
    expect(byTitle.has('Secret origin')).toBe(false);
  });
});
