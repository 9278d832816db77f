import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import { venezuelaBriefing as seed } from '../../src/seed/venezuela-briefing.js';
import type { App } from '../../src/yoga.js';
import { insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;
let analyst: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  analyst = bearer(await createKey(database, 'analyst', { clearance: 'RED' }));
});
afterAll(() => database.close());

const ERRORS = /* GraphQL */ `
  ... on ValidationError { message issues { path message } }
  ... on NotFoundError { entity reference path }
  ... on ConflictError { message currentVersion }
  ... on ForbiddenError { message }
`;

const BRIEFING_FIELDS = /* GraphQL */ `
  id slug title summary body status language marking version publishedAt retractedAt
  retractionReason
  tags { name kind }
  authors { id name bio }
  media { kind position url caption credit licence { name url } takenOn { date precision } }
  asSource { id }
`;

const CREATE = /* GraphQL */ `
  mutation ($input: CreateBriefingInput!, $key: String) {
    createBriefing(input: $input, idempotencyKey: $key) {
      __typename
      ... on CreateBriefingSuccess { briefing { ${BRIEFING_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const UPDATE = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $input: UpdateBriefingInput!) {
    updateBriefing(id: $id, expectedVersion: $version, input: $input) {
      __typename
      ... on UpdateBriefingSuccess { briefing { ${BRIEFING_FIELDS} } }
      ${ERRORS}
    }
  }
`;

const TRANSITION = /* GraphQL */ `
  mutation ($id: ID!, $version: Int!, $to: BriefingStatus!, $reason: String, $at: DateTime) {
    transitionBriefing(id: $id, expectedVersion: $version, to: $to, reason: $reason, publishedAt: $at) {
      __typename
      ... on TransitionBriefingSuccess { briefing { status version publishedAt retractedAt retractionReason } }
      ${ERRORS}
    }
  }
`;

const ADD_CLAIM = /* GraphQL */ `
  mutation ($briefingId: ID!, $input: AddClaimInput!) {
    addClaim(briefingId: $briefingId, input: $input) {
      __typename
      ... on AddClaimSuccess { claim { id version span { start end } } }
      ${ERRORS}
    }
  }
`;

interface Briefing {
  id: string;
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  status: string;
  version: number;
  publishedAt: string | null;
  retractedAt: string | null;
  retractionReason: string | null;
  tags: { name: string; kind: string }[];
  authors: { id: string; name: string; bio: string | null }[];
}

/** Everything a payload union can carry, for the fields the tests read. */
interface Payload<T> {
  __typename: string;
  briefing?: T;
  claim?: { id: string; version: number; span: { start: number; end: number } | null };
  message?: string;
  issues?: { path: string[]; message: string }[];
  entity?: string;
  reference?: string;
  path?: string[];
  currentVersion?: number | null;
}

async function mutate<T = Briefing>(
  text: string,
  field: string,
  variables: Record<string, unknown>,
  headers = editor,
): Promise<Payload<T>> {
  const result = await graphql<Record<string, Payload<T>>>(app, text, variables, headers);
  const payload = result.data?.[field];
  if (!payload) throw new Error(`expected ${field}, got ${JSON.stringify(result)}`);
  return payload;
}

async function created(input: Record<string, unknown>, key?: string): Promise<Briefing> {
  const payload = await mutate(CREATE, 'createBriefing', { input, key });
  if (!payload.briefing) throw new Error(`expected a briefing, got ${JSON.stringify(payload)}`);
  return payload.briefing;
}

function dbId(globalId: string): number {
  return Number(Buffer.from(globalId, 'base64url').toString('utf8').split(':')[1]);
}

async function count(
  table: 'briefing' | 'author' | 'briefing_tag' | 'media' | 'audit_log' | 'claim',
): Promise<number> {
  const row = await database.db
    .selectFrom(table)
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

async function auditOf(entityId: number, entityType = 'Briefing') {
  return database.db
    .selectFrom('audit_log')
    .select(['actor_name', 'action', 'entity_type', 'before', 'after'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', entityId)
    .orderBy('id')
    .execute();
}

async function seedAuthorId(): Promise<string> {
  const result = await graphql<{ briefing: { authors: { id: string }[] } }>(
    app,
    `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { authors { id } } }`,
  );
  const id = result.data?.briefing.authors[0]?.id;
  if (!id) throw new Error('expected the seed briefing to have an author');
  return id;
}

const BODY = '  # Aid requests\n\nMaduro wrote to Putin.  \n<script>alert("x")</script>\n';

describe('createBriefing', () => {
  it('creates a DRAFT with its tags, byline and media, stored as given, audited', async () => {
    const existingAuthor = await seedAuthorId();
    const source = await insertSource(database.db, { kind: 'ANALYSIS', title: 'This briefing' });
    const briefing = await created({
      slug: 'venezuela-air-defence',
      title: '  Venezuela’s air defence  ',
      summary: 'Requests to Moscow.',
      body: BODY,
      language: 'pt-BR',
      marking: 'AMBER',
      tags: [
        { name: 'arms-transfers', kind: 'TOPIC' },
        { name: 'latin-america', kind: 'REGION' },
      ],
      authors: [{ name: '  Ana Analyst ', bio: 'Covers Latin America.' }, { id: existingAuthor }],
      media: [
        {
          kind: 'IMAGE',
          url: 'https://example.org/su30.jpg',
          caption: 'A Su-30MK2.',
          credit: 'Photo by A. Rocha',
          licence: { name: 'GFDL 1.2', url: 'https://www.gnu.org/licenses/fdl-1.2.html' },
          takenOn: { date: '2008-07-01', precision: 'MONTH' },
        },
      ],
      asSourceId: encodeGlobalId('Source', source.id),
    });
    expect(briefing).toMatchObject({
      slug: 'venezuela-air-defence',
      title: 'Venezuela’s air defence',
      summary: 'Requests to Moscow.',
      body: BODY,
      status: 'DRAFT',
      language: 'pt-BR',
      marking: 'AMBER',
      version: 1,
      publishedAt: null,
      // Listed regions first, as the read API orders them.
      tags: [
        { name: 'latin-america', kind: 'REGION' },
        { name: 'arms-transfers', kind: 'TOPIC' },
      ],
      media: [
        {
          kind: 'IMAGE',
          position: 0,
          url: 'https://example.org/su30.jpg',
          caption: 'A Su-30MK2.',
          credit: 'Photo by A. Rocha',
          licence: { name: 'GFDL 1.2', url: 'https://www.gnu.org/licenses/fdl-1.2.html' },
          takenOn: { date: '2008-07-01', precision: 'MONTH' },
        },
      ],
      asSource: { id: encodeGlobalId('Source', source.id) },
    });
    expect(briefing.authors.map((a) => [a.name, a.id === existingAuthor])).toEqual([
      ['Ana Analyst', false],
      [expect.any(String), true],
    ]);

    const id = dbId(briefing.id);
    const row = await database.db
      .selectFrom('briefing')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      body: BODY,
      status: 'DRAFT',
      version: 1,
      published_at: null,
      source_id: source.id,
    });
    const media = await database.db
      .selectFrom('media')
      .select(['licence_name', 'taken_on', 'taken_on_precision'])
      .where('briefing_id', '=', id)
      .execute();
    expect(media).toEqual([
      { licence_name: 'GFDL 1.2', taken_on: '2008-07-01', taken_on_precision: 'MONTH' },
    ]);
    const audit = await auditOf(id);
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({
      actor_name: 'Desk',
      action: 'briefing.create',
      entity_type: 'Briefing',
      before: null,
      after: {
        slug: 'venezuela-air-defence',
        status: 'DRAFT',
        tags: [
          { tag: 'latin-america', kind: 'REGION' },
          { tag: 'arms-transfers', kind: 'TOPIC' },
        ],
        authorIds: [dbId(briefing.authors[0]?.id ?? ''), dbId(existingAuthor)],
      },
    });
  });

  it('lists every validation problem with its path and writes nothing', async () => {
    const before = [await count('briefing'), await count('author'), await count('audit_log')];
    const payload = await mutate(CREATE, 'createBriefing', {
      input: {
        // Malformed slugs, tags and languages are refused before the parser (code-scalars.test.ts).
        slug: 'every-problem',
        title: '   ',
        body: ' \n ',
        tags: [
          { name: 'arms', kind: 'TOPIC' },
          { name: 'arms', kind: 'REGION' },
          { name: 'x'.repeat(81), kind: 'TOPIC' },
        ],
        authors: [{ id: encodeGlobalId('Author', 1), name: 'Both' }, {}],
        media: [
          {
            kind: 'IMAGE',
            url: 'javascript:alert(1)',
            caption: '',
            credit: 'x'.repeat(501),
            licence: { name: 'CC BY 3.0', url: 'not a url' },
            takenOn: { date: '2006-07-15', precision: 'MONTH' },
          },
        ],
      },
    });
    expect(payload.__typename).toBe('ValidationError');
    expect(payload.issues).toEqual([
      { path: ['input', 'title'], message: 'expected 1 to 300 characters, got 0' },
      { path: ['input', 'body'], message: 'expected 1 to 200000 characters of text, got none' },
      {
        path: ['input', 'tags', '1', 'name'],
        message: 'expected each tag once, got "arms" again (tags.0)',
      },
      {
        path: ['input', 'tags', '2', 'name'],
        message: 'expected a slug of at most 80 characters, got 81',
      },
      {
        path: ['input', 'authors', '0'],
        message: 'expected either `id` of an existing author or `name` of a new one, not both',
      },
      {
        path: ['input', 'authors', '1'],
        message: 'expected `id` of an existing author or `name` of a new one',
      },
      {
        path: ['input', 'media', '0', 'url'],
        message: 'expected an http(s) URL, got "javascript:alert(1)"',
      },
      { path: ['input', 'media', '0', 'caption'], message: 'expected 1 to 2000 characters, got 0' },
      { path: ['input', 'media', '0', 'credit'], message: 'expected 1 to 500 characters, got 501' },
      {
        path: ['input', 'media', '0', 'licence', 'url'],
        message: 'expected an http(s) URL, got "not a url"',
      },
      {
        path: ['input', 'media', '0', 'takenOn'],
        message: 'expected 2006-07-15 to be the first day of its month (precision MONTH)',
      },
    ]);
    expect([await count('briefing'), await count('author'), await count('audit_log')]).toEqual(
      before,
    );
  });

  it('refuses a taken slug, an unknown author, a hidden source and a marking above clearance', async () => {
    const before = [await count('briefing'), await count('author'), await count('audit_log')];
    const taken = await mutate(CREATE, 'createBriefing', {
      input: { slug: SEED_BRIEFING_SLUG, title: 'Copy', body: 'Text.' },
    });
    expect(taken).toEqual({
      __typename: 'ConflictError',
      message: `slug "${SEED_BRIEFING_SLUG}" is already taken by briefing ${encodeGlobalId('Briefing', 1)}`,
      currentVersion: null,
    });

    const unknownAuthor = encodeGlobalId('Author', 999_999);
    const missing = await mutate(CREATE, 'createBriefing', {
      input: {
        slug: 'unknown-author',
        title: 'T',
        body: 'Text.',
        authors: [{ name: 'New person' }, { id: unknownAuthor }],
      },
    });
    expect(missing).toEqual({
      __typename: 'NotFoundError',
      entity: 'Author',
      reference: unknownAuthor,
      path: ['input', 'authors', '1', 'id'],
    });

    const secret = await insertSource(database.db, { marking: 'RED' });
    const hidden = await mutate(CREATE, 'createBriefing', {
      input: {
        slug: 'hidden-source',
        title: 'T',
        body: 'Text.',
        asSourceId: encodeGlobalId('Source', secret.id),
      },
    });
    expect(hidden).toMatchObject({ __typename: 'NotFoundError', path: ['input', 'asSourceId'] });

    const tooSecret = await mutate(CREATE, 'createBriefing', {
      input: { slug: 'too-secret', title: 'T', body: 'Text.', marking: 'RED' },
    });
    expect(tooSecret).toEqual({
      __typename: 'ForbiddenError',
      message: 'your key is cleared up to TLP:AMBER, not RED',
    });
    expect([await count('briefing'), await count('author'), await count('audit_log')]).toEqual(
      before,
    );
  });

  it('refuses analysts with a ForbiddenError and anonymous callers with HTTP 401', async () => {
    const input = { slug: 'analyst-try', title: 'T', body: 'Text.' };
    expect(await mutate(CREATE, 'createBriefing', { input }, analyst)).toEqual({
      __typename: 'ForbiddenError',
      message: 'your API key’s role does not allow this operation',
    });
    const anonymous = await graphql(app, CREATE, { input });
    expect(anonymous.status).toBe(401);
    expect(anonymous.errors?.[0]?.extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('returns the first result for a retried idempotency key: one row, one audit entry', async () => {
    const input = { slug: 'retried-briefing', title: 'Retried', body: 'Text.' };
    const first = await created(input, 'create-briefing-1');
    const again = await created(input, 'create-briefing-1');
    expect(again.id).toBe(first.id);
    const rows = await database.db
      .selectFrom('briefing')
      .select('id')
      .where('slug', '=', 'retried-briefing')
      .execute();
    expect(rows).toEqual([{ id: dbId(first.id) }]);
    expect((await auditOf(dbId(first.id))).map((a) => a.action)).toEqual(['briefing.create']);
  });
});

describe('updateBriefing', () => {
  it('changes only the given fields, clears with null, replaces lists, bumps the version', async () => {
    const briefing = await created({
      slug: 'partial-update',
      title: 'Before',
      summary: 'A summary.',
      body: 'Text.',
      tags: [{ name: 'old-tag', kind: 'TOPIC' }],
      authors: [{ name: 'Kept Author' }],
    });
    const payload = await mutate(UPDATE, 'updateBriefing', {
      id: briefing.id,
      version: 1,
      input: { title: ' After ', summary: null, tags: [{ name: 'new-tag', kind: 'REGION' }] },
    });
    expect(payload.briefing).toMatchObject({
      title: 'After',
      summary: null,
      body: 'Text.',
      version: 2,
      tags: [{ name: 'new-tag', kind: 'REGION' }],
      authors: [{ name: 'Kept Author' }],
    });
    const id = dbId(briefing.id);
    const row = await database.db
      .selectFrom('briefing')
      .select(['title', 'summary', 'version'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'After', summary: null, version: 2 });
    const tags = await database.db
      .selectFrom('briefing_tag')
      .select(['tag', 'kind'])
      .where('briefing_id', '=', id)
      .execute();
    expect(tags).toEqual([{ tag: 'new-tag', kind: 'REGION' }]);
    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual(['briefing.create', 'briefing.update']);
    expect(audit[1]).toMatchObject({
      before: { title: 'Before', summary: 'A summary.', version: 1, tags: [{ tag: 'old-tag' }] },
      after: { title: 'After', summary: null, version: 2, tags: [{ tag: 'new-tag' }] },
    });
  });

  it('refuses a stale version with the current one, null for a required field, an unknown id', async () => {
    const briefing = await created({ slug: 'stale-update', title: 'T', body: 'Text.' });
    const stale = await mutate(UPDATE, 'updateBriefing', {
      id: briefing.id,
      version: 7,
      input: { title: 'X' },
    });
    expect(stale).toEqual({
      __typename: 'ConflictError',
      message: `Briefing ${briefing.id} is at version 1, not 7: re-read it and retry`,
      currentVersion: 1,
    });
    const nulls = await mutate(UPDATE, 'updateBriefing', {
      id: briefing.id,
      version: 1,
      input: { title: null, body: null },
    });
    expect(nulls.issues).toEqual([
      {
        path: ['input', 'title'],
        message: 'expected a value, got null (this field cannot be cleared)',
      },
      {
        path: ['input', 'body'],
        message: 'expected a value, got null (this field cannot be cleared)',
      },
    ]);
    const unknown = encodeGlobalId('Briefing', 999_999);
    expect(
      await mutate(UPDATE, 'updateBriefing', { id: unknown, version: 1, input: { title: 'X' } }),
    ).toEqual({
      __typename: 'NotFoundError',
      entity: 'Briefing',
      reference: unknown,
      path: ['id'],
    });
    const row = await database.db
      .selectFrom('briefing')
      .select(['title', 'version'])
      .where('id', '=', dbId(briefing.id))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: 'T', version: 1 });
  });

  it('lets exactly one of several concurrent updates at the same version win', async () => {
    const briefing = await created({ slug: 'concurrent-update', title: 'T', body: 'Text.' });
    const results = await Promise.all(
      [1, 2, 3, 4, 5].map((n) =>
        mutate(UPDATE, 'updateBriefing', {
          id: briefing.id,
          version: 1,
          input: { title: `Writer ${n}` },
        }),
      ),
    );
    const wins = results.filter((r) => r.__typename === 'UpdateBriefingSuccess');
    const conflicts = results.filter((r) => r.__typename === 'ConflictError');
    expect(wins).toHaveLength(1);
    expect(conflicts).toHaveLength(4);
    expect(conflicts.map((c) => c.currentVersion)).toEqual([2, 2, 2, 2]);
    const row = await database.db
      .selectFrom('briefing')
      .select(['title', 'version'])
      .where('id', '=', dbId(briefing.id))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ title: wins[0]?.briefing?.title, version: 2 });
    expect((await auditOf(dbId(briefing.id))).map((a) => a.action)).toEqual([
      'briefing.create',
      'briefing.update',
    ]);
  });

  it('moves claim spans with a new body, and refuses a body that loses a quote', async () => {
    const briefing = await created({
      slug: 'moving-spans',
      title: 'T',
      body: 'Alpha said one thing. Beta said another. Gamma closed.',
    });
    const addClaim = (quote: string) =>
      mutate(ADD_CLAIM, 'addClaim', {
        briefingId: briefing.id,
        input: { statement: quote, predicate: 'said', quote },
      });
    const alpha = (await addClaim('Alpha said one thing.')).claim;
    const beta = (await addClaim('Beta said another.')).claim;
    const gamma = (await addClaim('Gamma closed.')).claim;
    expect([alpha?.span, beta?.span, gamma?.span]).toEqual([
      { start: 0, end: 21 },
      { start: 22, end: 40 },
      { start: 41, end: 54 },
    ]);

    // The edit sits between Alpha and Beta: Alpha stays, Beta and Gamma shift by 14 code points
    // (the flag is two of them, and four UTF-16 units).
    const newBody = 'Alpha said one thing. 🇻🇪 Meanwhile, Beta said another. Gamma closed.';
    const moved = await mutate(UPDATE, 'updateBriefing', {
      id: briefing.id,
      version: 1,
      input: { body: newBody },
    });
    expect(moved.__typename).toBe('UpdateBriefingSuccess');
    const claims = await database.db
      .selectFrom('claim')
      .select(['id', 'span_start', 'span_end', 'version'])
      .where('briefing_id', '=', dbId(briefing.id))
      .orderBy('position')
      .execute();
    expect(claims.map((c) => [c.span_start, c.span_end, c.version])).toEqual([
      [0, 21, 1],
      [36, 54, 2],
      [55, 68, 2],
    ]);
    expect([...newBody].slice(36, 54).join('')).toBe('Beta said another.');
    expect((await auditOf(dbId(beta?.id ?? ''), 'Claim')).map((a) => a.action)).toEqual([
      'claim.create',
      'claim.reanchor',
    ]);

    const lost = await mutate(UPDATE, 'updateBriefing', {
      id: briefing.id,
      version: 2,
      input: { body: 'Alpha said one thing. Gamma closed. Gamma closed. The end', title: '' },
    });
    expect(lost.issues).toEqual([
      { path: ['input', 'title'], message: 'expected 1 to 300 characters, got 0' },
      {
        path: ['input', 'body'],
        message: `expected the body to keep the quote of claim ${beta?.id} ("Beta said another.") exactly once, found it nowhere`,
      },
      {
        path: ['input', 'body'],
        message: `expected the body to keep the quote of claim ${gamma?.id} ("Gamma closed.") exactly once, found it 2 times`,
      },
    ]);
    const row = await database.db
      .selectFrom('briefing')
      .select(['body', 'version'])
      .where('id', '=', dbId(briefing.id))
      .executeTakeFirstOrThrow();
    expect(row).toEqual({ body: newBody, version: 2 });
  });

  it('rolls back list changes when the database refuses a later step', async () => {
    const briefing = await created({
      slug: 'rollback-lists',
      title: 'T',
      body: 'Text.',
      tags: [{ name: 'kept', kind: 'TOPIC' }],
    });
    // Only the database can refuse this: a trigger standing for a constraint validation misses.
    await sql`create function refuse_media() returns trigger language plpgsql as $$
      begin raise exception 'media refused' using errcode = 'check_violation'; end $$`.execute(
      database.db,
    );
    await sql`create trigger refuse_media before insert on media
      for each row execute function refuse_media()`.execute(database.db);
    try {
      const before = [await count('briefing_tag'), await count('media'), await count('audit_log')];
      const payload = await mutate(UPDATE, 'updateBriefing', {
        id: briefing.id,
        version: 1,
        input: {
          title: 'Changed',
          tags: [{ name: 'replaced', kind: 'TOPIC' }],
          media: [{ kind: 'MAP', caption: 'Map', credit: 'Us', licence: { name: 'CC0' } }],
        },
      });
      expect(payload).toMatchObject({
        __typename: 'ValidationError',
        issues: [
          { path: ['input'], message: 'expected values the database accepts, got one it refuses' },
        ],
      });
      expect([await count('briefing_tag'), await count('media'), await count('audit_log')]).toEqual(
        before,
      );
      const tags = await database.db
        .selectFrom('briefing_tag')
        .select('tag')
        .where('briefing_id', '=', dbId(briefing.id))
        .execute();
      expect(tags).toEqual([{ tag: 'kept' }]);
      const row = await database.db
        .selectFrom('briefing')
        .select(['title', 'version'])
        .where('id', '=', dbId(briefing.id))
        .executeTakeFirstOrThrow();
      expect(row).toEqual({ title: 'T', version: 1 });
    } finally {
      await sql`drop trigger refuse_media on media`.execute(database.db);
      await sql`drop function refuse_media()`.execute(database.db);
    }
  });
});

describe('transitionBriefing', () => {
  const move = (id: string, version: number, to: string, reason?: string) =>
    mutate<Briefing>(TRANSITION, 'transitionBriefing', { id, version, to, reason });

  it('allows exactly the workflow’s moves, stamps publication and retraction', async () => {
    const briefing = await created({ slug: 'workflow', title: 'T', body: 'Text.' });
    const id = dbId(briefing.id);
    const illegal = async (version: number, from: string, to: string, allowed: string) =>
      expect(
        await move(briefing.id, version, to, to === 'RETRACTED' ? 'A reason' : undefined),
      ).toEqual({
        __typename: 'ValidationError',
        message: `expected a move allowed from ${from} (${allowed}), got ${from} → ${to}`,
        issues: [
          {
            path: ['to'],
            message: `expected a move allowed from ${from} (${allowed}), got ${from} → ${to}`,
          },
        ],
      });

    await illegal(1, 'DRAFT', 'PUBLISHED', 'to IN_REVIEW');
    await illegal(1, 'DRAFT', 'DRAFT', 'to IN_REVIEW');
    expect((await move(briefing.id, 1, 'IN_REVIEW')).briefing).toMatchObject({
      status: 'IN_REVIEW',
      version: 2,
      publishedAt: null,
    });
    await illegal(2, 'IN_REVIEW', 'RETRACTED', 'to DRAFT or PUBLISHED');
    expect((await move(briefing.id, 2, 'DRAFT')).briefing).toMatchObject({
      status: 'DRAFT',
      version: 3,
    });
    expect((await move(briefing.id, 3, 'IN_REVIEW')).briefing?.status).toBe('IN_REVIEW');
    const published = (await move(briefing.id, 4, 'PUBLISHED')).briefing;
    expect(published).toMatchObject({ status: 'PUBLISHED', version: 5, retractedAt: null });
    expect(published?.publishedAt).toEqual(expect.any(String));
    await illegal(5, 'PUBLISHED', 'DRAFT', 'to RETRACTED');

    expect(await move(briefing.id, 5, 'RETRACTED')).toMatchObject({
      __typename: 'ValidationError',
      issues: [{ path: ['reason'], message: 'expected a reason to retract a briefing' }],
    });
    const retracted = (await move(briefing.id, 5, 'RETRACTED', ' Sources withdrawn. ')).briefing;
    expect(retracted).toMatchObject({
      status: 'RETRACTED',
      version: 6,
      publishedAt: published?.publishedAt,
      retractionReason: 'Sources withdrawn.',
    });
    await illegal(6, 'RETRACTED', 'PUBLISHED', 'none: it is final');

    const row = await database.db
      .selectFrom('briefing')
      .select(['status', 'version', 'published_at', 'retracted_at', 'retraction_reason'])
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
    expect(row).toMatchObject({
      status: 'RETRACTED',
      version: 6,
      published_at: expect.any(Date),
      retracted_at: expect.any(Date),
      retraction_reason: 'Sources withdrawn.',
    });
    const audit = await auditOf(id);
    expect(audit.map((a) => a.action)).toEqual([
      'briefing.create',
      ...Array<string>(5).fill('briefing.transition'),
    ]);
    expect(audit[5]).toMatchObject({
      before: { status: 'PUBLISHED', version: 5 },
      after: { status: 'RETRACTED', version: 6, retraction_reason: 'Sources withdrawn.' },
    });

    // A retraction keeps the record: no more edits.
    expect(
      await mutate(UPDATE, 'updateBriefing', {
        id: briefing.id,
        version: 6,
        input: { title: 'X' },
      }),
    ).toEqual({
      __typename: 'ConflictError',
      message: `briefing ${briefing.id} is RETRACTED: it and its claims are kept as they were`,
      currentVersion: null,
    });
  });

  it('refuses a reason or a publication date where they do not belong, and a stale version', async () => {
    const briefing = await created({ slug: 'workflow-errors', title: 'T', body: 'Text.' });
    const early = await mutate(TRANSITION, 'transitionBriefing', {
      id: briefing.id,
      version: 1,
      to: 'IN_REVIEW',
      reason: 'Ready',
      at: '2025-11-01T00:00:00Z',
    });
    expect(early.issues).toEqual([
      {
        path: ['reason'],
        message: 'expected no reason: only a retraction records one, not IN_REVIEW',
      },
      {
        path: ['publishedAt'],
        message: 'expected no publishedAt: only a publication records one, not IN_REVIEW',
      },
    ]);
    expect(await move(briefing.id, 3, 'IN_REVIEW')).toEqual({
      __typename: 'ConflictError',
      message: `Briefing ${briefing.id} is at version 1, not 3: re-read it and retry`,
      currentVersion: 1,
    });
    expect(await move(briefing.id, 1, 'IN_REVIEW')).toMatchObject({
      briefing: { status: 'IN_REVIEW', version: 2 },
    });
    const future = await mutate(TRANSITION, 'transitionBriefing', {
      id: briefing.id,
      version: 2,
      to: 'PUBLISHED',
      at: '2999-01-01T00:00:00Z',
    });
    expect(future.issues).toEqual([
      {
        path: ['publishedAt'],
        message: 'expected an instant in the past, got 2999-01-01T00:00:00.000Z',
      },
    ]);
    // An article that appeared elsewhere first keeps its original date.
    const backdated = await mutate(TRANSITION, 'transitionBriefing', {
      id: briefing.id,
      version: 2,
      to: 'PUBLISHED',
      at: '2025-11-01T00:00:00Z',
    });
    expect(backdated.briefing).toMatchObject({
      status: 'PUBLISHED',
      version: 3,
      publishedAt: '2025-11-01T00:00:00.000Z',
    });
  });
});

describe('the issue: an editor builds a briefing like the seed one entirely through the API', () => {
  const READ = /* GraphQL */ `
    query ($slug: Slug!) {
      briefing(slug: $slug) {
        slug
        title
        summary
        body
        status
        language
        marking
        publishedAt
        tags {
          name
          kind
        }
        authors {
          name
          bio
        }
        media {
          kind
          position
          url
          caption
          credit
          licence {
            name
            url
          }
          takenOn {
            date
            precision
          }
        }
        asSource {
          title
          kind
          reliability
          derivationChain {
            title
          }
        }
        claims(first: 100) {
          totalCount
          edges {
            node {
              position
              kind
              statement
              quote
              span {
                start
                end
              }
              subject {
                name
              }
              predicate
              objects {
                name
              }
              participants {
                role
                note
                actor {
                  name
                }
              }
              quantities {
                role
                label
                kind
                value
                min
                max
                unit
                currency
                wording
                qualifier
                text
              }
              validTime {
                from {
                  date
                  precision
                }
                fromBound
                to {
                  date
                  precision
                }
                toBound
                note
              }
              dates {
                role
                label
                bound
                date {
                  date
                  precision
                }
                note
              }
              likelihood
              likelihoodRange {
                from
                to
              }
              confidence
              status
              marking
              citations(first: 100) {
                totalCount
                edges {
                  node {
                    role
                    position
                    locator
                    quote
                    credibility
                    source {
                      title
                      kind
                      publisher
                      url
                      publishedAt
                      publishedOn {
                        date
                        precision
                      }
                      reliability
                      description
                      derivationChain {
                        title
                      }
                      actors {
                        role
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
        sources(first: 100) {
          totalCount
          edges {
            node {
              title
            }
          }
        }
        actors(first: 100) {
          totalCount
          edges {
            node {
              name
              kind
              country
              description
              aliases {
                name
                language
              }
            }
          }
        }
      }
    }
  `;

  it('reads back exactly as the seeded briefing does', async () => {
    const empty = await createTestDatabase({ seed: false });
    try {
      const emptyApp = createTestApp(empty);
      const desk = bearer(await createKey(empty, 'editor', { clearance: 'RED' }));
      const call = async (text: string, field: string, variables: Record<string, unknown>) => {
        const result = await graphql<Record<string, Record<string, { id: string } | string>>>(
          emptyApp,
          text,
          variables,
          desk,
        );
        const payload = result.data?.[field];
        const record = Object.values(payload ?? {}).find((v) => typeof v === 'object');
        if (!record || typeof record !== 'object')
          throw new Error(`${field} failed: ${JSON.stringify(result)}`);
        return record.id;
      };

      // Actors first: sources name some of them.
      const actorIds = new Map<string, string>();
      for (const actor of seed.actors) {
        const id = await call(
          `mutation ($input: CreateActorInput!) { createActor(input: $input) {
             ... on CreateActorSuccess { actor { id } } } }`,
          'createActor',
          {
            input: {
              kind: actor.kind,
              name: actor.name,
              aliases: (actor.aliases ?? []).map((a) => ({ name: a.alias, language: a.language })),
              country: actor.country,
              wikidataQid: actor.wikidataQid,
              description: actor.description,
              marking: actor.marking,
            },
          },
        );
        actorIds.set(actor.key, id);
      }
      const sourceIds = new Map<string, string>();
      for (const source of seed.sources) {
        const derivedFromId = source.derivedFrom ? sourceIds.get(source.derivedFrom) : null;
        const id = await call(
          `mutation ($input: CreateSourceInput!) { createSource(input: $input) {
             ... on CreateSourceSuccess { source { id } } } }`,
          'createSource',
          {
            input: {
              kind: source.kind,
              title: source.title,
              publisher: source.publisher,
              url: source.url,
              ...(source.publishedPrecision && source.publishedAt
                ? {
                    publishedOn: {
                      date: source.publishedAt.slice(0, 10),
                      precision: source.publishedPrecision,
                    },
                  }
                : { publishedAt: source.publishedAt }),
              accessedAt: source.accessedAt ?? null,
              reliability: source.reliability,
              derivedFromId,
              description: source.description,
              marking: source.marking,
              actors: (source.actors ?? []).map(({ actor, role }) => ({
                actorId: actorIds.get(actor),
                role,
              })),
            },
          },
        );
        sourceIds.set(source.key, id);
      }
      const { briefing } = seed;
      const briefingId = await call(
        `mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) {
           ... on CreateBriefingSuccess { briefing { id } } } }`,
        'createBriefing',
        {
          input: {
            slug: briefing.slug,
            title: briefing.title,
            summary: briefing.summary,
            body: briefing.body,
            language: briefing.language,
            marking: briefing.marking,
            tags: briefing.tags.map(({ tag, kind }) => ({ name: tag, kind })),
            authors: briefing.authors,
            media: briefing.media,
            asSourceId: sourceIds.get(briefing.source),
          },
        },
      );
      const lookUp = (ids: Map<string, string>, key: string) => {
        const id = ids.get(key);
        if (!id) throw new Error(`no id for ${key}`);
        return id;
      };
      for (const claim of seed.claims) {
        await call(
          `mutation ($briefingId: ID!, $input: AddClaimInput!) {
             addClaim(briefingId: $briefingId, input: $input) {
               ... on AddClaimSuccess { claim { id } } } }`,
          'addClaim',
          {
            briefingId,
            input: {
              statement: claim.statement,
              kind: claim.kind,
              quote: claim.quote,
              subjectId: claim.subject && lookUp(actorIds, claim.subject),
              predicate: claim.predicate,
              objectIds: claim.objects.map((key) => lookUp(actorIds, key)),
              quantities: claim.quantities ?? [],
              validTime: claim.validTime ?? null,
              dates: claim.dates ?? [],
              likelihood: claim.likelihood,
              likelihoodTo: claim.likelihoodTo ?? null,
              confidence: claim.confidence,
              status: claim.status,
              marking: claim.marking,
              participants: (claim.participants ?? []).map((p) => ({
                actorId: lookUp(actorIds, p.actor),
                role: p.role,
                note: p.note,
              })),
              citations: claim.citations.map((c) => ({
                sourceId: lookUp(sourceIds, c.source),
                role: c.role,
                locator: c.locator,
                quote: c.quote,
                credibility: c.credibility,
              })),
            },
          },
        );
      }
      const transition = `mutation ($id: ID!, $version: Int!, $to: BriefingStatus!, $at: DateTime) {
        transitionBriefing(id: $id, expectedVersion: $version, to: $to, publishedAt: $at) {
          ... on TransitionBriefingSuccess { briefing { id } } } }`;
      await call(transition, 'transitionBriefing', { id: briefingId, version: 1, to: 'IN_REVIEW' });
      await call(transition, 'transitionBriefing', {
        id: briefingId,
        version: 2,
        to: 'PUBLISHED',
        at: briefing.publishedAt,
      });

      const built = await graphql(emptyApp, READ, { slug: briefing.slug });
      const seeded = await graphql(app, READ, { slug: SEED_BRIEFING_SLUG });
      expect(built.errors).toBeUndefined();
      expect(seeded.data?.briefing).toMatchObject({ claims: { totalCount: seed.claims.length } });
      expect(built.data).toEqual(seeded.data);
    } finally {
      await empty.close();
    }
  });
});
