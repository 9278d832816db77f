import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';
import type { DB } from '../../src/db/types.js';
import { SEED_BRIEFING_SLUG, seedDatabase } from '../../src/seed/load-seed.js';
import { venezuelaBriefing } from '../../src/seed/venezuela-briefing.js';
import type { SeedData } from '../../src/seed/seed-types.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const TABLES = [
  'source',
  'briefing',
  'author',
  'briefing_author',
  'briefing_tag',
  'media',
  'actor',
  'actor_alias',
  'actor_external_id',
  'claim',
  'claim_object',
  'citation',
  'actor_relationship',
  'relationship_evidence',
  'audit_log',
] as const satisfies readonly (keyof DB)[];

type TableCounts = Record<(typeof TABLES)[number], number>;

const EMPTY: TableCounts = Object.fromEntries(TABLES.map((table) => [table, 0])) as TableCounts;

// What one load of the Venezuela seed inserts, counted by hand from the article.
const SEEDED: TableCounts = {
  source: 6,
  briefing: 1,
  author: 1,
  briefing_author: 1,
  briefing_tag: 10,
  media: 3,
  actor: 27,
  actor_alias: 37,
  actor_external_id: 0,
  claim: 35,
  claim_object: 49,
  citation: 65,
  actor_relationship: 24,
  relationship_evidence: 47,
  // Each source's and relationship's release from embargo (logged by triggers), then the
  // briefing, then each claim, source and relationship as loaded.
  audit_log: 6 + 24 + 1 + 35 + 6 + 24,
};

let handle: TestDatabase;
let db: Database;

async function countRows(): Promise<TableCounts> {
  const counts = { ...EMPTY };
  for (const table of TABLES) {
    const row = await db
      .selectFrom(table)
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    counts[table] = Number(row.n);
  }
  return counts;
}

/** A claim's position is its index in the data, so tests can address claims by key. */
function positionOf(key: string): number {
  const position = venezuelaBriefing.claims.findIndex((claim) => claim.key === key);
  if (position < 0) throw new Error(`no claim "${key}" in the seed`);
  return position;
}

async function claimAt(key: string) {
  return db
    .selectFrom('claim')
    .selectAll()
    .where('position', '=', positionOf(key))
    .executeTakeFirstOrThrow();
}

async function objectNames(claimId: number): Promise<string[]> {
  const rows = await db
    .selectFrom('claim_object')
    .innerJoin('actor', 'actor.id', 'claim_object.actor_id')
    .select('actor.name')
    .where('claim_object.claim_id', '=', claimId)
    .orderBy('claim_object.position')
    .execute();
  return rows.map((row) => row.name);
}

function withDanglingActor(data: SeedData): SeedData {
  return {
    ...data,
    claims: data.claims.map((claim) =>
      claim.key === 'su30-contract-2006' ? { ...claim, objects: ['russia', 'su-30mk3'] } : claim,
    ),
  };
}

beforeAll(async () => {
  // A copy of the run's migrated, unseeded template, on the database this pass tests.
  handle = await createTestDatabase({ seed: false });
  db = handle.db;
});

afterAll(async () => {
  await handle?.close();
});

describe('seedDatabase on an empty database', () => {
  it('throws on a dangling key and inserts nothing', async () => {
    await expect(seedDatabase(db, withDanglingActor(venezuelaBriefing))).rejects.toThrow(
      'seed: claim "su30-contract-2006" references unknown actor "su-30mk3"',
    );
    const danglingParticipant: SeedData = {
      ...venezuelaBriefing,
      relationships: venezuelaBriefing.relationships.map((relationship, index) =>
        index === 0
          ? { ...relationship, participants: [{ actor: 'su-30mk3', role: 'EQUIPMENT' as const }] }
          : relationship,
      ),
    };
    await expect(seedDatabase(db, danglingParticipant)).rejects.toThrow(
      'seed: relationship "russia-supplies-venezuela-su30" names unknown participant "su-30mk3"',
    );
    expect(await countRows()).toEqual(EMPTY);
  });

  it('rolls back everything when the database rejects a row late in the load', async () => {
    // Relationships go in last, so sources, actors and claims are already inserted when this fails.
    const broken: SeedData = {
      ...venezuelaBriefing,
      relationships: venezuelaBriefing.relationships.map((relationship, index) =>
        index === venezuelaBriefing.relationships.length - 1
          ? { ...relationship, confidence: 101 }
          : relationship,
      ),
    };
    await expect(seedDatabase(db, broken)).rejects.toThrow();
    expect(await countRows()).toEqual(EMPTY);
  });

  it('rejects quotes that are missing from the body or ambiguous', async () => {
    const withQuote = (quote: string): SeedData => ({
      ...venezuelaBriefing,
      claims: venezuelaBriefing.claims.map((claim, index) =>
        index === 0 ? { ...claim, quote } : claim,
      ),
    });
    await expect(seedDatabase(db, withQuote('Maduro visited Havana'))).rejects.toThrow(
      /quote not found/,
    );
    await expect(seedDatabase(db, withQuote('Russian President Vladimir Putin'))).rejects.toThrow(
      /occurs 2 times/,
    );
    expect(await countRows()).toEqual(EMPTY);
  });

  it('seeds the Venezuela briefing', async () => {
    expect(await seedDatabase(db)).toBe(true);
    expect(await countRows()).toEqual(SEEDED);
  });
});

describe('seedDatabase on a seeded database', () => {
  it('returns false and inserts nothing', async () => {
    expect(await seedDatabase(db)).toBe(false);
    expect(await countRows()).toEqual(SEEDED);
  });

  it('still rejects broken seed data, changing nothing', async () => {
    await expect(seedDatabase(db, withDanglingActor(venezuelaBriefing))).rejects.toThrow(
      /unknown actor "su-30mk3"/,
    );
    expect(await countRows()).toEqual(SEEDED);
  });
});

describe('the seeded Venezuela briefing', () => {
  it('is published, clear, with its author, tags and own source', async () => {
    const briefing = await db
      .selectFrom('briefing')
      .innerJoin('source', 'source.id', 'briefing.source_id')
      .select([
        'briefing.id',
        'briefing.slug',
        'briefing.title',
        'briefing.status',
        'briefing.language',
        'briefing.marking',
        'briefing.published_at',
        'briefing.body',
        'source.kind as source_kind',
        'source.title as source_title',
      ])
      .executeTakeFirstOrThrow();
    expect(briefing).toMatchObject({
      slug: SEED_BRIEFING_SLUG,
      title: 'Venezuela Seeks Military Aid from Russia, China, and Iran',
      status: 'PUBLISHED',
      language: 'en',
      marking: 'CLEAR',
      source_kind: 'ANALYSIS',
      source_title: 'Venezuela Seeks Military Aid from Russia, China, and Iran',
    });
    expect(briefing.published_at?.toISOString()).toBe('2025-11-01T00:00:00.000Z');
    expect(briefing.body.startsWith('#')).toBe(false);
    expect(briefing.body).not.toContain('Trending');

    const authors = await db
      .selectFrom('briefing_author')
      .innerJoin('author', 'author.id', 'briefing_author.author_id')
      .select(['author.name', 'author.bio', 'briefing_author.position'])
      .where('briefing_author.briefing_id', '=', briefing.id)
      .execute();
    expect(authors).toHaveLength(1);
    expect(authors[0]).toMatchObject({ name: 'Yusuf Çetiner', position: 0 });
    expect(authors[0]?.bio).toMatch(/^An expert researcher in national and international defense/);
    expect(authors[0]?.bio).toContain('CEPA, IISS, and the U.S. Naval War College');

    const tags = await db
      .selectFrom('briefing_tag')
      .select(['tag', 'kind'])
      .where('briefing_id', '=', briefing.id)
      .orderBy('tag')
      .execute();
    expect(tags).toContainEqual({ tag: 'arms-transfers', kind: 'TOPIC' });
    expect(tags).toContainEqual({ tag: 'air-defense', kind: 'TOPIC' });
    expect(tags).toContainEqual({ tag: 'uavs', kind: 'TOPIC' });
    expect(tags).toContainEqual({ tag: 'venezuela', kind: 'REGION' });
    expect(tags).toContainEqual({ tag: 'latin-america', kind: 'REGION' });
  });

  it('anchors every claim quote at its span, as PostgreSQL measures it', async () => {
    const rows = await db
      .selectFrom('claim')
      .innerJoin('briefing', 'briefing.id', 'claim.briefing_id')
      .select([
        'claim.position',
        'claim.span_start',
        sql<boolean>`claim.quote is not distinct from substr(briefing.body, claim.span_start + 1, claim.span_end - claim.span_start)`.as(
          'matches',
        ),
      ])
      .orderBy('claim.position')
      .execute();
    expect(rows).toHaveLength(SEEDED.claim);
    for (const row of rows) {
      expect(row.span_start, `claim ${row.position} span`).not.toBeNull();
      expect(row.matches, `claim ${row.position} quote`).toBe(true);
    }
    // Positions run 0..n-1 in article order.
    expect(rows.map((row) => row.position)).toEqual([...Array(SEEDED.claim).keys()]);
    const starts = rows.map((row) => row.span_start ?? -1);
    expect(starts).toEqual([...starts].sort((a, b) => a - b));
  });

  it('chains the article to The Washington Post to the U.S. intelligence briefing', async () => {
    const chain = await sql<{
      depth: number;
      kind: string;
      title: string;
      publisher: string | null;
      reliability: string | null;
    }>`
      with recursive chain as (
        select s.*, 0 as depth from source s join briefing b on b.source_id = s.id
        union all
        select s.*, chain.depth + 1 from source s join chain on s.id = chain.derived_from_id
      )
      select depth, kind, title, publisher, reliability from chain order by depth`.execute(db);
    expect(chain.rows.map(({ kind, publisher }) => ({ kind, publisher }))).toEqual([
      { kind: 'ANALYSIS', publisher: null },
      { kind: 'NEWS_REPORT', publisher: 'The Washington Post' },
      { kind: 'INTELLIGENCE_BRIEFING', publisher: 'U.S. intelligence community' },
    ]);
    expect(chain.rows[2]?.title).toBe('U.S. intelligence briefing');
    expect(chain.rows[2]?.reliability).toBe('B');

    const documents = await db
      .selectFrom('source as document')
      .innerJoin('source as via', 'via.id', 'document.derived_from_id')
      .select(['document.title', 'via.kind as via_kind'])
      .where('document.kind', '=', 'OFFICIAL_DOCUMENT')
      .execute();
    expect(documents).toHaveLength(3);
    for (const document of documents) expect(document.via_kind).toBe('INTELLIGENCE_BRIEFING');
  });

  it('names who wrote, published or is the subject of each source', async () => {
    const links = await db
      .selectFrom('source_actor')
      .innerJoin('source', 'source.id', 'source_actor.source_id')
      .innerJoin('actor', 'actor.id', 'source_actor.actor_id')
      .select(['source.title', 'source_actor.role', 'actor.name'])
      .orderBy('source.id')
      .orderBy('source_actor.position')
      .execute();
    expect(links).toEqual([
      { title: 'U.S. intelligence briefing', role: 'AUTHOR', name: 'U.S. intelligence community' },
      {
        title:
          'The Washington Post report on Maduro’s requests for military aid from Russia, China and Iran',
        role: 'PUBLISHER',
        name: 'The Washington Post',
      },
      {
        title: 'Letter from Nicolás Maduro to Vladimir Putin requesting military assistance',
        role: 'AUTHOR',
        name: 'Nicolás Maduro',
      },
      {
        title: 'Letter from Nicolás Maduro to Xi Jinping requesting expanded defense cooperation',
        role: 'AUTHOR',
        name: 'Nicolás Maduro',
      },
      {
        title: 'Documents on Ramón Celestino Velásquez’s engagements with Iranian officials',
        role: 'SUBJECT',
        name: 'Ramón Celestino Velásquez',
      },
    ]);
  });

  it('names the parties the article gives beyond subject and objects, or the two ends', async () => {
    const claimParties = await db
      .selectFrom('claim_participant')
      .innerJoin('claim', 'claim.id', 'claim_participant.claim_id')
      .innerJoin('actor', 'actor.id', 'claim_participant.actor_id')
      .select(['claim.statement', 'claim_participant.role', 'actor.name', 'claim_participant.note'])
      .orderBy('claim.position')
      .orderBy('claim_participant.position')
      .execute();
    expect(claimParties.map((p) => [p.statement.slice(0, 40), p.role, p.name, p.note])).toEqual([
      ['In his letter to Putin, Maduro asked Rus', 'BENEFICIARY', 'Venezuela', null],
      ['Maduro’s letter to Putin requested accel', 'OPERATOR', 'Venezuela', null],
      ['Russian-made Su-30MK2 fighters form the ', 'MANUFACTURER', 'Russia', 'Russia’s Sukhoi'],
      [
        'Venezuela signed a contract with Russia ',
        'OTHER',
        'Hugo Chávez',
        'then-President, under whose leadership the contract was signed',
      ],
      ['Maduro asked Chinese defense industry co', 'BENEFICIARY', 'Venezuela', null],
    ]);
    const relationshipParties = await db
      .selectFrom('relationship_participant')
      .innerJoin('actor_relationship as r', 'r.id', 'relationship_participant.relationship_id')
      .innerJoin('actor as supplier', 'supplier.id', 'r.from_actor_id')
      .innerJoin('actor', 'actor.id', 'relationship_participant.actor_id')
      .select(['supplier.name as supplier', 'r.type', 'relationship_participant.role'])
      .select(['actor.name', 'relationship_participant.note'])
      .orderBy('r.id')
      .execute();
    expect(relationshipParties).toEqual([
      {
        supplier: 'Russia',
        type: 'supplies',
        role: 'EQUIPMENT',
        name: 'Sukhoi Su-30MK2',
        note: '24 Su-30MK2 aircraft',
      },
      {
        supplier: 'Iran',
        type: 'supplies',
        role: 'EQUIPMENT',
        name: 'Mohajer-2',
        note: 'reconnaissance UAV kits and technology',
      },
      {
        supplier: 'Iran',
        type: 'supplies',
        role: 'EQUIPMENT',
        name: 'Mohajer-6',
        note: 'directly or through technology transfer',
      },
    ]);
  });

  it('cites the letter to Putin as origin, relayed by the briefing and the Post', async () => {
    const claim = await claimAt('requested-engine-overhaul');
    const citations = await db
      .selectFrom('citation')
      .innerJoin('source', 'source.id', 'citation.source_id')
      .select(['citation.position', 'citation.role', 'citation.credibility', 'source.kind'])
      .where('citation.claim_id', '=', claim.id)
      .orderBy('citation.position')
      .execute();
    expect(citations).toEqual([
      { position: 0, role: 'ORIGIN', credibility: 2, kind: 'OFFICIAL_DOCUMENT' },
      { position: 1, role: 'RELAY', credibility: 2, kind: 'INTELLIGENCE_BRIEFING' },
      { position: 2, role: 'RELAY', credibility: 2, kind: 'NEWS_REPORT' },
    ]);
  });

  it('records the quantities with their role, uncertainty and wording', async () => {
    const expected = [
      ['requested-engine-overhaul', 'REQUESTED', 8, 'aircraft engines', 'EXACT', 'COUNT'],
      ['requested-radar-overhaul', 'REQUESTED', 5, 'radar systems', 'EXACT', 'COUNT'],
      ['requested-missiles', 'REQUESTED', 14, 'sets of missiles', 'EXACT', 'COUNT'],
      ['su30-contract-2006', 'ORDERED', 24, 'aircraft', 'EXACT', 'COUNT'],
      ['su30-operational-fleet', 'OPERATIONAL', 21, 'aircraft', 'APPROXIMATE', 'COUNT'],
      ['discussed-long-range-uavs', 'OTHER', 1000, 'km', 'APPROXIMATE', 'MEASURE'],
    ] as const;
    for (const [key, role, value, unit, qualifier, kind] of expected) {
      const claim = await claimAt(key);
      const quantities = await db
        .selectFrom('claim_quantity')
        .selectAll()
        .where('claim_id', '=', claim.id)
        .execute();
      expect(quantities, key).toMatchObject([
        { position: 0, role, value, unit, qualifier, kind, min: null, max: null, currency: null },
      ]);
      expect(quantities[0]?.wording, key).toBeTruthy();
    }
    const withQuantity = await db
      .selectFrom('claim_quantity')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(withQuantity.n)).toBe(expected.length);
  });

  it('states the closing judgement as a range of likelihood bands', async () => {
    expect(await claimAt('requests-fulfilment-uncertain')).toMatchObject({
      kind: 'ASSESSMENT',
      likelihood: 'UNLIKELY',
      likelihood_to: 'LIKELY',
    });
  });

  it('bounds undated requests by the report date instead of ending them there', async () => {
    const shared = await claimAt('intel-briefing-shared-with-post');
    expect(shared).toMatchObject({
      valid_from: null,
      valid_from_bound: 'UNKNOWN',
      valid_to: '2025-10-31',
      valid_to_bound: 'NOT_AFTER',
    });
    const reported = await db
      .selectFrom('claim_date')
      .select(['role', 'date', 'precision', 'bound'])
      .where('claim_id', '=', shared.id)
      .execute();
    expect(reported).toEqual([
      { role: 'REPORTED', date: '2025-10-31', precision: 'DAY', bound: 'KNOWN' },
    ]);
  });

  it('dates the Su-30MK2 contract to July 2006 and the deliveries to end-2006..2008', async () => {
    const contract = await claimAt('su30-contract-2006');
    expect(contract).toMatchObject({
      kind: 'FACT',
      predicate: 'contracted',
      valid_from: '2006-07-01',
      valid_from_precision: 'MONTH',
      valid_to: '2006-07-01',
      valid_to_precision: 'MONTH',
      status: 'CORROBORATED',
    });
    expect(contract.valid_period).toBe('[2006-07-01,2006-08-01)');
    expect(await objectNames(contract.id)).toEqual(['Russia', 'Sukhoi Su-30MK2']);

    expect(await claimAt('su30-deliveries-2006-2008')).toMatchObject({
      valid_from: '2006-10-01',
      valid_from_precision: 'QUARTER',
      valid_to: '2008-01-01',
      valid_to_precision: 'YEAR',
      valid_period: '[2006-10-01,2009-01-01)',
    });
    expect(await claimAt('iran-supplied-mohajer-2')).toMatchObject({
      valid_from: '2000-01-01',
      valid_from_precision: 'YEAR',
      valid_to: '2003-01-01',
      valid_to_precision: 'YEAR',
      valid_time_note: 'early 2000s',
    });
  });

  it('keeps the three photo credits and licences', async () => {
    const media = await db
      .selectFrom('media')
      .select([
        'position',
        'kind',
        'credit',
        'licence_name',
        'licence_url',
        'taken_on',
        'taken_on_precision',
      ])
      .orderBy('position')
      .execute();
    expect(media).toEqual([
      {
        position: 0,
        kind: 'IMAGE',
        credit: 'Press Service of the President of the Russian Federation',
        licence_name: 'Creative Commons Attribution 3.0',
        licence_url: 'https://creativecommons.org/licenses/by/3.0/',
        taken_on: '2019-09-25',
        taken_on_precision: 'DAY',
      },
      {
        position: 1,
        kind: 'IMAGE',
        credit: 'André Austin Du-Pont Rocha',
        licence_name: 'GNU Free Documentation License, Version 1.2',
        licence_url: 'https://www.gnu.org/licenses/old-licenses/fdl-1.2.html',
        taken_on: '2008-07-30',
        taken_on_precision: 'DAY',
      },
      {
        position: 2,
        kind: 'IMAGE',
        credit: 'Majid Haghdoust',
        licence_name: 'CC BY 4.0',
        licence_url: 'https://creativecommons.org/licenses/by/4.0/',
        taken_on: '2019-01-30',
        taken_on_precision: 'DAY',
      },
    ]);
  });

  it('holds one assessment: unlikely to likely that the requests are fulfilled', async () => {
    const assessments = await db
      .selectFrom('claim')
      .selectAll()
      .where('kind', '=', 'ASSESSMENT')
      .execute();
    expect(assessments).toHaveLength(1);
    const [assessment] = assessments;
    expect(assessment).toMatchObject({
      position: SEEDED.claim - 1,
      likelihood: 'UNLIKELY',
      likelihood_to: 'LIKELY',
      quote: 'it remains uncertain whether Venezuela’s requests will ultimately be fulfilled',
    });
    expect(await objectNames(assessment?.id ?? -1)).toEqual(['Russia', 'China', 'Iran']);
  });

  it('identifies the actors, with Wikidata ids only where certain', async () => {
    const actors = await db
      .selectFrom('actor')
      .select(['name', 'kind', 'country', 'wikidata_qid'])
      .execute();
    const byName = new Map(actors.map((actor) => [actor.name, actor]));
    expect(byName.get('Venezuela')).toMatchObject({
      kind: 'STATE',
      country: 'VE',
      wikidata_qid: 'Q717',
    });
    expect(byName.get('Nicolás Maduro')).toMatchObject({ kind: 'PERSON', wikidata_qid: 'Q57413' });
    expect(byName.get('Ramón Celestino Velásquez')).toMatchObject({
      kind: 'PERSON',
      wikidata_qid: null,
    });
    expect(byName.get('The Washington Post')).toMatchObject({
      kind: 'ORGANIZATION',
      wikidata_qid: 'Q166032',
    });
    expect(byName.get('Sukhoi Su-30MK2')).toMatchObject({ kind: 'EQUIPMENT', country: 'RU' });

    const aliases = await db
      .selectFrom('actor_alias')
      .innerJoin('actor', 'actor.id', 'actor_alias.actor_id')
      .select(['actor.name', 'actor_alias.alias'])
      .execute();
    expect(aliases).toContainEqual({ name: 'Nicolás Maduro', alias: 'Nicolas Maduro' });
    expect(aliases).toContainEqual({ name: 'ANSU-100', alias: 'Arpía' });
    expect(aliases).toContainEqual({ name: 'Sukhoi Su-30MK2', alias: 'Su-30MK2V' });
  });

  it('links actors over time, with evidence', async () => {
    const relationships = await db
      .selectFrom('actor_relationship as r')
      .innerJoin('actor as from', 'from.id', 'r.from_actor_id')
      .innerJoin('actor as to', 'to.id', 'r.to_actor_id')
      .select([
        'r.id',
        'r.type',
        'r.attributes',
        'r.valid_from',
        'r.valid_from_precision',
        'from.name as from_name',
        'to.name as to_name',
      ])
      .execute();
    const find = (from: string, type: string, to: string) => {
      const found = relationships.filter(
        (r) => r.from_name === from && r.type === type && r.to_name === to,
      );
      expect(found, `${from} ${type} ${to}`).not.toHaveLength(0);
      return found;
    };
    const [su30Supply] = find('Russia', 'supplies', 'Venezuela');
    expect(su30Supply).toMatchObject({
      attributes: { equipment: 'Su-30MK2', quantity: 24 },
      valid_from: '2006-07-01',
      valid_from_precision: 'MONTH',
    });
    expect(find('Venezuela', 'operates', 'Sukhoi Su-30MK2')[0]).toMatchObject({
      attributes: { quantity: 21, qualifier: 'APPROXIMATE' },
      valid_from: '2006-10-01',
      valid_from_precision: 'QUARTER',
    });
    find('ANSU-100', 'variant-of', 'Mohajer-2');
    find('Venezuela', 'operates', 'Mohajer-6');
    find('Nicolás Maduro', 'leads', 'Venezuela');
    find('Hugo Chávez', 'leads', 'Venezuela');
    find('Vladimir Putin', 'leads', 'Russia');
    find('Xi Jinping', 'leads', 'China');
    find('Ramón Celestino Velásquez', 'member-of', 'Government of Venezuela');
    for (const state of ['Russia', 'China', 'Iran']) find('Venezuela', 'requested-aid-from', state);
    expect(find('Iran', 'supplies', 'Venezuela')).toHaveLength(2);

    const evidence = await db
      .selectFrom('relationship_evidence')
      .innerJoin('claim', 'claim.id', 'relationship_evidence.claim_id')
      .select('claim.position')
      .where('relationship_evidence.relationship_id', '=', su30Supply?.id ?? -1)
      .orderBy('claim.position')
      .execute();
    expect(evidence.map((row) => row.position)).toEqual([
      positionOf('su30-contract-2006'),
      positionOf('su30-deliveries-2006-2008'),
    ]);
  });

  it('audits the load: the briefing with the counts, then each claim, source and relationship as loaded', async () => {
    const briefing = await db.selectFrom('briefing').select('id').executeTakeFirstOrThrow();
    const audit = await db.selectFrom('audit_log').selectAll().orderBy('id').execute();
    expect(audit.map((entry) => [entry.action, entry.entity_type, entry.before])).toEqual([
      ...Array.from({ length: SEEDED.source }, () => [
        'source.release',
        'Source',
        { released_to: null },
      ]),
      ...Array.from({ length: SEEDED.actor_relationship }, () => [
        'relationship.release',
        'ActorRelationship',
        { released_to: null },
      ]),
      ['seed.load', 'Briefing', null],
      ...Array.from({ length: SEEDED.claim }, () => ['seed.load', 'Claim', null]),
      ...Array.from({ length: SEEDED.source }, () => ['seed.load', 'Source', null]),
      ...Array.from({ length: SEEDED.actor_relationship }, () => [
        'seed.load',
        'ActorRelationship',
        null,
      ]),
    ]);
    // A relationship's entry is the snapshot its create mutation would log, as released.
    const relationships = await db
      .selectFrom('actor_relationship')
      .select(['id', 'released_to'])
      .orderBy('id')
      .execute();
    const relationshipEntries = audit.filter(
      (e) => e.entity_type === 'ActorRelationship' && e.action === 'seed.load',
    );
    expect(relationshipEntries.map((e) => e.entity_id)).toEqual(relationships.map((r) => r.id));
    expect(relationshipEntries[0]?.after).toMatchObject({
      released_to: relationships[0]?.released_to,
      evidence_claim_ids: expect.any(Array),
      participants: expect.any(Array),
    });
    // So is a source's, read after its release: `Briefing.recordAsOf` shows it to a caller
    // under embargo from the load on.
    const sources = await db
      .selectFrom('source')
      .select(['id', 'released_to'])
      .orderBy('id')
      .execute();
    const sourceEntries = audit.filter(
      (e) => e.entity_type === 'Source' && e.action === 'seed.load',
    );
    expect(
      sourceEntries.map((e) => [e.entity_id, (e.after as { released_to: unknown }).released_to]),
    ).toEqual(sources.map((source) => [source.id, 'CLEAR']));
    expect(sources.map((source) => source.released_to)).toEqual(sources.map(() => 'CLEAR'));
    const claims = await db.selectFrom('claim').select('id').orderBy('position').execute();
    expect(audit.filter((e) => e.entity_type === 'Claim').map((e) => e.entity_id)).toEqual(
      claims.map((c) => c.id),
    );
    // A claim's entry is the snapshot its create mutation would log: links, facets, participants.
    const [firstClaim] = audit.filter((e) => e.entity_type === 'Claim');
    expect(Object.keys(firstClaim?.after as object)).toEqual(
      expect.arrayContaining(['objectIds', 'citations', 'quantities', 'dates', 'participants']),
    );
    expect(audit[SEEDED.source + SEEDED.actor_relationship]).toMatchObject({
      actor_name: 'seed',
      action: 'seed.load',
      entity_type: 'Briefing',
      entity_id: briefing.id,
      before: null,
      after: {
        id: briefing.id,
        slug: SEED_BRIEFING_SLUG,
        status: 'PUBLISHED',
        version: 1,
        seed: {
          slug: SEED_BRIEFING_SLUG,
          claims: SEEDED.claim,
          actors: SEEDED.actor,
          sources: SEEDED.source,
          citations: SEEDED.citation,
          relationships: SEEDED.actor_relationship,
          media: SEEDED.media,
        },
      },
    });
  });
});
