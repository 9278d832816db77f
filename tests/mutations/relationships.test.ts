import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeGlobalId, encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertClaim } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let clearEditor: Record<string, string>;
let analyst: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  clearEditor = bearer(await createKey(database, 'editor', { name: 'Clear desk' }));
  analyst = bearer(await createKey(database, 'analyst'));
});
afterAll(() => database.close());

const actorId = (id: number) => encodeGlobalId('Actor', id);
const claimId = (id: number) => encodeGlobalId('Claim', id);
const relationshipId = (id: number) => encodeGlobalId('ActorRelationship', id);

const ERRORS = /* GraphQL */ `
  ... on ValidationError { message issues { path message } }
  ... on NotFoundError { message entity reference path }
  ... on ConflictError { message currentVersion }
  ... on ForbiddenError { message }
`;

const RELATIONSHIP_FIELDS = /* GraphQL */ `
  id type confidence attributes description marking version
  from { id name }
  to { id name }
  validTime { from { date precision } to { date precision } note }
  evidence { totalCount edges { node { id } } }
`;

const RELATE = /* GraphQL */ `
  mutation ($input: RelateActorsInput!) {
    relateActors(input: $input) {
      __typename
      ... on RelateActorsSuccess { relationship { ${RELATIONSHIP_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateRelationshipInput!) {
    updateRelationship(id: $id, expectedVersion: $version, input: $input) {
      __typename
      ... on UpdateRelationshipSuccess { relationship { ${RELATIONSHIP_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const END = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $validTo: PartialDateInput!) {
    endRelationship(id: $id, expectedVersion: $version, validTo: $validTo) {
      __typename
      ... on EndRelationshipSuccess { relationship { ${RELATIONSHIP_FIELDS} } }
      ${ERRORS}
    }
  }
`;

interface Payload {
  __typename: string;
  relationship?: { id: string; version: number; [field: string]: unknown };
  message?: string;
  issues?: { path: string[]; message: string }[];
  path?: string[];
  currentVersion?: number | null;
}

async function relate(input: Record<string, unknown>, headers = editor) {
  const result = await graphql<{ relateActors: Payload }>(app, RELATE, { input }, headers);
  if (!result.data) throw new Error(JSON.stringify(result.errors));
  return result.data.relateActors;
}

async function update(id: string, version: number, input: Record<string, unknown>) {
  const result = await graphql<{ updateRelationship: Payload }>(
    app,
    UPDATE,
    { id, version, input },
    editor,
  );
  return result.data?.updateRelationship;
}

async function end(id: string, version: number, validTo: { date: string; precision: string }) {
  const result = await graphql<{ endRelationship: Payload }>(
    app,
    END,
    { id, version, validTo },
    editor,
  );
  return result.data?.endRelationship;
}

async function seeded(table: 'actor', name: string): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select('id')
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function seededClaim(statement: string): Promise<number> {
  const row = await database.db
    .selectFrom('claim')
    .select('id')
    .where('statement', '=', statement)
    .executeTakeFirstOrThrow();
  return row.id;
}

async function storedRelationship(id: string) {
  const dbId = Number(Buffer.from(id, 'base64url').toString().split(':')[1]);
  const row = await database.db
    .selectFrom('actor_relationship')
    .select([
      'from_actor_id',
      'to_actor_id',
      'type',
      'valid_from',
      'valid_from_precision',
      'valid_to',
      'valid_to_precision',
      'valid_time_note',
      'confidence',
      'attributes',
      'description',
      'marking',
      'version',
    ])
    .where('id', '=', dbId)
    .executeTakeFirstOrThrow();
  const evidence = await database.db
    .selectFrom('relationship_evidence')
    .select('claim_id')
    .where('relationship_id', '=', dbId)
    .orderBy('claim_id')
    .execute();
  return { ...row, evidence: evidence.map((e) => e.claim_id) };
}

async function relationshipCount(): Promise<number> {
  const row = await database.db
    .selectFrom('actor_relationship')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

let russia: number;
let venezuela: number;
let contractClaim: number;
let chavezClaim: number;

beforeAll(async () => {
  russia = await seeded('actor', 'Russia');
  venezuela = await seeded('actor', 'Venezuela');
  contractClaim = (
    await database.db
      .selectFrom('claim')
      .select('id')
      .where('predicate', '=', 'contracted')
      .orderBy('id')
      .executeTakeFirstOrThrow()
  ).id;
  chavezClaim = await seededClaim('Hugo Chávez was President of Venezuela in July 2006.');
});

describe('relateActors', () => {
  it('records a relationship with valid time, attributes and evidence, exactly as given', async () => {
    const result = await relate({
      fromId: actorId(russia),
      toId: actorId(venezuela),
      type: 'supplies',
      validTime: {
        from: { date: '2006-07-01', precision: 'MONTH' },
        to: { date: '2008-01-01', precision: 'YEAR' },
        note: 'contract July 2006, deliveries to 2008',
      },
      confidence: 85,
      attributes: { equipment: 'Su-30MK2', quantity: 24 },
      description: ' Su-30MK2 fighters. ',
      marking: 'GREEN',
      evidenceClaimIds: [claimId(contractClaim), claimId(chavezClaim)],
    });
    expect(result.__typename).toBe('RelateActorsSuccess');
    expect(result.relationship).toMatchObject({
      type: 'supplies',
      confidence: 85,
      attributes: { equipment: 'Su-30MK2', quantity: 24 },
      description: 'Su-30MK2 fighters.',
      marking: 'GREEN',
      version: 1,
      from: { id: actorId(russia), name: 'Russia' },
      to: { id: actorId(venezuela), name: 'Venezuela' },
      validTime: {
        from: { date: '2006-07-01', precision: 'MONTH' },
        to: { date: '2008-01-01', precision: 'YEAR' },
        note: 'contract July 2006, deliveries to 2008',
      },
    });
    const id = result.relationship?.id ?? '';
    expect(await storedRelationship(id)).toEqual({
      from_actor_id: russia,
      to_actor_id: venezuela,
      type: 'supplies',
      valid_from: '2006-07-01',
      valid_from_precision: 'MONTH',
      valid_to: '2008-01-01',
      valid_to_precision: 'YEAR',
      valid_time_note: 'contract July 2006, deliveries to 2008',
      confidence: 85,
      attributes: { equipment: 'Su-30MK2', quantity: 24 },
      description: 'Su-30MK2 fighters.',
      marking: 'GREEN',
      version: 1,
      evidence: [contractClaim, chavezClaim].sort((a, b) => a - b),
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['actor_name', 'action', 'before', 'after'])
      .where('action', '=', 'relationship.create')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_name: 'Desk',
      before: null,
      after: { type: 'supplies', from_actor_id: russia, evidence_claim_ids: expect.any(Array) },
    });
  });

  it('lists every validation problem with its path and writes nothing', async () => {
    const count = await relationshipCount();
    const result = await relate({
      fromId: actorId(russia),
      toId: actorId(russia),
      type: 'supplies',
      validTime: {
        from: { date: '2006-07-15', precision: 'MONTH' },
        to: { date: '2005-01-01', precision: 'YEAR' },
      },
      confidence: 101,
      description: 'x'.repeat(5001),
      evidenceClaimIds: [claimId(contractClaim), claimId(contractClaim), actorId(russia)],
    });
    expect(result).toEqual({
      __typename: 'ValidationError',
      message: '7 problems with the input',
      issues: [
        {
          path: ['input', 'toId'],
          message: 'expected another actor than fromId, got the same one',
        },
        {
          path: ['input', 'validTime', 'from'],
          message: 'expected 2006-07-15 to be the first day of its month (precision MONTH)',
        },
        {
          path: ['input', 'validTime', 'to'],
          message: 'expected valid_to >= valid_from, got 2005 < 2006-07',
        },
        { path: ['input', 'confidence'], message: 'expected an integer in 0..100, got 101' },
        { path: ['input', 'description'], message: 'expected 1 to 5000 characters, got 5001' },
        {
          path: ['input', 'evidenceClaimIds', '1'],
          message: 'expected each claim once, got a repeat of index 0',
        },
        {
          path: ['input', 'evidenceClaimIds', '2'],
          message: 'expected the id of a Claim, got the id of an Actor',
        },
      ],
    });
    expect(await relationshipCount()).toBe(count);
  });

  it('treats actors and claims the caller may not see as not found', async () => {
    const amber = await insertActor(database.db, { name: 'Amber unit', marking: 'AMBER' });
    const count = await relationshipCount();
    // An editor cleared only for CLEAR cannot link to an AMBER actor: it does not exist for them.
    expect(
      await relate(
        { fromId: actorId(russia), toId: actorId(amber.id), type: 'supplies' },
        clearEditor,
      ),
    ).toEqual({
      __typename: 'NotFoundError',
      message: `Actor ${actorId(amber.id)} not found`,
      entity: 'Actor',
      reference: actorId(amber.id),
      path: ['input', 'toId'],
    });
    const briefing = await insertBriefing(database.db);
    const red = await insertClaim(database.db, {
      briefing_id: briefing.id,
      position: 0,
      marking: 'RED',
    });
    expect(
      await relate({
        fromId: actorId(russia),
        toId: actorId(venezuela),
        type: 'supplies',
        evidenceClaimIds: [claimId(contractClaim), claimId(red.id)],
      }),
    ).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Claim',
      reference: claimId(red.id),
      path: ['input', 'evidenceClaimIds', '1'],
    });
    expect(await relationshipCount()).toBe(count);
  });

  it('links a merged actor’s id to its survivor, and refuses a link that would join the survivor to itself', async () => {
    const survivor = await insertActor(database.db, { name: 'Survivor org' });
    const merged = await insertActor(database.db, {
      name: 'Merged org',
      merged_into_id: survivor.id,
    });
    const result = await relate({
      fromId: actorId(merged.id),
      toId: actorId(venezuela),
      type: 'cooperates-with',
    });
    expect(result.relationship).toMatchObject({ from: { id: actorId(survivor.id) } });
    expect(
      await relate({ fromId: actorId(merged.id), toId: actorId(survivor.id), type: 'same-as' }),
    ).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'toId'],
          message: 'expected another actor than fromId, got one merged into the same actor',
        },
      ],
    });
  });

  it('refuses analysts with ForbiddenError and anonymous callers with HTTP 401', async () => {
    const input = { fromId: actorId(russia), toId: actorId(venezuela), type: 'supplies' };
    expect(await relate(input, analyst)).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const anonymous = await graphql(app, RELATE, { input });
    expect(anonymous.status).toBe(401);
  });
});

describe('updateRelationship / endRelationship', () => {
  async function fresh(): Promise<string> {
    const result = await relate({
      fromId: actorId(russia),
      toId: actorId(venezuela),
      type: 'supplies',
      validTime: { from: { date: '2006-07-01', precision: 'MONTH' } },
      confidence: 70,
      attributes: { quantity: 24 },
      description: 'Arms deliveries.',
      evidenceClaimIds: [claimId(contractClaim)],
    });
    return result.relationship?.id ?? '';
  }

  it('changes only the given fields, replaces evidence, clears with null and bumps the version', async () => {
    const id = await fresh();
    const result = await update(id, 1, {
      type: 'sold-to',
      confidence: null,
      attributes: { quantity: 21, approximate: true },
      evidenceClaimIds: [claimId(chavezClaim)],
    });
    expect(result?.__typename).toBe('UpdateRelationshipSuccess');
    expect(await storedRelationship(id)).toMatchObject({
      type: 'sold-to',
      confidence: null,
      attributes: { quantity: 21, approximate: true },
      description: 'Arms deliveries.',
      valid_from: '2006-07-01',
      version: 2,
      evidence: [chavezClaim],
    });
    const cleared = await update(id, 2, { validTime: null, evidenceClaimIds: null });
    expect(cleared?.relationship).toMatchObject({
      validTime: null,
      evidence: { totalCount: 0, edges: [] },
      version: 3,
    });
    expect(await update(id, 1, { description: 'stale' })).toMatchObject({
      __typename: 'ConflictError',
      currentVersion: 3,
    });
    expect(await update(id, 3, { toId: actorId(russia), type: null })).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['input', 'type'], message: 'expected a type, got null' }],
    });
    expect(await update(id, 3, { toId: actorId(russia) })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'toId'],
          message: 'expected the two ends to be different actors, got the same one',
        },
      ],
    });
    expect(await update(relationshipId(999_999), 1, { type: 'x' })).toMatchObject({
      __typename: 'NotFoundError',
      path: ['id'],
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'relationship.update')
      .orderBy('id')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      before: { type: 'supplies', confidence: 70, evidence_claim_ids: [contractClaim] },
      after: { type: 'sold-to', confidence: null, evidence_claim_ids: [chavezClaim] },
    });
  });

  it('ends a relationship, and refuses an end before its start or off its precision', async () => {
    const id = await fresh();
    const ended = await end(id, 1, { date: '2008-01-01', precision: 'YEAR' });
    expect(ended?.relationship).toMatchObject({
      version: 2,
      validTime: {
        from: { date: '2006-07-01', precision: 'MONTH' },
        to: { date: '2008-01-01', precision: 'YEAR' },
      },
    });
    expect(await storedRelationship(id)).toMatchObject({
      valid_to: '2008-01-01',
      valid_to_precision: 'YEAR',
      version: 2,
    });
    expect(await end(id, 2, { date: '2005-01-01', precision: 'YEAR' })).toEqual({
      __typename: 'ValidationError',
      message: 'expected valid_to >= valid_from, got 2005 < 2006-07',
      issues: [
        { path: ['validTo'], message: 'expected valid_to >= valid_from, got 2005 < 2006-07' },
      ],
    });
    expect(await end(id, 2, { date: '2009-03-01', precision: 'YEAR' })).toMatchObject({
      issues: [
        {
          path: ['validTo'],
          message: 'expected 2009-03-01 to be the first day of its year (precision YEAR)',
        },
      ],
    });
    expect(await end(id, 1, { date: '2009-01-01', precision: 'YEAR' })).toMatchObject({
      __typename: 'ConflictError',
      currentVersion: 2,
    });
    expect(await storedRelationship(id)).toMatchObject({ valid_to: '2008-01-01', version: 2 });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('action', '=', 'relationship.end')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      before: { valid_to: null, version: 1 },
      after: { valid_to: '2008-01-01', valid_to_precision: 'YEAR', version: 2 },
    });
  });
});

describe('removeRelationship', () => {
  const REMOVE = /* GraphQL */ `
    mutation ($id: ID!, $version: Int!) {
      removeRelationship(id: $id, expectedVersion: $version) {
        __typename
        ... on RemoveRelationshipSuccess { actor { id name } }
        ${ERRORS}
      }
    }
  `;

  async function remove(id: string, version: number, headers = editor) {
    const result = await graphql<{ removeRelationship: Payload & { actor?: unknown } }>(
      app,
      REMOVE,
      { id, version },
      headers,
    );
    return result.data?.removeRelationship;
  }

  it('deletes the relationship at the version read, with its evidence links, and returns its from actor', async () => {
    const created = await relate({
      fromId: actorId(russia),
      toId: actorId(venezuela),
      type: 'supplies',
      evidenceClaimIds: [claimId(contractClaim)],
    });
    const id = created.relationship?.id ?? '';
    const rowId = Number(decodeGlobalId(id).id);
    expect(await remove(id, 2)).toEqual({
      __typename: 'ConflictError',
      message: `ActorRelationship ${id} is at version 1, not 2: re-read it and retry`,
      currentVersion: 1,
    });
    expect(await remove(id, 1)).toEqual({
      __typename: 'RemoveRelationshipSuccess',
      actor: { id: actorId(russia), name: 'Russia' },
    });
    const left = async (table: 'actor_relationship' | 'relationship_evidence') =>
      database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where(table === 'actor_relationship' ? 'id' : 'relationship_id', '=', rowId)
        .executeTakeFirstOrThrow();
    expect(Number((await left('actor_relationship')).n)).toBe(0);
    expect(Number((await left('relationship_evidence')).n)).toBe(0);
    expect(await remove(id, 1)).toMatchObject({ __typename: 'NotFoundError', reference: id });
  });

  it('refuses, changing nothing, when evidence is above the caller’s clearance', async () => {
    const briefing = await insertBriefing(database.db);
    const amberClaim = await insertClaim(database.db, {
      briefing_id: briefing.id,
      position: 0,
      marking: 'AMBER',
    });
    const created = await relate({
      fromId: actorId(russia),
      toId: actorId(venezuela),
      type: 'supplies',
      evidenceClaimIds: [claimId(amberClaim.id)],
    });
    const id = created.relationship?.id ?? '';
    expect(await remove(id, 1, clearEditor)).toEqual({
      __typename: 'ConflictError',
      message: `relationship ${id} cannot be removed at your clearance: ask an editor cleared for all its records`,
      currentVersion: null,
    });
    expect(await remove(id, 1, analyst)).toMatchObject({ __typename: 'ForbiddenError' });
    expect(await remove(id, 1)).toMatchObject({ __typename: 'RemoveRelationshipSuccess' });
  });
});
