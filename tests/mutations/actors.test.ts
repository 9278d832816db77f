import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import { insertBriefing, insertClaim, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql, query } from '../helpers/graphql.js';
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

const ERRORS = /* GraphQL */ `
  ... on ValidationError { message issues { path message } }
  ... on NotFoundError { message entity reference path }
  ... on ConflictError { message currentVersion }
  ... on ForbiddenError { message }
`;

const ACTOR_FIELDS = /* GraphQL */ `
  id kind name country wikidataQid description marking version
  aliases { name language }
  externalIds { scheme value url }
`;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateActorInput!, $key: String) {
    createActor(input: $input, idempotencyKey: $key) {
      __typename
      ... on CreateActorSuccess { actor { ${ACTOR_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateActorInput!) {
    updateActor(id: $id, expectedVersion: $version, input: $input) {
      __typename
      ... on UpdateActorSuccess { actor { ${ACTOR_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const MERGE = /* GraphQL */ `
  mutation ($survivor: ID!, $survivorVersion: Int!, $merged: ID!, $mergedVersion: Int!) {
    mergeActors(
      survivorId: $survivor
      expectedSurvivorVersion: $survivorVersion
      mergedId: $merged
      expectedMergedVersion: $mergedVersion
    ) {
      __typename
      ... on MergeActorsSuccess { actor { ${ACTOR_FIELDS} } }
      ${ERRORS}
    }
  }
`;

interface ActorResult {
  id: string;
  name: string;
  version: number;
  aliases: { name: string; language: string | null }[];
  externalIds: { scheme: string; value: string; url: string | null }[];
  [field: string]: unknown;
}
type Payload = {
  __typename: string;
  actor?: ActorResult;
  message?: string;
  issues?: { path: string[]; message: string }[];
  entity?: string;
  reference?: string;
  path?: string[];
  currentVersion?: number | null;
};

async function createActor(
  input: Record<string, unknown>,
  headers = editor,
): Promise<Payload & { actor: ActorResult }> {
  const result = await graphql<{ createActor: Payload }>(app, CREATE, { input }, headers);
  const payload = result.data?.createActor;
  if (!payload?.actor) throw new Error(`expected an actor, got ${JSON.stringify(result)}`);
  return { ...payload, actor: payload.actor };
}

async function updateActor(id: string, version: number, input: Record<string, unknown>) {
  const result = await graphql<{ updateActor: Payload }>(
    app,
    UPDATE,
    { id, version, input },
    editor,
  );
  return result.data?.updateActor;
}

async function merge(
  survivor: { id: string; version: number },
  merged: { id: string; version: number },
  headers = editor,
) {
  const result = await graphql<{ mergeActors: Payload }>(
    app,
    MERGE,
    {
      survivor: survivor.id,
      survivorVersion: survivor.version,
      merged: merged.id,
      mergedVersion: merged.version,
    },
    headers,
  );
  return result.data?.mergeActors;
}

function databaseId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64url').toString().split(':')[1]);
}

/** Everything a merge may touch, to prove that a failed one changed nothing. */
async function snapshotTables() {
  const db = database.db;
  return {
    actors: await db
      .selectFrom('actor')
      .select(['id', 'version', 'merged_into_id', 'wikidata_qid', 'country', 'description'])
      .orderBy('id')
      .execute(),
    aliases: await db
      .selectFrom('actor_alias')
      .selectAll()
      .orderBy('actor_id')
      .orderBy('alias')
      .execute(),
    externalIds: await db
      .selectFrom('actor_external_id')
      .selectAll()
      .orderBy('scheme')
      .orderBy('value')
      .execute(),
    claims: await db
      .selectFrom('claim')
      .select(['id', 'version', 'subject_actor_id'])
      .orderBy('id')
      .execute(),
    claimObjects: await db
      .selectFrom('claim_object')
      .selectAll()
      .orderBy('claim_id')
      .orderBy('position')
      .execute(),
    relationships: await db
      .selectFrom('actor_relationship')
      .select(['id', 'version', 'from_actor_id', 'to_actor_id'])
      .orderBy('id')
      .execute(),
    evidence: await db
      .selectFrom('relationship_evidence')
      .selectAll()
      .orderBy('relationship_id')
      .orderBy('claim_id')
      .execute(),
    auditEntries: Number(
      (
        await db
          .selectFrom('audit_log')
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow()
      ).n,
    ),
  };
}

async function seededActor(name: string) {
  return database.db
    .selectFrom('actor')
    .selectAll()
    .where('name', '=', name)
    .executeTakeFirstOrThrow();
}

describe('createActor / updateActor', () => {
  it('creates an actor and stores exactly the trimmed values, audited', async () => {
    const { actor } = await createActor({
      kind: 'PERSON',
      name: '  Vladimir Padrino López ',
      aliases: [{ name: 'Padrino López', language: 'es' }, { name: 'General Padrino' }],
      country: 'VE',
      wikidataQid: 'Q5935633',
      description: 'Defence minister of Venezuela.',
      marking: 'AMBER',
      externalIds: [
        {
          scheme: 'opensanctions',
          value: 'Q5935633',
          url: 'https://www.opensanctions.org/entities/Q5935633/',
        },
      ],
    });
    expect(actor).toMatchObject({
      kind: 'PERSON',
      name: 'Vladimir Padrino López',
      country: 'VE',
      wikidataQid: 'Q5935633',
      marking: 'AMBER',
      version: 1,
    });
    const id = databaseId(actor.id);
    const row = await database.db
      .selectFrom('actor')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      kind: 'PERSON',
      name: 'Vladimir Padrino López',
      country: 'VE',
      wikidata_qid: 'Q5935633',
      description: 'Defence minister of Venezuela.',
      marking: 'AMBER',
      merged_into_id: null,
      version: 1,
    });
    expect(
      await database.db
        .selectFrom('actor_alias')
        .select(['alias', 'language'])
        .where('actor_id', '=', id)
        .orderBy('alias')
        .execute(),
    ).toEqual([
      { alias: 'General Padrino', language: null },
      { alias: 'Padrino López', language: 'es' },
    ]);
    expect(
      await database.db
        .selectFrom('actor_external_id')
        .select(['scheme', 'value', 'url'])
        .where('actor_id', '=', id)
        .execute(),
    ).toEqual([
      {
        scheme: 'opensanctions',
        value: 'Q5935633',
        url: 'https://www.opensanctions.org/entities/Q5935633/',
      },
    ]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['actor_name', 'action', 'entity_type', 'before', 'after'])
      .where('entity_id', '=', id)
      .where('action', '=', 'actor.create')
      .executeTakeFirstOrThrow();
    expect(audit).toMatchObject({
      actor_name: 'Desk',
      entity_type: 'Actor',
      before: null,
      after: {
        id,
        name: 'Vladimir Padrino López',
        aliases: [
          { alias: 'General Padrino', language: null },
          { alias: 'Padrino López', language: 'es' },
        ],
        external_ids: [{ scheme: 'opensanctions', value: 'Q5935633' }],
      },
    });
  });

  it('updates only the given fields, replaces lists, clears with null and bumps the version', async () => {
    const { actor } = await createActor({
      kind: 'ORGANIZATION',
      name: 'Rosoboronexport',
      aliases: [{ name: 'ROE' }],
      country: 'RU',
      description: 'Russian state arms exporter.',
      externalIds: [{ scheme: 'sipri', value: 'roe-1' }],
    });
    const updated = await updateActor(actor.id, 1, {
      name: 'JSC Rosoboronexport',
      description: null,
      aliases: [{ name: 'Рособоронэкспорт', language: 'ru' }],
    });
    expect(updated?.__typename).toBe('UpdateActorSuccess');
    expect(updated?.actor).toMatchObject({
      name: 'JSC Rosoboronexport',
      country: 'RU',
      description: null,
      version: 2,
      aliases: [{ name: 'Рособоронэкспорт', language: 'ru' }],
      externalIds: [{ scheme: 'sipri', value: 'roe-1', url: null }],
    });
    const id = databaseId(actor.id);
    expect(
      await database.db
        .selectFrom('actor')
        .select(['kind', 'name', 'country', 'description', 'version'])
        .where('id', '=', id)
        .executeTakeFirstOrThrow(),
    ).toEqual({
      kind: 'ORGANIZATION',
      name: 'JSC Rosoboronexport',
      country: 'RU',
      description: null,
      version: 2,
    });
    const cleared = await updateActor(actor.id, 2, { aliases: null, externalIds: [] });
    expect(cleared?.actor).toMatchObject({ version: 3, aliases: [], externalIds: [] });
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['before', 'after'])
      .where('entity_id', '=', id)
      .where('action', '=', 'actor.update')
      .orderBy('id')
      .execute();
    expect(audit).toHaveLength(2);
    expect(audit[0]).toMatchObject({
      before: { name: 'Rosoboronexport', version: 1, aliases: [{ alias: 'ROE' }] },
      after: { name: 'JSC Rosoboronexport', version: 2, description: null },
    });
  });

  it('lists every validation problem with its path and writes nothing', async () => {
    const before = await snapshotTables();
    const result = await graphql<{ createActor: Payload }>(
      app,
      CREATE,
      {
        input: {
          kind: 'PERSON',
          name: ' ',
          // Malformed codes are refused before the parser (tests/api/code-scalars.test.ts).
          aliases: [{ name: 'A', language: 'es' }, { name: 'A' }],
          country: 'VE',
          description: 'x'.repeat(5001),
          externalIds: [
            { scheme: 's'.repeat(81), value: 'x', url: 'ftp://x' },
            { scheme: 'sipri', value: '' },
          ],
        },
      },
      editor,
    );
    expect(result.data?.createActor.__typename).toBe('ValidationError');
    expect(result.data?.createActor.issues).toEqual([
      { path: ['input', 'name'], message: 'expected 1 to 300 characters, got 0' },
      {
        path: ['input', 'aliases', '1', 'name'],
        message: 'expected each alias once, got a repeat of index 0',
      },
      { path: ['input', 'description'], message: 'expected 1 to 5000 characters, got 5001' },
      {
        path: ['input', 'externalIds', '0', 'scheme'],
        message: 'expected a slug of at most 80 characters, got 81',
      },
      {
        path: ['input', 'externalIds', '0', 'url'],
        message: 'expected an http(s) URL, got "ftp://x"',
      },
      {
        path: ['input', 'externalIds', '1', 'value'],
        message: 'expected 1 to 300 characters, got 0',
      },
    ]);
    const { actor } = await createActor({ kind: 'STATE', name: 'Cuba' });
    const update = await updateActor(actor.id, 1, { kind: null, name: null, marking: null });
    expect(update?.issues).toEqual([
      { path: ['input', 'kind'], message: 'expected a kind, got null' },
      { path: ['input', 'name'], message: 'expected a name, got null' },
      { path: ['input', 'marking'], message: 'expected a marking, got null' },
    ]);
    const after = await snapshotTables();
    expect(after.actors).toHaveLength(before.actors.length + 1);
  });

  it('answers NotFoundError, ConflictError with the current version, and refuses a taken Wikidata item or external id', async () => {
    const missing = await updateActor(actorId(999_999), 1, { name: 'Nobody' });
    expect(missing).toMatchObject({
      __typename: 'NotFoundError',
      entity: 'Actor',
      reference: actorId(999_999),
      path: ['id'],
    });
    const { actor } = await createActor({ kind: 'STATE', name: 'Nicaragua', country: 'NI' });
    await updateActor(actor.id, 1, { description: 'Central American state.' });
    const stale = await updateActor(actor.id, 1, { description: 'Stale write.' });
    expect(stale).toMatchObject({ __typename: 'ConflictError', currentVersion: 2 });

    const chavez = await seededActor('Hugo Chávez');
    const duplicateQid = await graphql<{ createActor: Payload }>(
      app,
      CREATE,
      { input: { kind: 'PERSON', name: 'Hugo Chavez (copy)', wikidataQid: 'Q8440' } },
      editor,
    );
    expect(duplicateQid.data?.createActor).toEqual({
      __typename: 'ConflictError',
      message: `wikidataQid Q8440 already belongs to actor ${actorId(chavez.id)} (Hugo Chávez)`,
      currentVersion: null,
    });
    const taken = await updateActor(actor.id, 2, { wikidataQid: 'Q8440' });
    expect(taken?.__typename).toBe('ConflictError');
    await updateActor(actor.id, 2, { externalIds: [{ scheme: 'geonames', value: '3617476' }] });
    const takenExternalId = await graphql<{ createActor: Payload }>(
      app,
      CREATE,
      {
        input: {
          kind: 'STATE',
          name: 'Nicaragua (copy)',
          externalIds: [{ scheme: 'geonames', value: '3617476' }],
        },
      },
      editor,
    );
    expect(takenExternalId.data?.createActor).toMatchObject({
      __typename: 'ConflictError',
      message: `external id geonames:3617476 already belongs to actor ${actor.id} (Nicaragua)`,
    });
  });

  it('refuses analysts and markings above clearance with ForbiddenError, anonymous callers with HTTP 401', async () => {
    const input = { kind: 'STATE', name: 'Bolivia' };
    const forbidden = await graphql<{ createActor: Payload }>(app, CREATE, { input }, analyst);
    expect(forbidden.data?.createActor).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const tooSecret = await graphql<{ createActor: Payload }>(
      app,
      CREATE,
      { input: { ...input, marking: 'RED' } },
      editor,
    );
    expect(tooSecret.data?.createActor).toEqual({
      __typename: 'ForbiddenError',
      message: 'your key is cleared up to TLP:AMBER, not RED',
    });
    const anonymous = await graphql(app, CREATE, { input });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('mergeActors', () => {
  it('merges a duplicate Hugo Chavez into the seeded Hugo Chávez without losing anything', async () => {
    const db = database.db;
    const survivor = await seededActor('Hugo Chávez');
    const venezuela = await seededActor('Venezuela');
    const russia = await seededActor('Russia');
    const { actor: duplicate } = await createActor({
      kind: 'PERSON',
      name: 'Hugo Chavez',
      aliases: [
        { name: 'El Comandante', language: 'es' },
        { name: 'Hugo Rafael Chávez Frías', language: 'es' },
      ],
      externalIds: [{ scheme: 'opensanctions', value: 'chavez-dup' }],
    });
    const dupId = databaseId(duplicate.id);

    const briefing = await insertBriefing(db);
    const source = await insertSource(db);
    const asSubject = await insertClaim(
      db,
      { briefing_id: briefing.id, position: 0, subject_actor_id: dupId, predicate: 'visited' },
      { objects: [russia.id], citations: [{ sourceId: source.id }] },
    );
    const asObject = await insertClaim(
      db,
      { briefing_id: briefing.id, position: 1, subject_actor_id: russia.id },
      { objects: [dupId] },
    );
    // Names both: the survivor keeps the earlier place, the rest close up.
    const both = await insertClaim(
      db,
      { briefing_id: briefing.id, position: 2, subject_actor_id: survivor.id },
      { objects: [dupId, venezuela.id, survivor.id, russia.id] },
    );
    const leads = await db
      .insertInto('actor_relationship')
      .values({ from_actor_id: dupId, to_actor_id: venezuela.id, type: 'leads' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto('relationship_evidence')
      .values({ relationship_id: leads.id, claim_id: asSubject.id })
      .execute();
    const metWith = await db
      .insertInto('actor_relationship')
      // No claim evidences it: released by hand, as publishRelationship would.
      .values({
        from_actor_id: russia.id,
        to_actor_id: dupId,
        type: 'met-with',
        released_to: 'CLEAR',
      })
      .returningAll()
      .executeTakeFirstOrThrow();
    const sameAs = await db
      .insertInto('actor_relationship')
      .values({ from_actor_id: dupId, to_actor_id: survivor.id, type: 'same-as' })
      .returningAll()
      .executeTakeFirstOrThrow();
    await db
      .insertInto('relationship_evidence')
      .values({ relationship_id: sameAs.id, claim_id: both.id })
      .execute();

    const countsOf = async (id: string) =>
      query<{
        claims: { totalCount: number };
        actorRelationships: { totalCount: number };
        briefings: { totalCount: number };
      }>(
        app,
        `query ($id: ID!) {
          claims(filter: { actorId: $id }) { totalCount }
          actorRelationships(filter: { actorId: $id }) { totalCount }
          briefings(filter: { mentionsActorId: $id }) { totalCount }
        }`,
        { id },
      );
    const survivorBefore = await countsOf(actorId(survivor.id));
    const listBefore = await query<{ actors: { totalCount: number } }>(
      app,
      '{ actors { totalCount } }',
    );
    const citationsBefore = await db
      .selectFrom('citation')
      .selectAll()
      .where('claim_id', '=', asSubject.id)
      .execute();

    const result = await merge(
      { id: actorId(survivor.id), version: survivor.version },
      { id: duplicate.id, version: 1 },
    );
    expect(result?.__typename).toBe('MergeActorsSuccess');
    expect(result?.actor).toEqual({
      id: actorId(survivor.id),
      kind: 'PERSON',
      name: 'Hugo Chávez',
      country: 'VE',
      wikidataQid: 'Q8440',
      description: survivor.description,
      marking: 'CLEAR',
      version: survivor.version + 1,
      aliases: [
        { name: 'El Comandante', language: 'es' },
        { name: 'Hugo Chavez', language: null },
        { name: 'Hugo Rafael Chávez Frías', language: 'es' },
      ],
      externalIds: [{ scheme: 'opensanctions', value: 'chavez-dup', url: null }],
    });

    // Claims moved: subject, objects (deduplicated, in order), citations untouched.
    const claims = await db
      .selectFrom('claim')
      .select(['id', 'subject_actor_id', 'version'])
      .where('id', 'in', [asSubject.id, asObject.id, both.id])
      .orderBy('id')
      .execute();
    expect(claims).toEqual([
      { id: asSubject.id, subject_actor_id: survivor.id, version: 2 },
      { id: asObject.id, subject_actor_id: russia.id, version: 2 },
      { id: both.id, subject_actor_id: survivor.id, version: 2 },
    ]);
    const objects = await db
      .selectFrom('claim_object')
      .select(['claim_id', 'actor_id', 'position'])
      .where('claim_id', 'in', [asObject.id, both.id])
      .orderBy('claim_id')
      .orderBy('position')
      .execute();
    expect(objects).toEqual([
      { claim_id: asObject.id, actor_id: survivor.id, position: 0 },
      { claim_id: both.id, actor_id: survivor.id, position: 0 },
      { claim_id: both.id, actor_id: venezuela.id, position: 1 },
      { claim_id: both.id, actor_id: russia.id, position: 2 },
    ]);
    expect(
      await db.selectFrom('citation').selectAll().where('claim_id', '=', asSubject.id).execute(),
    ).toEqual(citationsBefore);

    // Relationships moved with their evidence; the one between the two is gone.
    const relationships = await db
      .selectFrom('actor_relationship')
      .select(['id', 'from_actor_id', 'to_actor_id', 'version'])
      .where('id', 'in', [leads.id, metWith.id, sameAs.id])
      .orderBy('id')
      .execute();
    expect(relationships).toEqual([
      { id: leads.id, from_actor_id: survivor.id, to_actor_id: venezuela.id, version: 2 },
      { id: metWith.id, from_actor_id: russia.id, to_actor_id: survivor.id, version: 2 },
    ]);
    expect(
      await db
        .selectFrom('relationship_evidence')
        .select('claim_id')
        .where('relationship_id', '=', leads.id)
        .execute(),
    ).toEqual([{ claim_id: asSubject.id }]);

    // The merged row stays, pointing at the survivor, with nothing left on it.
    expect(
      await db
        .selectFrom('actor')
        .select(['name', 'merged_into_id', 'version'])
        .where('id', '=', dupId)
        .executeTakeFirstOrThrow(),
    ).toEqual({ name: 'Hugo Chavez', merged_into_id: survivor.id, version: 2 });
    for (const table of ['actor_alias', 'actor_external_id', 'claim_object'] as const) {
      expect(
        await db.selectFrom(table).selectAll().where('actor_id', '=', dupId).execute(),
      ).toEqual([]);
    }
    expect(
      await db
        .selectFrom('actor_relationship')
        .select('id')
        .where((eb) => eb.or([eb('from_actor_id', '=', dupId), eb('to_actor_id', '=', dupId)]))
        .execute(),
    ).toEqual([]);

    // The old id resolves to the survivor; lists no longer show it; filters act on the survivor.
    const resolved = await query<{
      actor: { id: string; name: string };
      node: { id: string; name: string };
      nodes: { id: string }[];
      chavez: { totalCount: number };
      all: { totalCount: number };
    }>(
      app,
      `query ($id: ID!, $survivor: ID!) {
        actor(id: $id) { id name }
        node(id: $id) { id ... on Actor { name } }
        nodes(ids: [$id, $survivor]) { id }
        chavez: actors(filter: { name: "chavez" }) { totalCount }
        all: actors { totalCount }
      }`,
      { id: duplicate.id, survivor: actorId(survivor.id) },
    );
    expect(resolved).toEqual({
      actor: { id: actorId(survivor.id), name: 'Hugo Chávez' },
      node: { id: actorId(survivor.id), name: 'Hugo Chávez' },
      nodes: [{ id: actorId(survivor.id) }, { id: actorId(survivor.id) }],
      chavez: { totalCount: 1 },
      all: { totalCount: listBefore.actors.totalCount - 1 },
    });
    const survivorAfter = await countsOf(actorId(survivor.id));
    expect(survivorAfter).toEqual({
      claims: { totalCount: survivorBefore.claims.totalCount + 2 },
      actorRelationships: {
        totalCount: survivorBefore.actorRelationships.totalCount + 2 - 1,
      },
      briefings: { totalCount: survivorBefore.briefings.totalCount },
    });
    expect(await countsOf(duplicate.id)).toEqual(survivorAfter);

    // The audit log keeps every moved row and the deleted relationship with its evidence.
    const audit = await db
      .selectFrom('audit_log')
      .select(['action', 'entity_type', 'entity_id', 'before', 'after'])
      .where('action', 'like', '%.merge.%')
      .orderBy('id')
      .execute();
    expect(audit.map((entry) => [entry.action, entry.entity_id])).toEqual([
      ['claim.merge.reassign', asSubject.id],
      ['claim.merge.reassign', asObject.id],
      ['claim.merge.reassign', both.id],
      ['relationship.merge.delete', sameAs.id],
      ['relationship.merge.reassign', leads.id],
      ['relationship.merge.reassign', metWith.id],
      ['actor.merge.merged', dupId],
      ['actor.merge.survivor', survivor.id],
    ]);
    expect(audit[2]).toMatchObject({
      before: {
        subject_actor_id: survivor.id,
        object_ids: [dupId, venezuela.id, survivor.id, russia.id],
      },
      after: { subject_actor_id: survivor.id, object_ids: [survivor.id, venezuela.id, russia.id] },
    });
    expect(audit[3]).toMatchObject({
      before: {
        from_actor_id: dupId,
        to_actor_id: survivor.id,
        type: 'same-as',
        evidence_claim_ids: [both.id],
      },
      after: null,
    });
    expect(audit[6]).toMatchObject({
      before: {
        merged_into_id: null,
        aliases: [{ alias: 'El Comandante' }, { alias: 'Hugo Rafael Chávez Frías' }],
      },
      after: { merged_into_id: survivor.id, aliases: [], external_ids: [] },
    });
  });

  it('follows merges of survivors, moves a missing Wikidata item, and refuses self, merged and mismatched actors', async () => {
    const { actor: a } = await createActor({ kind: 'ORGANIZATION', name: 'CAVIM' });
    const { actor: b } = await createActor({
      kind: 'ORGANIZATION',
      name: 'Compañía Anónima Venezolana de Industrias Militares',
      wikidataQid: 'Q5775516',
      country: 'VE',
      description: 'Venezuelan state arms maker.',
    });
    const { actor: c } = await createActor({ kind: 'ORGANIZATION', name: 'CAVIM (Venezuela)' });
    expect((await merge({ id: b.id, version: 1 }, { id: a.id, version: 1 }))?.__typename).toBe(
      'MergeActorsSuccess',
    );
    const survivor = await merge({ id: c.id, version: 1 }, { id: b.id, version: 2 });
    expect(survivor?.actor).toMatchObject({
      id: c.id,
      wikidataQid: 'Q5775516',
      country: 'VE',
      description: 'Venezuelan state arms maker.',
      version: 2,
      aliases: [
        { name: 'CAVIM', language: null },
        { name: 'Compañía Anónima Venezolana de Industrias Militares', language: null },
      ],
    });
    // A was merged into B, which was merged into C: A now resolves to C in one hop.
    expect(
      await database.db
        .selectFrom('actor')
        .select(['id', 'merged_into_id', 'wikidata_qid'])
        .where('id', 'in', [databaseId(a.id), databaseId(b.id)])
        .orderBy('id')
        .execute(),
    ).toEqual([
      { id: databaseId(a.id), merged_into_id: databaseId(c.id), wikidata_qid: null },
      { id: databaseId(b.id), merged_into_id: databaseId(c.id), wikidata_qid: null },
    ]);
    // Actors made through the API are under embargo: an analyst sees them, anonymous callers do not.
    const viaA = await graphql<{ actor: { id: string } }>(
      app,
      'query ($id: ID!) { actor(id: $id) { id } }',
      { id: a.id },
      analyst,
    );
    expect(viaA.data?.actor.id).toBe(c.id);

    const { actor: d } = await createActor({ kind: 'ORGANIZATION', name: 'Another CAVIM' });
    const { actor: person } = await createActor({ kind: 'PERSON', name: 'Not an organisation' });
    const { actor: secret } = await createActor({
      kind: 'ORGANIZATION',
      name: 'Secret CAVIM',
      marking: 'AMBER',
    });
    const before = await snapshotTables();
    expect(await merge({ id: c.id, version: 2 }, { id: c.id, version: 2 })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['mergedId'],
          message: 'expected another actor than the survivor, got the same one',
        },
      ],
    });
    expect(await merge({ id: b.id, version: 3 }, { id: d.id, version: 1 })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['survivorId'],
          message: `expected an actor that is not merged, got one merged into ${c.id}: merge into that one`,
        },
      ],
    });
    expect(await merge({ id: d.id, version: 1 }, { id: a.id, version: 3 })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['mergedId'],
          message: `expected an actor that is not merged yet, got one already merged into ${c.id}`,
        },
      ],
    });
    expect(await merge({ id: d.id, version: 1 }, { id: person.id, version: 1 })).toMatchObject({
      issues: [
        {
          path: ['mergedId'],
          message:
            'expected an actor of the survivor’s kind ORGANIZATION, got PERSON: correct the kind first',
        },
      ],
    });
    expect(await merge({ id: d.id, version: 1 }, { id: secret.id, version: 1 })).toMatchObject({
      issues: [
        {
          path: ['mergedId'],
          message: 'expected a marking no stricter than the survivor’s CLEAR, got AMBER',
        },
      ],
    });
    expect(await merge({ id: d.id, version: 7 }, { id: c.id, version: 2 })).toMatchObject({
      __typename: 'ConflictError',
      currentVersion: 1,
    });
    expect(await updateActor(b.id, 3, { name: 'Renamed' })).toMatchObject({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['id'],
          message: `expected an actor that is not merged, got one merged into ${c.id}: update that one`,
        },
      ],
    });
    expect(await snapshotTables()).toEqual(before);
  });

  it('changes nothing when the survivor is hidden from the caller', async () => {
    const { actor: hidden } = await createActor({
      kind: 'STATE',
      name: 'Hidden state',
      marking: 'AMBER',
    });
    const { actor: visible } = await createActor(
      { kind: 'STATE', name: 'Visible state' },
      clearEditor,
    );
    const before = await snapshotTables();
    expect(
      await merge({ id: hidden.id, version: 1 }, { id: visible.id, version: 1 }, clearEditor),
    ).toEqual({
      __typename: 'NotFoundError',
      message: `Actor ${hidden.id} not found`,
      entity: 'Actor',
      reference: hidden.id,
      path: ['survivorId'],
    });
    expect(await snapshotTables()).toEqual(before);
  });

  it('rolls back every move when the merge fails midway', async () => {
    const db = database.db;
    const survivor = await seededActor('Nicolás Maduro');
    const russia = await seededActor('Russia');
    const { actor: duplicate } = await createActor({
      kind: 'PERSON',
      name: 'Nicolas Maduro',
      aliases: [{ name: 'Maduro Moros' }],
      externalIds: [{ scheme: 'opensanctions', value: 'maduro-dup' }],
    });
    const dupId = databaseId(duplicate.id);
    const briefing = await insertBriefing(db);
    await insertClaim(db, { briefing_id: briefing.id, position: 0, subject_actor_id: dupId });
    await insertClaim(
      db,
      { briefing_id: briefing.id, position: 1, subject_actor_id: russia.id },
      { objects: [dupId, survivor.id] },
    );
    await db
      .insertInto('actor_relationship')
      .values([
        { from_actor_id: dupId, to_actor_id: russia.id, type: 'requested-aid-from' },
        { from_actor_id: survivor.id, to_actor_id: dupId, type: 'same-as' },
      ])
      .execute();
    // Fails the last step (marking the duplicate merged), after claims, relationships,
    // aliases and external ids have moved.
    await sql`create function fail_merge() returns trigger language plpgsql as $$
      begin
        if new.merged_into_id is not null then
          raise exception 'injected failure' using errcode = '23514';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger fail_merge before update on actor for each row execute function fail_merge()`.execute(
      db,
    );
    try {
      const before = await snapshotTables();
      const result = await merge(
        { id: actorId(survivor.id), version: survivor.version },
        { id: duplicate.id, version: 1 },
      );
      expect(result).toMatchObject({
        __typename: 'ValidationError',
        issues: [
          { path: ['input'], message: 'expected values the database accepts, got one it refuses' },
        ],
      });
      expect(await snapshotTables()).toEqual(before);
    } finally {
      await sql`drop trigger fail_merge on actor`.execute(db);
      await sql`drop function fail_merge()`.execute(db);
    }
  });
});
