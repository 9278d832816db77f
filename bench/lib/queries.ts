import type { DataSummary } from './data.ts';

/**
 * The benchmark queries. Each has one document per API family: `ours` (our schema.graphql,
 * also answered by the raw floor, which matches the document text) and `postgraphile`
 * (PostGraphile v5 Amber's generated schema), asking for the same data in the same order, and a
 * canonicaliser per family that maps a response onto one comparable shape.
 */
export type Family = 'ours' | 'postgraphile';

export interface Request {
  query: string;
  variables?: Record<string, unknown>;
}

export interface BenchQuery {
  id: string;
  title: string;
  /** Mutations are not replayed under load with an expected body. */
  mutation?: boolean;
  /** Peers that run it (default all). */
  peers?: readonly string[];
  request(family: Family, data: DataSummary): Request;
  canonical(family: Family, data: unknown): unknown;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

function globalId(typename: string, id: number): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

const Q1_OURS = (briefings: number, claims: number) =>
  `query Q1 { briefings(first: ${briefings}, orderBy: PUBLISHED_AT_DESC) { edges { node { title claims(first: ${claims}) { edges { node { statement citations { source { title } } objects { name } } } } } } } }`;
const Q1_PGL = (briefings: number, claims: number) =>
  `query Q1 { allBriefings(first: ${briefings}, orderBy: [PUBLISHED_AT_DESC, PRIMARY_KEY_DESC]) { nodes { title claimsByBriefingId(first: ${claims}, orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { nodes { statement citationsByClaimId(orderBy: [POSITION_ASC]) { nodes { sourceBySourceId { title } } } claimObjectsByClaimId(orderBy: [POSITION_ASC]) { nodes { actorByActorId { name } } } } } } } }`;

function q1Canonical(family: Family, data: Json) {
  if (family === 'ours') {
    return data.briefings.edges.map(({ node: b }: Json) => ({
      title: b.title,
      claims: b.claims.edges.map(({ node: c }: Json) => ({
        statement: c.statement,
        sources: c.citations.map((x: Json) => x.source.title),
        actors: c.objects.map((o: Json) => o.name),
      })),
    }));
  }
  return data.allBriefings.nodes.map((b: Json) => ({
    title: b.title,
    claims: b.claimsByBriefingId.nodes.map((c: Json) => ({
      statement: c.statement,
      sources: c.citationsByClaimId.nodes.map((x: Json) => x.sourceBySourceId.title),
      actors: c.claimObjectsByClaimId.nodes.map((o: Json) => o.actorByActorId.name),
    })),
  }));
}

function q1(id: string, title: string, briefings: number, claims: number): BenchQuery {
  return {
    id,
    title,
    request: (family) => ({
      query: family === 'ours' ? Q1_OURS(briefings, claims) : Q1_PGL(briefings, claims),
    }),
    canonical: q1Canonical,
  };
}

export const QUERIES: BenchQuery[] = [
  {
    id: 'Q0',
    title: '`{ __typename }` (framework cost)',
    request: () => ({ query: '{ __typename }' }),
    canonical: (_family, data: Json) => data,
  },
  q1('Q1', '20 briefings → 10 claims each → sources (≤5) and actors (≤5)', 20, 10),
  {
    id: 'Q2',
    title: "an actor's outgoing relationships, two hops (10 × 10)",
    request: (family, data) =>
      family === 'ours'
        ? {
            query: `query Q2($id: ID!) { actor(id: $id) { name relationships(first: 10, direction: OUTGOING, orderBy: TYPE_ASC) { edges { node { type to { name relationships(first: 10, direction: OUTGOING, orderBy: TYPE_ASC) { edges { node { type to { name } } } } } } } } } }`,
            variables: { id: globalId('Actor', data.q2ActorId) },
          }
        : {
            query: `query Q2($id: BigInt!) { actorByRowId(rowId: $id) { name actorRelationshipsByFromActorId(first: 10, orderBy: [TYPE_ASC, PRIMARY_KEY_ASC]) { nodes { type actorByToActorId { name actorRelationshipsByFromActorId(first: 10, orderBy: [TYPE_ASC, PRIMARY_KEY_ASC]) { nodes { type actorByToActorId { name } } } } } } } }`,
            variables: { id: String(data.q2ActorId) },
          },
    canonical: (family, data: Json) => {
      if (family === 'ours') {
        const hop = (actor: Json): Json => ({
          name: actor.name,
          relationships: actor.relationships?.edges.map(({ node: r }: Json) => ({
            type: r.type,
            to: hop(r.to),
          })),
        });
        return hop(data.actor);
      }
      const hop = (actor: Json): Json => ({
        name: actor.name,
        relationships: actor.actorRelationshipsByFromActorId?.nodes.map((r: Json) => ({
          type: r.type,
          to: hop(r.actorByToActorId),
        })),
      });
      return hop(data.actorByRowId);
    },
  },
  {
    id: 'Q3',
    title: 'one briefing by id with its first 50 claims',
    request: (family, data) =>
      family === 'ours'
        ? {
            query: `query Q3($id: ID!) { node(id: $id) { ... on Briefing { title summary publishedAt claims(first: 50) { edges { node { statement predicate confidence status } } } } } }`,
            variables: { id: globalId('Briefing', data.q3BriefingId) },
          }
        : {
            query: `query Q3($id: BigInt!) { briefingByRowId(rowId: $id) { title summary publishedAt claimsByBriefingId(first: 50, orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { nodes { statement predicate confidence status } } } }`,
            variables: { id: String(data.q3BriefingId) },
          },
    canonical: (family, data: Json) => {
      const b = family === 'ours' ? data.node : data.briefingByRowId;
      const claims =
        family === 'ours' ? b.claims.edges.map((e: Json) => e.node) : b.claimsByBriefingId.nodes;
      return {
        title: b.title,
        summary: b.summary,
        // Ours prints `…T…Z` with milliseconds, PostGraphile PostgreSQL's `…+00:00`.
        publishedAt: new Date(b.publishedAt).toISOString(),
        claims,
      };
    },
  },
  q1('Q1x2', 'N+1 sentinel: Q1 with page sizes doubled (40 briefings × 20 claims)', 40, 20),
];
