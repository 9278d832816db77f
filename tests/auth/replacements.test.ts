import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A replacement list touches only what the caller may see: entries above a GREEN editor's
// clearance stay, where they were.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
const rows: Record<string, number> = {};

const UPDATE_CLAIM = `mutation ($id: ID!, $input: UpdateClaimInput!) {
  updateClaim(id: $id, expectedVersion: 1, input: $input) { __typename }
}`;
const MERGE = `mutation ($survivorId: ID!, $mergedId: ID!) {
  mergeActors(survivorId: $survivorId, expectedSurvivorVersion: 1, mergedId: $mergedId,
    expectedMergedVersion: 1) { __typename ... on Error { message } }
}`;
const UPDATE_RELATIONSHIP = `mutation ($id: ID!, $input: UpdateRelationshipInput!) {
  updateRelationship(id: $id, expectedVersion: 1, input: $input) { __typename }
}`;

const actorId = (name: string) => encodeGlobalId('Actor', rows[name] ?? 0);
const sourceId = (name: string) => encodeGlobalId('Source', rows[name] ?? 0);

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  const { db } = database;
  editor = bearer(await createKey(database, 'editor', { clearance: 'GREEN' }));
  const briefing = await insertBriefing(db);
  rows.briefing = briefing.id;
  for (const [name, marking] of [
    ['first', 'CLEAR'],
    ['amber', 'AMBER'],
    ['second', 'GREEN'],
    ['third', 'CLEAR'],
    ['fourth', 'CLEAR'],
  ] as const)
    rows[name] = (await insertActor(db, { name, marking })).id;
  for (const [name, marking] of [
    ['origin', 'CLEAR'],
    ['red intercept', 'RED'],
    ['relay', 'CLEAR'],
    ['new origin', 'CLEAR'],
  ] as const)
    rows[name] = (await insertSource(db, { title: name, marking })).id;
  const objects = ['first', 'amber', 'second'].map((name) => rows[name] ?? 0);
  for (const name of ['objects', 'citations', 'empty']) {
    rows[name] = (
      await insertClaim(
        db,
        { briefing_id: briefing.id, position: Object.keys(rows).length },
        {
          objects,
          citations: [
            { sourceId: rows.origin ?? 0, role: 'ORIGIN' },
            { sourceId: rows['red intercept'] ?? 0, role: 'RELAY' },
            { sourceId: rows.relay ?? 0, role: 'RELAY' },
          ],
        },
      )
    ).id;
  }
  // The hidden citation carries words of its own, which must survive the replacement.
  await db
    .updateTable('citation')
    .set({ quote: 'intercepted words', locator: 'p. 3', credibility: 2 })
    .where('source_id', '=', rows['red intercept'] ?? 0)
    .execute();
  const evidence = async (statement: string, marking: 'CLEAR' | 'AMBER') =>
    (
      await insertClaim(db, {
        briefing_id: briefing.id,
        position: Object.keys(rows).length + 10,
        statement,
        marking,
      })
    ).id;
  rows.visibleEvidence = await evidence('Visible evidence.', 'CLEAR');
  rows.hiddenEvidence = await evidence('Hidden evidence.', 'AMBER');
  rows.newEvidence = await evidence('New evidence.', 'CLEAR');
  rows.hiddenLink = (
    await db
      .insertInto('actor_relationship')
      .values({
        from_actor_id: rows.third ?? 0,
        to_actor_id: rows.fourth ?? 0,
        type: 'funds',
        marking: 'AMBER',
      })
      .returning('id')
      .executeTakeFirstOrThrow()
  ).id;
  rows.relationship = (
    await insertRelationship(db, rows.first ?? 0, rows.second ?? 0, 'supplies')
  ).id;
  await db
    .insertInto('relationship_evidence')
    .values([
      { relationship_id: rows.relationship, claim_id: rows.visibleEvidence },
      { relationship_id: rows.relationship, claim_id: rows.hiddenEvidence },
    ])
    .execute();
});
afterAll(() => database.close());

async function storedObjects(claim: number): Promise<number[]> {
  const objects = await database.db
    .selectFrom('claim_object')
    .select('actor_id')
    .where('claim_id', '=', claim)
    .orderBy('position')
    .execute();
  return objects.map((o) => o.actor_id);
}

async function storedCitations(claim: number) {
  return database.db
    .selectFrom('citation')
    .select(['id', 'source_id', 'role', 'quote', 'locator', 'credibility', 'position'])
    .where('claim_id', '=', claim)
    .orderBy('position')
    .execute();
}

describe('a replacement list from an editor below some entries’ marking', () => {
  it('replaces the objects it may see and keeps the hidden one in its place', async () => {
    const claim = rows.objects ?? 0;
    const result = await graphql(
      app,
      UPDATE_CLAIM,
      {
        id: encodeGlobalId('Claim', claim),
        input: { objectIds: [actorId('third'), actorId('fourth'), actorId('first')] },
      },
      editor,
    );
    expect(result.data).toEqual({ updateClaim: { __typename: 'UpdateClaimSuccess' } });
    expect(await storedObjects(claim)).toEqual(
      ['third', 'amber', 'fourth', 'first'].map((name) => rows[name]),
    );
  });

  it('keeps the hidden citation, its id and its words, when replacing the citations', async () => {
    const claim = rows.citations ?? 0;
    const [, hidden] = await storedCitations(claim);
    const result = await graphql(
      app,
      UPDATE_CLAIM,
      {
        id: encodeGlobalId('Claim', claim),
        input: { citations: [{ sourceId: sourceId('new origin'), role: 'ORIGIN' }] },
      },
      editor,
    );
    expect(result.data).toEqual({ updateClaim: { __typename: 'UpdateClaimSuccess' } });
    const stored = await storedCitations(claim);
    expect(stored.map((c) => c.source_id)).toEqual([rows['new origin'], rows['red intercept']]);
    expect(stored[1]).toEqual({ ...hidden, position: 1 });
  });

  it('keeps hidden entries when the replacement is empty', async () => {
    const claim = rows.empty ?? 0;
    const result = await graphql(
      app,
      UPDATE_CLAIM,
      { id: encodeGlobalId('Claim', claim), input: { objectIds: [], citations: [] } },
      editor,
    );
    expect(result.data).toEqual({ updateClaim: { __typename: 'UpdateClaimSuccess' } });
    expect(await storedObjects(claim)).toEqual([rows.amber]);
    expect((await storedCitations(claim)).map((c) => [c.source_id, c.position])).toEqual([
      [rows['red intercept'], 0],
    ]);
  });

  it('replaces the evidence it may see and keeps the hidden claim', async () => {
    const result = await graphql(
      app,
      UPDATE_RELATIONSHIP,
      {
        id: encodeGlobalId('ActorRelationship', rows.relationship ?? 0),
        input: { evidenceClaimIds: [encodeGlobalId('Claim', rows.newEvidence ?? 0)] },
      },
      editor,
    );
    expect(result.data).toEqual({
      updateRelationship: { __typename: 'UpdateRelationshipSuccess' },
    });
    const stored = await database.db
      .selectFrom('relationship_evidence')
      .select('claim_id')
      .where('relationship_id', '=', rows.relationship ?? 0)
      .orderBy('claim_id')
      .execute();
    expect(stored.map((e) => e.claim_id)).toEqual(
      [rows.hiddenEvidence, rows.newEvidence].sort((a = 0, b = 0) => a - b),
    );
  });

  it('refuses a merge that would delete a relationship it may not see between the two', async () => {
    const result = await graphql(
      app,
      MERGE,
      { survivorId: actorId('third'), mergedId: actorId('fourth') },
      editor,
    );
    expect(result.data).toEqual({
      mergeActors: {
        __typename: 'ConflictError',
        message:
          'these actors cannot be merged at your clearance: ask an editor cleared for all their records',
      },
    });
    const link = await database.db
      .selectFrom('actor_relationship')
      .select(['from_actor_id', 'to_actor_id', 'version'])
      .where('id', '=', rows.hiddenLink ?? 0)
      .executeTakeFirst();
    expect(link).toEqual({ from_actor_id: rows.third, to_actor_id: rows.fourth, version: 1 });
    const merged = await database.db
      .selectFrom('actor')
      .select('merged_into_id')
      .where('id', '=', rows.fourth ?? 0)
      .executeTakeFirstOrThrow();
    expect(merged.merged_into_id).toBeNull();
  });
});
