import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertBriefing, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let analyst: Record<string, string>;

// The flag is two code points (four UTF-16 units): spans count code points, as PostgreSQL does.
const BODY =
  '🇻🇪 Venezuela signed a contract with Russia in July 2006 for 24 Su-30MK2 aircraft. ' +
  'Deliveries ended by 2008. Deliveries ended by 2008. Around 21 remain operational.';
const CONTRACT_QUOTE =
  'Venezuela signed a contract with Russia in July 2006 for 24 Su-30MK2 aircraft.';

const ids = {
  briefing: '',
  venezuela: '',
  russia: '',
  su30: '',
  secretActor: '',
  intel: '',
  wapo: '',
  secretSource: '',
};

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  analyst = bearer(await createKey(database, 'analyst', { clearance: 'RED' }));
  const created = await graphql<{ createBriefing: { briefing: { id: string } } }>(
    app,
    'mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) { ... on CreateBriefingSuccess { briefing { id } } } }',
    { input: { slug: 'su-30-fleet', title: 'The Su-30 fleet', body: BODY } },
    editor,
  );
  ids.briefing = created.data?.createBriefing.briefing.id ?? '';
  const actor = async (values: Parameters<typeof insertActor>[1]) =>
    encodeGlobalId('Actor', (await insertActor(database.db, values)).id);
  ids.venezuela = await actor({ kind: 'STATE', name: 'Venezuela (test)' });
  ids.russia = await actor({ kind: 'STATE', name: 'Russia (test)' });
  ids.su30 = await actor({ kind: 'EQUIPMENT', name: 'Su-30MK2 (test)' });
  ids.secretActor = await actor({ name: 'Secret actor', marking: 'RED' });
  const intel = await insertSource(database.db, {
    kind: 'INTELLIGENCE_BRIEFING',
    reliability: 'B',
  });
  const wapo = await insertSource(database.db, { derived_from_id: intel.id });
  ids.intel = encodeGlobalId('Source', intel.id);
  ids.wapo = encodeGlobalId('Source', wapo.id);
  ids.secretSource = encodeGlobalId(
    'Source',
    (await insertSource(database.db, { marking: 'RED' })).id,
  );
});
afterAll(() => database.close());

const ERRORS = /* GraphQL */ `
  ... on ValidationError { message issues { path message } }
  ... on NotFoundError { entity reference path }
  ... on ConflictError { message currentVersion }
  ... on ForbiddenError { message }
`;

const CLAIM_FIELDS = /* GraphQL */ `
  id version position kind statement quote span { start end } subject { id } predicate
  objects { id }
  quantity { value min max unit qualifier }
  validTime { from { date precision } to { date precision } note }
  likelihood confidence status marking
  citations(first: 100) { edges { node { id role position locator quote credibility source { id } } } }
`;

const ADD = /* GraphQL */ `
  mutation ($briefingId: ID!, $input: AddClaimInput!, $key: String) {
    addClaim(briefingId: $briefingId, input: $input, idempotencyKey: $key) {
      __typename
      ... on AddClaimSuccess { claim { ${CLAIM_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateClaimInput!) {
    updateClaim(id: $id, expectedVersion: $version, input: $input) {
      __typename
      ... on UpdateClaimSuccess { claim { ${CLAIM_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const REMOVE = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!) {
    removeClaim(id: $id, expectedVersion: $version) {
      __typename
      ... on RemoveClaimSuccess { briefing { id claims { totalCount } } }
      ${ERRORS}
    }
  }
`;

const CITE = /* GraphQL */ `
  mutation ($claimId: ID!, $version: Int!, $input: CitationInput!) {
    citeSource(claimId: $claimId, expectedVersion: $version, input: $input) {
      __typename
      ... on CiteSourceSuccess { claim { ${CLAIM_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const UNCITE = /* GraphQL */ `
  mutation ($claimId: ID!, $version: Int!, $citationId: ID!) {
    removeCitation(claimId: $claimId, expectedVersion: $version, citationId: $citationId) {
      __typename
      ... on RemoveCitationSuccess { claim { ${CLAIM_FIELDS} } }
      ${ERRORS}
    }
  }
`;

interface Claim {
  id: string;
  version: number;
  position: number;
  quote: string | null;
  span: { start: number; end: number } | null;
  citations: { id: string; role: string; position: number; source: { id: string } }[];
}

interface Payload {
  __typename: string;
  claim?: Claim;
  briefing?: { id: string; claims: { totalCount: number } };
  message?: string;
  issues?: { path: string[]; message: string }[];
  entity?: string;
  reference?: string;
  path?: string[];
  currentVersion?: number | null;
}

/** `Claim.citations` is a connection; these tests compare a claim's citations as a list. */
type Answer = Omit<Payload, 'claim'> & {
  claim?: Omit<Claim, 'citations'> & {
    citations: { edges: { node: Claim['citations'][number] }[] };
  };
};

async function mutate(
  text: string,
  field: string,
  variables: Record<string, unknown>,
  headers = editor,
): Promise<Payload> {
  const result = await graphql<Record<string, Answer>>(app, text, variables, headers);
  const payload = result.data?.[field];
  if (!payload) throw new Error(`expected ${field}, got ${JSON.stringify(result)}`);
  const { claim, ...rest } = payload;
  if (!claim) return rest;
  return { ...rest, claim: { ...claim, citations: claim.citations.edges.map((e) => e.node) } };
}

const add = (input: Record<string, unknown>, briefingId = ids.briefing, key?: string) =>
  mutate(ADD, 'addClaim', { briefingId, input, key });

async function added(input: Record<string, unknown>, briefingId = ids.briefing): Promise<Claim> {
  const payload = await add(input, briefingId);
  if (!payload.claim) throw new Error(`expected a claim, got ${JSON.stringify(payload)}`);
  return payload.claim;
}

function dbId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
}

const CLAIM_TABLES = ['claim', 'claim_object', 'citation', 'audit_log'] as const;

/** Rows in every table a claim write touches. */
async function counts(): Promise<Record<(typeof CLAIM_TABLES)[number], number>> {
  const [claim, claimObject, citation, auditLog] = await Promise.all(
    CLAIM_TABLES.map(async (table) => {
      const row = await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow();
      return Number(row.n);
    }),
  );
  return {
    claim: claim ?? 0,
    claim_object: claimObject ?? 0,
    citation: citation ?? 0,
    audit_log: auditLog ?? 0,
  };
}

async function claimRow(id: string) {
  return database.db
    .selectFrom('claim')
    .selectAll()
    .where('id', '=', dbId(id))
    .executeTakeFirstOrThrow();
}

/** A claim's quantities as stored (claim_quantity), in order. */
async function quantityRows(id: string) {
  return database.db
    .selectFrom('claim_quantity')
    .selectAll()
    .where('claim_id', '=', dbId(id))
    .orderBy('position')
    .execute();
}

async function links(id: string) {
  const objects = await database.db
    .selectFrom('claim_object')
    .select(['actor_id', 'position'])
    .where('claim_id', '=', dbId(id))
    .orderBy('position')
    .execute();
  const citations = await database.db
    .selectFrom('citation')
    .select(['source_id', 'role', 'position', 'locator', 'credibility'])
    .where('claim_id', '=', dbId(id))
    .orderBy('position')
    .execute();
  return { objects, citations };
}

async function auditActions(id: string): Promise<string[]> {
  const rows = await database.db
    .selectFrom('audit_log')
    .select('action')
    .where('entity_type', '=', 'Claim')
    .where('entity_id', '=', dbId(id))
    .orderBy('id')
    .execute();
  return rows.map((r) => r.action);
}

const FULL_INPUT = () => ({
  statement: ' Venezuela contracted 24 Su-30MK2 from Russia. ',
  kind: 'FACT',
  quote: CONTRACT_QUOTE,
  subjectId: ids.venezuela,
  predicate: 'contracted',
  objectIds: [ids.russia, ids.su30],
  quantity: { qualifier: 'EXACT', value: 24, unit: 'aircraft' },
  validTime: { from: { date: '2006-07-01', precision: 'MONTH' }, note: 'July 2006' },
  likelihood: 'ALMOST_CERTAIN',
  confidence: 90,
  status: 'CORROBORATED',
  marking: 'GREEN',
  citations: [
    { sourceId: ids.intel, role: 'ORIGIN', credibility: 2 },
    { sourceId: ids.wapo, role: 'RELAY', credibility: 2, locator: 'para. 4', quote: 'signed' },
  ],
});

describe('addClaim', () => {
  it('anchors the quote in code points, stores every part in order, audits it', async () => {
    const claim = await added(FULL_INPUT());
    expect(claim).toEqual({
      id: expect.any(String),
      version: 1,
      position: 0,
      kind: 'FACT',
      statement: 'Venezuela contracted 24 Su-30MK2 from Russia.',
      quote: CONTRACT_QUOTE,
      span: { start: 3, end: 3 + [...CONTRACT_QUOTE].length },
      subject: { id: ids.venezuela },
      predicate: 'contracted',
      objects: [{ id: ids.russia }, { id: ids.su30 }],
      quantity: { value: 24, min: null, max: null, unit: 'aircraft', qualifier: 'EXACT' },
      validTime: { from: { date: '2006-07-01', precision: 'MONTH' }, to: null, note: 'July 2006' },
      likelihood: 'ALMOST_CERTAIN',
      confidence: 90,
      status: 'CORROBORATED',
      marking: 'GREEN',
      citations: [
        {
          id: expect.any(String),
          role: 'ORIGIN',
          position: 0,
          locator: null,
          quote: null,
          credibility: 2,
          source: { id: ids.intel },
        },
        {
          id: expect.any(String),
          role: 'RELAY',
          position: 1,
          locator: 'para. 4',
          quote: 'signed',
          credibility: 2,
          source: { id: ids.wapo },
        },
      ],
    });

    const row = await claimRow(claim.id);
    expect(row).toMatchObject({
      briefing_id: dbId(ids.briefing),
      position: 0,
      span_start: 3,
      span_end: 81,
      subject_actor_id: dbId(ids.venezuela),
      valid_from: '2006-07-01',
      valid_from_precision: 'MONTH',
      valid_to: null,
      valid_time_note: 'July 2006',
      version: 1,
    });
    expect(await quantityRows(claim.id)).toEqual([
      expect.objectContaining({
        position: 0,
        role: 'STATED',
        qualifier: 'EXACT',
        value: 24,
        min: null,
        max: null,
        unit: 'aircraft',
      }),
    ]);
    // PostgreSQL counts the same characters: its substr() returns the quote.
    const { rows } = await sql<{ quoted: string }>`
      select substr(b.body, c.span_start + 1, c.span_end - c.span_start) as quoted
      from claim c join briefing b on b.id = c.briefing_id where c.id = ${dbId(claim.id)}`.execute(
      database.db,
    );
    expect(rows).toEqual([{ quoted: CONTRACT_QUOTE }]);
    expect(await links(claim.id)).toEqual({
      objects: [
        { actor_id: dbId(ids.russia), position: 0 },
        { actor_id: dbId(ids.su30), position: 1 },
      ],
      citations: [
        { source_id: dbId(ids.intel), role: 'ORIGIN', position: 0, locator: null, credibility: 2 },
        {
          source_id: dbId(ids.wapo),
          role: 'RELAY',
          position: 1,
          locator: 'para. 4',
          credibility: 2,
        },
      ],
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['actor_name', 'action', 'entity_type', 'before', 'after'])
      .where('entity_type', '=', 'Claim')
      .where('entity_id', '=', dbId(claim.id))
      .execute();
    expect(audit).toEqual([
      {
        actor_name: 'Desk',
        action: 'claim.create',
        entity_type: 'Claim',
        before: null,
        after: expect.objectContaining({
          statement: 'Venezuela contracted 24 Su-30MK2 from Russia.',
          span_start: 3,
          objectIds: [dbId(ids.russia), dbId(ids.su30)],
          citations: [
            expect.objectContaining({ source_id: dbId(ids.intel), role: 'ORIGIN' }),
            expect.objectContaining({ source_id: dbId(ids.wapo), role: 'RELAY' }),
          ],
        }),
      },
    ]);

    const next = await added({
      statement: 'About 21 Su-30MK2 remain operational.',
      quote: 'Around 21 remain operational.',
      predicate: 'operates',
      quantity: { qualifier: 'APPROXIMATE', value: 21, unit: 'aircraft' },
    });
    expect(next).toMatchObject({ position: 1, span: { start: 134, end: 163 } });
  });

  it('checks a given span against the body; a repeated quote needs one', async () => {
    const repeated = 'Deliveries ended by 2008.';
    const second = [...BODY].indexOf('D') + [...repeated].length + 1;
    expect(await add({ statement: 'S.', predicate: 'delivered', quote: repeated })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'quote'],
          message:
            'expected the quote once in the briefing body, found it 2 times: give a span to choose one',
        },
      ],
    });
    const claim = await added({
      statement: 'Deliveries ended by 2008.',
      predicate: 'delivered',
      quote: repeated,
      span: { start: second, end: second + repeated.length },
    });
    expect(claim.span).toEqual({ start: second, end: second + repeated.length });
    expect(await claimRow(claim.id)).toMatchObject({ span_start: 108, span_end: 133 });

    const wrong = await add({
      statement: 'S.',
      predicate: 'delivered',
      quote: repeated,
      span: { start: 0, end: 25 },
    });
    expect(wrong.issues).toEqual([
      {
        path: ['input', 'span'],
        message: `expected body[0, 25) to equal the quote, found ${JSON.stringify([...BODY].slice(0, 25).join(''))}`,
      },
    ]);
    const outside = await add({
      statement: 'S.',
      predicate: 'delivered',
      quote: repeated,
      span: { start: -1, end: 500 },
    });
    expect(outside.issues).toEqual([
      { path: ['input', 'span', 'start'], message: 'expected start >= 0, got -1' },
      {
        path: ['input', 'span', 'end'],
        message: 'expected end <= 163 (the body’s length in code points), got 500',
      },
    ]);
    const reversed = await add({
      statement: 'S.',
      predicate: 'delivered',
      quote: repeated,
      span: { start: 20, end: 10 },
    });
    expect(reversed.issues).toEqual([
      { path: ['input', 'span', 'end'], message: 'expected end > start, got 10 <= 20' },
    ]);
    const absent = await add({ statement: 'S.', predicate: 'p', quote: 'Not in the text.' });
    expect(absent.issues).toEqual([
      {
        path: ['input', 'quote'],
        message: 'expected the quote in the briefing body, found it nowhere',
      },
    ]);
    const spanAlone = await add({ statement: 'S.', predicate: 'p', span: { start: 0, end: 1 } });
    expect(spanAlone.issues).toEqual([
      { path: ['input', 'span'], message: 'expected a quote to go with the span' },
    ]);
  });

  it('lists every validation problem with its path and writes nothing', async () => {
    const before = await counts();
    const payload = await add({
      statement: '  ',
      predicate: 'r'.repeat(81),
      subjectId: ids.intel,
      objectIds: [ids.russia, ids.russia],
      quantity: { qualifier: 'RANGE', min: 10, max: 5, unit: 'aircraft' },
      validTime: {
        from: { date: '2008-03-01', precision: 'YEAR' },
        to: { date: '2006-01-01', precision: 'YEAR' },
      },
      confidence: 101,
      citations: [
        { sourceId: ids.intel, role: 'ORIGIN', credibility: 7, locator: 'x'.repeat(501) },
        { sourceId: ids.intel, role: 'ORIGIN' },
      ],
    });
    expect(payload.__typename).toBe('ValidationError');
    expect(payload.issues).toEqual([
      { path: ['input', 'statement'], message: 'expected 1 to 2000 characters, got 0' },
      {
        path: ['input', 'subjectId'],
        message: 'expected the id of an Actor, got the id of a Source',
      },
      {
        path: ['input', 'predicate'],
        message: 'expected a slug of at most 80 characters, got 81',
      },
      {
        path: ['input', 'objectIds', '1'],
        message: 'expected each actor once, got objectIds.0 again',
      },
      { path: ['input', 'quantity', 'min'], message: 'expected min <= max, got 10 > 5' },
      {
        path: ['input', 'validTime', 'from'],
        message: 'expected 2008-03-01 to be the first day of its year (precision YEAR)',
      },
      {
        path: ['input', 'validTime', 'to'],
        message: 'expected valid_to >= valid_from, got 2006 < 2008',
      },
      { path: ['input', 'confidence'], message: 'expected an integer in 0..100, got 101' },
      {
        path: ['input', 'citations', '0', 'locator'],
        message: 'expected 1 to 500 characters, got 501',
      },
      {
        path: ['input', 'citations', '0', 'credibility'],
        message: 'expected an integer in 1..6, got 7',
      },
      {
        path: ['input', 'citations', '1'],
        message:
          'expected each source once per role, got the source of citations.0 as ORIGIN again',
      },
    ]);
    expect(await counts()).toEqual(before);
  });

  it('names the first unknown or hidden reference with its path', async () => {
    const unknownBriefing = encodeGlobalId('Briefing', 999_999);
    expect(await add({ statement: 'S.', predicate: 'p' }, unknownBriefing)).toEqual({
      __typename: 'NotFoundError',
      entity: 'Briefing',
      reference: unknownBriefing,
      path: ['briefingId'],
    });
    expect(await add({ statement: 'S.', predicate: 'p', subjectId: ids.secretActor })).toEqual({
      __typename: 'NotFoundError',
      entity: 'Actor',
      reference: ids.secretActor,
      path: ['input', 'subjectId'],
    });
    expect(
      await add({ statement: 'S.', predicate: 'p', objectIds: [ids.russia, ids.secretActor] }),
    ).toMatchObject({ __typename: 'NotFoundError', path: ['input', 'objectIds', '1'] });
    expect(
      await add({
        statement: 'S.',
        predicate: 'p',
        citations: [{ sourceId: ids.secretSource, role: 'ORIGIN' }],
      }),
    ).toMatchObject({ __typename: 'NotFoundError', path: ['input', 'citations', '0', 'sourceId'] });
  });

  it('rolls back: a claim whose second citation names a missing source leaves nothing', async () => {
    const before = await counts();
    const missing = encodeGlobalId('Source', 999_999);
    const payload = await add({
      ...FULL_INPUT(),
      quote: null,
      citations: [
        { sourceId: ids.intel, role: 'ORIGIN' },
        { sourceId: missing, role: 'RELAY' },
      ],
    });
    expect(payload).toEqual({
      __typename: 'NotFoundError',
      entity: 'Source',
      reference: missing,
      path: ['input', 'citations', '1', 'sourceId'],
    });
    expect(await counts()).toEqual(before);
  });

  it('rolls back: when the database refuses a citation after the claim and objects were written', async () => {
    // A trigger stands for a constraint only the database knows; it fires on the second citation.
    await sql`create function refuse_citation() returns trigger language plpgsql as $$
      begin
        if new.position = 1 then
          raise exception 'citation refused' using errcode = 'check_violation';
        end if;
        return new;
      end $$`.execute(database.db);
    await sql`create trigger refuse_citation before insert on citation
      for each row execute function refuse_citation()`.execute(database.db);
    try {
      const before = await counts();
      const payload = await add({ ...FULL_INPUT(), quote: null });
      expect(payload).toEqual({
        __typename: 'ValidationError',
        message: 'expected values the database accepts, got one it refuses',
        issues: [
          { path: ['input'], message: 'expected values the database accepts, got one it refuses' },
        ],
      });
      expect(await counts()).toEqual(before);
    } finally {
      await sql`drop trigger refuse_citation on citation`.execute(database.db);
      await sql`drop function refuse_citation()`.execute(database.db);
    }
  });

  it('appends concurrent claims at distinct positions', async () => {
    const briefing = await insertBriefing(database.db, { status: 'DRAFT', published_at: null });
    const briefingId = encodeGlobalId('Briefing', briefing.id);
    const results = await Promise.all(
      [1, 2, 3, 4].map((n) => added({ statement: `Claim ${n}.`, predicate: 'p' }, briefingId)),
    );
    expect(results.map((c) => c.position).sort()).toEqual([0, 1, 2, 3]);
  });

  it('returns the first claim for a retried idempotency key', async () => {
    const input = { statement: 'Retried claim.', predicate: 'p' };
    const first = await add(input, ids.briefing, 'add-claim-1');
    const before = await counts();
    const again = await add(input, ids.briefing, 'add-claim-1');
    expect(again.claim?.id).toBe(first.claim?.id);
    expect(await counts()).toEqual(before);
  });

  it('stores a merged actor’s survivor', async () => {
    const survivor = await insertActor(database.db, { kind: 'STATE', name: 'Survivor' });
    const merged = await insertActor(database.db, {
      kind: 'STATE',
      name: 'Merged away',
      merged_into_id: survivor.id,
    });
    const claim = await added({
      statement: 'S.',
      predicate: 'p',
      subjectId: encodeGlobalId('Actor', merged.id),
    });
    expect((await claimRow(claim.id)).subject_actor_id).toBe(survivor.id);
  });
});

describe('permissions and state', () => {
  it('refuses analysts (ForbiddenError), anonymous callers (401) and markings above clearance', async () => {
    const input = { statement: 'S.', predicate: 'p' };
    expect(await mutate(ADD, 'addClaim', { briefingId: ids.briefing, input }, analyst)).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const anonymous = await graphql(app, ADD, { briefingId: ids.briefing, input });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
    expect(await add({ ...input, marking: 'RED' })).toEqual({
      __typename: 'ForbiddenError',
      message: 'your key is cleared up to TLP:AMBER, not RED',
    });
  });

  it('keeps a retracted briefing’s claims as they were', async () => {
    const retracted = await insertBriefing(database.db, {
      status: 'RETRACTED',
      retracted_at: new Date(),
      retraction_reason: 'Withdrawn.',
    });
    const briefingId = encodeGlobalId('Briefing', retracted.id);
    expect(await add({ statement: 'S.', predicate: 'p' }, briefingId)).toEqual({
      __typename: 'ConflictError',
      message: `briefing ${briefingId} is RETRACTED: it and its claims are kept as they were`,
      currentVersion: null,
    });
  });
});

describe('updateClaim', () => {
  it('changes only the given fields; lists replace; a new quote is anchored again', async () => {
    const claim = await added(FULL_INPUT());
    const partial = await mutate(UPDATE, 'updateClaim', {
      id: claim.id,
      version: 1,
      input: { confidence: 70, likelihood: null, quantity: null },
    });
    expect(partial.claim).toMatchObject({
      version: 2,
      statement: 'Venezuela contracted 24 Su-30MK2 from Russia.',
      confidence: 70,
      likelihood: null,
      quantity: null,
      span: claim.span,
      objects: [{ id: ids.russia }, { id: ids.su30 }],
    });
    expect(await claimRow(claim.id)).toMatchObject({
      confidence: 70,
      likelihood: null,
      valid_from: '2006-07-01',
      version: 2,
    });
    expect(await quantityRows(claim.id)).toEqual([]);

    const replaced = await mutate(UPDATE, 'updateClaim', {
      id: claim.id,
      version: 2,
      input: {
        quote: 'Around 21 remain operational.',
        subjectId: null,
        objectIds: [ids.su30],
        citations: [{ sourceId: ids.wapo, role: 'ORIGIN', credibility: 3 }],
        quantity: { qualifier: 'RANGE', min: 20, max: 22, unit: 'aircraft' },
        validTime: null,
      },
    });
    expect(replaced.claim).toMatchObject({
      version: 3,
      quote: 'Around 21 remain operational.',
      span: { start: 134, end: 163 },
      subject: null,
      objects: [{ id: ids.su30 }],
      quantity: { value: null, min: 20, max: 22, unit: 'aircraft', qualifier: 'RANGE' },
      validTime: null,
      citations: [{ role: 'ORIGIN', position: 0, source: { id: ids.wapo } }],
    });
    expect(await claimRow(claim.id)).toMatchObject({
      span_start: 134,
      span_end: 163,
      subject_actor_id: null,
      valid_from: null,
      valid_time_note: null,
    });
    expect(await quantityRows(claim.id)).toEqual([
      expect.objectContaining({ qualifier: 'RANGE', min: 20, max: 22, unit: 'aircraft' }),
    ]);
    expect(await links(claim.id)).toEqual({
      objects: [{ actor_id: dbId(ids.su30), position: 0 }],
      citations: [
        { source_id: dbId(ids.wapo), role: 'ORIGIN', position: 0, locator: null, credibility: 3 },
      ],
    });

    const cleared = await mutate(UPDATE, 'updateClaim', {
      id: claim.id,
      version: 3,
      input: { quote: null },
    });
    expect(cleared.claim).toMatchObject({ version: 4, quote: null, span: null });
    expect(await auditActions(claim.id)).toEqual([
      'claim.create',
      'claim.update',
      'claim.update',
      'claim.update',
    ]);
  });

  it('refuses a stale version, nulls for required fields, and a span that misses the quote', async () => {
    const claim = await added({ ...FULL_INPUT(), quote: null });
    expect(
      await mutate(UPDATE, 'updateClaim', { id: claim.id, version: 4, input: { confidence: 1 } }),
    ).toEqual({
      __typename: 'ConflictError',
      message: `Claim ${claim.id} is at version 1, not 4: re-read it and retry`,
      currentVersion: 1,
    });
    const invalid = await mutate(UPDATE, 'updateClaim', {
      id: claim.id,
      version: 1,
      input: { statement: null, status: null, span: { start: 0, end: 3 } },
    });
    expect(invalid.issues).toEqual([
      {
        path: ['input', 'statement'],
        message: 'expected a value, got null (this field cannot be cleared)',
      },
      {
        path: ['input', 'status'],
        message: 'expected a value, got null (this field cannot be cleared)',
      },
      { path: ['input', 'span'], message: 'expected a quote to go with the span' },
    ]);
    const unknown = encodeGlobalId('Claim', 999_999);
    expect(
      await mutate(UPDATE, 'updateClaim', { id: unknown, version: 1, input: { confidence: 1 } }),
    ).toEqual({ __typename: 'NotFoundError', entity: 'Claim', reference: unknown, path: ['id'] });
    expect((await claimRow(claim.id)).version).toBe(1);
  });
});

describe('citeSource / removeCitation', () => {
  it('appends and removes citations, bumping the claim’s version each time', async () => {
    const claim = await added({
      statement: 'S.',
      predicate: 'p',
      citations: [{ sourceId: ids.intel, role: 'ORIGIN' }],
    });
    const cited = await mutate(CITE, 'citeSource', {
      claimId: claim.id,
      version: 1,
      input: { sourceId: ids.wapo, role: 'RELAY', credibility: 2, locator: 'p. 2' },
    });
    expect(cited.claim).toMatchObject({
      version: 2,
      citations: [
        { role: 'ORIGIN', position: 0, source: { id: ids.intel } },
        { role: 'RELAY', position: 1, source: { id: ids.wapo } },
      ],
    });
    expect(
      await mutate(CITE, 'citeSource', {
        claimId: claim.id,
        version: 2,
        input: { sourceId: ids.wapo, role: 'RELAY' },
      }),
    ).toEqual({
      __typename: 'ConflictError',
      message: `claim ${claim.id} already cites this source as RELAY`,
      currentVersion: null,
    });
    expect(
      await mutate(CITE, 'citeSource', {
        claimId: claim.id,
        version: 2,
        input: { sourceId: ids.secretSource, role: 'CORROBORATES' },
      }),
    ).toMatchObject({ __typename: 'NotFoundError', path: ['input', 'sourceId'] });

    const origin = cited.claim?.citations[0]?.id ?? '';
    const removed = await mutate(UNCITE, 'removeCitation', {
      claimId: claim.id,
      version: 2,
      citationId: origin,
    });
    expect(removed.claim).toMatchObject({
      version: 3,
      citations: [{ role: 'RELAY', position: 1, source: { id: ids.wapo } }],
    });
    expect(await links(claim.id)).toEqual({
      objects: [],
      citations: [
        { source_id: dbId(ids.wapo), role: 'RELAY', position: 1, locator: 'p. 2', credibility: 2 },
      ],
    });
    expect(
      await mutate(UNCITE, 'removeCitation', { claimId: claim.id, version: 3, citationId: origin }),
    ).toEqual({
      __typename: 'NotFoundError',
      entity: 'Citation',
      reference: origin,
      path: ['citationId'],
    });
    expect(
      await mutate(UNCITE, 'removeCitation', { claimId: claim.id, version: 2, citationId: origin }),
    ).toMatchObject({ __typename: 'ConflictError', currentVersion: 3 });
    expect(await auditActions(claim.id)).toEqual([
      'claim.create',
      'citation.create',
      'citation.remove',
    ]);
  });
});

describe('removeClaim', () => {
  it('deletes the claim with its links at the version read, and audits what it was', async () => {
    const claim = await added(FULL_INPUT());
    const before = await counts();
    expect(await mutate(REMOVE, 'removeClaim', { id: claim.id, version: 2 })).toMatchObject({
      __typename: 'ConflictError',
      currentVersion: 1,
    });
    const removed = await mutate(REMOVE, 'removeClaim', { id: claim.id, version: 1 });
    expect(removed.briefing?.id).toBe(ids.briefing);
    expect(await counts()).toEqual({
      claim: before.claim - 1,
      claim_object: before.claim_object - 2,
      citation: before.citation - 2,
      audit_log: before.audit_log + 1,
    });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['action', 'before', 'after'])
      .where('entity_type', '=', 'Claim')
      .where('entity_id', '=', dbId(claim.id))
      .orderBy('id')
      .execute();
    expect(audit.map((a) => a.action)).toEqual(['claim.create', 'claim.remove']);
    expect(audit[1]).toMatchObject({
      before: {
        statement: 'Venezuela contracted 24 Su-30MK2 from Russia.',
        objectIds: [dbId(ids.russia), dbId(ids.su30)],
      },
      after: null,
    });
    expect(await mutate(REMOVE, 'removeClaim', { id: claim.id, version: 1 })).toMatchObject({
      __typename: 'NotFoundError',
      path: ['id'],
    });
  });

  it('refuses to remove a claim that an actor relationship cites as evidence', async () => {
    const evidence = await database.db
      .selectFrom('relationship_evidence')
      .innerJoin('claim', 'claim.id', 'relationship_evidence.claim_id')
      .innerJoin('briefing', 'briefing.id', 'claim.briefing_id')
      .select(['claim.id', 'claim.version'])
      .where('briefing.slug', '=', SEED_BRIEFING_SLUG)
      .executeTakeFirstOrThrow();
    const before = await counts();
    const id = encodeGlobalId('Claim', evidence.id);
    const refused = await mutate(REMOVE, 'removeClaim', { id, version: evidence.version });
    expect(refused.__typename).toBe('ConflictError');
    expect(refused.message).toMatch(
      new RegExp(`^claim ${id} is evidence for \\d+ actor relationship\\(s\\): take it out`),
    );
    expect(await counts()).toEqual(before);
  });
});
