import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateToLatest } from '../../src/db/migrate.js';
import type { Marking } from '../../src/db/types.js';
import { encodeGlobalId, requireIdOf } from '../../src/common/global-id.js';
import { documentIdOf } from '../../src/persisted/document-id.js';
import { parseManifest, registerDocuments } from '../../src/persisted/registry.js';
import { schema } from '../../src/schema.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import { migrateDownThrough } from '../helpers/migrations.js';

// Issue 10, point 11: shared records (actors, sources, relationships) made for a briefing that
// is not out yet are invisible to anonymous callers and partners on every path, exactly like
// records that never existed, until a published briefing references them or an editor
// publishes them. Analysts and editors see them, up to their clearance.

let database: TestDatabase;
let app: App;
const callers: Record<'editor' | 'analyst' | 'partner' | 'anonymous', Record<string, string>> = {
  editor: {},
  analyst: {},
  partner: {},
  anonymous: {},
};

// Every path a shared record can be reached by, in one document (registered, so that a partner
// may run it too).
const PROBE = `query Probe($actorId: ID!, $sourceId: ID!, $chainId: ID!, $relationshipId: ID!, $hubId: ID!) {
  actorNode: node(id: $actorId) { id }
  actor(id: $actorId) { id name }
  nodes(ids: [$actorId, $sourceId, $chainId, $relationshipId]) { id }
  codenamed: actors(filter: { name: "nightjar" }) { totalCount edges { node { id } } }
  allActors: actors(first: 100) { totalCount edges { node { id } } }
  leakedSources: sources(filter: { publisher: "Ministry of Leaks" }) { totalCount edges { node { id } } }
  allSources: sources(first: 100) { totalCount }
  hubRelationships: actorRelationships(filter: { actorId: $hubId }) { totalCount edges { node { id } } }
  allRelationships: actorRelationships(first: 100) { totalCount }
  hub: actor(id: $hubId) { relationships(first: 100) { totalCount edges { node { id to { id } } } } }
  relay: node(id: $sourceId) { ... on Source { id derivedFrom { id } derivationChain { id } } }
}`;

const RELEASED = `query Released($id: ID!) { node(id: $id) { id ... on Actor { releasedTo } } }`;

interface ProbeAnswer {
  actorNode: { id: string } | null;
  actor: { id: string; name: string } | null;
  nodes: ({ id: string } | null)[];
  codenamed: { totalCount: number; edges: { node: { id: string } }[] };
  allActors: { totalCount: number; edges: { node: { id: string } }[] };
  leakedSources: { totalCount: number; edges: { node: { id: string } }[] };
  allSources: { totalCount: number };
  hubRelationships: { totalCount: number; edges: { node: { id: string } }[] };
  allRelationships: { totalCount: number };
  hub: { relationships: { totalCount: number; edges: { node: { id: string } }[] } } | null;
  relay: {
    id: string;
    derivedFrom: { id: string } | null;
    derivationChain: { id: string }[];
  } | null;
}

async function run<T>(
  caller: keyof typeof callers,
  text: string,
  variables: Record<string, unknown> = {},
) {
  const result =
    caller === 'partner'
      ? await graphqlById<T>(text, variables)
      : await graphql<T>(app, text, variables, callers[caller]);
  expect(result.errors).toBeUndefined();
  if (!result.data) throw new Error(`expected data, got ${JSON.stringify(result)}`);
  return result.data;
}

/** Partners run registered documents only: send the document's id, as a partner client does. */
async function graphqlById<T>(text: string, variables: Record<string, unknown>) {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...callers.partner },
    body: JSON.stringify({ documentId: documentIdOf(text), variables }),
  });
  return (await response.json()) as { data?: T; errors?: unknown[] };
}

async function mutate<T>(field: string, text: string, variables: Record<string, unknown>) {
  const data = await run<Record<string, { __typename: string }>>('editor', text, variables);
  const payload = data[field];
  if (!payload?.__typename.endsWith('Success'))
    throw new Error(`expected ${field} to succeed, got ${JSON.stringify(payload)}`);
  return payload as unknown as T;
}

const CREATE_ACTOR = `mutation($input: CreateActorInput!) { createActor(input: $input) { __typename ... on CreateActorSuccess { actor { id } } } }`;
const CREATE_SOURCE = `mutation($input: CreateSourceInput!) { createSource(input: $input) { __typename ... on CreateSourceSuccess { source { id } } } }`;
const CREATE_BRIEFING = `mutation($input: CreateBriefingInput!) { createBriefing(input: $input) { __typename ... on CreateBriefingSuccess { briefing { id version } } } }`;
const ADD_CLAIM = `mutation($briefingId: ID!, $input: AddClaimInput!) { addClaim(briefingId: $briefingId, input: $input) { __typename ... on AddClaimSuccess { claim { id } } } }`;
const RELATE = `mutation($input: RelateActorsInput!) { relateActors(input: $input) { __typename ... on RelateActorsSuccess { relationship { id } } } }`;
const TRANSITION = `mutation($id: ID!, $v: Int!, $to: BriefingStatus!) { transitionBriefing(id: $id, expectedVersion: $v, to: $to) { __typename ... on TransitionBriefingSuccess { briefing { version } } } }`;
const UPDATE_SOURCE = `mutation($id: ID!, $v: Int!, $input: UpdateSourceInput!) { updateSource(id: $id, expectedVersion: $v, input: $input) { __typename ... on UpdateSourceSuccess { source { version } } } }`;
const PUBLISH_ACTOR = `mutation($id: ID!, $key: String) { publishActor(id: $id, idempotencyKey: $key) {
  __typename ... on PublishActorSuccess { actor { id releasedTo } } ... on Error { message } ... on NotFoundError { reference path } } }`;
const PUBLISH_SOURCE = `mutation($id: ID!) { publishSource(id: $id) { __typename ... on PublishSourceSuccess { source { id releasedTo derivationChain { id releasedTo } } } } }`;
const PUBLISH_RELATIONSHIP = `mutation($id: ID!) { publishRelationship(id: $id) { __typename ... on PublishRelationshipSuccess { relationship { id releasedTo from { id releasedTo } to { id releasedTo } } } } }`;

async function createActor(input: Record<string, unknown>) {
  return (await mutate<{ actor: { id: string } }>('createActor', CREATE_ACTOR, { input })).actor.id;
}

async function createSource(input: Record<string, unknown>) {
  return (await mutate<{ source: { id: string } }>('createSource', CREATE_SOURCE, { input })).source
    .id;
}

async function createBriefing(slug: string, marking: Marking = 'CLEAR') {
  return (
    await mutate<{ briefing: { id: string; version: number } }>('createBriefing', CREATE_BRIEFING, {
      input: {
        slug,
        title: `Briefing ${slug}`,
        body: 'A body the claims do not quote.',
        marking,
        authors: [{ name: `Author of ${slug}` }],
      },
    })
  ).briefing;
}

async function publishBriefing(briefing: { id: string; version: number }) {
  let version = briefing.version;
  for (const to of ['IN_REVIEW', 'PUBLISHED']) {
    const moved = await mutate<{ briefing: { version: number } }>(
      'transitionBriefing',
      TRANSITION,
      { id: briefing.id, v: version, to },
    );
    version = moved.briefing.version;
  }
}

async function hubId(): Promise<string> {
  const data = await run<{ actors: { edges: { node: { id: string } }[] } }>(
    'anonymous',
    `{ actors(filter: { name: "venezuela", kind: [STATE] }) { edges { node { id } } } }`,
  );
  const id = data.actors.edges[0]?.node.id;
  if (!id) throw new Error('expected the seeded Venezuela actor');
  return id;
}

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  callers.editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  callers.analyst = bearer(await createKey(database, 'analyst', { clearance: 'CLEAR' }));
  // An AMBER partner: what hides the records from it is the embargo, not its clearance.
  callers.partner = bearer(await createKey(database, 'partner', { clearance: 'AMBER' }));
  await registerDocuments(
    database.db,
    schema,
    parseManifest({ [documentIdOf(PROBE)]: PROBE, [documentIdOf(RELEASED)]: RELEASED }),
    { name: 'tests', apiKeyId: null, requestId: null, clientName: 'embargo tests' },
  );
});
afterAll(() => database.close());

describe('the migration over existing data', () => {
  // Runs first, on the seed alone: what anonymous callers saw before the embargo (published
  // CLEAR content, by marking only) is what they still see.
  it('releases everything the seeded published briefing references, and nothing is lost', async () => {
    const beforeEmbargo = await sql<{ actors: number; sources: number; relationships: number }>`
      select
        (select count(*)::int from actor where marking = 'CLEAR' and merged_into_id is null) as actors,
        (select count(*)::int from source where marking = 'CLEAR') as sources,
        (select count(*)::int from actor_relationship r
           join actor f on f.id = r.from_actor_id join actor t on t.id = r.to_actor_id
          where r.marking = 'CLEAR' and f.marking = 'CLEAR' and t.marking = 'CLEAR') as relationships`.execute(
      database.db,
    );
    const counts = `{ actors(first: 100) { totalCount } sources(first: 100) { totalCount } actorRelationships(first: 100) { totalCount } }`;
    const expected = {
      actors: { totalCount: beforeEmbargo.rows[0]?.actors },
      sources: { totalCount: beforeEmbargo.rows[0]?.sources },
      actorRelationships: { totalCount: beforeEmbargo.rows[0]?.relationships },
    };
    expect(expected.actors.totalCount).toBeGreaterThan(5);
    expect(expected.sources.totalCount).toBeGreaterThan(3);
    expect(expected.actorRelationships.totalCount).toBeGreaterThan(3);
    expect(await run('anonymous', counts)).toEqual(expected);

    // Down and up again: the backfill rebuilds the same release state from the data.
    const state = () =>
      sql<{ kind: string; id: number; released_to: string | null }>`
        select 'actor' as kind, id, released_to from actor
        union all select 'source', id, released_to from source
        union all select 'relationship', id, released_to from actor_relationship
        order by 1, 2`.execute(database.db);
    const released = (await state()).rows;
    expect(released.filter((r) => r.released_to === null)).toEqual([]);
    expect((await migrateDownThrough(database.db, '2026-11-30T00-00-00_embargo')).at(-1)).toBe(
      'Down 2026-11-30T00-00-00_embargo',
    );
    // Before the embargo existed, a newsroom started a scoop, and someone recorded an actor
    // that no briefing names (no released_to yet: the column is gone).
    const draft = await insertBriefing(database.db, { status: 'DRAFT', published_at: null });
    const scoopActor = await insertActor(database.db, {
      name: 'Scoop actor',
      released_to: undefined,
    });
    const scoopSource = await insertSource(database.db, {
      title: 'Scoop source',
      released_to: undefined,
    });
    await insertClaim(
      database.db,
      { briefing_id: draft.id, position: 0, subject_actor_id: scoopActor.id },
      { citations: [{ sourceId: scoopSource.id }] },
    );
    const reference = await insertActor(database.db, {
      name: 'Reference actor',
      released_to: undefined,
    });
    expect(await migrateToLatest(database.db)).toContain('Up 2026-11-30T00-00-00_embargo');
    const added = new Map([
      [`actor ${scoopActor.id}`, null],
      [`source ${scoopSource.id}`, null],
      [`actor ${reference.id}`, 'CLEAR'],
    ]);
    const after = (await state()).rows;
    expect(after.filter((r) => !added.has(`${r.kind} ${r.id}`))).toEqual(released);
    expect(
      after
        .filter((r) => added.has(`${r.kind} ${r.id}`))
        .map((r) => [`${r.kind} ${r.id}`, r.released_to]),
    ).toEqual(expect.arrayContaining([...added]));
    expect(await run('anonymous', counts)).toEqual({
      ...expected,
      actors: { totalCount: (expected.actors.totalCount ?? 0) + 1 },
    });
  });
});

describe('records made for a briefing that is not out', () => {
  const ids = { actorId: '', sourceId: '', chainId: '', relationshipId: '', hubId: '' };
  let briefing: { id: string; version: number };
  let before: Record<keyof typeof callers, ProbeAnswer>;

  const probe = (caller: keyof typeof callers) => run<ProbeAnswer>(caller, PROBE, ids);

  beforeAll(async () => {
    ids.hubId = await hubId();
    // Baselines with ids that exist nowhere, before anything is created.
    const missing = {
      hubId: ids.hubId,
      actorId: encodeGlobalId('Actor', 999_999),
      sourceId: encodeGlobalId('Source', 999_999),
      chainId: encodeGlobalId('Source', 999_998),
      relationshipId: encodeGlobalId('ActorRelationship', 999_999),
    };
    before = {
      editor: await run<ProbeAnswer>('editor', PROBE, missing),
      analyst: await run<ProbeAnswer>('analyst', PROBE, missing),
      partner: await run<ProbeAnswer>('partner', PROBE, missing),
      anonymous: await run<ProbeAnswer>('anonymous', PROBE, missing),
    };

    ids.chainId = await createSource({
      kind: 'OFFICIAL_DOCUMENT',
      title: 'Leaked procurement order 7/2026',
      publisher: 'Ministry of Leaks',
    });
    ids.sourceId = await createSource({
      kind: 'NEWS_REPORT',
      title: 'Exclusive: the Nightjar contract',
      publisher: 'Ministry of Leaks',
      derivedFromId: ids.chainId,
    });
    ids.actorId = await createActor({ kind: 'PROGRAM', name: 'Project NIGHTJAR' });
    briefing = await createBriefing('the-nightjar-scoop');
    const claim = await mutate<{ claim: { id: string } }>('addClaim', ADD_CLAIM, {
      briefingId: briefing.id,
      input: {
        statement: 'Venezuela signed the Nightjar contract.',
        subjectId: ids.hubId,
        predicate: 'contracted',
        objectIds: [ids.actorId],
        citations: [{ sourceId: ids.sourceId, role: 'ORIGIN' }],
      },
    });
    ids.relationshipId = (
      await mutate<{ relationship: { id: string } }>('relateActors', RELATE, {
        input: {
          fromId: ids.hubId,
          toId: ids.actorId,
          type: 'funds',
          attributes: { contractValueUsd: 480_000_000 },
          evidenceClaimIds: [claim.claim.id],
        },
      })
    ).relationship.id;
  });

  it('are invisible to anonymous callers and partners on every path, like ids that never existed', async () => {
    for (const caller of ['anonymous', 'partner'] as const) {
      expect(await probe(caller)).toEqual(before[caller]);
    }
    // And nothing about them is in the database as released.
    const rows = await database.db
      .selectFrom('actor')
      .select('released_to')
      .where('name', '=', 'Project NIGHTJAR')
      .execute();
    expect(rows).toEqual([{ released_to: null }]);
  });

  it('are visible to analysts and editors, who work on unreleased records', async () => {
    for (const caller of ['analyst', 'editor'] as const) {
      const seen = await probe(caller);
      expect(seen.actor).toEqual({ id: ids.actorId, name: 'Project NIGHTJAR' });
      expect(seen.nodes).toEqual([
        { id: ids.actorId },
        { id: ids.sourceId },
        { id: ids.chainId },
        { id: ids.relationshipId },
      ]);
      expect(seen.codenamed.totalCount).toBe(1);
      expect(seen.leakedSources.totalCount).toBe(2);
      expect(seen.allActors.totalCount).toBe(before[caller].allActors.totalCount + 1);
      expect(seen.hubRelationships.totalCount).toBe(before[caller].hubRelationships.totalCount + 1);
      expect(seen.relay).toEqual({
        id: ids.sourceId,
        derivedFrom: { id: ids.chainId },
        derivationChain: [{ id: ids.chainId }],
      });
    }
    const state = await run<{ node: { releasedTo: Marking | null } }>('analyst', RELEASED, {
      id: ids.actorId,
    });
    expect(state.node).toEqual({ id: ids.actorId, releasedTo: null });
  });

  it('come out when the briefing is published: its actors, its sources up the chain, its relationships', async () => {
    await publishBriefing(briefing);
    for (const caller of ['anonymous', 'partner'] as const) {
      const seen = await probe(caller);
      expect(seen.actorNode).toEqual({ id: ids.actorId });
      expect(seen.actor).toEqual({ id: ids.actorId, name: 'Project NIGHTJAR' });
      expect(seen.nodes).toEqual([
        { id: ids.actorId },
        { id: ids.sourceId },
        { id: ids.chainId },
        { id: ids.relationshipId },
      ]);
      expect(seen.codenamed).toEqual({ totalCount: 1, edges: [{ node: { id: ids.actorId } }] });
      expect(seen.leakedSources.totalCount).toBe(2);
      expect(seen.allActors.totalCount).toBe(before[caller].allActors.totalCount + 1);
      expect(seen.allSources.totalCount).toBe(before[caller].allSources.totalCount + 2);
      expect(seen.allRelationships.totalCount).toBe(before[caller].allRelationships.totalCount + 1);
      expect(seen.hub?.relationships.edges).toContainEqual({
        node: { id: ids.relationshipId, to: { id: ids.actorId } },
      });
      expect(seen.relay).toEqual({
        id: ids.sourceId,
        derivedFrom: { id: ids.chainId },
        derivationChain: [{ id: ids.chainId }],
      });
    }
    const state = await run<{ node: { releasedTo: Marking | null } }>('partner', RELEASED, {
      id: ids.actorId,
    });
    expect(state.node).toEqual({ id: ids.actorId, releasedTo: 'CLEAR' });
  });

  it('a source that a released source comes to relay is released with it', async () => {
    const origin = await createSource({ kind: 'INTELLIGENCE_BRIEFING', title: 'Origin unknown' });
    const query = `query($id: ID!) { node(id: $id) { id } }`;
    expect(await run('anonymous', query, { id: origin })).toEqual({ node: null });
    await mutate('updateSource', UPDATE_SOURCE, {
      id: ids.chainId,
      v: 1,
      input: { derivedFromId: origin },
    });
    expect(await run('anonymous', query, { id: origin })).toEqual({ node: { id: origin } });
  });
});

describe('explicit publication by an editor', () => {
  it('releases an actor no briefing references, records it once, and is idempotent', async () => {
    const lone = await createActor({ kind: 'PERSON', name: 'Lone Wolf' });
    const query = `query($id: ID!) { node(id: $id) { id } actors(filter: { name: "lone wolf" }) { totalCount } }`;
    expect(await run('anonymous', query, { id: lone })).toEqual({
      node: null,
      actors: { totalCount: 0 },
    });
    const published = await run('editor', PUBLISH_ACTOR, { id: lone, key: 'publish-lone-wolf' });
    expect(published).toEqual({
      publishActor: { __typename: 'PublishActorSuccess', actor: { id: lone, releasedTo: 'CLEAR' } },
    });
    expect(await run('anonymous', query, { id: lone })).toEqual({
      node: { id: lone },
      actors: { totalCount: 1 },
    });
    // A retry with the key, and a second publication, change nothing and record nothing more.
    expect(await run('editor', PUBLISH_ACTOR, { id: lone, key: 'publish-lone-wolf' })).toEqual(
      published,
    );
    expect(await run('editor', PUBLISH_ACTOR, { id: lone })).toEqual(published);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_type', '=', 'Actor')
      .where('action', '=', 'actor.publish')
      .execute();
    expect(audit).toEqual([
      { action: 'actor.publish', before: { released_to: null }, after: { released_to: 'CLEAR' } },
    ]);
  });

  it('releases a source with its chain, and a relationship with its ends', async () => {
    const origin = await createSource({ kind: 'DATASET', title: 'Registry extract' });
    const relay = await createSource({
      kind: 'ANALYSIS',
      title: 'Analysis of the extract',
      derivedFromId: origin,
    });
    expect(await run('editor', PUBLISH_SOURCE, { id: relay })).toEqual({
      publishSource: {
        __typename: 'PublishSourceSuccess',
        source: {
          id: relay,
          releasedTo: 'CLEAR',
          derivationChain: [{ id: origin, releasedTo: 'CLEAR' }],
        },
      },
    });
    // The database logs each release whoever caused it (the relay's by this publication, its
    // origin's with it), and the mutation its own entry, naming the editor.
    const sourceIds = [origin, relay].map((id) => requireIdOf(id, 'Source', 'id'));
    const releases = await database.db
      .selectFrom('audit_log')
      .select(['entity_id', 'actor_name', 'action', 'before', 'after'])
      .where('entity_type', '=', 'Source')
      .where('entity_id', 'in', sourceIds)
      .where('action', '!=', 'source.create')
      // One statement releases both: the order between them is the database's.
      .orderBy('entity_id')
      .orderBy('id')
      .execute();
    const release = { before: { released_to: null }, after: { released_to: 'CLEAR' } };
    expect(releases).toEqual([
      { entity_id: sourceIds[0], actor_name: 'embargo', action: 'source.release', ...release },
      { entity_id: sourceIds[1], actor_name: 'embargo', action: 'source.release', ...release },
      { entity_id: sourceIds[1], actor_name: 'test editor', action: 'source.publish', ...release },
    ]);
    const a = await createActor({ kind: 'ORGANIZATION', name: 'Shell company A' });
    const b = await createActor({ kind: 'ORGANIZATION', name: 'Shell company B' });
    const link = (
      await mutate<{ relationship: { id: string } }>('relateActors', RELATE, {
        input: { fromId: a, toId: b, type: 'owns' },
      })
    ).relationship.id;
    expect(await run('editor', PUBLISH_RELATIONSHIP, { id: link })).toEqual({
      publishRelationship: {
        __typename: 'PublishRelationshipSuccess',
        relationship: {
          id: link,
          releasedTo: 'CLEAR',
          from: { id: a, releasedTo: 'CLEAR' },
          to: { id: b, releasedTo: 'CLEAR' },
        },
      },
    });
    const seen = await run<{ nodes: unknown[] }>(
      'anonymous',
      `query($ids: [ID!]!) { nodes(ids: $ids) { id } }`,
      { ids: [origin, relay, a, b, link] },
    );
    expect(seen.nodes).toEqual([{ id: origin }, { id: relay }, { id: a }, { id: b }, { id: link }]);
  });

  it('is refused to analysts and partners, and finds nothing above the editor’s clearance', async () => {
    const secret = await createActor({ kind: 'PERSON', name: 'Amber asset', marking: 'AMBER' });
    const clearEditor = bearer(await createKey(database, 'editor', { clearance: 'CLEAR' }));
    const answer = await graphql(app, PUBLISH_ACTOR, { id: secret }, clearEditor);
    expect(answer.data).toEqual({
      publishActor: {
        __typename: 'NotFoundError',
        message: expect.any(String),
        reference: secret,
        path: ['id'],
      },
    });
    const refused = await graphql(app, PUBLISH_ACTOR, { id: secret }, callers.analyst);
    expect(refused.data).toEqual({
      publishActor: { __typename: 'ForbiddenError', message: expect.any(String) },
    });
    const rows = await database.db
      .selectFrom('actor')
      .select('released_to')
      .where('name', '=', 'Amber asset')
      .execute();
    expect(rows).toEqual([{ released_to: null }]);
  });
});

describe('a release never opens a record beyond its own marking or its reference', () => {
  it('keeps an AMBER actor released through a CLEAR briefing from anonymous callers', async () => {
    const amber = await createActor({ kind: 'PERSON', name: 'Amber informant', marking: 'AMBER' });
    const briefing = await createBriefing('an-amber-actor-in-a-clear-briefing');
    await mutate('addClaim', ADD_CLAIM, {
      briefingId: briefing.id,
      input: {
        statement: 'Someone met the informant.',
        predicate: 'met',
        objectIds: [amber],
      },
    });
    await publishBriefing(briefing);
    const query = `query($id: ID!) { node(id: $id) { id } }`;
    expect(await run('anonymous', query, { id: amber })).toEqual({ node: null });
    expect(await run('partner', RELEASED, { id: amber })).toEqual({
      node: { id: amber, releasedTo: 'CLEAR' },
    });
  });

  it('releases what only an AMBER claim shows to AMBER audiences, not to everyone', async () => {
    const actor = await createActor({ kind: 'PERSON', name: 'Named in an AMBER claim' });
    const briefing = await createBriefing('a-clear-briefing-with-an-amber-claim');
    await mutate('addClaim', ADD_CLAIM, {
      briefingId: briefing.id,
      input: {
        statement: 'An AMBER claim names a CLEAR actor.',
        predicate: 'met',
        subjectId: actor,
        marking: 'AMBER',
      },
    });
    await publishBriefing(briefing);
    expect(
      await run('anonymous', `query($id: ID!) { node(id: $id) { id } }`, { id: actor }),
    ).toEqual({
      node: null,
    });
    expect(await run('partner', RELEASED, { id: actor })).toEqual({
      node: { id: actor, releasedTo: 'AMBER' },
    });
  });

  it('refuses to take a release back, even by hand', async () => {
    await expect(
      sql`update actor set released_to = null where released_to is not null`.execute(database.db),
    ).rejects.toMatchObject({ code: '23514' });
  });
});
