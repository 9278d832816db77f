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
  /**
   * Mutations are not replayed under load with an expected body: every response is checked
   * against the gate's canonical form instead (ids and timestamps differ between writes).
   */
  mutation?: boolean;
  /** Sent with an editor API key (`Authorization: Bearer …`), not anonymously. */
  editor?: boolean;
  /** Peers that run it (default all). */
  peers?: readonly string[];
  /** API families it has a document for (default both). */
  families?: readonly Family[];
  request(family: Family, data: DataSummary): Request;
  /** Maps a response's `data` onto one comparable shape; throws when the shape is unexpected. */
  canonical(family: Family, data: unknown): unknown;
}

// ---- Reading untyped JSON: each step checks its shape and names where it failed ----

type JsonObject = Record<string, unknown>;

function object(value: unknown, at: string): JsonObject {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`expected an object at ${at}, got ${JSON.stringify(value)?.slice(0, 100)}`);
  }
  return value as JsonObject;
}

function list(value: unknown, at: string): unknown[] {
  if (!Array.isArray(value)) {
    throw new Error(`expected a list at ${at}, got ${JSON.stringify(value)?.slice(0, 100)}`);
  }
  return value;
}

/** `value.a.b…` through objects. */
function get(value: unknown, path: string): unknown {
  let current = value;
  let at = '$';
  for (const key of path.split('.')) {
    current = object(current, at)[key];
    at = `${at}.${key}`;
  }
  return current;
}

/** The objects in the list at `value.path`. */
function objects(value: unknown, path: string): JsonObject[] {
  return list(get(value, path), path).map((item, i) => object(item, `${path}[${i}]`));
}

/** The nodes of a Relay connection at `value.path` (`edges[].node`). */
function nodes(value: unknown, path: string): JsonObject[] {
  return objects(value, `${path}.edges`).map((edge, i) =>
    object(edge.node, `${path}.edges[${i}].node`),
  );
}

export function globalId(typename: string, id: number): string {
  return Buffer.from(`${typename}:${id}`).toString('base64url');
}

const Q1_OURS = (briefings: number, claims: number) =>
  `query Q1 { briefings(first: ${briefings}, orderBy: PUBLISHED_AT_DESC) { edges { node { title claims(first: ${claims}) { edges { node { statement citations(first: 5) { edges { node { source { title } } } } objects { name } } } } } } } }`;
const Q1_PGL = (briefings: number, claims: number) =>
  `query Q1 { allBriefings(first: ${briefings}, orderBy: [PUBLISHED_AT_DESC, PRIMARY_KEY_DESC]) { nodes { title claimsByBriefingId(first: ${claims}, orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { nodes { statement citationsByClaimId(first: 5, orderBy: [POSITION_ASC, PRIMARY_KEY_ASC]) { nodes { sourceBySourceId { title } } } claimObjectsByClaimId(orderBy: [POSITION_ASC]) { nodes { actorByActorId { name } } } } } } } }`;

function q1Canonical(family: Family, data: unknown): unknown {
  if (family === 'ours') {
    return nodes(data, 'briefings').map((b) => ({
      title: b.title,
      claims: nodes(b, 'claims').map((c) => ({
        statement: c.statement,
        sources: nodes(c, 'citations').map((x) => get(x, 'source.title')),
        actors: objects(c, 'objects').map((o) => o.name),
      })),
    }));
  }
  return objects(data, 'allBriefings.nodes').map((b) => ({
    title: b.title,
    claims: objects(b, 'claimsByBriefingId.nodes').map((c) => ({
      statement: c.statement,
      sources: objects(c, 'citationsByClaimId.nodes').map((x) => get(x, 'sourceBySourceId.title')),
      actors: objects(c, 'claimObjectsByClaimId.nodes').map((o) => get(o, 'actorByActorId.name')),
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

interface Hop {
  name: unknown;
  relationships?: { type: unknown; to: Hop }[];
}

/** An actor and its outgoing relationships, as far as the response goes. */
function q2Hop(family: Family, actor: JsonObject): Hop {
  const [field, relationships] =
    family === 'ours'
      ? ['relationships', (a: JsonObject) => nodes(a, 'relationships')]
      : [
          'actorRelationshipsByFromActorId',
          (a: JsonObject) => objects(a, 'actorRelationshipsByFromActorId.nodes'),
        ];
  const to = family === 'ours' ? 'to' : 'actorByToActorId';
  if (actor[field] === undefined) return { name: actor.name };
  return {
    name: actor.name,
    relationships: relationships(actor).map((r) => ({
      type: r.type,
      to: q2Hop(family, object(r[to], to)),
    })),
  };
}

/** Q5: the search ours and the raw floor answer (the raw floor matches this text). */
export const Q5_DOCUMENT = `query Q5($q: String!) { search(query: $q, first: 20) { totalCount capped edges { node { type rank snippet { html } record { ... on Briefing { title } ... on Claim { statement } ... on Source { title } ... on Actor { name } } } } } }`;

/** The claim fields Q4 asks for, the same for ours and the raw floor. */
const Q4_DOCUMENT = `mutation Q4($briefingId: ID!, $input: AddClaimInput!) { addClaim(briefingId: $briefingId, input: $input) { __typename ... on AddClaimSuccess { claim { id statement quote span { start end } predicate confidence status marking version citations { edges { node { position role locator credibility source { title } } } } } } ... on Error { message } } }`;

export const QUERIES: BenchQuery[] = [
  {
    id: 'Q0',
    title: '`{ __typename }` (framework cost)',
    request: () => ({ query: '{ __typename }' }),
    canonical: (_family, data) => data,
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
    canonical: (family, data) =>
      q2Hop(family, object(get(data, family === 'ours' ? 'actor' : 'actorByRowId'), 'actor')),
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
    canonical: (family, data) => {
      const b = object(get(data, family === 'ours' ? 'node' : 'briefingByRowId'), 'briefing');
      const claims =
        family === 'ours' ? nodes(b, 'claims') : objects(b, 'claimsByBriefingId.nodes');
      const publishedAt = b.publishedAt;
      if (typeof publishedAt !== 'string') throw new Error('expected publishedAt to be a string');
      return {
        title: b.title,
        summary: b.summary,
        // Ours prints `…T…Z` with milliseconds, PostGraphile PostgreSQL's `…+00:00`.
        publishedAt: new Date(publishedAt).toISOString(),
        claims,
      };
    },
  },
  q1('Q1x2', 'N+1 sentinel: Q1 with page sizes doubled (40 briefings × 20 claims)', 40, 20),
  {
    // Ours and raw only: PostGraphile's Amber preset has no full-text search (a plugin for v5
    // would be a different ranking, so not the same work). "chavez" is one of the generated
    // name words, so about a seventh of every table matches: the candidate cap's case.
    id: 'Q5',
    title:
      'full-text search: 20 hits ranked over briefings, claims, sources and actors, with highlighted snippets; ours and raw only',
    peers: ['ours', 'raw'],
    families: ['ours'],
    request: (family) => {
      if (family !== 'ours') throw new Error('Q5 has no PostGraphile document');
      return { query: Q5_DOCUMENT, variables: { q: 'chavez' } };
    },
    canonical: (_family, data) => {
      const search = object(get(data, 'search'), 'search');
      return {
        totalCount: search.totalCount,
        capped: search.capped,
        hits: nodes(data, 'search').map((hit) => ({
          type: hit.type,
          rank: hit.rank,
          html: get(hit, 'snippet.html'),
          record: hit.record,
        })),
      };
    },
  },
  {
    // Last: it writes. Its briefing is one no other query reads (see loadData).
    id: 'Q4',
    title:
      'mutation: an editor adds a claim (quote anchored by span) with 3 citations to a briefing; ours and raw only',
    mutation: true,
    editor: true,
    peers: ['ours', 'raw'],
    families: ['ours'],
    request: (family, data) => {
      if (family !== 'ours') throw new Error('Q4 has no PostGraphile document');
      const [origin = 1, relay = 2, corroborates = 3] = data.q4SourceIds;
      return {
        query: Q4_DOCUMENT,
        variables: {
          briefingId: globalId('Briefing', data.q4BriefingId),
          input: {
            statement: 'Benchmark claim: the briefing reports a delivery of 12 aircraft.',
            quote: data.q4Anchor.quote,
            span: { start: data.q4Anchor.start, end: data.q4Anchor.end },
            predicate: 'delivered',
            confidence: 70,
            citations: [
              {
                sourceId: globalId('Source', origin),
                role: 'ORIGIN',
                locator: 'p. 3',
                credibility: 2,
              },
              { sourceId: globalId('Source', relay), role: 'RELAY', credibility: 3 },
              {
                sourceId: globalId('Source', corroborates),
                role: 'CORROBORATES',
                quote: 'twelve aircraft were delivered',
                credibility: 2,
              },
            ],
          },
        },
      };
    },
    // Everything but the new claim's id (each request writes a new one).
    canonical: (_family, data) => {
      const payload = object(get(data, 'addClaim'), 'addClaim');
      if (payload.__typename !== 'AddClaimSuccess') {
        throw new Error(
          `addClaim answered ${String(payload.__typename)}: ${String(payload.message)}`,
        );
      }
      const { id, ...claim } = object(payload.claim, 'addClaim.claim');
      if (typeof id !== 'string' || id === '')
        throw new Error('expected the new claim to have an id');
      return { __typename: payload.__typename, claim };
    },
  },
];

/** The families a query has a document for. */
export function familiesOf(query: BenchQuery): readonly Family[] {
  return query.families ?? ['ours', 'postgraphile'];
}
