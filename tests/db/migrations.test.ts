import { sql, type Insertable } from 'kysely';
import { randomBytes } from 'node:crypto';
import type {
  ClaimQuantityTable,
  WebhookEndpointTable,
  WebhookEventType,
} from '../../src/db/types.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrateDown, migrateToLatest } from '../../src/db/migrate.js';
import { insertActor, insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
});
afterAll(() => database.close());

async function tableNames(): Promise<string[]> {
  const result = await sql<{ table_name: string }>`
    select table_name from information_schema.tables where table_schema = 'public' and table_name not like 'kysely_%' order by table_name`.execute(
    database.db,
  );
  return result.rows.map((r) => r.table_name);
}

describe('migrations', () => {
  it('go up, down and up again', async () => {
    const tables = await tableNames();
    expect(tables).toContain('claim');
    const downs: string[] = [];
    for (
      let step = await migrateDown(database.db);
      step.length > 0;
      step = await migrateDown(database.db)
    )
      downs.push(...step);
    expect(downs).toEqual([
      'Down 2026-12-01T08-00-00_source-release-audit',
      'Down 2026-12-01T07-30-00_analyst-filters',
      'Down 2026-12-01T06-50-00_relationship-release-audit',
      'Down 2026-12-01T05-00-00_actor-name-trigrams',
      'Down 2026-12-01T04-30-00_webhook-secret-grace',
      'Down 2026-12-01T04-00-00_claim-groups',
      'Down 2026-12-01T01-00-00_webhooks',
      'Down 2026-11-30T22-40-00_change-feed',
      'Down 2026-11-30T21-30-00_claim-dated-qualifiers',
      'Down 2026-11-30T21-20-00_time-bounds',
      'Down 2026-11-30T21-10-00_likelihood-ranges',
      'Down 2026-11-30T21-00-00_claim-quantities',
      'Down 2026-11-30T20-30-00_participants-and-places',
      'Down 2026-11-30T20-20-00_source-actors',
      'Down 2026-11-30T20-10-00_find-by-identifier',
      'Down 2026-11-30T20-00-00_name-folding',
      'Down 2026-11-30T19-00-00_search',
      'Down 2026-11-30T17-00-00_ordering-indexes',
      'Down 2026-11-30T13-00-00_list-caps',
      'Down 2026-11-30T01-00-00_audit-mentions',
      'Down 2026-11-30T00-00-00_embargo',
      'Down 2026-11-25T03-00-00_per-parent-page-indexes',
      'Down 2026-11-25T02-00-00_persisted-operations',
      'Down 2026-11-25T01-00-00_access-and-writes',
      'Down 2026-11-25T00-00-00_domain',
    ]);
    expect(await tableNames()).toEqual([]);
    expect(await migrateToLatest(database.db)).toEqual([
      'Up 2026-11-25T00-00-00_domain',
      'Up 2026-11-25T01-00-00_access-and-writes',
      'Up 2026-11-25T02-00-00_persisted-operations',
      'Up 2026-11-25T03-00-00_per-parent-page-indexes',
      'Up 2026-11-30T00-00-00_embargo',
      'Up 2026-11-30T01-00-00_audit-mentions',
      'Up 2026-11-30T13-00-00_list-caps',
      'Up 2026-11-30T17-00-00_ordering-indexes',
      'Up 2026-11-30T19-00-00_search',
      'Up 2026-11-30T20-00-00_name-folding',
      'Up 2026-11-30T20-10-00_find-by-identifier',
      'Up 2026-11-30T20-20-00_source-actors',
      'Up 2026-11-30T20-30-00_participants-and-places',
      'Up 2026-11-30T21-00-00_claim-quantities',
      'Up 2026-11-30T21-10-00_likelihood-ranges',
      'Up 2026-11-30T21-20-00_time-bounds',
      'Up 2026-11-30T21-30-00_claim-dated-qualifiers',
      'Up 2026-11-30T22-40-00_change-feed',
      'Up 2026-12-01T01-00-00_webhooks',
      'Up 2026-12-01T04-00-00_claim-groups',
      'Up 2026-12-01T04-30-00_webhook-secret-grace',
      'Up 2026-12-01T05-00-00_actor-name-trigrams',
      'Up 2026-12-01T06-50-00_relationship-release-audit',
      'Up 2026-12-01T07-30-00_analyst-filters',
      'Up 2026-12-01T08-00-00_source-release-audit',
    ]);
    expect(await tableNames()).toEqual(tables);
  });

  it('move a claim’s single quantity into its list, and dates into KNOWN bounds', async () => {
    const steps: string[] = [];
    while (!steps.includes('Down 2026-11-30T21-00-00_claim-quantities'))
      steps.push(...(await migrateDown(database.db)));
    const briefing = await insertBriefing(database.db);
    const { rows } = await sql<{ id: number }>`
      insert into claim (briefing_id, position, statement, predicate, valid_from, valid_from_precision,
        quantity_qualifier, quantity_value, quantity_unit)
      values (${briefing.id}, 99, 'Around 21 operational.', 'operates', '2025-01-01', 'YEAR',
        'APPROXIMATE', 21, 'aircraft')
      returning id`.execute(database.db);
    const claimId = Number(rows[0]?.id);
    await migrateToLatest(database.db);
    const quantities = await database.db
      .selectFrom('claim_quantity')
      .select(['position', 'role', 'kind', 'qualifier', 'value', 'unit'])
      .where('claim_id', '=', claimId)
      .execute();
    expect(quantities).toEqual([
      {
        position: 0,
        role: 'STATED',
        kind: 'COUNT',
        qualifier: 'APPROXIMATE',
        value: 21,
        unit: 'aircraft',
      },
    ]);
    expect(
      await database.db
        .selectFrom('claim')
        .select(['valid_from_bound', 'valid_to_bound'])
        .where('id', '=', claimId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ valid_from_bound: 'KNOWN', valid_to_bound: 'UNKNOWN' });
    await database.db.deleteFrom('claim').where('id', '=', claimId).execute();
  });

  it('index every foreign key column', async () => {
    const result = await sql<{ table_name: string; column_name: string }>`
      select c.conrelid::regclass::text as table_name, a.attname as column_name
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'f' and c.connamespace = 'public'::regnamespace
        and not exists (
          select 1 from pg_index i where i.indrelid = c.conrelid and i.indkey[0] = c.conkey[1])
      order by 1, 2`.execute(database.db);
    expect(result.rows).toEqual([]);
  });
});

type Violation = [
  string,
  (ids: { briefing: number; actor: number; source: number }) => Promise<unknown>,
  string,
];

/** Quantities the claim_quantity checks refuse, each on a claim of its own. */
function quantityViolations(): Violation[] {
  const cases: [string, Omit<Insertable<ClaimQuantityTable>, 'claim_id' | 'position'>][] = [
    ['quantity min above max', { qualifier: 'RANGE', min: 10, max: 5 }],
    ['a vague quantity with a value', { qualifier: 'VAGUE', value: 3, wording: 'a few' }],
    ['a vague quantity without wording', { qualifier: 'VAGUE' }],
    ['money without a currency', { qualifier: 'EXACT', value: 1, kind: 'MONEY' }],
    ['a currency on a count', { qualifier: 'EXACT', value: 1, currency: 'USD' }],
    ['a lower-case currency', { qualifier: 'EXACT', value: 1, kind: 'MONEY', currency: 'usd' }],
    ['role OTHER without a label', { qualifier: 'EXACT', value: 1, role: 'OTHER' }],
  ];
  return cases.map(([name, quantity], i) => [
    name,
    async ({ briefing }) => {
      const claim = await insertClaim(database.db, { briefing_id: briefing, position: 10 + i });
      await database.db
        .insertInto('claim_quantity')
        .values({ claim_id: claim.id, position: 0, ...quantity })
        .execute();
    },
    '23514',
  ]);
}

describe('the database protects the data itself', () => {
  const violations: Violation[] = [
    [
      'confidence above 100',
      ({ briefing }) =>
        insertClaim(database.db, { briefing_id: briefing, position: 0, confidence: 101 }),
      '23514',
    ],
    [
      'an unknown Admiralty reliability',
      () => insertSource(database.db, { reliability: 'G' as 'A' }),
      '23514',
    ],
    [
      'credibility 7',
      async ({ briefing, source }) => {
        const claim = await insertClaim(database.db, { briefing_id: briefing, position: 1 });
        return database.db
          .insertInto('citation')
          .values({
            claim_id: claim.id,
            source_id: source,
            role: 'ORIGIN',
            position: 0,
            credibility: 7,
          })
          .execute();
      },
      '23514',
    ],
    [
      'valid_to before valid_from',
      ({ briefing }) =>
        insertClaim(database.db, {
          briefing_id: briefing,
          position: 2,
          valid_from: '2008-01-01',
          valid_from_precision: 'YEAR',
          valid_to: '2006-01-01',
          valid_to_precision: 'YEAR',
        }),
      '23514',
    ],
    [
      'a month-precision date that is not the first of a month',
      ({ briefing }) =>
        insertClaim(database.db, {
          briefing_id: briefing,
          position: 3,
          valid_from: '2006-07-15',
          valid_from_precision: 'MONTH',
        }),
      '23514',
    ],
    ...quantityViolations(),
    [
      'a likelihood range that reads downwards',
      ({ briefing }) =>
        insertClaim(database.db, {
          briefing_id: briefing,
          position: 4,
          likelihood: 'LIKELY',
          likelihood_to: 'UNLIKELY',
        }),
      '23514',
    ],
    [
      'a valid-time bound UNDISCLOSED with a date',
      ({ briefing }) =>
        insertClaim(database.db, {
          briefing_id: briefing,
          position: 5,
          valid_from: '2006-01-01',
          valid_from_precision: 'YEAR',
          valid_from_bound: 'UNDISCLOSED',
        }),
      '23514',
    ],
    [
      'a NOT_AFTER bound without a date',
      ({ briefing }) =>
        insertClaim(database.db, {
          briefing_id: briefing,
          position: 6,
          valid_to_bound: 'NOT_AFTER',
        }),
      '23514',
    ],
    [
      'a source published on a month that does not start at UTC midnight',
      () =>
        insertSource(database.db, {
          published_at: '2024-05-01T12:00:00Z',
          published_at_precision: 'MONTH',
        }),
      '23514',
    ],
    ['a slug with spaces', () => insertBriefing(database.db, { slug: 'Not A Slug' }), '23514'],
    ['a duplicate slug', () => insertBriefing(database.db, { slug: 'taken-slug' }), '23505'],
    [
      'a relationship type outside ^[a-z0-9-]+$',
      ({ actor }) =>
        database.db
          .insertInto('actor_relationship')
          .values({ from_actor_id: actor, to_actor_id: actor + 1, type: 'Supplies' })
          .execute(),
      '23514',
    ],
    [
      'a claim of a briefing that does not exist',
      () => insertClaim(database.db, { briefing_id: 999_999, position: 0 }),
      '23503',
    ],
    [
      'a published briefing without a date',
      () => insertBriefing(database.db, { status: 'PUBLISHED', published_at: null }),
      '23514',
    ],
    [
      'a webhook URL with credentials',
      () => insertEndpoint({ url: 'https://u:p@x.example/' }),
      '23514',
    ],
    [
      'a webhook URL that is not http(s)',
      () => insertEndpoint({ url: 'ftp://x.example/' }),
      '23514',
    ],
    [
      'an unknown webhook event',
      () => insertEndpoint({ events: ['claim.deleted' as WebhookEventType] }),
      '23514',
    ],
    ['a webhook without events', () => insertEndpoint({ events: [] }), '23514'],
    ['a webhook secret not in whsec_ form', () => insertEndpoint({ secret: 'hunter2' }), '23514'],
    [
      'a webhook for a key that does not exist',
      () => insertEndpoint({ api_key_id: 999_999 }),
      '23503',
    ],
    ['a disabled webhook without a reason', () => insertEndpoint({ enabled: false }), '23514'],
    [
      'a finished delivery still pending',
      async () => {
        const endpoint = await insertEndpoint({});
        await database.db
          .insertInto('webhook_delivery')
          .values({
            endpoint_id: endpoint.id,
            change_id: 1,
            event_type: 'claim.upsert',
            entity_type: 'Claim',
            entity_id: 1,
            occurred_at: new Date(),
            finished_at: new Date(),
          })
          .execute();
      },
      '23514',
    ],
  ];

  /** A webhook endpoint row, valid unless `values` says otherwise, for its own new key. */
  async function insertEndpoint(values: Partial<Insertable<WebhookEndpointTable>>) {
    const key = await database.db
      .insertInto('api_key')
      .values({
        name: 'partner',
        role: 'partner',
        clearance: 'CLEAR',
        key_hash: randomBytes(32).toString('hex'),
        key_prefix: 'bg_test',
        created_by: 'tests',
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    return database.db
      .insertInto('webhook_endpoint')
      .values({
        url: 'https://hooks.partner.example/',
        events: ['claim.upsert'],
        secret: `whsec_${Buffer.alloc(32, 7).toString('base64')}`,
        api_key_id: key.id,
        created_by: 'tests',
        ...values,
      })
      .returning('id')
      .executeTakeFirstOrThrow();
  }

  it.each(violations)('refuses %s', async (_name, attempt, code) => {
    await insertBriefing(database.db, { slug: 'taken-slug' }).catch(() => undefined);
    const briefing = await insertBriefing(database.db);
    const actor = await insertActor(database.db);
    await insertActor(database.db);
    const source = await insertSource(database.db);
    await expect(
      attempt({ briefing: briefing.id, actor: actor.id, source: source.id }),
    ).rejects.toMatchObject({ code });
  });

  it('keeps the audit log append-only', async () => {
    await database.db
      .insertInto('audit_log')
      .values({ actor_name: 'test', action: 'test.write', entity_type: 'Test' })
      .execute();
    await expect(
      database.db.updateTable('audit_log').set({ actor_name: 'rewritten' }).execute(),
    ).rejects.toThrow('audit_log is append-only (UPDATE refused)');
    await expect(database.db.deleteFrom('audit_log').execute()).rejects.toThrow(
      'audit_log is append-only (DELETE refused)',
    );
    const rows = await database.db.selectFrom('audit_log').select('actor_name').execute();
    expect(rows).toEqual([{ actor_name: 'test' }]);
  });
});
