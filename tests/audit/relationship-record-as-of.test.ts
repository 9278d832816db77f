import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { createLogger } from '../../src/logger.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { afterLastWrite, writeAs } from '../helpers/as-of.js';
import { graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// `actor(id:) { relationshipsRecordAsOf(at:) }`: an actor's relationships (type, ends, valid
// time with its bounds, participants) as the audit log had them, read before and after each
// write at instants taken from the log itself, by callers who may and may not see them.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let analystGreen: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ db: database.db, logger: createLogger('silent') });
  editor = bearer(await createKey(database, 'editor', { clearance: 'RED', name: 'Desk' }));
  analystGreen = bearer(await createKey(database, 'analyst', { clearance: 'GREEN' }));
});
afterAll(() => database.close());

const gid = (type: string, id: number) => encodeGlobalId(type, id);
const at = () => afterLastWrite(database.db);
const write = (document: string, variables: Record<string, unknown>) =>
  writeAs(app, editor, document, variables);

const RELATE = `mutation ($input: RelateActorsInput!) { relateActors(input: $input) {
  __typename ... on RelateActorsSuccess { relationship { id version } } } }`;
const UPDATE = `mutation ($id: ID!, $v: Int!, $input: UpdateRelationshipInput!) {
  updateRelationship(id: $id, expectedVersion: $v, input: $input) {
    __typename ... on UpdateRelationshipSuccess { relationship { id version } } } }`;
const SET_PARTICIPANTS = `mutation ($id: ID!, $v: Int!, $participants: [ParticipantInput!]!) {
  setRelationshipParticipants(id: $id, expectedVersion: $v, participants: $participants) {
    __typename ... on SetRelationshipParticipantsSuccess { relationship { id version } } } }`;
const REMOVE = `mutation ($id: ID!, $v: Int!) { removeRelationship(id: $id, expectedVersion: $v) {
  __typename ... on RemoveRelationshipSuccess { actor { id version } } } }`;
const PUBLISH = `mutation ($id: ID!) { publishRelationship(id: $id) {
  __typename ... on PublishRelationshipSuccess { relationship { id version } } } }`;

const RECORD = `query ($actor: ID!, $at: DateTime!, $direction: RelationshipDirection) {
  actor(id: $actor) { relationshipsRecordAsOf(at: $at, direction: $direction) {
    totalCount edges { node {
      version type from { name } to { name }
      validTime { from { date precision } fromBound to { date precision } toBound note }
      confidence attributes description marking
      participants { role note actor { name } }
      relationship { version }
    } } } } }`;

/** The actor's relationships as recorded at `instant`, as `headers`' caller reads them. */
async function recordAt(
  actorId: number,
  instant: string,
  headers: Record<string, string> = editor,
  direction = 'BOTH',
) {
  const result = await graphql<{
    actor: {
      relationshipsRecordAsOf: { totalCount: number; edges: { node: unknown }[] };
    } | null;
  }>(app, RECORD, { actor: gid('Actor', actorId), at: instant, direction }, headers);
  expect(result.errors).toBeUndefined();
  const record = result.data?.actor?.relationshipsRecordAsOf;
  if (!record) return null;
  expect(record.totalCount).toBe(record.edges.length);
  return record.edges.map((e) => e.node);
}

const SUPPLY_V1 = {
  version: 1,
  type: 'supplies',
  from: { name: 'As-of supplier' },
  to: { name: 'As-of recipient' },
  validTime: {
    from: { date: '2019-03-01', precision: 'MONTH' },
    fromBound: 'KNOWN',
    to: null,
    toBound: 'OPEN',
    note: null,
  },
  confidence: 70,
  attributes: { quantity: 2 },
  description: 'Two radar systems',
  marking: 'CLEAR',
  participants: [{ role: 'EQUIPMENT', note: null, actor: { name: 'As-of radar' } }],
};
const BY_2021 = {
  from: { date: '2019-03-01', precision: 'MONTH' },
  fromBound: 'KNOWN',
  to: { date: '2021-01-01', precision: 'YEAR' },
  toBound: 'NOT_AFTER',
  note: 'by 2021',
};
const CARRIER = {
  role: 'CARRIER',
  note: 'chartered cargo flight',
  actor: { name: 'As-of carrier' },
};

describe('Actor.relationshipsRecordAsOf', () => {
  it('rebuilds the relationship at each instant: created, a bound moved, participants, removed', async () => {
    const supplier = await insertActor(database.db, { kind: 'STATE', name: 'As-of supplier' });
    const recipient = await insertActor(database.db, { kind: 'STATE', name: 'As-of recipient' });
    const radar = await insertActor(database.db, { kind: 'EQUIPMENT', name: 'As-of radar' });
    const carrier = await insertActor(database.db, { name: 'As-of carrier' });
    const t0 = await at();

    const created = await write(RELATE, {
      input: {
        fromId: gid('Actor', supplier.id),
        toId: gid('Actor', recipient.id),
        type: 'supplies',
        validTime: { from: { date: '2019-03-01', precision: 'MONTH' }, toBound: 'OPEN' },
        confidence: 70,
        attributes: { quantity: 2 },
        description: 'Two radar systems',
        participants: [{ actorId: gid('Actor', radar.id), role: 'EQUIPMENT' }],
      },
    });
    const t1 = await at();
    await write(UPDATE, {
      id: created.id,
      v: 1,
      input: {
        validTime: {
          from: { date: '2019-03-01', precision: 'MONTH' },
          to: { date: '2021-01-01', precision: 'YEAR' },
          toBound: 'NOT_AFTER',
          note: 'by 2021',
        },
      },
    });
    const t2 = await at();
    await write(SET_PARTICIPANTS, {
      id: created.id,
      v: 2,
      participants: [
        { actorId: gid('Actor', radar.id), role: 'EQUIPMENT' },
        { actorId: gid('Actor', carrier.id), role: 'CARRIER', note: 'chartered cargo flight' },
      ],
    });
    const t3 = await at();
    await write(SET_PARTICIPANTS, {
      id: created.id,
      v: 3,
      participants: [
        { actorId: gid('Actor', carrier.id), role: 'CARRIER', note: 'chartered cargo flight' },
      ],
    });
    const t4 = await at();
    await write(REMOVE, { id: created.id, v: 4 });
    const t5 = await at();

    expect(await recordAt(supplier.id, t0)).toEqual([]);
    expect(await recordAt(supplier.id, t1)).toEqual([{ ...SUPPLY_V1, relationship: null }]);
    expect(await recordAt(supplier.id, t2)).toEqual([
      { ...SUPPLY_V1, version: 2, validTime: BY_2021, relationship: null },
    ]);
    expect(await recordAt(supplier.id, t3)).toEqual([
      {
        ...SUPPLY_V1,
        version: 3,
        validTime: BY_2021,
        participants: [...SUPPLY_V1.participants, CARRIER],
        relationship: null,
      },
    ]);
    const lastState = {
      ...SUPPLY_V1,
      version: 4,
      validTime: BY_2021,
      participants: [CARRIER],
      relationship: null,
    };
    expect(await recordAt(supplier.id, t4)).toEqual([lastState]);
    expect(await recordAt(supplier.id, t5)).toEqual([]);
    // From the other end, by direction.
    expect(await recordAt(recipient.id, t4, editor, 'INCOMING')).toEqual([lastState]);
    expect(await recordAt(recipient.id, t4, editor, 'OUTGOING')).toEqual([]);
    expect(await recordAt(supplier.id, t4, editor, 'INCOMING')).toEqual([]);

    // The removal logged the last state, evidence and participants included.
    const removal = await database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_type', '=', 'ActorRelationship')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(removal).toMatchObject({
      action: 'relationship.remove',
      before: {
        version: 4,
        evidence_claim_ids: [],
        participants: [{ actor_id: carrier.id, role: 'CARRIER', note: 'chartered cargo flight' }],
      },
      after: null,
    });
    expect(
      await database.db
        .selectFrom('actor_relationship')
        .select('id')
        .where('from_actor_id', '=', supplier.id)
        .execute(),
    ).toEqual([]);
  });

  it('points at the relationship as it is now while it exists', async () => {
    const a = await insertActor(database.db, { name: 'Now end A' });
    const b = await insertActor(database.db, { name: 'Now end B' });
    const created = await write(RELATE, {
      input: { fromId: gid('Actor', a.id), toId: gid('Actor', b.id), type: 'cooperates-with' },
    });
    const t1 = await at();
    await write(UPDATE, { id: created.id, v: 1, input: { type: 'allied-with' } });
    const t2 = await at();
    const read = async (instant: string) =>
      ((await recordAt(a.id, instant)) ?? []).map((node) => {
        const { type, version, relationship, validTime } = node as Record<string, unknown>;
        return { type, version, relationship, validTime };
      });
    expect(await read(t1)).toEqual([
      { type: 'cooperates-with', version: 1, relationship: { version: 2 }, validTime: null },
    ]);
    expect(await read(t2)).toEqual([
      { type: 'allied-with', version: 2, relationship: { version: 2 }, validTime: null },
    ]);
  });

  it('moves a merged actor’s past relationships to its survivor', async () => {
    const survivor = await insertActor(database.db, { name: 'Merge survivor' });
    const duplicate = await insertActor(database.db, { name: 'Merge duplicate' });
    const other = await insertActor(database.db, { name: 'Merge other end' });
    await write(RELATE, {
      input: {
        fromId: gid('Actor', duplicate.id),
        toId: gid('Actor', other.id),
        type: 'supplies',
      },
    });
    const t1 = await at();
    await write(
      `mutation ($s: ID!, $m: ID!) { mergeActors(survivorId: $s, expectedSurvivorVersion: 1,
        mergedId: $m, expectedMergedVersion: 1) { __typename ... on MergeActorsSuccess { actor { id version } } } }`,
      { s: gid('Actor', survivor.id), m: gid('Actor', duplicate.id) },
    );
    const t2 = await at();
    const ends = async (instant: string) =>
      ((await recordAt(survivor.id, instant)) ?? []).map((node) => {
        const { from, to, version } = node as Record<string, unknown>;
        return { from, to, version };
      });
    const moved = { from: { name: 'Merge survivor' }, to: { name: 'Merge other end' } };
    expect(await ends(t1)).toEqual([{ ...moved, version: 1 }]);
    expect(await ends(t2)).toEqual([{ ...moved, version: 2 }]);
    // The duplicate's id reads its survivor, as `actor(id:)` does everywhere.
    expect(await recordAt(duplicate.id, t1)).toEqual(await recordAt(survivor.id, t1));
  });
  it('rebuilds a relationship written without a create entry only from its first whole snapshot', async () => {
    const a = await insertActor(database.db, { name: 'Unlogged end A' });
    const b = await insertActor(database.db, { name: 'Unlogged end B' });
    const direct = await database.db
      .insertInto('actor_relationship')
      .values({ from_actor_id: a.id, to_actor_id: b.id, type: 'supplies' })
      .returning('id')
      .executeTakeFirstOrThrow();
    // The publication logs only `released_to`: not a whole relationship to show, until an
    // update logs one.
    await write(PUBLISH, { id: gid('ActorRelationship', direct.id) });
    const t1 = await at();
    await write(UPDATE, {
      id: gid('ActorRelationship', direct.id),
      v: 1,
      input: { confidence: 40 },
    });
    const t2 = await at();
    const confidences = async (instant: string) =>
      ((await recordAt(a.id, instant)) ?? []).map(
        (node) => (node as { confidence: number }).confidence,
      );
    expect(await confidences(t1)).toEqual([]);
    expect(await confidences(t2)).toEqual([40]);
  });
});

describe('Actor.relationshipsRecordAsOf visibility', () => {
  it('never shows a relationship above the reader’s clearance, then or since, removed or not', async () => {
    const a = await insertActor(database.db, { name: 'Cleared end A' });
    const b = await insertActor(database.db, { name: 'Cleared end B' });
    const red = await write(RELATE, {
      input: {
        fromId: gid('Actor', a.id),
        toId: gid('Actor', b.id),
        type: 'red-link',
        marking: 'RED',
      },
    });
    const raised = await write(RELATE, {
      input: {
        fromId: gid('Actor', a.id),
        toId: gid('Actor', b.id),
        type: 'raised-link',
        marking: 'GREEN',
      },
    });
    const t1 = await at();
    await write(UPDATE, { id: raised.id, v: 1, input: { marking: 'RED' } });
    const t2 = await at();
    await write(REMOVE, { id: raised.id, v: 2 });
    await write(REMOVE, { id: red.id, v: 1 });
    const t3 = await at();
    const types = async (instant: string, headers: Record<string, string>) =>
      ((await recordAt(a.id, instant, headers)) ?? []).map(
        (node) => (node as { type: string }).type,
      );
    expect(await types(t1, editor)).toEqual(['red-link', 'raised-link']);
    expect(await types(t2, editor)).toEqual(['red-link', 'raised-link']);
    // GREEN: the RED one never, the one raised to RED later not even while it was GREEN, and
    // neither after their removal.
    for (const instant of [t1, t2, t3]) expect(await types(instant, analystGreen)).toEqual([]);
  });

  it('leaves out a relationship with an end the reader may not see', async () => {
    const visibleEnd = await insertActor(database.db, { name: 'Visible end' });
    const hiddenEnd = await insertActor(database.db, { name: 'Hidden end', marking: 'RED' });
    await write(RELATE, {
      input: {
        fromId: gid('Actor', visibleEnd.id),
        toId: gid('Actor', hiddenEnd.id),
        type: 'supplies',
      },
    });
    const t1 = await at();
    expect(await recordAt(visibleEnd.id, t1)).toHaveLength(1);
    expect(await recordAt(visibleEnd.id, t1, analystGreen)).toEqual([]);
    // The hidden end itself is null for the reader, as everywhere.
    expect(await recordAt(hiddenEnd.id, t1, analystGreen)).toBeNull();
  });

  it('keeps an embargoed relationship from anonymous readers until the record shows it released', async () => {
    const a = await insertActor(database.db, { name: 'Embargo end A' });
    const b = await insertActor(database.db, { name: 'Embargo end B' });
    const created = await write(RELATE, {
      input: { fromId: gid('Actor', a.id), toId: gid('Actor', b.id), type: 'supplies' },
    });
    const t1 = await at();
    const count = async (instant: string, headers: Record<string, string>) =>
      ((await recordAt(a.id, instant, headers)) ?? []).length;
    expect([await count(t1, {}), await count(t1, analystGreen)]).toEqual([0, 1]);
    await write(PUBLISH, { id: created.id });
    const t2 = await at();
    // Released now, but not then: the reader learns nothing of its embargoed past.
    expect([await count(t1, {}), await count(t2, {})]).toEqual([0, 1]);
  });

  it('records the release that evidence in a published briefing brings with the write itself', async () => {
    const a = await insertActor(database.db, { name: 'Evidenced end A' });
    const b = await insertActor(database.db, { name: 'Evidenced end B' });
    const briefing = await insertBriefing(database.db);
    const claim = await insertClaim(database.db, { briefing_id: briefing.id, position: 0 });
    await write(RELATE, {
      input: {
        fromId: gid('Actor', a.id),
        toId: gid('Actor', b.id),
        type: 'supplies',
        evidenceClaimIds: [gid('Claim', claim.id)],
      },
    });
    const t1 = await at();
    expect(
      ((await recordAt(a.id, t1, {})) ?? []).map((node) => (node as { type: string }).type),
    ).toEqual(['supplies']);
  });
});

describe('the seed’s relationships', () => {
  it('read back as loaded, exactly as the live list shows them, to an anonymous reader', async () => {
    const venezuela = await database.db
      .selectFrom('actor')
      .select('id')
      .where('name', '=', 'Venezuela')
      .executeTakeFirstOrThrow();
    const FIELDS = `id type from { name } to { name } confidence attributes description
      validTime { from { date precision } fromBound to { date precision } toBound note }
      participants { role note actor { name } }`;
    const result = await graphql<{
      actor: {
        relationships: { totalCount: number; edges: { node: { id: string } }[] };
        relationshipsRecordAsOf: {
          totalCount: number;
          edges: { node: { id: string; version: number } }[];
        };
      };
    }>(
      app,
      `query ($id: ID!, $at: DateTime!) { actor(id: $id) {
        relationships(first: 100) { totalCount edges { node { ${FIELDS} } } }
        relationshipsRecordAsOf(at: $at, first: 100) { totalCount edges { node { version ${FIELDS} } } }
      } }`,
      { id: gid('Actor', venezuela.id), at: new Date().toISOString() },
    );
    expect(result.errors).toBeUndefined();
    const live = result.data?.actor.relationships;
    const record = result.data?.actor.relationshipsRecordAsOf;
    expect(live?.totalCount).toBeGreaterThan(10);
    expect(record?.totalCount).toBe(live?.totalCount);
    const byId = <T extends { id: string }>(nodes: T[]) =>
      [...nodes].sort((x, y) => (x.id < y.id ? -1 : 1));
    // Each as loaded (version 1) and as it is now: the seed's relationships were not edited.
    expect(byId(record?.edges.map((e) => e.node) ?? [])).toEqual(
      byId(live?.edges.map((e) => ({ ...e.node, version: 1 })) ?? []),
    );
  });

  it('pages in the live list’s default order, with cursors', async () => {
    const venezuela = await database.db
      .selectFrom('actor')
      .select('id')
      .where('name', '=', 'Venezuela')
      .executeTakeFirstOrThrow();
    const page = async (after: string | null) => {
      const result = await graphql<{
        actor: {
          relationshipsRecordAsOf: {
            edges: { cursor: string; node: { id: string } }[];
            pageInfo: { hasNextPage: boolean };
          };
        };
      }>(
        app,
        `
          query ($id: ID!, $at: DateTime!, $after: String) {
            actor(id: $id) {
              relationshipsRecordAsOf(at: $at, first: 3, after: $after) {
                edges {
                  cursor
                  node {
                    id
                  }
                }
                pageInfo {
                  hasNextPage
                }
              }
            }
          }
        `,
        { id: gid('Actor', venezuela.id), at: new Date().toISOString(), after },
      );
      expect(result.errors).toBeUndefined();
      return result.data?.actor.relationshipsRecordAsOf;
    };
    const ids: string[] = [];
    let after: string | null = null;
    for (let i = 0; i < 20; i += 1) {
      const current = await page(after);
      ids.push(...(current?.edges.map((e) => e.node.id) ?? []));
      after = current?.edges.at(-1)?.cursor ?? null;
      if (!current?.pageInfo.hasNextPage) break;
    }
    const live = await graphql<{ actor: { relationships: { edges: { node: { id: string } }[] } } }>(
      app,
      `
        query ($id: ID!) {
          actor(id: $id) {
            relationships(first: 100) {
              edges {
                node {
                  id
                }
              }
            }
          }
        }
      `,
      { id: gid('Actor', venezuela.id) },
    );
    expect(ids).toEqual(live.data?.actor.relationships.edges.map((e) => e.node.id));
  });

  it('reads a page of actors’ records in the same statements whatever the page size', async () => {
    const statementsFor = async (first: number) => {
      database.statements.reset();
      const result = await graphql<{ actors: { edges: unknown[] } }>(
        app,
        `
          query ($at: DateTime!, $first: Int!) {
            actors(first: $first) {
              edges {
                node {
                  relationshipsRecordAsOf(at: $at, first: 5) {
                    totalCount
                    edges {
                      node {
                        type
                        from {
                          name
                        }
                        to {
                          name
                        }
                        participants {
                          actor {
                            name
                          }
                        }
                      }
                    }
                  }
                }
              }
            }
          }
        `,
        { at: new Date().toISOString(), first },
        analystGreen,
      );
      expect(result.errors).toBeUndefined();
      expect(result.data?.actors.edges).toHaveLength(first);
      return database.statements.sql.filter((text) => !text.includes('api_key'));
    };
    const two = await statementsFor(2);
    const twenty = await statementsFor(20);
    expect(twenty.length).toBe(two.length);
    expect(twenty.filter((text) => text.includes('audit_log'))).toHaveLength(1);
  });
});
