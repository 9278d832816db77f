import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, mutateOk } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue 4's acceptance: an editor builds a second, different briefing through mutations only,
// and an anonymous caller cannot tell it exists until it is published, then reads all of it.
// Issue 10: nor the actors, sources and relationship made for it (the embargo).

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { name: 'Balkans desk' }));
});
afterAll(() => database.close());

const SLUG = 'serbia-buys-rafale-fighters-from-france';
const BODY = [
  'Serbia has turned to France for its next combat aircraft.',
  'According to the Serbian presidency, Serbia signed a contract with France in August 2024 for 12 Rafale fighter jets, reported by Reuters.',
  'Deliveries are expected to begin in 2028.',
].join('\n\n');

/** Runs a mutation as the editor and returns its payload, failing on anything but success. */
function mutate<T>(field: string, text: string, variables: Record<string, unknown>): Promise<T> {
  return mutateOk<T>(app, editor, field, text, variables);
}

async function anonymousView() {
  const result = await graphql<{
    briefing: unknown;
    briefings: { totalCount: number };
    claims: { totalCount: number };
    evidence: { edges: { node: { evidence: { edges: unknown[] } } }[] };
  }>(
    app,
    `{ briefing(slug: "${SLUG}") { slug }
       briefings { totalCount }
       claims(filter: { predicate: ["contracted-purchase"] }) { totalCount }
       evidence: actorRelationships(filter: { type: ["sells-aircraft-to"] }) { edges { node { evidence { edges { node { statement } } } } } } }`,
  );
  return result.data;
}

describe('an editor builds a briefing entirely through the API', () => {
  it('is invisible to anonymous callers until published, then readable with its whole evidence chain', async () => {
    const before = await anonymousView();

    const statement = await mutate<{ source: { id: string } }>(
      'createSource',
      `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on CreateSourceSuccess { source { id } } } }`,
      {
        input: {
          kind: 'STATEMENT',
          title: 'Statement of the Serbian presidency on the Rafale contract',
          publisher: 'Presidency of Serbia',
          reliability: 'B',
        },
      },
    );
    const wire = await mutate<{ source: { id: string } }>(
      'createSource',
      `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on CreateSourceSuccess { source { id } } } }`,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'Serbia signs deal for 12 Rafale jets',
          publisher: 'Reuters',
          reliability: 'A',
          derivedFromId: statement.source.id,
        },
      },
    );
    const actor = async (input: Record<string, unknown>) =>
      (
        await mutate<{ actor: { id: string } }>(
          'createActor',
          `mutation($input: CreateActorInput!) { createActor(input: $input) { __typename ... on CreateActorSuccess { actor { id } } } }`,
          { input },
        )
      ).actor.id;
    const serbia = await actor({
      kind: 'STATE',
      name: 'Serbia',
      country: 'RS',
      aliases: [{ name: 'Srbija', language: 'sr' }],
    });
    const france = await actor({ kind: 'STATE', name: 'France', country: 'FR' });
    const rafale = await actor({
      kind: 'EQUIPMENT',
      name: 'Dassault Rafale',
      aliases: [{ name: 'Rafale' }],
    });

    const created = await mutate<{ briefing: { id: string; version: number; status: string } }>(
      'createBriefing',
      `mutation($input: CreateBriefingInput!) { createBriefing(input: $input) { __typename ... on CreateBriefingSuccess { briefing { id version status } } } }`,
      {
        input: {
          slug: SLUG,
          title: 'Serbia Buys Rafale Fighters from France',
          body: BODY,
          authors: [{ name: 'Test Analyst', bio: 'Writes the end-to-end test.' }],
          tags: [
            { name: 'arms-transfers', kind: 'TOPIC' },
            { name: 'balkans', kind: 'REGION' },
          ],
        },
      },
    );
    expect(created.briefing.status).toBe('DRAFT');

    const claim = await mutate<{ claim: { id: string; span: { start: number; end: number } } }>(
      'addClaim',
      `mutation($briefingId: ID!, $input: AddClaimInput!) { addClaim(briefingId: $briefingId, input: $input) {
         __typename ... on AddClaimSuccess { claim { id span { start end } } } } }`,
      {
        briefingId: created.briefing.id,
        input: {
          statement: 'Serbia contracted 12 Rafale fighters from France in August 2024.',
          quote: 'Serbia signed a contract with France in August 2024 for 12 Rafale fighter jets',
          subjectId: serbia,
          predicate: 'contracted-purchase',
          objectIds: [france, rafale],
          quantity: { qualifier: 'EXACT', value: 12, unit: 'aircraft' },
          validTime: {
            from: { date: '2024-08-01', precision: 'MONTH' },
            to: { date: '2024-08-01', precision: 'MONTH' },
            note: 'August 2024',
          },
          likelihood: 'ALMOST_CERTAIN',
          confidence: 95,
          citations: [
            { sourceId: statement.source.id, role: 'ORIGIN', credibility: 2 },
            { sourceId: wire.source.id, role: 'RELAY', credibility: 2 },
          ],
        },
      },
    );
    const quoteStart = [...BODY].join('').indexOf('Serbia signed a contract');
    expect(claim.claim.span).toEqual({
      start: quoteStart,
      end:
        quoteStart +
        'Serbia signed a contract with France in August 2024 for 12 Rafale fighter jets'.length,
    });

    await mutate(
      'relateActors',
      `mutation($input: RelateActorsInput!) { relateActors(input: $input) { __typename } }`,
      {
        input: {
          fromId: france,
          toId: serbia,
          type: 'sells-aircraft-to',
          validTime: { from: { date: '2024-08-01', precision: 'MONTH' } },
          confidence: 90,
          attributes: { equipment: 'Rafale', quantity: 12 },
          evidenceClaimIds: [claim.claim.id],
        },
      },
    );

    // Still a draft: to anonymous callers nothing of it exists, not even in counts, and the
    // shared records made for it (actors, sources, the relationship) are under embargo.
    expect(await anonymousView()).toEqual(before);
    const embargoed = await graphql<{ nodes: unknown[] }>(
      app,
      `
        query ($ids: [ID!]!) {
          nodes(ids: $ids) {
            id
          }
        }
      `,
      { ids: [statement.source.id, wire.source.id, serbia, france, rafale] },
    );
    expect(embargoed.data).toEqual({ nodes: [null, null, null, null, null] });

    let version = created.briefing.version;
    for (const to of ['IN_REVIEW', 'PUBLISHED']) {
      const moved = await mutate<{ briefing: { version: number; status: string } }>(
        'transitionBriefing',
        `mutation($id: ID!, $v: Int!, $to: BriefingStatus!) { transitionBriefing(id: $id, expectedVersion: $v, to: $to) {
           __typename ... on TransitionBriefingSuccess { briefing { version status } } } }`,
        { id: created.briefing.id, v: version, to },
      );
      expect(moved.briefing.status).toBe(to);
      version = moved.briefing.version;
    }

    // Published: everything the briefing references is released, the relay chain included.
    const released = await graphql<{ nodes: unknown[] }>(
      app,
      `
        query ($ids: [ID!]!) {
          nodes(ids: $ids) {
            id
            ... on Actor {
              releasedTo
            }
            ... on Source {
              releasedTo
            }
          }
        }
      `,
      { ids: [statement.source.id, wire.source.id, serbia, france, rafale] },
    );
    expect(released.data).toEqual({
      nodes: [statement.source.id, wire.source.id, serbia, france, rafale].map((id) => ({
        id,
        releasedTo: 'CLEAR',
      })),
    });

    const after = await anonymousView();
    expect(after).toEqual({
      briefing: { slug: SLUG },
      briefings: { totalCount: (before?.briefings.totalCount ?? 0) + 1 },
      claims: { totalCount: 1 },
      evidence: {
        edges: [
          {
            node: {
              evidence: {
                edges: [
                  {
                    node: {
                      statement: 'Serbia contracted 12 Rafale fighters from France in August 2024.',
                    },
                  },
                ],
              },
            },
          },
        ],
      },
    });

    const read = await graphql(
      app,
      `{ briefing(slug: "${SLUG}") {
          title status authors { name } tags { name kind }
          claims { edges { node {
            statement quantity { text } validTime { from { label } to { label } }
            subject { name relationships(direction: INCOMING) { edges { node { type from { name } attributes evidence { edges { node { statement } } } } } } }
            objects { name }
            citations { edges { node { role source { title derivationChain { title } } } } }
          } } }
      } }`,
    );
    expect(read.errors).toBeUndefined();
    expect(read.data).toEqual({
      briefing: {
        title: 'Serbia Buys Rafale Fighters from France',
        status: 'PUBLISHED',
        authors: [{ name: 'Test Analyst' }],
        tags: [
          { name: 'balkans', kind: 'REGION' },
          { name: 'arms-transfers', kind: 'TOPIC' },
        ],
        claims: {
          edges: [
            {
              node: {
                statement: 'Serbia contracted 12 Rafale fighters from France in August 2024.',
                quantity: { text: '12 aircraft' },
                validTime: { from: { label: '2024-08' }, to: { label: '2024-08' } },
                subject: {
                  name: 'Serbia',
                  relationships: {
                    edges: [
                      {
                        node: {
                          type: 'sells-aircraft-to',
                          from: { name: 'France' },
                          attributes: { equipment: 'Rafale', quantity: 12 },
                          evidence: {
                            edges: [
                              {
                                node: {
                                  statement:
                                    'Serbia contracted 12 Rafale fighters from France in August 2024.',
                                },
                              },
                            ],
                          },
                        },
                      },
                    ],
                  },
                },
                objects: [{ name: 'France' }, { name: 'Dassault Rafale' }],
                citations: {
                  edges: [
                    {
                      node: {
                        role: 'ORIGIN',
                        source: {
                          title: 'Statement of the Serbian presidency on the Rafale contract',
                          derivationChain: [],
                        },
                      },
                    },
                    {
                      node: {
                        role: 'RELAY',
                        source: {
                          title: 'Serbia signs deal for 12 Rafale jets',
                          derivationChain: [
                            { title: 'Statement of the Serbian presidency on the Rafale contract' },
                          ],
                        },
                      },
                    },
                  ],
                },
              },
            },
          ],
        },
      },
    });

    // Every write is on record under the editor's key name.
    const audit = await database.db
      .selectFrom('audit_log')
      .select('action')
      .where('actor_name', '=', 'Balkans desk')
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual([
      'source.create',
      'source.create',
      'actor.create',
      'actor.create',
      'actor.create',
      'briefing.create',
      'claim.create',
      'relationship.create',
      'briefing.transition',
      'briefing.transition',
    ]);
  });
});
