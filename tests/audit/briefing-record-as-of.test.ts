import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId, requireIdOf } from '../../src/common/global-id.js';
import { findBriefingRecordAsOf } from '../../src/audit/briefing-record.repository.js';
import { migrateToLatest } from '../../src/db/migrate.js';
import { ANONYMOUS_VISIBILITY } from '../../src/db/visibility.js';
import { createLogger } from '../../src/logger.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import { venezuelaBriefing } from '../../src/seed/venezuela-briefing.js';
import { createApp, type App } from '../../src/yoga.js';
import { insertActor, insertSource } from '../factories/records.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { afterLastWrite, writeAs } from '../helpers/as-of.js';
import { graphql } from '../helpers/graphql.js';
import { migrateDownThrough } from '../helpers/migrations.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// `briefing(slug:, asOf:) { recordAsOf }`: the briefing's claims (quantities, dated qualifiers,
// likelihood range, participants) and cited sources (actor links) as the audit log had them.
// Each change below is read back before and after, at instants taken from the log itself.

let database: TestDatabase;
let app: App;
let editor: Record<string, string>;

/** A published briefing of this file's own, written through the API: its record starts empty. */
const SLUG = 'record-as-of-briefing';

beforeAll(async () => {
  database = await createTestDatabase();
  app = createApp({ db: database.db, logger: createLogger('silent') });
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  const created = await write(
    `mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) { __typename
        ... on CreateBriefingSuccess { briefing { id version } } } }`,
    { input: { slug: SLUG, title: 'Record as of', body: 'A briefing for the as-of record.' } },
  );
  let version = created.version;
  for (const to of ['IN_REVIEW', 'PUBLISHED']) {
    ({ version } = await write(
      `mutation ($id: ID!, $v: Int!, $to: BriefingStatus!) {
        transitionBriefing(id: $id, expectedVersion: $v, to: $to) { __typename
          ... on TransitionBriefingSuccess { briefing { id version } } } }`,
      { id: created.id, v: version, to },
    ));
  }
});
afterAll(() => database.close());

const gid = (type: string, id: number) => encodeGlobalId(type, id);

const afterLastWriteHere = () => afterLastWrite(database.db);
const write = (document: string, variables: Record<string, unknown>) =>
  writeAs(app, editor, document, variables);

const ADD_CLAIM = `mutation ($b: ID!, $input: AddClaimInput!) { addClaim(briefingId: $b, input: $input) {
  __typename ... on AddClaimSuccess { claim { id version } } } }`;
const CREATE_SOURCE = `mutation ($input: CreateSourceInput!) { createSource(input: $input) {
  __typename ... on CreateSourceSuccess { source { id version } } } }`;

/** The briefing this file's claims are written into. */
const writtenBriefing = () =>
  database.db
    .selectFrom('briefing')
    .select('id')
    .where('slug', '=', SLUG)
    .executeTakeFirstOrThrow();

const RECORD = `query ($at: DateTime!) {
  briefing(slug: "${SLUG}", asOf: $at) {
    recordAsOf {
      claims { totalCount edges { node {
        version statement
        validTime { from { date precision } fromBound to { date precision } toBound note }
        likelihoodRange { from to }
        quantities { role kind qualifier value unit currency text }
        dates { role bound date { date precision } }
        participants { role note actor { name } }
      } } }
      sources { totalCount edges { node { version title actors { role actor { name } } } } }
    }
  }
}`;

interface RecordShape {
  claims: { totalCount: number; edges: { node: unknown }[] };
  sources: { totalCount: number; edges: { node: unknown }[] };
}

async function recordAt(at: string, headers = editor) {
  const result = await graphql<{ briefing: { recordAsOf: RecordShape } | null }>(
    app,
    RECORD,
    { at },
    headers,
  );
  expect(result.errors).toBeUndefined();
  const record = result.data?.briefing?.recordAsOf;
  return record
    ? {
        claims: record.claims.edges.map((e) => e.node),
        sources: record.sources.edges.map((e) => e.node),
      }
    : null;
}

const RECORD_STATEMENTS = 9;

const CLAIM_THEN = {
  version: 1,
  statement: 'The state ordered 24 aircraft.',
  validTime: {
    from: { date: '2006-01-01', precision: 'YEAR' },
    fromBound: 'KNOWN',
    to: null,
    toBound: 'OPEN',
    note: null,
  },
  likelihoodRange: { from: 'LIKELY', to: 'VERY_LIKELY' },
  quantities: [
    {
      role: 'ORDERED',
      kind: 'COUNT',
      qualifier: 'EXACT',
      value: 24,
      unit: 'aircraft',
      currency: null,
      text: '24 aircraft',
    },
  ],
  dates: [{ role: 'CONTRACTED', bound: 'KNOWN', date: { date: '2006-07-01', precision: 'MONTH' } }],
  participants: [{ role: 'EQUIPMENT', note: null, actor: { name: 'Record radar' } }],
};

describe('Briefing.recordAsOf', () => {
  it('rebuilds quantities, participants and source links at each instant, exactly', async () => {
    const official = await insertActor(database.db, { kind: 'PERSON', name: 'Record official' });
    const outlet = await insertActor(database.db, { name: 'Record outlet' });
    const radar = await insertActor(database.db, { kind: 'EQUIPMENT', name: 'Record radar' });
    const base = await insertActor(database.db, { kind: 'PLACE', name: 'Record base' });
    const briefing = await writtenBriefing();
    const beforeAll = await afterLastWriteHere();

    const source = await write(CREATE_SOURCE, {
      input: {
        kind: 'STATEMENT',
        title: 'Record interview',
        actors: [{ actorId: gid('Actor', official.id), role: 'SPEAKER' }],
      },
    });
    const t0 = await afterLastWriteHere();

    const claim = await write(ADD_CLAIM, {
      b: gid('Briefing', briefing.id),
      input: {
        statement: 'The state ordered 24 aircraft.',
        predicate: 'ordered',
        validTime: { from: { date: '2006-01-01', precision: 'YEAR' }, toBound: 'OPEN' },
        quantities: [{ role: 'ORDERED', qualifier: 'EXACT', value: 24, unit: 'aircraft' }],
        dates: [{ role: 'CONTRACTED', date: { date: '2006-07-01', precision: 'MONTH' } }],
        likelihood: 'LIKELY',
        likelihoodTo: 'VERY_LIKELY',
        participants: [{ actorId: gid('Actor', radar.id), role: 'EQUIPMENT' }],
        citations: [{ sourceId: source.id, role: 'ORIGIN' }],
      },
    });
    const t1 = await afterLastWriteHere();

    await write(
      `mutation ($id: ID!, $input: UpdateClaimInput!) {
        updateClaim(id: $id, expectedVersion: 1, input: $input) { __typename } }`,
      {
        id: claim.id,
        input: {
          validTime: {
            from: { date: '2006-01-01', precision: 'YEAR' },
            to: { date: '2008-01-01', precision: 'YEAR' },
            toBound: 'NOT_AFTER',
            note: 'by 2008',
          },
          quantities: [
            {
              role: 'VALUE',
              kind: 'MONEY',
              qualifier: 'APPROXIMATE',
              value: 1500000000,
              currency: 'USD',
            },
          ],
        },
      },
    );
    const t2 = await afterLastWriteHere();

    await write(
      `mutation ($id: ID!, $p: [ParticipantInput!]!) {
        setClaimParticipants(id: $id, expectedVersion: 2, participants: $p) { __typename } }`,
      {
        id: claim.id,
        p: [
          { actorId: gid('Actor', radar.id), role: 'EQUIPMENT' },
          { actorId: gid('Actor', base.id), role: 'LOCATION', note: 'delivered here' },
        ],
      },
    );
    const t3 = await afterLastWriteHere();

    await write(
      `mutation ($id: ID!, $input: UpdateSourceInput!) {
        updateSource(id: $id, expectedVersion: 1, input: $input) { __typename } }`,
      {
        id: source.id,
        input: {
          actors: [
            { actorId: gid('Actor', outlet.id), role: 'PUBLISHER' },
            { actorId: gid('Actor', official.id), role: 'SUBJECT' },
          ],
        },
      },
    );
    const t4 = await afterLastWriteHere();

    // Published without claims: nothing hangs off it yet.
    expect(await recordAt(beforeAll)).toEqual({ claims: [], sources: [] });
    // A source no claim cites yet is not the briefing's.
    expect(await recordAt(t0)).toEqual({ claims: [], sources: [] });
    const sourceThen = {
      version: 1,
      title: 'Record interview',
      actors: [{ role: 'SPEAKER', actor: { name: 'Record official' } }],
    };
    expect(await recordAt(t1)).toEqual({ claims: [CLAIM_THEN], sources: [sourceThen] });
    const valued = {
      ...CLAIM_THEN,
      version: 2,
      validTime: {
        from: { date: '2006-01-01', precision: 'YEAR' },
        fromBound: 'KNOWN',
        to: { date: '2008-01-01', precision: 'YEAR' },
        toBound: 'NOT_AFTER',
        note: 'by 2008',
      },
      quantities: [
        {
          role: 'VALUE',
          kind: 'MONEY',
          qualifier: 'APPROXIMATE',
          value: 1500000000,
          unit: null,
          currency: 'USD',
          text: 'USD ~1,500,000,000',
        },
      ],
    };
    expect(await recordAt(t2)).toEqual({ claims: [valued], sources: [sourceThen] });
    const placed = {
      ...valued,
      version: 3,
      participants: [
        { role: 'EQUIPMENT', note: null, actor: { name: 'Record radar' } },
        { role: 'LOCATION', note: 'delivered here', actor: { name: 'Record base' } },
      ],
    };
    expect(await recordAt(t3)).toEqual({ claims: [placed], sources: [sourceThen] });
    expect(await recordAt(t4)).toEqual({
      claims: [placed],
      sources: [
        {
          version: 2,
          title: 'Record interview',
          actors: [
            { role: 'PUBLISHER', actor: { name: 'Record outlet' } },
            { role: 'SUBJECT', actor: { name: 'Record official' } },
          ],
        },
      ],
    });

    // Anonymous callers see the same: the claim and source came out with the published briefing.
    expect(await recordAt(t4, {})).toEqual(await recordAt(t4));

    // Read without asOf, there is no record; the briefing's own fields are today's.
    const current = await graphql<{ briefing: { recordAsOf: unknown } }>(
      app,
      `{ briefing(slug: "${SLUG}") { recordAsOf { at } } }`,
      undefined,
      editor,
    );
    expect(current.data?.briefing.recordAsOf).toBeNull();

    // A fixed number of statements, whatever the number of claims and sources: the key, the
    // briefing, its snapshot, the claims' and sources' entries, which of them are hidden now,
    // the actors still visible, and the participants' actors for the answer.
    database.statements.reset();
    await recordAt(t4);
    expect(database.statements.sql).toHaveLength(RECORD_STATEMENTS);

    // Pages in the order then, with cursors.
    const paged = await graphql<{
      briefing: { recordAsOf: { claims: { edges: unknown[]; pageInfo: unknown } } };
    }>(
      app,
      `query ($at: DateTime!) { briefing(slug: "${SLUG}", asOf: $at) {
        recordAsOf { at claims(first: 0) { edges { cursor } pageInfo { hasNextPage } } } } }`,
      { at: t4 },
      editor,
    );
    expect(paged.data?.briefing.recordAsOf.claims).toEqual({
      edges: [],
      pageInfo: { hasNextPage: true },
    });
  });

  it('shows nothing the caller may not see now', async () => {
    const secret = await insertActor(database.db, { kind: 'EQUIPMENT', name: 'Later secret' });
    const visible = await insertActor(database.db, { kind: 'EQUIPMENT', name: 'Still visible' });
    const briefing = await writtenBriefing();
    const addClaim = `mutation ($b: ID!, $input: AddClaimInput!) { addClaim(briefingId: $b, input: $input) {
      __typename ... on AddClaimSuccess { claim { id } } } }`;
    await write(addClaim, {
      b: gid('Briefing', briefing.id),
      input: {
        statement: 'An amber claim.',
        predicate: 'noted',
        marking: 'AMBER',
        participants: [{ actorId: gid('Actor', visible.id), role: 'EQUIPMENT' }],
      },
    });
    await write(addClaim, {
      b: gid('Briefing', briefing.id),
      input: {
        statement: 'A clear claim.',
        predicate: 'noted',
        participants: [
          { actorId: gid('Actor', secret.id), role: 'EQUIPMENT' },
          { actorId: gid('Actor', visible.id), role: 'OPERATOR' },
        ],
      },
    });
    const at = await afterLastWriteHere();
    // The actor is raised above what anonymous callers and this editor may see, after the fact.
    await database.db
      .updateTable('actor')
      .set({ marking: 'RED' })
      .where('id', '=', secret.id)
      .execute();

    const statements = (record: Awaited<ReturnType<typeof recordAt>>) =>
      (record?.claims ?? []).map((c) => {
        const claim = c as { statement: string; participants: { role: string }[] };
        return [claim.statement, claim.participants.map((p) => p.role)];
      });
    database.statements.reset();
    const forEditor = await recordAt(at);
    // Three claims now, as many statements as for one.
    expect(database.statements.sql).toHaveLength(RECORD_STATEMENTS);
    expect(statements(forEditor).slice(-2)).toEqual([
      ['An amber claim.', ['EQUIPMENT']],
      ['A clear claim.', ['OPERATOR']],
    ]);
    // Pages in the order then: two, then the rest after the second's cursor.
    const PAGE = `query ($at: DateTime!, $after: String) {
      briefing(slug: "${SLUG}", asOf: $at) { recordAsOf { claims(first: 2, after: $after) {
        totalCount edges { node { statement } } pageInfo { hasNextPage endCursor } } } } }`;
    type PageShape = {
      briefing: {
        recordAsOf: {
          claims: {
            totalCount: number;
            edges: { node: { statement: string } }[];
            pageInfo: { hasNextPage: boolean; endCursor: string };
          };
        };
      };
    };
    const first = await graphql<PageShape>(app, PAGE, { at }, editor);
    const firstPage = first.data?.briefing.recordAsOf.claims;
    expect(firstPage?.edges.map((e) => e.node.statement)).toEqual([
      'The state ordered 24 aircraft.',
      'An amber claim.',
    ]);
    expect(firstPage?.totalCount).toBe(3);
    expect(firstPage?.pageInfo.hasNextPage).toBe(true);
    const second = await graphql<PageShape>(
      app,
      PAGE,
      { at, after: firstPage?.pageInfo.endCursor },
      editor,
    );
    expect(second.data?.briefing.recordAsOf.claims.edges.map((e) => e.node.statement)).toEqual([
      'A clear claim.',
    ]);
    expect(second.data?.briefing.recordAsOf.claims.pageInfo.hasNextPage).toBe(false);
    const anonymous = await recordAt(at, {});
    expect(statements(anonymous).filter(([s]) => s !== 'The state ordered 24 aircraft.')).toEqual([
      ['A clear claim.', ['OPERATOR']],
    ]);
  });

  it('keeps out a claim raised above your clearance later, even once removed', async () => {
    const briefing = await writtenBriefing();
    const claim = await write(ADD_CLAIM, {
      b: gid('Briefing', briefing.id),
      input: { statement: 'Raised later.', predicate: 'noted' },
    });
    const clearThen = await afterLastWriteHere();
    await write(
      `mutation ($id: ID!) { updateClaim(id: $id, expectedVersion: 1, input: { marking: AMBER }) {
        __typename ... on UpdateClaimSuccess { claim { id version } } } }`,
      { id: claim.id },
    );
    await write(
      `mutation ($id: ID!) { removeClaim(id: $id, expectedVersion: 2) {
        __typename ... on RemoveClaimSuccess { briefing { id version } } } }`,
      { id: claim.id },
    );
    const removed = await afterLastWriteHere();

    const statements = (record: Awaited<ReturnType<typeof recordAt>>) =>
      (record?.claims ?? []).map((c) => (c as { statement: string }).statement);
    expect(statements(await recordAt(clearThen))).toContain('Raised later.');
    expect(statements(await recordAt(removed))).not.toContain('Raised later.');
    // Anonymous callers never saw it AMBER, but its last marking is beyond them.
    expect(statements(await recordAt(clearThen, {}))).toEqual([
      'The state ordered 24 aircraft.',
      'A clear claim.',
    ]);
  });

  it('shows a source to a caller under embargo from its release on', async () => {
    const draft = await write(
      `mutation ($input: CreateBriefingInput!) { createBriefing(input: $input) { __typename
          ... on CreateBriefingSuccess { briefing { id version } } } }`,
      { input: { slug: 'record-as-of-embargo', title: 'Embargo as of', body: 'Not out yet.' } },
    );
    const source = await write(CREATE_SOURCE, {
      input: { kind: 'STATEMENT', title: 'Embargoed interview' },
    });
    await write(ADD_CLAIM, {
      b: draft.id,
      input: {
        statement: 'Cited before publication.',
        predicate: 'noted',
        citations: [{ sourceId: source.id, role: 'ORIGIN' }],
      },
    });
    const embargoed = await afterLastWriteHere();
    const briefingId = requireIdOf(draft.id, 'Briefing', 'id');
    const sourceId = requireIdOf(source.id, 'Source', 'id');
    let { version } = await database.db
      .selectFrom('briefing')
      .select('version')
      .where('id', '=', briefingId)
      .executeTakeFirstOrThrow();
    for (const to of ['IN_REVIEW', 'PUBLISHED']) {
      ({ version } = await write(
        `mutation ($id: ID!, $v: Int!, $to: BriefingStatus!) {
          transitionBriefing(id: $id, expectedVersion: $v, to: $to) { __typename
            ... on TransitionBriefingSuccess { briefing { id version } } } }`,
        { id: draft.id, v: version, to },
      ));
    }
    const released = await afterLastWriteHere();

    const EMBARGO_RECORD = `query ($at: DateTime!) {
      briefing(slug: "record-as-of-embargo", asOf: $at) { recordAsOf {
        claims { edges { node { statement } } } sources { edges { node { title } } } } } }`;
    type EmbargoShape = {
      briefing: {
        recordAsOf: {
          claims: { edges: { node: unknown }[] };
          sources: { edges: { node: unknown }[] };
        };
      } | null;
    };
    const recordThen = async (at: string, headers: Record<string, string>) => {
      database.statements.reset();
      const result = await graphql<EmbargoShape>(app, EMBARGO_RECORD, { at }, headers);
      expect(result.errors).toBeUndefined();
      const record = result.data?.briefing?.recordAsOf;
      return {
        claims: record?.claims.edges.map((e) => e.node) ?? null,
        sources: record?.sources.edges.map((e) => e.node) ?? null,
        statements: database.statements.sql.length,
      };
    };
    const claims = [{ statement: 'Cited before publication.' }];
    const sources = [{ title: 'Embargoed interview' }];
    // The briefing then (two statements) and its record (four: no actor to look up); an
    // editor's key is one more. Judging the source's embargo then adds none.
    const [ANONYMOUS_READ, EDITOR_READ] = [6, 7];
    // A draft then, so no record at all for an anonymous reader; from its publication on, the
    // source it released with it.
    expect(await recordThen(embargoed, {})).toEqual({
      claims: null,
      sources: null,
      statements: 2,
    });
    expect(await recordThen(released, {})).toEqual({
      claims,
      sources,
      statements: ANONYMOUS_READ,
    });
    expect(await recordThen(embargoed, editor)).toEqual({
      claims,
      sources,
      statements: EDITOR_READ,
    });
    expect(await recordThen(released, editor)).toEqual({
      claims,
      sources,
      statements: EDITOR_READ,
    });

    // The record itself judges the source's embargo as it stood: the claim already cited it
    // before the publication (the briefing's own state then keeps the API from asking). Four
    // statements, the fifth being for actors, of which there are none.
    const titles = async (at: string) => {
      database.statements.reset();
      const record = await findBriefingRecordAsOf(
        database.db,
        ANONYMOUS_VISIBILITY,
        briefingId,
        new Date(at),
      );
      return {
        claims: record.claims.map((c) => c.statement),
        sources: record.sources.map((s) => s.title),
        statements: database.statements.sql.length,
      };
    };
    expect(await titles(embargoed)).toEqual({
      claims: ['Cited before publication.'],
      sources: [],
      statements: 4,
    });
    expect(await titles(released)).toEqual({
      claims: ['Cited before publication.'],
      sources: ['Embargoed interview'],
      statements: 4,
    });

    // Released by the publication, which the database logged for the source itself.
    const entries = await database.db
      .selectFrom('audit_log')
      .select(['actor_name', 'action', 'after'])
      .where('entity_type', '=', 'Source')
      .where('entity_id', '=', sourceId)
      .orderBy('id')
      .execute();
    expect(entries.map((e) => [e.actor_name, e.action])).toEqual([
      ['Desk', 'source.create'],
      ['embargo', 'source.release'],
    ]);
    expect(entries[1]?.after).toEqual({ released_to: 'CLEAR' });
  });

  it('holds the seed briefing’s claims and sources as the seed loaded them', async () => {
    const result = await graphql<{
      briefing: {
        recordAsOf: {
          claims: { totalCount: number; edges: { node: { version: number; statement: string } }[] };
          sources: { totalCount: number; edges: { node: { title: string } }[] };
        };
      };
    }>(
      app,
      `query ($at: DateTime!) { briefing(slug: "${SEED_BRIEFING_SLUG}", asOf: $at) { recordAsOf {
        claims(first: 100) { totalCount edges { node { version statement } } }
        sources(first: 100) { totalCount edges { node { title } } } } } }`,
      { at: new Date().toISOString() },
      editor,
    );
    expect(result.errors).toBeUndefined();
    const record = result.data?.briefing.recordAsOf;
    expect(record?.claims.edges.map((e) => e.node)).toEqual(
      venezuelaBriefing.claims.map((claim) => ({ version: 1, statement: claim.statement })),
    );
    const cited = new Set(
      venezuelaBriefing.claims.flatMap((claim) => claim.citations.map((c) => c.source)),
    );
    expect(record?.sources.edges.map((e) => e.node.title)).toEqual(
      venezuelaBriefing.sources
        .filter((source) => cited.has(source.key))
        .map((source) => source.title)
        .sort(),
    );
    // Its sources' snapshots were taken after their release with the briefing, so an anonymous
    // reader finds them in the record from the load on too.
    const anonymous = await graphql<{
      briefing: { recordAsOf: { sources: { edges: { node: { title: string } }[] } } };
    }>(
      app,
      `query ($at: DateTime!) { briefing(slug: "${SEED_BRIEFING_SLUG}", asOf: $at) { recordAsOf {
        sources(first: 100) { edges { node { title } } } } } }`,
      { at: new Date().toISOString() },
      {},
    );
    expect(anonymous.errors).toBeUndefined();
    expect(anonymous.data?.briefing.recordAsOf.sources.edges).toEqual(record?.sources.edges);
    expect(anonymous.data?.briefing.recordAsOf.sources.edges).toHaveLength(cited.size);
  });

  it('leaves out a source written without an entry, whose release alone was logged', async () => {
    const unlogged = await insertSource(database.db, {
      title: 'Written directly',
      released_to: null,
    });
    const briefing = await writtenBriefing();
    await write(ADD_CLAIM, {
      b: gid('Briefing', briefing.id),
      input: {
        statement: 'Cites a source with no record.',
        predicate: 'noted',
        citations: [{ sourceId: gid('Source', unlogged.id), role: 'ORIGIN' }],
      },
    });
    const entries = await database.db
      .selectFrom('audit_log')
      .select(['action', 'after'])
      .where('entity_type', '=', 'Source')
      .where('entity_id', '=', unlogged.id)
      .execute();
    expect(entries).toEqual([{ action: 'source.release', after: { released_to: 'CLEAR' } }]);
    // Not a whole source: not rebuilt, and the read still answers (recordAt checks no errors).
    const record = await recordAt(await afterLastWriteHere());
    expect(record?.claims.map((c) => (c as { statement: string }).statement)).toContain(
      'Cites a source with no record.',
    );
    expect(record?.sources.map((s) => (s as { title: string }).title)).not.toContain(
      'Written directly',
    );
  });

  // Last: it migrates this file's database down and up again.
  it('shows a source released before its releases were logged from the migration on', async () => {
    expect(
      await migrateDownThrough(database.db, '2026-12-01T08-00-00_source-release-audit'),
    ).toEqual(['Down 2026-12-01T08-00-00_source-release-audit']);
    const source = await write(CREATE_SOURCE, {
      input: { kind: 'STATEMENT', title: 'Released unlogged' },
    });
    const briefing = await writtenBriefing();
    // Cited in a published briefing: released at once, and, without the trigger, not logged.
    await write(ADD_CLAIM, {
      b: gid('Briefing', briefing.id),
      input: {
        statement: 'Cited before the trigger.',
        predicate: 'noted',
        citations: [{ sourceId: source.id, role: 'ORIGIN' }],
      },
    });
    const beforeMigration = await afterLastWriteHere();
    const logged = await database.db
      .selectFrom('audit_log')
      .select(['entity_id', 'actor_name', 'action', 'before', 'after'])
      .where('action', '=', 'source.release');
    const loggedBefore = await logged.execute();
    expect(await migrateToLatest(database.db)).toEqual([
      'Up 2026-12-01T08-00-00_source-release-audit',
    ]);
    const afterMigration = await afterLastWriteHere();

    // One entry for the one source whose logged state was not its state: the seed's and this
    // file's other sources were logged as released.
    expect((await logged.execute()).slice(loggedBefore.length)).toEqual([
      {
        entity_id: requireIdOf(source.id, 'Source', 'id'),
        actor_name: 'embargo',
        action: 'source.release',
        before: { released_to: null },
        after: { released_to: 'CLEAR' },
      },
    ]);
    const titles = async (at: string, headers: Record<string, string>) =>
      ((await recordAt(at, headers))?.sources ?? []).map((s) => (s as { title: string }).title);
    expect(await titles(beforeMigration, {})).not.toContain('Released unlogged');
    expect(await titles(afterMigration, {})).toContain('Released unlogged');
    expect(await titles(beforeMigration, editor)).toContain('Released unlogged');
  });
});
