import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
} from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let loaders: App;
let editor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createApp({ db: database.db, logger: createLogger('silent') });
  loaders = createApp({ db: database.db, logger: createLogger('silent'), compiledReads: false });
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
});
afterAll(() => database.close());

const ERRORS = `... on ValidationError { issues { path message } }
  ... on NotFoundError { entity reference path }`;
const CREATE_ACTOR = `mutation ($input: CreateActorInput!) { createActor(input: $input) { __typename ${ERRORS}
  ... on CreateActorSuccess { actor { id kind country placeType coordinates { latitude longitude } } } } }`;
const SET_CLAIM = `mutation ($id: ID!, $v: Int!, $p: [ParticipantInput!]!) {
  setClaimParticipants(id: $id, expectedVersion: $v, participants: $p) { __typename ${ERRORS}
  ... on SetClaimParticipantsSuccess { claim { version participants { role note actor { name } } } } } }`;
const SET_RELATIONSHIP = `mutation ($id: ID!, $v: Int!, $p: [ParticipantInput!]!) {
  setRelationshipParticipants(id: $id, expectedVersion: $v, participants: $p) { __typename ${ERRORS}
  ... on SetRelationshipParticipantsSuccess { relationship { version participants { role actor { name } } } } } }`;

const gid = (type: string, id: number) => encodeGlobalId(type, id);

describe('places', () => {
  it('records a base with its country and coordinates, and refuses bad ones', async () => {
    const created = await graphql<{ createActor: Record<string, unknown> }>(
      app,
      CREATE_ACTOR,
      {
        input: {
          kind: 'PLACE',
          name: 'El Libertador Air Base',
          country: 'VE',
          placeType: 'BASE',
          coordinates: { latitude: 10.1833331, longitude: -67.5572 },
        },
      },
      editor,
    );
    expect(created.data?.createActor).toMatchObject({
      __typename: 'CreateActorSuccess',
      actor: {
        kind: 'PLACE',
        country: 'VE',
        placeType: 'BASE',
        coordinates: { latitude: 10.183333, longitude: -67.5572 },
      },
    });
    const bad = await graphql<{ createActor: Record<string, unknown> }>(
      app,
      CREATE_ACTOR,
      {
        input: {
          kind: 'STATE',
          name: 'Nowhere',
          placeType: 'CITY',
          coordinates: { latitude: 91, longitude: -181 },
        },
      },
      editor,
    );
    expect(bad.data?.createActor).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'coordinates', 'latitude'],
          message: 'expected -90 to 90 degrees, got 91',
        },
        {
          path: ['input', 'coordinates', 'longitude'],
          message: 'expected -180 to 180 degrees, got -181',
        },
        {
          path: ['input', 'placeType'],
          message: 'expected no placeType for kind STATE, only for PLACE',
        },
        {
          path: ['input', 'coordinates'],
          message: 'expected no coordinates for kind STATE, only for PLACE',
        },
      ],
    });
    const names = await database.db
      .selectFrom('actor')
      .select('name')
      .where('name', '=', 'Nowhere')
      .execute();
    expect(names).toEqual([]);
  });
});

describe('participants', () => {
  it('adds role-tagged participants to a claim, on both read paths, audited, and releases them', async () => {
    const briefing = await insertBriefing(database.db);
    const claim = await insertClaim(database.db, { briefing_id: briefing.id, position: 0 });
    const radar = await insertActor(database.db, {
      kind: 'EQUIPMENT',
      name: 'JY-27 radar',
      released_to: null,
    });
    const carrier = await insertActor(database.db, { name: 'Charter airline', released_to: null });
    const base = await insertActor(database.db, {
      kind: 'PLACE',
      name: 'Air base',
      released_to: null,
      place_type: 'BASE',
    });
    const set = await graphql<{ setClaimParticipants: Record<string, unknown> }>(
      app,
      SET_CLAIM,
      {
        id: gid('Claim', claim.id),
        v: 1,
        p: [
          { actorId: gid('Actor', radar.id), role: 'EQUIPMENT' },
          { actorId: gid('Actor', carrier.id), role: 'CARRIER', note: ' chartered Il-76 ' },
          { actorId: gid('Actor', base.id), role: 'LOCATION' },
        ],
      },
      editor,
    );
    expect(set.data?.setClaimParticipants).toEqual({
      __typename: 'SetClaimParticipantsSuccess',
      claim: {
        version: 2,
        participants: [
          { role: 'EQUIPMENT', note: null, actor: { name: 'JY-27 radar' } },
          { role: 'CARRIER', note: 'chartered Il-76', actor: { name: 'Charter airline' } },
          { role: 'LOCATION', note: null, actor: { name: 'Air base' } },
        ],
      },
    });
    // The claim's briefing is published: its participants are out, as its objects would be.
    const released = await database.db
      .selectFrom('actor')
      .select('released_to')
      .where('id', 'in', [radar.id, carrier.id, base.id])
      .execute();
    expect(released.map((r) => r.released_to)).toEqual(['CLEAR', 'CLEAR', 'CLEAR']);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['after'])
      .where('action', '=', 'claim.set-participants')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      participants: [
        { actor_id: radar.id, role: 'EQUIPMENT', note: null },
        { actor_id: carrier.id, role: 'CARRIER', note: 'chartered Il-76' },
        { actor_id: base.id, role: 'LOCATION', note: null },
      ],
    });
    const read = `query ($id: ID!) { node(id: $id) { ... on Claim { participants { role note actor { name placeType coordinates { latitude } } } } } }`;
    const anonymous = await graphql(app, read, { id: gid('Claim', claim.id) });
    expect(anonymous).toEqual(await graphql(loaders, read, { id: gid('Claim', claim.id) }));
    expect(JSON.stringify(anonymous.data)).toContain('"placeType":"BASE"');
  });

  it('refuses bad participants and a stale version, writing nothing', async () => {
    const briefing = await insertBriefing(database.db);
    const claim = await insertClaim(database.db, { briefing_id: briefing.id, position: 0 });
    const red = await insertActor(database.db, { marking: 'RED' });
    const bad = await graphql<{ setClaimParticipants: Record<string, unknown> }>(
      app,
      SET_CLAIM,
      {
        id: gid('Claim', claim.id),
        v: 1,
        p: [
          { actorId: gid('Claim', 1), role: 'OTHER', note: '' },
          { actorId: gid('Actor', red.id), role: 'OTHER' },
          { actorId: gid('Actor', red.id), role: 'OTHER' },
        ],
      },
      editor,
    );
    expect(bad.data?.setClaimParticipants).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['participants', '0', 'actorId'],
          message: 'expected the id of an Actor, got the id of a Claim',
        },
        { path: ['participants', '0', 'note'], message: 'expected 1 to 200 characters, got 0' },
        {
          path: ['participants', '2'],
          message: 'expected each actor once per role, got OTHER twice',
        },
      ],
    });
    const hidden = await graphql<{ setClaimParticipants: Record<string, unknown> }>(
      app,
      SET_CLAIM,
      { id: gid('Claim', claim.id), v: 1, p: [{ actorId: gid('Actor', red.id), role: 'OTHER' }] },
      editor,
    );
    expect(hidden.data?.setClaimParticipants).toEqual({
      __typename: 'NotFoundError',
      entity: 'Actor',
      reference: gid('Actor', red.id),
      path: ['participants', '0', 'actorId'],
    });
    const stale = await graphql<{ setClaimParticipants: { __typename: string } }>(
      app,
      SET_CLAIM,
      { id: gid('Claim', claim.id), v: 7, p: [] },
      editor,
    );
    expect(stale.data?.setClaimParticipants.__typename).toBe('ConflictError');
    const rows = await database.db
      .selectFrom('claim_participant')
      .selectAll()
      .where('claim_id', '=', claim.id)
      .execute();
    expect(rows).toEqual([]);
    const version = await database.db
      .selectFrom('claim')
      .select('version')
      .where('id', '=', claim.id)
      .executeTakeFirstOrThrow();
    expect(version.version).toBe(1);
  });

  it('adds participants to a relationship and releases them with it', async () => {
    const supplier = await insertActor(database.db, { name: 'Supplier state', kind: 'STATE' });
    const recipient = await insertActor(database.db, { name: 'Recipient state', kind: 'STATE' });
    const broker = await insertActor(database.db, { name: 'Broker', released_to: null });
    const relationship = await insertRelationship(
      database.db,
      supplier.id,
      recipient.id,
      'supplies',
    );
    const set = await graphql<{ setRelationshipParticipants: Record<string, unknown> }>(
      app,
      SET_RELATIONSHIP,
      {
        id: gid('ActorRelationship', relationship.id),
        v: 1,
        p: [{ actorId: gid('Actor', broker.id), role: 'INTERMEDIARY' }],
      },
      editor,
    );
    expect(set.data?.setRelationshipParticipants).toEqual({
      __typename: 'SetRelationshipParticipantsSuccess',
      relationship: {
        version: 2,
        participants: [{ role: 'INTERMEDIARY', actor: { name: 'Broker' } }],
      },
    });
    const row = await database.db
      .selectFrom('actor')
      .select('released_to')
      .where('id', '=', broker.id)
      .executeTakeFirstOrThrow();
    expect(row.released_to).toBe('CLEAR');
    const read = `query ($id: ID!) { node(id: $id) { ... on ActorRelationship { participants { role actor { name } } } } }`;
    const variables = { id: gid('ActorRelationship', relationship.id) };
    expect(await graphql(app, read, variables)).toEqual(await graphql(loaders, read, variables));
  });
});

const ADD_CLAIM = `mutation ($b: ID!, $input: AddClaimInput!) { addClaim(briefingId: $b, input: $input) {
  __typename ${ERRORS}
  ... on AddClaimSuccess { claim { id version participants { role note actor { name } } } } } }`;
const RELATE = `mutation ($input: RelateActorsInput!) { relateActors(input: $input) { __typename ${ERRORS}
  ... on RelateActorsSuccess { relationship { id version participants { role note actor { name } } } } } }`;

describe('participants given at creation', () => {
  it('adds a claim with its participants in one write, audited with them', async () => {
    const briefing = await insertBriefing(database.db);
    const radar = await insertActor(database.db, { kind: 'EQUIPMENT', name: 'Radar at birth' });
    const base = await insertActor(database.db, {
      kind: 'PLACE',
      name: 'Base at birth',
      place_type: 'BASE',
    });
    const added = await graphql<{
      addClaim: { __typename: string; claim: { id: string; version: number } };
    }>(
      app,
      ADD_CLAIM,
      {
        b: gid('Briefing', briefing.id),
        input: {
          statement: 'A radar was flown to a base.',
          predicate: 'delivered',
          participants: [
            { actorId: gid('Actor', radar.id), role: 'EQUIPMENT' },
            { actorId: gid('Actor', base.id), role: 'LOCATION', note: ' the air base ' },
          ],
        },
      },
      editor,
    );
    expect(added.data?.addClaim).toEqual({
      __typename: 'AddClaimSuccess',
      claim: {
        id: expect.any(String),
        version: 1,
        participants: [
          { role: 'EQUIPMENT', note: null, actor: { name: 'Radar at birth' } },
          { role: 'LOCATION', note: 'the air base', actor: { name: 'Base at birth' } },
        ],
      },
    });
    const claimId = Number(
      (
        await database.db
          .selectFrom('claim')
          .select('id')
          .where('briefing_id', '=', briefing.id)
          .executeTakeFirstOrThrow()
      ).id,
    );
    expect(added.data?.addClaim.claim.id).toBe(gid('Claim', claimId));
    const rows = await database.db
      .selectFrom('claim_participant')
      .select(['actor_id', 'role', 'position', 'note'])
      .where('claim_id', '=', claimId)
      .orderBy('position')
      .execute();
    expect(rows).toEqual([
      { actor_id: radar.id, role: 'EQUIPMENT', position: 0, note: null },
      { actor_id: base.id, role: 'LOCATION', position: 1, note: 'the air base' },
    ]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_type', '=', 'Claim')
      .where('entity_id', '=', claimId)
      .execute();
    expect(audit).toEqual([
      {
        action: 'claim.create',
        after: expect.objectContaining({
          participants: [
            { actor_id: radar.id, role: 'EQUIPMENT', note: null },
            { actor_id: base.id, role: 'LOCATION', note: 'the air base' },
          ],
        }),
      },
    ]);
  });

  it('refuses the whole claim for a bad participant, writing nothing', async () => {
    const briefing = await insertBriefing(database.db);
    const red = await insertActor(database.db, { marking: 'RED' });
    const actor = await insertActor(database.db);
    const cases: [unknown[], unknown][] = [
      [
        [
          { actorId: gid('Claim', 1), role: 'OTHER' },
          { actorId: gid('Actor', actor.id), role: 'CARRIER', note: '' },
          { actorId: gid('Actor', actor.id), role: 'CARRIER' },
        ],
        {
          __typename: 'ValidationError',
          issues: [
            {
              path: ['input', 'participants', '0', 'actorId'],
              message: 'expected the id of an Actor, got the id of a Claim',
            },
            {
              path: ['input', 'participants', '1', 'note'],
              message: 'expected 1 to 200 characters, got 0',
            },
            {
              path: ['input', 'participants', '2'],
              message: 'expected each actor once per role, got CARRIER twice',
            },
          ],
        },
      ],
      [
        Array.from({ length: 21 }, (_, i) => ({
          actorId: gid('Actor', actor.id),
          role: 'OTHER',
          note: `part ${i}`,
        })),
        {
          __typename: 'ValidationError',
          // One actor in one role 21 times: over the cap, and each repeat is named.
          issues: [
            {
              path: ['input', 'participants'],
              message: 'expected at most 20 participants, got 21',
            },
            ...Array.from({ length: 20 }, (_, i) => ({
              path: ['input', 'participants', String(i + 1)],
              message: 'expected each actor once per role, got OTHER twice',
            })),
          ],
        },
      ],
      [
        [
          { actorId: gid('Actor', actor.id), role: 'OPERATOR' },
          { actorId: gid('Actor', red.id), role: 'OTHER' },
        ],
        {
          __typename: 'NotFoundError',
          entity: 'Actor',
          reference: gid('Actor', red.id),
          path: ['input', 'participants', '1', 'actorId'],
        },
      ],
      [
        [{ actorId: gid('Actor', 987654), role: 'OTHER' }],
        {
          __typename: 'NotFoundError',
          entity: 'Actor',
          reference: gid('Actor', 987654),
          path: ['input', 'participants', '0', 'actorId'],
        },
      ],
    ];
    const auditBefore = await database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    for (const [participants, expected] of cases) {
      const refused = await graphql<{ addClaim: unknown }>(
        app,
        ADD_CLAIM,
        {
          b: gid('Briefing', briefing.id),
          input: { statement: 'Refused.', predicate: 'delivered', participants },
        },
        editor,
      );
      expect(refused.data?.addClaim).toEqual(expected);
    }
    const claims = await database.db
      .selectFrom('claim')
      .select('id')
      .where('briefing_id', '=', briefing.id)
      .execute();
    expect(claims).toEqual([]);
    const auditAfter = await database.db
      .selectFrom('audit_log')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .executeTakeFirstOrThrow();
    expect(auditAfter.n).toEqual(auditBefore.n);
  });

  it('relates two actors with participants, and refuses a bad one writing nothing', async () => {
    const supplier = await insertActor(database.db, { name: 'Supplier at birth', kind: 'STATE' });
    const recipient = await insertActor(database.db, { name: 'Recipient at birth', kind: 'STATE' });
    const carrier = await insertActor(database.db, { name: 'Carrier at birth' });
    const red = await insertActor(database.db, { marking: 'RED' });
    const related = await graphql<{
      relateActors: { __typename: string; relationship: { id: string } };
    }>(
      app,
      RELATE,
      {
        input: {
          fromId: gid('Actor', supplier.id),
          toId: gid('Actor', recipient.id),
          type: 'supplies',
          participants: [{ actorId: gid('Actor', carrier.id), role: 'CARRIER', note: 'Il-76' }],
        },
      },
      editor,
    );
    expect(related.data?.relateActors).toEqual({
      __typename: 'RelateActorsSuccess',
      relationship: {
        id: expect.any(String),
        version: 1,
        participants: [{ role: 'CARRIER', note: 'Il-76', actor: { name: 'Carrier at birth' } }],
      },
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('action', '=', 'relationship.create')
      .where('entity_type', '=', 'ActorRelationship')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      from_actor_id: supplier.id,
      participants: [{ actor_id: carrier.id, role: 'CARRIER', note: 'Il-76' }],
    });
    const refused = await graphql<{ relateActors: unknown }>(
      app,
      RELATE,
      {
        input: {
          fromId: gid('Actor', recipient.id),
          toId: gid('Actor', supplier.id),
          type: 'pays',
          participants: [{ actorId: gid('Actor', red.id), role: 'FINANCIER' }],
        },
      },
      editor,
    );
    expect(refused.data?.relateActors).toEqual({
      __typename: 'NotFoundError',
      entity: 'Actor',
      reference: gid('Actor', red.id),
      path: ['input', 'participants', '0', 'actorId'],
    });
    const pays = await database.db
      .selectFrom('actor_relationship')
      .select('id')
      .where('type', '=', 'pays')
      .execute();
    expect(pays).toEqual([]);
  });
});
