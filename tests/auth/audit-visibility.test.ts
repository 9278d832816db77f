import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { migrateDownThrough } from '../helpers/migrations.js';

// An audit entry is visible only when every record it names, before and after, is: written
// through the real mutations by a RED editor, read back by a CLEAR editor.

let database: TestDatabase;
let app: App;
let writer: Record<string, string>;
let clearEditor: Record<string, string>;
let admin: Record<string, string>;
const ids: Record<string, string> = {};
/** The entries the CLEAR editor may see, newest first, as `action entityId`. */
const visibleToClear: string[] = [];
let writes = 0;
let clearBriefingId = 0;

const ADD_CLAIM = `mutation ($briefingId: ID!, $input: AddClaimInput!) {
  addClaim(briefingId: $briefingId, input: $input) {
    __typename ... on AddClaimSuccess { claim { id version } }
  }
}`;
const REMOVE_CLAIM = `mutation ($id: ID!, $version: Int!) {
  removeClaim(id: $id, expectedVersion: $version) { __typename }
}`;
const RELATE = `mutation ($input: RelateActorsInput!) {
  relateActors(input: $input) {
    __typename ... on RelateActorsSuccess { relationship { id } }
  }
}`;
const MERGE = `mutation ($survivorId: ID!, $mergedId: ID!) {
  mergeActors(survivorId: $survivorId, expectedSurvivorVersion: 1, mergedId: $mergedId,
    expectedMergedVersion: 1) { __typename }
}`;
const AUDIT = `query ($first: Int) {
  auditLog(first: $first, filter: { actorName: "red desk" }) {
    totalCount
    pageInfo { hasNextPage }
    edges { node { action entityType entityId before after } }
  }
}`;
const HISTORY = `query ($id: ID!) {
  node(id: $id) {
    ... on Briefing { history(first: 100) { edges { node { action entityId before after } } } }
  }
}`;

/** Text that only RED records carry: none of it may reach a CLEAR caller. */
const SECRETS = ['RED-SOURCE', 'RED-QUOTE', 'RED-LOCATOR', 'RED-ACTOR', 'RED-CLAIM', 'RED-BRIEF'];

async function write<T>(text: string, variables: Record<string, unknown>): Promise<T> {
  const result = await graphql<Record<string, T & { __typename: string }>>(
    app,
    text,
    variables,
    writer,
  );
  const payload = Object.values(result.data ?? {})[0];
  if (!payload?.__typename.endsWith('Success'))
    throw new Error(`expected success, got ${JSON.stringify(result)}`);
  writes += 1;
  return payload;
}

async function addClaim(
  briefing: string,
  input: Record<string, unknown>,
): Promise<{ id: string; version: number }> {
  const payload = await write<{ claim: { id: string; version: number } }>(ADD_CLAIM, {
    briefingId: briefing,
    input: { predicate: 'reports', subjectId: ids.clearActor, ...input },
  });
  return payload.claim;
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  const { db } = database;
  writer = bearer(await createKey(database, 'editor', { clearance: 'RED', name: 'red desk' }));
  clearEditor = bearer(await createKey(database, 'editor', { clearance: 'CLEAR' }));
  admin = bearer(await createKey(database, 'admin', { clearance: 'RED' }));
  const id = (type: string, row: { id: number }) => encodeGlobalId(type, row.id);
  const clearBriefing = await insertBriefing(db);
  clearBriefingId = clearBriefing.id;
  ids.clear = id('Briefing', clearBriefing);
  ids.red = id('Briefing', await insertBriefing(db, { marking: 'RED', title: 'RED-BRIEF' }));
  ids.clearActor = id('Actor', await insertActor(db, { name: 'Clear Actor' }));
  ids.otherActor = id('Actor', await insertActor(db, { name: 'Other Actor' }));
  ids.redActor = id('Actor', await insertActor(db, { name: 'RED-ACTOR one', marking: 'RED' }));
  ids.redSurvivor = id('Actor', await insertActor(db, { name: 'RED-ACTOR two', marking: 'RED' }));
  ids.clearSource = id('Source', await insertSource(db, { title: 'Clear Source' }));
  ids.redSource = id('Source', await insertSource(db, { title: 'RED-SOURCE', marking: 'RED' }));
  const visible = (action: string, entityId: string) =>
    visibleToClear.unshift(`${action} ${entityId}`);

  const plain = await addClaim(ids.clear, {
    statement: 'A plain claim.',
    citations: [{ sourceId: ids.clearSource, role: 'ORIGIN' }],
  });
  visible('claim.create', plain.id);
  await addClaim(ids.clear, {
    statement: 'A clear claim on a RED source.',
    citations: [
      { sourceId: ids.redSource, role: 'ORIGIN', quote: 'RED-QUOTE', locator: 'RED-LOCATOR' },
    ],
  });
  await addClaim(ids.clear, { statement: 'RED-CLAIM itself.', marking: 'RED' });
  await addClaim(ids.red, { statement: 'A clear claim inside a RED briefing.' });
  const toRed = await write<{ relationship: { id: string } }>(RELATE, {
    input: { fromId: ids.clearActor, toId: ids.redActor, type: 'supplies' },
  });
  ids.toRed = toRed.relationship.id;
  const between = await write<{ relationship: { id: string } }>(RELATE, {
    input: { fromId: ids.clearActor, toId: ids.otherActor, type: 'supplies' },
  });
  visible('relationship.create', between.relationship.id);
  // A clear claim naming a RED actor, then a merge of two RED actors: the merge's entries for
  // the claim and the relationship carry no marking of their own.
  await addClaim(ids.clear, {
    statement: 'A claim about a RED object.',
    objectIds: [ids.redActor],
  });
  await write(MERGE, { survivorId: ids.redSurvivor, mergedId: ids.redActor });
  // Removed claims are judged by what they named that still exists.
  const removed = await addClaim(ids.clear, { statement: 'Removed later.' });
  visible('claim.create', removed.id);
  await write(REMOVE_CLAIM, removed);
  visible('claim.remove', removed.id);
  const removedRed = await addClaim(ids.clear, {
    statement: 'Removed later, on a RED source.',
    citations: [{ sourceId: ids.redSource, role: 'RELAY', quote: 'RED-QUOTE' }],
  });
  await write(REMOVE_CLAIM, removedRed);
});
afterAll(() => database.close());

interface AuditPage {
  auditLog: {
    totalCount: number;
    pageInfo: { hasNextPage: boolean };
    edges: { node: { action: string; entityType: string; entityId: string } }[];
  };
}

const entries = (page: AuditPage | null | undefined) =>
  page?.auditLog.edges.map(({ node }) => `${node.action} ${node.entityId}`);

describe('the audit log', () => {
  it('shows a CLEAR editor only entries whose every named record it may see', async () => {
    const result = await graphql<AuditPage>(app, AUDIT, {}, clearEditor);
    expect(entries(result.data)).toEqual(visibleToClear);
    expect(result.data?.auditLog.totalCount).toBe(visibleToClear.length);
    const text = JSON.stringify(result);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('keeps pages and totalCount exact', async () => {
    const result = await graphql<AuditPage>(app, AUDIT, { first: 2 }, clearEditor);
    expect(entries(result.data)).toEqual(visibleToClear.slice(0, 2));
    expect(result.data?.auditLog).toMatchObject({
      totalCount: visibleToClear.length,
      pageInfo: { hasNextPage: true },
    });
  });

  it('shows a RED editor every entry of the writes, merge entries included', async () => {
    const result = await graphql<AuditPage>(app, AUDIT, {}, writer);
    const actions = result.data?.auditLog.edges.map(({ node }) => node.action) ?? [];
    // Each write is one entry, but a merge of this shape writes four.
    expect(result.data?.auditLog.totalCount).toBe(writes + 3);
    expect(actions).toEqual(
      expect.arrayContaining([
        'claim.merge.reassign',
        'relationship.merge.reassign',
        'actor.merge.merged',
        'actor.merge.survivor',
      ]),
    );
  });

  it('keeps API key entries for admins', async () => {
    const created = await graphql<{ createApiKey: { __typename: string } }>(
      app,
      'mutation { createApiKey(input: { name: "desk", role: analyst }) { __typename } }',
      undefined,
      admin,
    );
    expect(created.data?.createApiKey.__typename).toBe('CreateApiKeySuccess');
    const filter = '{ auditLog(filter: { entityType: "ApiKey" }) { totalCount } }';
    expect((await graphql(app, filter, undefined, admin)).data).toEqual({
      auditLog: { totalCount: 1 },
    });
    expect((await graphql(app, filter, undefined, writer)).data).toEqual({
      auditLog: { totalCount: 0 },
    });
  });

  it('leaves hidden records out of a visible briefing’s history', async () => {
    const result = await graphql<{
      node: { history: { edges: { node: { action: string; entityId: string } }[] } };
    }>(app, HISTORY, { id: ids.clear }, clearEditor);
    expect(
      result.data?.node.history.edges.map(({ node: e }) => `${e.action} ${e.entityId}`),
    ).toEqual(visibleToClear.filter((entry) => entry.startsWith('claim.')).reverse());
    const text = JSON.stringify(result);
    for (const secret of SECRETS) expect(text).not.toContain(secret);
  });

  it('judges entries written before the migration by the same rule (backfill)', async () => {
    expect(
      (await migrateDownThrough(database.db, '2026-11-30T01-00-00_audit-mentions')).at(-1),
    ).toBe('Down 2026-11-30T01-00-00_audit-mentions');
    const [source] = await database.db
      .selectFrom('source')
      .select('id')
      .where('title', '=', 'RED-SOURCE')
      .execute();
    const claim = (statement: string, sourceId: number | null) =>
      JSON.stringify({
        briefing_id: clearBriefingId,
        statement,
        marking: 'CLEAR',
        citations: sourceId === null ? [] : [{ source_id: sourceId, role: 'ORIGIN' }],
      });
    await database.db
      .insertInto('audit_log')
      .values([
        {
          actor_name: 'red desk',
          action: 'claim.remove',
          entity_type: 'Claim',
          entity_id: 9_000_001,
          before: claim('old, plain', null),
          after: null,
        },
        {
          actor_name: 'red desk',
          action: 'claim.remove',
          entity_type: 'Claim',
          entity_id: 9_000_002,
          before: claim('old, on a RED source', source?.id ?? 0),
          after: null,
        },
      ])
      .execute();
    expect(await migrateToLatest(database.db)).toContain('Up 2026-11-30T01-00-00_audit-mentions');
    const result = await graphql<AuditPage>(app, AUDIT, {}, clearEditor);
    expect(entries(result.data)).toEqual([
      `claim.remove ${encodeGlobalId('Claim', 9_000_001)}`,
      ...visibleToClear,
    ]);
  });
});
