import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
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

// A refusal names the record in the way only when the caller may see it; for a hidden one the
// value is merely unavailable. No message shows a constraint name or a database detail.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
const ids: Record<string, string> = {};

const ERRORS = `__typename
  ... on Error { message }
  ... on NotFoundError { entity reference path }
  ... on ValidationError { issues { path message } }`;
const CREATE_BRIEFING = `mutation ($input: CreateBriefingInput!) {
  createBriefing(input: $input) { ${ERRORS} }
}`;
const UPDATE_BRIEFING = `mutation ($id: ID!, $input: UpdateBriefingInput!) {
  updateBriefing(id: $id, expectedVersion: 1, input: $input) { ${ERRORS} }
}`;
const CREATE_ACTOR = `mutation ($input: CreateActorInput!) {
  createActor(input: $input) { ${ERRORS} }
}`;
const UPDATE_ACTOR = `mutation ($id: ID!, $input: UpdateActorInput!) {
  updateActor(id: $id, expectedVersion: 1, input: $input) { ${ERRORS} }
}`;
const MERGE = `mutation ($survivorId: ID!, $mergedId: ID!) {
  mergeActors(survivorId: $survivorId, expectedSurvivorVersion: 1, mergedId: $mergedId,
    expectedMergedVersion: 1) { ${ERRORS} }
}`;
const REMOVE_CLAIM = `mutation ($id: ID!) {
  removeClaim(id: $id, expectedVersion: 1) { ${ERRORS} }
}`;

async function payload(text: string, variables: Record<string, unknown>) {
  const result = await graphql<Record<string, unknown>>(app, text, variables, editor);
  expect(result.errors).toBeUndefined();
  return Object.values(result.data ?? {})[0];
}

const count = async (table: 'briefing' | 'actor' | 'claim' | 'audit_log') =>
  Number(
    (
      await database.db
        .selectFrom(table)
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );

const conflict = (message: string) => ({ __typename: 'ConflictError', message });

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  const { db } = database;
  editor = bearer(await createKey(database, 'editor', { clearance: 'GREEN' }));
  const visible = await insertBriefing(db, { slug: 'visible-slug' });
  ids.visibleBriefing = encodeGlobalId('Briefing', visible.id);
  await insertBriefing(db, { slug: 'hidden-slug', marking: 'AMBER' });
  ids.ownBriefing = encodeGlobalId('Briefing', (await insertBriefing(db)).id);
  const visibleActor = await insertActor(db, { name: 'Visible Holder', wikidata_qid: 'Q990001' });
  ids.visibleActor = encodeGlobalId('Actor', visibleActor.id);
  const hiddenActor = await insertActor(db, {
    name: 'Hidden Holder',
    marking: 'AMBER',
    wikidata_qid: 'Q990002',
  });
  await db
    .insertInto('actor_external_id')
    .values([
      { actor_id: visibleActor.id, scheme: 'sipri', value: 'visible-1' },
      { actor_id: hiddenActor.id, scheme: 'sipri', value: 'hidden-1' },
    ])
    .execute();
  ids.ownActor = encodeGlobalId('Actor', (await insertActor(db, { name: 'Own Actor' })).id);
  // A visible actor merged into a hidden one: for this editor it does not exist.
  const mergedIntoHidden = await insertActor(db, {
    name: 'Merged Into Hidden',
    merged_into_id: hiddenActor.id,
  });
  ids.mergedIntoHidden = encodeGlobalId('Actor', mergedIntoHidden.id);
  // Claims that are evidence for a hidden relationship only, and for a visible one as well.
  const other = await insertActor(db, { name: 'Other' });
  const hiddenLink = await insertRelationship(db, visibleActor.id, hiddenActor.id);
  const visibleLink = await insertRelationship(db, visibleActor.id, other.id);
  for (const [name, links] of [
    ['hiddenEvidence', [hiddenLink.id]],
    ['mixedEvidence', [hiddenLink.id, visibleLink.id]],
  ] as const) {
    const claim = await insertClaim(db, {
      briefing_id: visible.id,
      position: name.length,
      version: 1,
    });
    await db
      .insertInto('relationship_evidence')
      .values(links.map((link) => ({ relationship_id: link, claim_id: claim.id })))
      .execute();
    ids[name] = encodeGlobalId('Claim', claim.id);
  }
});
afterAll(() => database.close());

describe('a value another record holds', () => {
  it('names a visible briefing holding the slug, and only calls a hidden one’s unavailable', async () => {
    const before = await count('briefing');
    const input = { title: 'Copy', body: 'Text.' };
    expect(await payload(CREATE_BRIEFING, { input: { ...input, slug: 'visible-slug' } })).toEqual(
      conflict(`slug "visible-slug" is already taken by briefing ${ids.visibleBriefing}`),
    );
    expect(await payload(CREATE_BRIEFING, { input: { ...input, slug: 'hidden-slug' } })).toEqual(
      conflict('slug "hidden-slug" is unavailable: choose another'),
    );
    expect(
      await payload(UPDATE_BRIEFING, { id: ids.ownBriefing, input: { slug: 'hidden-slug' } }),
    ).toEqual(conflict('slug "hidden-slug" is unavailable: choose another'));
    expect(await count('briefing')).toBe(before);
  });

  it('names a visible actor holding a Wikidata item or external id, not a hidden one', async () => {
    const before = [await count('actor'), await count('audit_log')];
    const create = (input: Record<string, unknown>) =>
      payload(CREATE_ACTOR, { input: { kind: 'PERSON', name: 'Newcomer', ...input } });
    expect(await create({ wikidataQid: 'Q990001' })).toEqual(
      conflict(`wikidataQid Q990001 already belongs to actor ${ids.visibleActor} (Visible Holder)`),
    );
    expect(await create({ wikidataQid: 'Q990002' })).toEqual(
      conflict('wikidataQid Q990002 is unavailable: choose another'),
    );
    expect(await create({ externalIds: [{ scheme: 'sipri', value: 'visible-1' }] })).toEqual(
      conflict(
        `external id sipri:visible-1 already belongs to actor ${ids.visibleActor} (Visible Holder)`,
      ),
    );
    expect(await create({ externalIds: [{ scheme: 'sipri', value: 'hidden-1' }] })).toEqual(
      conflict('external id sipri:hidden-1 is unavailable: choose another'),
    );
    expect(
      await payload(UPDATE_ACTOR, { id: ids.ownActor, input: { wikidataQid: 'Q990002' } }),
    ).toEqual(conflict('wikidataQid Q990002 is unavailable: choose another'));
    expect([await count('actor'), await count('audit_log')]).toEqual(before);
  });
});

describe('an actor merged into a hidden one', () => {
  it('is not found, like an id that never existed, and its survivor is never named', async () => {
    const never = encodeGlobalId('Actor', 9_000_001);
    const notFound = (reference: string, path: string[]) => ({
      __typename: 'NotFoundError',
      message: `Actor ${reference} not found`,
      entity: 'Actor',
      reference,
      path,
    });
    for (const id of [ids.mergedIntoHidden ?? '', never]) {
      expect(await payload(UPDATE_ACTOR, { id, input: { name: 'Renamed' } })).toEqual(
        notFound(id, ['id']),
      );
      expect(await payload(MERGE, { survivorId: ids.ownActor, mergedId: id })).toEqual(
        notFound(id, ['mergedId']),
      );
      expect(await payload(MERGE, { survivorId: id, mergedId: ids.ownActor })).toEqual(
        notFound(id, ['survivorId']),
      );
    }
  });
});

describe('a claim that relationships cite as evidence', () => {
  it('counts only the relationships the caller may see, and names none it may not', async () => {
    const before = await count('claim');
    expect(await payload(REMOVE_CLAIM, { id: ids.hiddenEvidence })).toEqual(
      conflict(`claim ${ids.hiddenEvidence} cannot be removed: other records depend on it`),
    );
    expect(await payload(REMOVE_CLAIM, { id: ids.mixedEvidence })).toEqual(
      conflict(
        `claim ${ids.mixedEvidence} is evidence for 1 actor relationship(s): take it out of their evidence first`,
      ),
    );
    expect(await count('claim')).toBe(before);
  });
});

describe('a refusal by the database itself', () => {
  beforeAll(async () => {
    // Stands for the database's own constraints catching what validation let through (a
    // concurrent writer): the briefing's title chooses which refusal PostgreSQL raises.
    await sql`create function refuse_briefing() returns trigger language plpgsql as $$
      begin
        case new.title
          when 'slug race' then raise exception 'duplicate key value violates unique constraint "briefing_slug_key"'
            using errcode = '23505', constraint = 'briefing_slug_key', table = 'briefing',
              detail = 'Key (slug)=(secret-holder) already exists.';
          when 'other race' then raise exception 'duplicate key value violates unique constraint "secret_pair_key"'
            using errcode = '23505', constraint = 'secret_pair_key', detail = 'Key (a, b)=(1, 2) already exists.';
          when 'check' then raise exception 'new row for relation "briefing" violates check constraint "briefing_summary_check"'
            using errcode = '23514', constraint = 'briefing_summary_check', table = 'briefing';
          when 'gone' then raise exception 'insert or update on table "briefing" violates foreign key constraint "briefing_source_id_fkey"'
            using errcode = '23503', constraint = 'briefing_source_id_fkey', table = 'briefing',
              detail = 'Key (source_id)=(4242) is not present in table "source".';
          else return new;
        end case;
      end $$`.execute(database.db);
    await sql`create trigger refuse_briefing before insert on briefing
      for each row execute function refuse_briefing()`.execute(database.db);
  });
  afterAll(async () => {
    await sql`drop trigger refuse_briefing on briefing`.execute(database.db);
    await sql`drop function refuse_briefing()`.execute(database.db);
  });

  it.each([
    ['slug race', conflict('input.slug is unavailable: choose another value')],
    [
      'other race',
      conflict('the write clashes with a record written meanwhile: re-read and retry'),
    ],
    [
      'check',
      {
        __typename: 'ValidationError',
        message: 'expected a value the database accepts for input.summary, got one it refuses',
        issues: [
          {
            path: ['input', 'summary'],
            message: 'expected a value the database accepts for input.summary, got one it refuses',
          },
        ],
      },
    ],
    [
      'gone',
      {
        __typename: 'NotFoundError',
        message: 'Record named in the input not found',
        entity: 'Record',
        reference: 'named in the input',
        path: ['input'],
      },
    ],
  ])('answers %s with a domain error naming fields, not constraints', async (title, expected) => {
    const before = await count('briefing');
    const answer = await payload(CREATE_BRIEFING, {
      input: { slug: `refused-${title.replace(' ', '-')}`, title, body: 'Text.' },
    });
    expect(answer).toEqual(expected);
    const text = JSON.stringify(answer);
    for (const leak of ['_key', '_check', '_fkey', 'Key (', 'secret', '4242'])
      expect(text).not.toContain(leak);
    expect(await count('briefing')).toBe(before);
  });
});
