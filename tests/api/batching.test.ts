import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  // This measures batching, not limits: the deep query counts every plain list at its cap of
  // 100 (README "Limits"), past the default trusted cost.
  // The loader path (what answers whatever the compiler does not cover) must batch on its
  // own; tests/api/compiled-reads.test.ts counts the compiled path's one statement.
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    config: loadConfig({ TRUSTED_MAX_COST: '1000000000' }),
    compiledReads: false,
  });
});
afterAll(() => database.close());

// Every nesting level the issue names: list → claims → citations → source → derivedFrom, and
// claims → subject → relationships → to, plus objects, briefing fields and counts.
const DEEP_QUERY = /* GraphQL */ `
  query Deep {
    briefings(first: 100) {
      totalCount
      edges {
        node {
          title
          authors {
            name
          }
          media {
            caption
          }
          tags {
            name
          }
          claims(first: 100) {
            totalCount
            edges {
              node {
                statement
                objects {
                  name
                  aliases {
                    name
                  }
                }
                citations(first: 10) {
                  edges {
                    node {
                      role
                      source {
                        title
                        derivedFrom {
                          title
                          derivedFrom {
                            title
                          }
                        }
                        derivationChain {
                          title
                        }
                      }
                    }
                  }
                }
                subject {
                  name
                  relationships(first: 100) {
                    totalCount
                    edges {
                      node {
                        type
                        to {
                          name
                        }
                        evidence(first: 2) {
                          edges {
                            node {
                              statement
                            }
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        }
      }
    }
  }
`;

interface DeepResult {
  briefings: {
    totalCount: number;
    edges: {
      node: {
        claims: {
          totalCount: number;
          edges: { node: { citations: { edges: unknown[] }; subject: unknown } }[];
        };
      };
    }[];
  };
}

async function countStatements(): Promise<{
  statements: number;
  claims: number;
  citations: number;
}> {
  database.statements.reset();
  const data = await query<DeepResult>(app, DEEP_QUERY);
  const claims = data.briefings.edges.flatMap((b) => b.node.claims.edges);
  return {
    statements: database.statements.count,
    claims: claims.length,
    citations: claims.reduce((sum, c) => sum + c.node.citations.edges.length, 0),
  };
}

describe('batching', () => {
  it('runs a deep query over every seeded claim in a fixed number of statements, whatever the data size', async () => {
    const before = await countStatements();
    expect(before.claims).toBe(35);
    expect(before.citations).toBe(65);

    // Grow the data: more briefings, claims, citations, relay chains, actors and relationships.
    const origin = await insertSource(database.db, { kind: 'INTELLIGENCE_BRIEFING' });
    const relay = await insertSource(database.db, { derived_from_id: origin.id });
    const actors = await Promise.all(Array.from({ length: 10 }, () => insertActor(database.db)));
    for (const [i, actor] of actors.entries()) {
      const other = actors[(i + 1) % actors.length];
      if (other) await insertRelationship(database.db, actor.id, other.id);
    }
    for (let b = 0; b < 3; b += 1) {
      const briefing = await insertBriefing(database.db);
      for (let position = 0; position < 20; position += 1) {
        const subject = actors[position % actors.length];
        const object = actors[(position + 3) % actors.length];
        await insertClaim(
          database.db,
          { briefing_id: briefing.id, position, subject_actor_id: subject?.id },
          {
            objects: object ? [object.id] : [],
            citations: [{ sourceId: origin.id }, { sourceId: relay.id, role: 'RELAY' }],
          },
        );
      }
    }

    const after = await countStatements();
    expect(after.claims).toBe(35 + 60);
    expect(after.citations).toBe(65 + 120);
    expect(after.statements).toBe(before.statements);
    // Far fewer statements than claims: about one per nested field and level, never one per row.
    expect(before.statements).toBe(15);
  });

  it('keeps different page sizes of the same field apart (no shared LIMIT across parents)', async () => {
    const data = await query<{
      a: { edges: { node: { few: { edges: unknown[] }; many: { edges: unknown[] } } }[] };
    }>(
      app,
      `{ a: actors(first: 5, orderBy: NAME_ASC) { edges { node {
           few: claims(first: 1) { edges { cursor } }
           many: claims(first: 3) { edges { cursor } }
      } } } }`,
    );
    for (const { node } of data.a.edges) {
      expect(node.few.edges.length).toBeLessThanOrEqual(1);
      expect(node.many.edges.length).toBeLessThanOrEqual(3);
    }
    const totals = data.a.edges.map(({ node }) => node.many.edges.length);
    expect(totals.some((n) => n > 1)).toBe(true);
  });

  it('reads relationship pages with both ends in one statement, for one actor or many', async () => {
    const hub = await insertActor(database.db, { name: 'Hub' });
    const spokes = await Promise.all(
      ['Spoke C', 'Spoke A', 'Spoke B'].map((name) => insertActor(database.db, { name })),
    );
    for (const spoke of spokes) {
      const letter = spoke.name.slice(-1).toLowerCase();
      await insertRelationship(database.db, hub.id, spoke.id, `supplies-${letter}`);
      await insertRelationship(database.db, spoke.id, hub.id, 'buys-from');
    }
    const page = `relationships(first: 2, direction: OUTGOING, orderBy: TYPE_ASC) {
      totalCount edges { node { type from { name } to { name } } } }`;

    // One parent: the actor, then its page with both ends (no statement for from/to).
    database.statements.reset();
    const one = await query<{
      node: { relationships: { totalCount: number; edges: { node: unknown }[] } };
    }>(app, `query ($id: ID!) { node(id: $id) { ... on Actor { ${page} } } }`, {
      id: Buffer.from(`Actor:${hub.id}`).toString('base64url'),
    });
    expect(one.node.relationships).toEqual({
      totalCount: 3,
      edges: [
        { node: { type: 'supplies-a', from: { name: 'Hub' }, to: { name: 'Spoke A' } } },
        { node: { type: 'supplies-b', from: { name: 'Hub' }, to: { name: 'Spoke B' } } },
      ],
    });
    expect(database.statements.count).toBe(3); // actor, page, totalCount

    // Many parents: each spoke's own first page, in the same statements.
    database.statements.reset();
    const many = await query<{
      nodes: { name: string; relationships: { edges: { node: { to: { name: string } } }[] } }[];
    }>(app, `query ($ids: [ID!]!) { nodes(ids: $ids) { ... on Actor { name ${page} } } }`, {
      ids: spokes.map((s) => Buffer.from(`Actor:${s.id}`).toString('base64url')),
    });
    expect(
      many.nodes.map((n) => [n.name, n.relationships.edges.map((e) => e.node.to.name)]),
    ).toEqual([
      ['Spoke C', ['Hub']],
      ['Spoke A', ['Hub']],
      ['Spoke B', ['Hub']],
    ]);
    expect(database.statements.count).toBe(3);
  });
});
