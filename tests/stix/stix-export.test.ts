import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';
import {
  insertActor,
  insertBriefing,
  insertClaim,
  insertRelationship,
  insertSource,
} from '../factories/records.js';
import { bundleEnvelopeErrors, stixObjectErrors } from './stix-schemas.js';

const SEED_SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';

interface StixObject {
  type: string;
  id: string;
  [property: string]: unknown;
}
interface Bundle {
  type: string;
  id: string;
  objects: StixObject[];
}

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
});
afterAll(async () => {
  await database.close();
});

async function get(slug: string, headers: Record<string, string> = {}, method = 'GET') {
  return app.fetch(`http://briefgraph.test/stix/briefings/${slug}`, { method, headers });
}

async function exportOf(slug: string, headers: Record<string, string> = {}): Promise<Bundle> {
  const response = await get(slug, headers);
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toBe('application/stix+json;version=2.1');
  return (await response.json()) as Bundle;
}

/** Every id an object points at: each must be an object of the same bundle. */
function referencedIds(object: StixObject): string[] {
  const refs: string[] = [];
  for (const [key, value] of Object.entries(object)) {
    if (key.endsWith('_ref') && typeof value === 'string') refs.push(value);
    if (key.endsWith('_refs') && Array.isArray(value)) refs.push(...(value as string[]));
  }
  return refs;
}

function expectValid(bundle: Bundle) {
  expect(bundleEnvelopeErrors(bundle)).toEqual([]);
  expect(bundle.objects.flatMap(stixObjectErrors)).toEqual([]);
  const ids = new Set(bundle.objects.map((object) => object.id));
  expect(ids.size).toBe(bundle.objects.length);
  const dangling = bundle.objects.flatMap(referencedIds).filter((id) => !ids.has(id));
  expect(dangling).toEqual([]);
}

function ofType(bundle: Bundle, type: string): StixObject[] {
  return bundle.objects.filter((object) => object.type === type);
}

describe('STIX export of the seed briefing', () => {
  it('checks against schemas that do refuse a malformed object', () => {
    const note = { type: 'note', spec_version: '2.1', id: 'note--not-a-uuid', object_refs: [] };
    expect(stixObjectErrors(note).length).toBeGreaterThan(0);
    expect(
      bundleEnvelopeErrors({ type: 'bundle', id: 'bundle--x', objects: [] }).length,
    ).toBeGreaterThan(0);
  });

  it('validates object by object against the OASIS schemas, with every reference inside the bundle', async () => {
    const bundle = await exportOf(SEED_SLUG);
    expect(bundle.type).toBe('bundle');
    expectValid(bundle);
    const [report] = ofType(bundle, 'report');
    expect(report).toMatchObject({
      spec_version: '2.1',
      name: expect.stringContaining('Venezuela') as unknown,
      object_marking_refs: ['marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487'],
    });
    expect(ofType(bundle, 'note').length).toBeGreaterThan(10);
    expect(ofType(bundle, 'x-briefgraph-weapon-system').length).toBeGreaterThan(0);
    expect(ofType(bundle, 'location').length).toBeGreaterThan(0);
    expect(ofType(bundle, 'marking-definition')).toEqual([
      {
        type: 'marking-definition',
        spec_version: '2.1',
        id: 'marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487',
        created: '2022-10-01T00:00:00.000Z',
        name: 'TLP:CLEAR',
        extensions: {
          'extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d': {
            extension_type: 'property-extension',
            tlp_2_0: 'clear',
          },
        },
      },
    ]);
    // The attribution chain of the aid request travels as external references.
    const references = JSON.stringify(report?.external_references);
    expect(references).toContain('Washington Post');
  });

  it('is the same JSON, ids included, on every export and through GraphQL', async () => {
    const first = await exportOf(SEED_SLUG);
    const second = await exportOf(SEED_SLUG);
    expect(second).toEqual(first);
    const result = await graphql<{ stixBundle: Bundle }>(
      app,
      'query ($slug: Slug!) { stixBundle(slug: $slug) }',
      { slug: SEED_SLUG },
    );
    expect(result.errors).toBeUndefined();
    expect(result.data?.stixBundle).toEqual(first);
  });
});

/** A briefing with every kind of record the export maps, and an AMBER claim. */
async function briefingWithEverything(slug: string) {
  const db = database.db;
  const briefing = await insertBriefing(db, { slug, summary: 'Everything, once.' });
  const author = await db
    .insertInto('author')
    .values({ name: 'A. Analyst', bio: 'Writes about arms transfers.' })
    .returningAll()
    .executeTakeFirstOrThrow();
  await db
    .insertInto('briefing_author')
    .values({ briefing_id: briefing.id, author_id: author.id, position: 0 })
    .execute();
  await db.insertInto('briefing_tag').values({ briefing_id: briefing.id, tag: 'arms' }).execute();
  const state = await insertActor(db, { kind: 'STATE', name: 'Ruritania', country: 'RU' });
  const other = await insertActor(db, { kind: 'STATE', name: 'Nowhere' });
  const person = await insertActor(db, { kind: 'PERSON', name: 'The President' });
  const organisation = await insertActor(db, { kind: 'ORGANIZATION', name: 'Arms Exporter' });
  const body = await insertActor(db, { kind: 'GOVERNMENT_BODY', name: 'Ministry' });
  const unit = await insertActor(db, { kind: 'MILITARY_UNIT', name: '1st Squadron' });
  const weapon = await insertActor(db, {
    kind: 'EQUIPMENT',
    name: 'Su-30MK2',
    wikidata_qid: 'Q1057283',
  });
  const program = await insertActor(db, { kind: 'PROGRAM', name: 'Aid programme' });
  const origin = await insertSource(db, { kind: 'INTELLIGENCE_BRIEFING', title: 'A briefing' });
  const relay = await insertSource(db, {
    title: 'A newspaper story',
    publisher: 'The Daily',
    url: 'https://example.com/story',
    reliability: 'B',
    derived_from_id: origin.id,
  });
  const leads = await insertRelationship(db, person.id, state.id, 'leads');
  await db
    .updateTable('actor_relationship')
    .set({
      confidence: 80,
      valid_from: '2013-04-01',
      valid_from_precision: 'MONTH',
      valid_from_bound: 'KNOWN',
      valid_to: '2013-04-01',
      valid_to_precision: 'MONTH',
      valid_to_bound: 'KNOWN',
    })
    .where('id', '=', leads.id)
    .execute();
  await insertRelationship(db, unit.id, weapon.id, 'operates');
  const supplied = await insertClaim(
    db,
    {
      briefing_id: briefing.id,
      position: 0,
      statement: 'The exporter supplied 5–10 aircraft to Ruritania in 2006.',
      predicate: 'supplied',
      subject_actor_id: organisation.id,
      valid_from: '2006-01-01',
      valid_from_precision: 'YEAR',
      likelihood: 'LIKELY',
      confidence: 70,
    },
    {
      objects: [state.id, weapon.id, body.id, unit.id, program.id, person.id],
      citations: [{ sourceId: relay.id, role: 'RELAY' }],
      quantities: [
        {
          role: 'DELIVERED',
          qualifier: 'RANGE',
          min: 5,
          max: 10,
          unit: 'aircraft',
          kind: 'MEASURE',
        },
        { role: 'VALUE', kind: 'MONEY', qualifier: 'EXACT', value: 2200000000, currency: 'USD' },
      ],
    },
  );
  await db
    .insertInto('relationship_evidence')
    .values({ relationship_id: leads.id, claim_id: supplied.id })
    .execute();
  await insertClaim(db, { briefing_id: briefing.id, position: 1, statement: 'Unattached.' });
  await insertClaim(
    db,
    {
      briefing_id: briefing.id,
      position: 2,
      statement: 'An AMBER detail about Nowhere.',
      marking: 'AMBER',
      subject_actor_id: other.id,
    },
    { citations: [{ sourceId: origin.id }] },
  );
  return briefing;
}

describe('STIX export of a briefing with every kind of record', () => {
  it('maps each kind and validates', async () => {
    await briefingWithEverything('stix-everything');
    const bundle = await exportOf('stix-everything');
    expectValid(bundle);
    const identities = ofType(bundle, 'identity');
    const byName = (name: string) => bundle.objects.find((object) => object.name === name);
    expect(byName('Ruritania')).toMatchObject({
      type: 'identity',
      identity_class: 'organization',
      sectors: ['government'],
    });
    expect(byName('The President')).toMatchObject({ identity_class: 'individual' });
    expect(byName('A. Analyst')).toMatchObject({ identity_class: 'individual' });
    expect(byName('Su-30MK2')).toMatchObject({
      type: 'x-briefgraph-weapon-system',
      external_references: [
        {
          source_name: 'wikidata',
          external_id: 'Q1057283',
          url: 'https://www.wikidata.org/wiki/Q1057283',
        },
      ],
    });
    expect(identities.length).toBeGreaterThanOrEqual(6);
    const [location] = ofType(bundle, 'location');
    expect(location).toMatchObject({ country: 'RU' });
    const relationships = ofType(bundle, 'relationship');
    expect(relationships.map((r) => r.relationship_type).sort()).toEqual([
      'leads',
      'located-at',
      'operates',
    ]);
    expect(relationships.find((r) => r.relationship_type === 'leads')).toMatchObject({
      start_time: '2013-04-01T00:00:00.000Z',
      stop_time: '2013-04-30T23:59:59.999Z',
      confidence: 80,
    });
    const notes = ofType(bundle, 'note');
    expect(notes).toHaveLength(2);
    const supplied = notes.find((note) => note.abstract === notes[0]?.abstract);
    expect(supplied).toMatchObject({
      confidence: 70,
      authors: ['A. Analyst'],
      content: expect.stringContaining(
        'Quantity (delivered): 5–10 aircraft.\nQuantity (value): USD 2,200,000,000.',
      ) as unknown,
    });
    expect(JSON.stringify(supplied)).toContain('"likelihood":"LIKELY"');
    const [report] = ofType(bundle, 'report');
    expect(report?.labels).toEqual(['arms']);
    // The relayed source's origin arrives as a reference of its own.
    expect(JSON.stringify(report?.external_references)).toContain('A briefing');
    expect(ofType(bundle, 'extension-definition')).toHaveLength(2);
  });

  it('leaves out what the caller may not see, and includes it for a cleared key', async () => {
    const anonymous = await exportOf('stix-everything');
    expect(JSON.stringify(anonymous)).not.toContain('AMBER detail');
    expect(JSON.stringify(anonymous)).not.toContain('Nowhere');
    const key = await createKey(database, 'analyst', { clearance: 'AMBER' });
    const cleared = await exportOf('stix-everything', bearer(key));
    expectValid(cleared);
    const amber = ofType(cleared, 'note').find(
      (note) => note.abstract === 'An AMBER detail about Nowhere.',
    );
    expect(amber).toMatchObject({
      object_marking_refs: ['marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421'],
    });
    expect(ofType(cleared, 'marking-definition')).toHaveLength(2);
    // What both may see keeps its id.
    const ids = (bundle: Bundle) => new Set(bundle.objects.map((object) => object.id));
    expect([...ids(anonymous)].filter((id) => !ids(cleared).has(id))).toEqual([]);
  });

  it('reads a bundle in a fixed number of statements, however large the briefing', async () => {
    database.statements.reset();
    await exportOf('stix-everything');
    const small = database.statements.count;
    database.statements.reset();
    await exportOf(SEED_SLUG);
    expect(database.statements.count).toBe(small);
    expect(small).toBe(12);
  });
});

describe('GET /stix/briefings/{slug}', () => {
  it('answers 404 for an unknown slug, and the same for a briefing the caller may not see', async () => {
    await insertBriefing(database.db, { slug: 'stix-draft', status: 'DRAFT', published_at: null });
    await insertBriefing(database.db, { slug: 'stix-amber', marking: 'AMBER' });
    const unknown = await get('stix-never-written');
    expect(unknown.status).toBe(404);
    expect(await unknown.json()).toEqual({
      errors: [
        {
          message: 'no briefing with slug stix-never-written',
          extensions: { code: 'NOT_FOUND', requestId: expect.any(String) },
        },
      ],
    });
    for (const slug of ['stix-draft', 'stix-amber']) {
      const hidden = await get(slug);
      expect(hidden.status).toBe(404);
      expect(await hidden.json()).toEqual({
        errors: [
          {
            message: `no briefing with slug ${slug}`,
            extensions: { code: 'NOT_FOUND', requestId: expect.any(String) },
          },
        ],
      });
    }
    const key = await createKey(database, 'partner', { clearance: 'AMBER' });
    // A briefing with nothing in it yet still makes a valid bundle.
    expectValid(await exportOf('stix-amber', bearer(key)));
    const graphqlAnswer = await graphql(app, '{ stixBundle(slug: "stix-amber") }');
    expect(graphqlAnswer.data).toEqual({ stixBundle: null });
  });

  it('refuses other methods, malformed paths and bad keys', async () => {
    const post = await get(SEED_SLUG, { 'content-type': 'application/json' }, 'POST');
    expect(post.status).toBe(405);
    expect(post.headers.get('allow')).toBe('GET, HEAD');
    expect((await get('Not_A_Slug')).status).toBe(404);
    expect((await get(`${SEED_SLUG}/`)).status).toBe(404);
    expect((await get(SEED_SLUG, bearer('bg_not-a-key'))).status).toBe(401);
  });
});
