import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import { insertActor } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue #13, points 1–6 and 10 through the write API: several quantities with roles, money and
// vague amounts; dated qualifiers; bounds that are limits, undisclosed or open; unknown vs open
// in time filters; likelihood ranges; a source published on a month. Each write is read back,
// re-read in the database, and a refused one is shown to change nothing.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let briefingId = '';
let subjectId = '';

const BODY =
  'In 2005 the state ordered 12 radars under a USD 2.2 bn contract financed by a USD 1 bn state loan. ' +
  'Several squadrons were delivered in batches from March 2008; the delivery date of the rest is undisclosed.';

const FIELDS = /* GraphQL */ `
  id version likelihood likelihoodRange { from to }
  quantity { role value }
  quantities { role label kind qualifier value min max unit currency wording text }
  dates { role label bound note date { date precision label } }
  validTime { fromBound toBound from { label } to { label } note }
`;

const ERRORS = /* GraphQL */ `... on ValidationError { issues { path message } }`;

type ClaimShape = Record<string, unknown> & { id: string; version: number };

async function addClaim(input: Record<string, unknown>) {
  const result = await graphql<{ addClaim: ClaimShape & { claim?: ClaimShape } }>(
    app,
    `mutation ($b: ID!, $input: AddClaimInput!) { addClaim(briefingId: $b, input: $input) {
       __typename ... on AddClaimSuccess { claim { ${FIELDS} } } ${ERRORS} } }`,
    { b: briefingId, input: { statement: 'A claim.', predicate: 'ordered', ...input } },
    editor,
  );
  return result.data?.addClaim;
}

async function countRows() {
  const count = async (table: 'claim' | 'claim_quantity' | 'claim_date') =>
    Number(
      (
        await database.db
          .selectFrom(table)
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    );
  return {
    claims: await count('claim'),
    quantities: await count('claim_quantity'),
    dates: await count('claim_date'),
  };
}

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER' }));
  const created = await graphql<{ createBriefing: { briefing: { id: string } } }>(
    app,
    'mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) { ... on CreateBriefingSuccess { briefing { id } } } }',
    { input: { slug: 'radar-deal', title: 'A radar deal', body: BODY } },
    editor,
  );
  briefingId = created.data?.createBriefing.briefing.id ?? '';
  subjectId = encodeGlobalId('Actor', (await insertActor(database.db, { kind: 'STATE' })).id);
});
afterAll(() => database.close());

describe('a claim with several quantities, dated qualifiers and a likelihood range', () => {
  it('is written, read back and audited', async () => {
    const payload = await addClaim({
      subjectId,
      quantities: [
        { role: 'ORDERED', qualifier: 'EXACT', value: 12, unit: 'radars' },
        {
          role: 'VALUE',
          qualifier: 'EXACT',
          value: 2.2e9,
          currency: 'USD',
          wording: 'a USD 2.2 bn contract',
        },
        { role: 'CREDIT', qualifier: 'EXACT', value: 1e9, currency: 'USD', kind: 'MONEY' },
        {
          role: 'DELIVERED',
          qualifier: 'VAGUE',
          min: 2,
          unit: 'squadrons',
          wording: 'several squadrons',
        },
      ],
      dates: [
        { role: 'ORDERED', date: { date: '2005-01-01', precision: 'YEAR' } },
        {
          role: 'DELIVERY_START',
          date: { date: '2008-03-01', precision: 'MONTH' },
          note: 'in batches from March 2008',
        },
        { role: 'DELIVERED', bound: 'UNDISCLOSED', note: 'the rest: undisclosed' },
      ],
      validTime: {
        from: { date: '2005-01-01', precision: 'YEAR' },
        toBound: 'OPEN',
      },
      likelihood: 'ROUGHLY_EVEN_CHANCE',
      likelihoodTo: 'LIKELY',
    });
    expect(payload?.__typename).toBe('AddClaimSuccess');
    const claim = payload?.claim;
    expect(claim).toMatchObject({
      likelihood: null,
      likelihoodRange: { from: 'ROUGHLY_EVEN_CHANCE', to: 'LIKELY' },
      quantity: { role: 'ORDERED', value: 12 },
      validTime: { fromBound: 'KNOWN', toBound: 'OPEN', from: { label: '2005' }, to: null },
    });
    expect(claim?.quantities).toEqual([
      {
        role: 'ORDERED',
        label: null,
        kind: 'COUNT',
        qualifier: 'EXACT',
        value: 12,
        min: null,
        max: null,
        unit: 'radars',
        currency: null,
        wording: null,
        text: '12 radars',
      },
      expect.objectContaining({ kind: 'MONEY', currency: 'USD', text: 'USD 2,200,000,000' }),
      expect.objectContaining({ role: 'CREDIT', kind: 'MONEY', text: 'USD 1,000,000,000' }),
      expect.objectContaining({
        qualifier: 'VAGUE',
        value: null,
        min: 2,
        text: 'several squadrons',
      }),
    ]);
    expect(claim?.dates).toEqual([
      {
        role: 'ORDERED',
        label: null,
        bound: 'KNOWN',
        note: null,
        date: expect.objectContaining({ label: '2005' }),
      },
      expect.objectContaining({
        role: 'DELIVERY_START',
        date: expect.objectContaining({ label: '2008-03' }),
      }),
      {
        role: 'DELIVERED',
        label: null,
        bound: 'UNDISCLOSED',
        note: 'the rest: undisclosed',
        date: null,
      },
    ]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select('after')
      .where('action', '=', 'claim.create')
      .orderBy('id', 'desc')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      likelihood_to: 'LIKELY',
      valid_to_bound: 'OPEN',
      quantities: [
        { role: 'ORDERED' },
        { role: 'VALUE' },
        { role: 'CREDIT' },
        { role: 'DELIVERED' },
      ],
      dates: [{ role: 'ORDERED' }, { role: 'DELIVERY_START' }, { role: 'DELIVERED' }],
    });
  });

  it('refuses inconsistent facets with their paths, and writes nothing', async () => {
    const before = await countRows();
    const payload = await addClaim({
      quantities: [
        { qualifier: 'VAGUE', value: 3 },
        { qualifier: 'EXACT', value: 1, kind: 'MONEY' },
        { qualifier: 'EXACT', value: 1, currency: 'EUR', unit: 'aircraft' },
        { role: 'OTHER', qualifier: 'EXACT', value: 1 },
      ],
      dates: [
        { role: 'DELIVERED', bound: 'NOT_AFTER' },
        {
          role: 'REPORTED',
          bound: 'UNDISCLOSED',
          date: { date: '2024-05-01', precision: 'MONTH' },
        },
      ],
      validTime: { fromBound: 'KNOWN' },
      likelihood: 'LIKELY',
      likelihoodTo: 'UNLIKELY',
    });
    expect(payload?.__typename).toBe('ValidationError');
    const paths = (payload?.issues as { path: string[] }[]).map((i) => i.path.join('.'));
    expect(paths).toEqual(
      expect.arrayContaining([
        'input.likelihoodTo',
        'input.quantities.0.value',
        'input.quantities.0.wording',
        'input.quantities.1.currency',
        'input.quantities.2.unit',
        'input.quantities.3.label',
        'input.dates.0.bound',
        'input.dates.1.bound',
        'input.validTime.fromBound',
      ]),
    );
    expect(await countRows()).toEqual(before);
  });

  it('replaces the lists on update, and takes the deprecated single quantity', async () => {
    const created = await addClaim({ quantities: [{ qualifier: 'EXACT', value: 1 }] });
    const claim = created?.claim;
    const update = async (input: Record<string, unknown>, version: number) =>
      (
        await graphql<{ updateClaim: { claim?: ClaimShape } & Record<string, unknown> }>(
          app,
          `mutation ($id: ID!, $v: Int!, $input: UpdateClaimInput!) {
             updateClaim(id: $id, expectedVersion: $v, input: $input) {
               __typename ... on UpdateClaimSuccess { claim { ${FIELDS} } } ${ERRORS} } }`,
          { id: claim?.id, v: version, input },
          editor,
        )
      ).data?.updateClaim;
    const first = await update(
      { quantity: { qualifier: 'APPROXIMATE', value: 21, unit: 'aircraft' }, likelihood: 'LIKELY' },
      1,
    );
    expect(first?.claim).toMatchObject({
      quantities: [{ role: 'STATED', qualifier: 'APPROXIMATE', value: 21, text: '~21 aircraft' }],
      likelihoodRange: { from: 'LIKELY', to: 'LIKELY' },
      likelihood: 'LIKELY',
    });
    const both = await update({ quantity: { qualifier: 'EXACT', value: 1 }, quantities: [] }, 2);
    expect(both?.__typename).toBe('ValidationError');
    const cleared = await update({ quantities: [], dates: [] }, 2);
    expect(cleared?.claim).toMatchObject({ quantities: [], quantity: null, dates: [] });
  });
});

describe('time filters tell unknown from open', () => {
  it('leaves out claims with an unknown bound unless includeUndated', async () => {
    const open = await addClaim({
      statement: 'Open since 2006.',
      validTime: { from: { date: '2006-01-01', precision: 'YEAR' }, toBound: 'OPEN' },
    });
    const unknownStart = await addClaim({
      statement: 'Ends 2025, start unknown.',
      validTime: { to: { date: '2025-01-01', precision: 'YEAR' } },
    });
    const notAfter = await addClaim({
      statement: 'No later than 2007.',
      validTime: {
        fromBound: 'UNDISCLOSED',
        to: { date: '2007-06-01', precision: 'MONTH' },
        toBound: 'NOT_AFTER',
      },
    });
    const query = `query ($u: Boolean) { claims(first: 100, filter: {
      briefingId: "${briefingId}", validDuring: { from: "2006-01-01", to: "2008-12-31" }, includeUndated: $u }) {
      edges { node { id } } } }`;
    const ids = async (u: boolean | null) =>
      (
        await graphql<{ claims: { edges: { node: { id: string } }[] } }>(app, query, { u }, editor)
      ).data?.claims.edges.map((e) => e.node.id) ?? [];
    const strict = await ids(null);
    expect(strict).toContain(open?.claim?.id);
    expect(strict).not.toContain(unknownStart?.claim?.id);
    expect(strict).not.toContain(notAfter?.claim?.id);
    const loose = await ids(true);
    expect(loose).toEqual(
      expect.arrayContaining([open?.claim?.id, unknownStart?.claim?.id, notAfter?.claim?.id]),
    );
  });

  it('filters by quantity role, currency, dated qualifier and likelihood', async () => {
    const count = async (filter: string) =>
      (
        await graphql<{ claims: { totalCount: number } }>(
          app,
          `{ claims(filter: { briefingId: "${briefingId}", ${filter} }) { totalCount } }`,
          undefined,
          editor,
        )
      ).data?.claims.totalCount;
    expect(await count('quantityRole: [CREDIT]')).toBe(1);
    expect(await count('currency: ["USD"]')).toBe(1);
    expect(await count('currency: ["EUR"]')).toBe(0);
    expect(
      await count(
        'dated: { role: [DELIVERY_START], during: { from: "2008-01-01", to: "2008-12-31" } }',
      ),
    ).toBe(1);
    expect(await count('dated: { role: [DELIVERY_START], during: { from: "2009-01-01" } }')).toBe(
      0,
    );
    expect(await count('minLikelihood: ROUGHLY_EVEN_CHANCE')).toBe(2);
    expect(await count('minLikelihood: VERY_LIKELY')).toBe(0);
  });
});

describe('a source published on a month', () => {
  it('keeps the month, not an invented midnight', async () => {
    const result = await graphql<{
      createSource: { source?: { id: string; publishedAt: string | null; publishedOn: unknown } };
    }>(
      app,
      `mutation ($input: CreateSourceInput!) { createSource(input: $input) {
         __typename ... on CreateSourceSuccess { source { id publishedAt publishedOn { date precision label } } } ${ERRORS} } }`,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'First report',
          publishedOn: { date: '2024-05-01', precision: 'MONTH' },
        },
      },
      editor,
    );
    expect(result.data?.createSource.source).toMatchObject({
      publishedAt: null,
      publishedOn: { date: '2024-05-01', precision: 'MONTH', label: '2024-05' },
    });
    const refused = await graphql<{ createSource: { __typename: string } }>(
      app,
      `
        mutation ($input: CreateSourceInput!) {
          createSource(input: $input) {
            __typename
          }
        }
      `,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'Misaligned',
          publishedOn: { date: '2024-05-02', precision: 'MONTH' },
        },
      },
      editor,
    );
    expect(refused.data?.createSource.__typename).toBe('ValidationError');
  });
});
