import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, type GraphQLResponse } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A partner's mirror kept by the sync loop of README "For partners" must hold exactly what a
// full read returns, after inserts, updates, retractions, deletions, marking changes and
// merges, for each audience; and a tombstone never names a record its audience never saw.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

const NODE_FIELDS = /* GraphQL */ `
  __typename
  ... on Briefing { id title status marking version }
  ... on Claim { id statement marking version }
  ... on Source { id title marking version }
  ... on Actor { id name marking version }
  ... on ActorRelationship { id type marking version }
`;

const CHANGES = /* GraphQL */ `
  query Changes($since: String, $first: Int) {
    changes(since: $since, first: $first) {
      edges { cursor node { kind type recordId node { ${NODE_FIELDS} } } }
      hasNextPage
      endCursor
    }
  }
`;

interface ChangesData {
  changes: {
    edges: {
      cursor: string;
      node: { kind: string; type: string; recordId: string; node: Record<string, unknown> | null };
    }[];
    hasNextPage: boolean;
    endCursor: string;
  };
}

/** A partner's copy: records by global id, the cursor to continue from, every id it was told of. */
class Mirror {
  records = new Map<string, string>();
  since: string | null = null;
  mentioned = new Set<string>();
  constructor(readonly headers: Record<string, string>) {}

  async sync(): Promise<void> {
    for (;;) {
      const result = await graphql<ChangesData>(
        app,
        CHANGES,
        { since: this.since, first: 7 },
        this.headers,
      );
      if (!result.data) throw new Error(`expected changes, got ${JSON.stringify(result)}`);
      const page = result.data.changes;
      for (const { node: change } of page.edges) {
        this.mentioned.add(change.recordId);
        if (change.kind === 'UPSERT' && change.node) {
          expect(change.node['id']).toBe(change.recordId);
          this.records.set(change.recordId, JSON.stringify(change.node));
        } else {
          this.records.delete(change.recordId);
        }
      }
      this.since = page.endCursor;
      if (!page.hasNextPage) return;
    }
  }
}

const LISTS = ['briefings', 'claims', 'sources', 'actors', 'actorRelationships'] as const;

interface ListPage {
  edges: { node: Record<string, unknown> }[];
  pageInfo: { hasNextPage: boolean; endCursor: string | null };
}

/** Everything the caller's root lists return, read page by page. */
async function fullRead(headers: Record<string, string>): Promise<Map<string, string>> {
  const records = new Map<string, string>();
  for (const list of LISTS) {
    let after: string | null = null;
    for (;;) {
      const text = `query ($after: String) { ${list}(first: 100, after: $after) {
        edges { node { ... on Node { ${NODE_FIELDS} } } } pageInfo { hasNextPage endCursor } } }`;
      const result: GraphQLResponse<Record<string, ListPage>> = await graphql(
        app,
        text,
        { after },
        headers,
      );
      const page: ListPage | undefined = result.data?.[list];
      if (!page) throw new Error(`expected ${list}, got ${JSON.stringify(result)}`);
      for (const { node } of page.edges) records.set(String(node['id']), JSON.stringify(node));
      if (!page.pageInfo.hasNextPage) break;
      after = page.pageInfo.endCursor;
    }
  }
  return records;
}

interface Written {
  id: string;
  version: number;
}

/** Runs a mutation as the editor and returns its success payload's record. */
async function write(
  field: string,
  args: string,
  variables: Record<string, unknown>,
  result: string,
) {
  const text = `mutation (${args}) { ${field}(${Object.keys(variables)
    .map((name) => `${name}: $${name}`)
    .join(
      ', ',
    )}) { __typename ... on ${field[0]?.toUpperCase()}${field.slice(1)}Success { ${result} { id version } } ... on Error { message } ... on ValidationError { issues { path message } } } }`;
  const response = await graphql<Record<string, Record<string, unknown>>>(
    app,
    text,
    variables,
    editor,
  );
  const record = response.data?.[field]?.[result] as Written | undefined;
  if (!record) throw new Error(`expected ${field} to succeed, got ${JSON.stringify(response)}`);
  return record;
}

let mirrors: Record<'anonymous' | 'green' | 'red', Mirror>;

async function syncAndCompare(): Promise<void> {
  for (const mirror of Object.values(mirrors)) {
    await mirror.sync();
    expect(new Map([...mirror.records].sort())).toEqual(
      new Map([...(await fullRead(mirror.headers))].sort()),
    );
  }
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
  mirrors = {
    anonymous: new Mirror({}),
    green: new Mirror(bearer(await createKey(database, 'analyst', { clearance: 'GREEN' }))),
    red: new Mirror(bearer(await createKey(database, 'analyst', { clearance: 'RED' }))),
  };
});
afterAll(() => database.close());

describe('changes', () => {
  it('keeps mirrors equal to a full read, for each audience, through every kind of write', async () => {
    await syncAndCompare();
    expect(mirrors.anonymous.records.size).toBeGreaterThan(10);

    const briefing = await write(
      'createBriefing',
      '$input: CreateBriefingInput!',
      {
        input: {
          slug: 'sync-test',
          title: 'Sync test',
          body: 'Alpha supplied Bravo. Bravo operates Charlie.',
          marking: 'GREEN',
        },
      },
      'briefing',
    );
    const alpha = await write(
      'createActor',
      '$input: CreateActorInput!',
      { input: { kind: 'STATE', name: 'Alpha' } },
      'actor',
    );
    const bravo = await write(
      'createActor',
      '$input: CreateActorInput!',
      { input: { kind: 'ORGANIZATION', name: 'Bravo', marking: 'AMBER' } },
      'actor',
    );
    const claim = await write(
      'addClaim',
      '$briefingId: ID!, $input: AddClaimInput!',
      {
        briefingId: briefing.id,
        input: { statement: 'Alpha supplied Bravo.', predicate: 'supplied', subjectId: alpha.id },
      },
      'claim',
    );
    const secret = await write(
      'addClaim',
      '$briefingId: ID!, $input: AddClaimInput!',
      {
        briefingId: briefing.id,
        input: { statement: 'Bravo operates Charlie.', predicate: 'operates', marking: 'RED' },
      },
      'claim',
    );
    await syncAndCompare();

    const inReview = await write(
      'transitionBriefing',
      '$id: ID!, $expectedVersion: Int!, $to: BriefingStatus!',
      { id: briefing.id, expectedVersion: briefing.version, to: 'IN_REVIEW' },
      'briefing',
    );
    let published = await write(
      'transitionBriefing',
      '$id: ID!, $expectedVersion: Int!, $to: BriefingStatus!',
      { id: briefing.id, expectedVersion: inReview.version, to: 'PUBLISHED' },
      'briefing',
    );
    const relationship = await write(
      'relateActors',
      '$input: RelateActorsInput!',
      { input: { fromId: alpha.id, toId: bravo.id, type: 'supplies' } },
      'relationship',
    );
    await syncAndCompare();
    expect(mirrors.green.records.has(claim.id)).toBe(true);
    expect(mirrors.green.records.has(secret.id)).toBe(false);

    await write(
      'updateClaim',
      '$id: ID!, $expectedVersion: Int!, $input: UpdateClaimInput!',
      { id: claim.id, expectedVersion: claim.version, input: { statement: 'Alpha sold Bravo.' } },
      'claim',
    );
    published = await write(
      'updateBriefing',
      '$id: ID!, $expectedVersion: Int!, $input: UpdateBriefingInput!',
      { id: briefing.id, expectedVersion: published.version, input: { title: 'Renamed' } },
      'briefing',
    );
    await syncAndCompare();

    // The RED claim goes away before GREEN could ever see it: no tombstone for GREEN.
    await write(
      'removeClaim',
      '$id: ID!, $expectedVersion: Int!',
      { id: secret.id, expectedVersion: secret.version },
      'briefing',
    );
    await syncAndCompare();
    expect(mirrors.green.mentioned.has(secret.id)).toBe(false);
    expect(mirrors.red.mentioned.has(secret.id)).toBe(true);

    // Raising the briefing's marking hides it and its claims from GREEN; lowering an actor's
    // shows it (and its relationship) to GREEN.
    published = await write(
      'updateBriefing',
      '$id: ID!, $expectedVersion: Int!, $input: UpdateBriefingInput!',
      { id: briefing.id, expectedVersion: published.version, input: { marking: 'AMBER' } },
      'briefing',
    );
    await write(
      'updateActor',
      '$id: ID!, $expectedVersion: Int!, $input: UpdateActorInput!',
      { id: bravo.id, expectedVersion: bravo.version, input: { marking: 'GREEN' } },
      'actor',
    );
    await syncAndCompare();
    expect(mirrors.green.records.has(claim.id)).toBe(false);
    expect(mirrors.green.records.has(relationship.id)).toBe(true);

    // A retraction keeps the briefing for analysts and takes it from anonymous readers.
    await write(
      'transitionBriefing',
      '$id: ID!, $expectedVersion: Int!, $to: BriefingStatus!, $reason: String',
      { id: briefing.id, expectedVersion: published.version, to: 'RETRACTED', reason: 'Wrong.' },
      'briefing',
    );
    await syncAndCompare();
    expect(mirrors.red.records.has(briefing.id)).toBe(true);

    // A merge: the merged actor is gone from every mirror that held it, its relationship moves.
    const duplicate = await write(
      'createActor',
      '$input: CreateActorInput!',
      { input: { kind: 'STATE', name: 'Alpha (duplicate)' } },
      'actor',
    );
    await write(
      'relateActors',
      '$input: RelateActorsInput!',
      { input: { fromId: duplicate.id, toId: bravo.id, type: 'operates' } },
      'relationship',
    );
    await syncAndCompare();
    const survivor = await write(
      'updateActor',
      '$id: ID!, $expectedVersion: Int!, $input: UpdateActorInput!',
      { id: alpha.id, expectedVersion: alpha.version, input: { description: 'A state.' } },
      'actor',
    );
    await write(
      'mergeActors',
      '$mergedId: ID!, $survivorId: ID!, $expectedMergedVersion: Int!, $expectedSurvivorVersion: Int!',
      {
        mergedId: duplicate.id,
        survivorId: alpha.id,
        expectedMergedVersion: duplicate.version,
        expectedSurvivorVersion: survivor.version,
      },
      'actor',
    );
    await syncAndCompare();
    expect(mirrors.red.records.has(duplicate.id)).toBe(false);
    expect(mirrors.red.mentioned.has(duplicate.id)).toBe(true);
  });

  it('refuses a cursor it did not issue', async () => {
    const result = await graphql(app, CHANGES, { since: 'nonsense' });
    expect(result.errors?.[0]?.extensions?.['code']).toBe('BAD_USER_INPUT');
  });
});
