import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import type { App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// A hidden id must behave exactly like one that never existed, in every filter taking an id:
// same data, same totalCount, same errors, for every caller below the records' marking.

let database: TestDatabase;
let app: App;
const callers: Record<string, Record<string, string>> = {};
const ids: Record<string, string> = {};

/** Every filter and nested argument that takes an id, in one document. */
const FILTERS = `query Filters($actorId: ID!, $survivorId: ID!, $briefingId: ID!, $authorId: ID!) {
  any: claims(filter: { actorId: $actorId }) { totalCount edges { node { id } } }
  subject: claims(filter: { actorId: $actorId, actorRole: SUBJECT }) { totalCount }
  object: claims(filter: { actorId: $actorId, actorRole: OBJECT }) { totalCount }
  ofBriefing: claims(filter: { briefingId: $briefingId }) { totalCount edges { node { id } } }
  mentioning: briefings(filter: { mentionsActorId: $actorId }) { totalCount edges { node { id } } }
  byAuthor: briefings(filter: { authorId: $authorId }) { totalCount edges { node { id } } }
  relationships: actorRelationships(filter: { actorId: $actorId }) {
    totalCount
    edges { node { id } }
  }
  outgoing: actorRelationships(filter: { actorId: $actorId, direction: OUTGOING }) { totalCount }
  incoming: actorRelationships(filter: { actorId: $actorId, direction: INCOMING }) { totalCount }
  actor(id: $survivorId) {
    claims(filter: { actorId: $actorId }) { totalCount edges { node { id } } }
    briefingClaims: claims(filter: { briefingId: $briefingId }) { totalCount }
  }
}`;

const AUDIT = `query Audit($entityId: ID!) {
  auditLog(filter: { entityId: $entityId }) { totalCount edges { node { action } } }
}`;

const NEVER_USED = {
  actorId: encodeGlobalId('Actor', 9_000_001),
  briefingId: encodeGlobalId('Briefing', 9_000_001),
  authorId: encodeGlobalId('Author', 9_000_001),
};

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  const { db } = database;
  callers.anonymous = {};
  callers.partner = bearer(await createKey(database, 'partner'));
  callers.analystGreen = bearer(await createKey(database, 'analyst', { clearance: 'GREEN' }));
  callers.editorGreen = bearer(await createKey(database, 'editor', { clearance: 'GREEN' }));
  await registerDocuments(db, schema, parseManifest({ [documentIdOf(FILTERS)]: FILTERS }), {
    name: 'tests',
    apiKeyId: null,
    requestId: null,
    clientName: 'partner desk',
  });

  const briefing = await insertBriefing(db);
  const visible = await insertActor(db, { name: 'Visible Counterpart' });
  const survivor = await insertActor(db, { name: 'Visible Survivor' });
  // An AMBER actor named by CLEAR claims of a published CLEAR briefing.
  const amber = await insertActor(db, { name: 'Codename Amber', marking: 'AMBER' });
  // A CLEAR actor merged into an AMBER survivor: the visible id stands for a hidden actor.
  const hiddenSurvivor = await insertActor(db, { name: 'Hidden Survivor', marking: 'AMBER' });
  const mergedIntoHidden = await insertActor(db, {
    name: 'Merged Into Hidden',
    merged_into_id: hiddenSurvivor.id,
  });
  // An AMBER actor merged into a CLEAR survivor: the hidden id stands for a visible actor.
  const hiddenMerged = await insertActor(db, {
    name: 'Hidden Merged',
    marking: 'AMBER',
    merged_into_id: survivor.id,
  });
  const visibleMerged = await insertActor(db, {
    name: 'Visible Merged',
    merged_into_id: survivor.id,
  });
  let position = 0;
  const claim = (subject: number, objects: number[]) =>
    insertClaim(
      db,
      { briefing_id: briefing.id, position: position++, subject_actor_id: subject },
      { objects },
    );
  const evidence = await claim(survivor.id, [visible.id]);
  await claim(amber.id, [amber.id, visible.id]);
  await claim(hiddenSurvivor.id, [hiddenSurvivor.id]);
  await claim(survivor.id, [amber.id, hiddenSurvivor.id]);
  for (const [from, to] of [
    [survivor.id, visible.id],
    [amber.id, visible.id],
    [visible.id, hiddenSurvivor.id],
  ] as const) {
    const relationship = await insertRelationship(db, from, to);
    await db
      .insertInto('relationship_evidence')
      .values({ relationship_id: relationship.id, claim_id: evidence.id })
      .execute();
  }
  // Briefings hidden from the callers here (editors see drafts), each with a claim naming a
  // visible actor and an author known only through it.
  for (const values of [
    { marking: 'AMBER' as const },
    { marking: 'RED' as const },
    { status: 'DRAFT' as const, published_at: null },
  ]) {
    const hidden = await insertBriefing(db, values);
    await insertClaim(db, { briefing_id: hidden.id, position: 0, subject_actor_id: survivor.id });
    const author = await db
      .insertInto('author')
      .values({ name: `Embedded Reporter ${hidden.id}` })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('briefing_author')
      .values({ briefing_id: hidden.id, author_id: author.id, position: 0 })
      .execute();
    const name = values.marking ?? values.status;
    ids[`briefing ${name}`] = encodeGlobalId('Briefing', hidden.id);
    ids[`author ${name}`] = encodeGlobalId('Author', author.id);
  }
  ids.amber = encodeGlobalId('Actor', amber.id);
  ids.mergedIntoHidden = encodeGlobalId('Actor', mergedIntoHidden.id);
  ids.hiddenSurvivor = encodeGlobalId('Actor', hiddenSurvivor.id);
  ids.hiddenMerged = encodeGlobalId('Actor', hiddenMerged.id);
  ids.survivor = encodeGlobalId('Actor', survivor.id);
  ids.visibleMerged = encodeGlobalId('Actor', visibleMerged.id);
});
afterAll(() => database.close());

async function filters(caller: string, variables: Record<string, string>) {
  const headers = callers[caller] ?? {};
  const all = { survivorId: ids.survivor, ...NEVER_USED, ...variables };
  // Partners run registered documents only; everyone else may send the text.
  const response =
    caller === 'partner'
      ? await app.fetch('http://briefgraph.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ documentId: documentIdOf(FILTERS), variables: all }),
        })
      : await app.fetch('http://briefgraph.test/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...headers },
          body: JSON.stringify({ query: FILTERS, variables: all }),
        });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const CALLERS = ['anonymous', 'partner', 'analystGreen', 'editorGreen'];

describe('a hidden id in a filter', () => {
  it.each(CALLERS)('answers %s exactly as an id that never existed', async (caller) => {
    const never = await filters(caller, {});
    expect(never.status).toBe(200);
    expect(never.body.errors).toBeUndefined();
    for (const actor of ['amber', 'mergedIntoHidden', 'hiddenSurvivor', 'hiddenMerged']) {
      expect({ actor, ...(await filters(caller, { actorId: ids[actor] ?? '' })) }).toEqual({
        actor,
        ...never,
      });
    }
    const hiddenBriefings = caller === 'editorGreen' ? ['AMBER', 'RED'] : ['AMBER', 'RED', 'DRAFT'];
    for (const briefing of hiddenBriefings) {
      const hidden = await filters(caller, {
        briefingId: ids[`briefing ${briefing}`] ?? '',
        authorId: ids[`author ${briefing}`] ?? '',
      });
      expect({ briefing, ...hidden }).toEqual({ briefing, ...never });
    }
  });

  it('still filters on the ids the caller may see (the comparison above is not vacuous)', async () => {
    const seen = await filters('analystGreen', { actorId: ids.survivor ?? '' });
    const data = (seen.body as { data: Record<string, { totalCount: number }> }).data;
    expect(data.any?.totalCount).toBe(2);
    expect(data.mentioning?.totalCount).toBe(1);
    expect(data.relationships?.totalCount).toBe(1);
    // A visible merged id stands for its visible survivor.
    const merged = await filters('analystGreen', { actorId: ids.visibleMerged ?? '' });
    expect(merged.body).toEqual(seen.body);
  });

  it('answers an editor’s audit filter on a hidden record as on one that never existed', async () => {
    const editor = callers.editorGreen ?? {};
    const never = await graphql(app, AUDIT, { entityId: NEVER_USED.actorId }, editor);
    expect(never.data).toEqual({ auditLog: { totalCount: 0, edges: [] } });
    for (const id of [ids.amber, ids.hiddenSurvivor, ids.hiddenMerged, ids['briefing RED']]) {
      expect(await graphql(app, AUDIT, { entityId: id }, editor)).toEqual(never);
    }
  });
});
