import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { createApp, type App } from '../../src/yoga.js';
import { createLogger } from '../../src/logger.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { graphql } from '../helpers/graphql.js';
import { insertActor, insertSource } from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;
let loaders: App;
let editor: Record<string, string>;
let clearEditor: Record<string, string>;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createApp({ db: database.db, logger: createLogger('silent') });
  loaders = createApp({ db: database.db, logger: createLogger('silent'), compiledReads: false });
  editor = bearer(await createKey(database, 'editor', { clearance: 'AMBER', name: 'Desk' }));
  clearEditor = bearer(await createKey(database, 'editor', { name: 'Clear desk' }));
});
afterAll(() => database.close());

const PAYLOAD = `__typename
  ... on ValidationError { issues { path message } }
  ... on NotFoundError { entity reference path }`;
const CREATE = `mutation ($input: CreateSourceInput!) { createSource(input: $input) { ${PAYLOAD}
  ... on CreateSourceSuccess { source { id version actors { role actor { name } } } } } }`;
const UPDATE = `mutation ($id: ID!, $v: Int!, $input: UpdateSourceInput!) {
  updateSource(id: $id, expectedVersion: $v, input: $input) { ${PAYLOAD}
  ... on UpdateSourceSuccess { source { id version actors { role actor { name } } } } } }`;

type Payload = {
  __typename: string;
  source?: { id: string; version: number; actors: { role: string; actor: { name: string } }[] };
  issues?: { path: (string | number)[]; message: string }[];
  path?: (string | number)[];
};

const actorId = (id: number) => encodeGlobalId('Actor', id);

async function linkCount(): Promise<number> {
  const row = await database.db
    .selectFrom('source_actor')
    .select((eb) => eb.fn.countAll<number>().as('n'))
    .executeTakeFirstOrThrow();
  return Number(row.n);
}

describe('source ↔ actor links', () => {
  it('links a speaker and a publisher, lists them both ways and audits them', async () => {
    const minister = await insertActor(database.db, { kind: 'PERSON', name: 'Minister' });
    const outlet = await insertActor(database.db, { name: 'Outlet' });
    const created = await graphql<{ createSource: Payload }>(
      app,
      CREATE,
      {
        input: {
          kind: 'NEWS_REPORT',
          title: 'Interview with the minister',
          publisher: 'The Outlet',
          actors: [
            { actorId: actorId(minister.id), role: 'SPEAKER' },
            { actorId: actorId(outlet.id), role: 'PUBLISHER' },
          ],
        },
      },
      editor,
    );
    expect(created.data?.createSource).toMatchObject({
      __typename: 'CreateSourceSuccess',
      source: {
        actors: [
          { role: 'SPEAKER', actor: { name: 'Minister' } },
          { role: 'PUBLISHER', actor: { name: 'Outlet' } },
        ],
      },
    });
    const sourceId = created.data?.createSource.source?.id;
    const links = await database.db
      .selectFrom('source_actor')
      .select(['actor_id', 'role', 'position'])
      .orderBy('position')
      .execute();
    expect(links).toEqual([
      { actor_id: minister.id, role: 'SPEAKER', position: 0 },
      { actor_id: outlet.id, role: 'PUBLISHER', position: 1 },
    ]);
    const audit = await database.db
      .selectFrom('audit_log')
      .select(['after'])
      .where('action', '=', 'source.create')
      .executeTakeFirstOrThrow();
    expect(audit.after).toMatchObject({
      actor_links: [
        { actor_id: minister.id, role: 'SPEAKER' },
        { actor_id: outlet.id, role: 'PUBLISHER' },
      ],
    });

    const read = `query ($m: ID!, $o: ID!) {
      m: actor(id: $m) { sources { totalCount edges { node { id title } } } }
      o: actor(id: $o) { spoke: sources { totalCount } published: sources(role: [PUBLISHER]) { edges { node { id } } } } }`;
    const variables = { m: actorId(minister.id), o: actorId(outlet.id) };
    const viaCompiled = await graphql(app, read, variables, editor);
    const viaLoaders = await graphql(loaders, read, variables, editor);
    expect(viaCompiled).toEqual(viaLoaders);
    expect(viaCompiled.data).toEqual({
      m: {
        sources: {
          totalCount: 1,
          edges: [{ node: { id: sourceId, title: 'Interview with the minister' } }],
        },
      },
      o: { spoke: { totalCount: 0 }, published: { edges: [{ node: { id: sourceId } }] } },
    });
  });

  it('refuses bad links with typed errors and writes nothing', async () => {
    const hidden = await insertActor(database.db, { marking: 'RED' });
    const before = await linkCount();
    const bad = await graphql<{ createSource: Payload }>(
      app,
      CREATE,
      {
        input: {
          kind: 'STATEMENT',
          title: 'Bad',
          actors: [
            { actorId: encodeGlobalId('Source', 1), role: 'SPEAKER' },
            { actorId: actorId(hidden.id), role: 'AUTHOR' },
            { actorId: actorId(hidden.id), role: 'AUTHOR' },
          ],
        },
      },
      editor,
    );
    expect(bad.data?.createSource).toEqual({
      __typename: 'ValidationError',
      issues: [
        {
          path: ['input', 'actors', '0', 'actorId'],
          message: 'expected the id of an Actor, got the id of a Source',
        },
        {
          path: ['input', 'actors', '2'],
          message: 'expected each actor once per role, got AUTHOR twice',
        },
      ],
    });
    const hiddenLink = await graphql<{ createSource: Payload }>(
      app,
      CREATE,
      {
        input: {
          kind: 'STATEMENT',
          title: 'Hidden',
          actors: [{ actorId: actorId(hidden.id), role: 'SPEAKER' }],
        },
      },
      editor,
    );
    expect(hiddenLink.data?.createSource).toEqual({
      __typename: 'NotFoundError',
      entity: 'Actor',
      reference: actorId(hidden.id),
      path: ['input', 'actors', '0', 'actorId'],
    });
    expect(await linkCount()).toBe(before);
    const titles = await database.db
      .selectFrom('source')
      .select('title')
      .where('title', 'in', ['Bad', 'Hidden'])
      .execute();
    expect(titles).toEqual([]);
  });

  it('hides links to actors the caller may not see, keeps them on update, and releases with the source', async () => {
    const amber = await insertActor(database.db, {
      name: 'Amber official',
      marking: 'AMBER',
      released_to: null,
    });
    const spokesman = await insertActor(database.db, {
      kind: 'PERSON',
      name: 'Spokesman',
      released_to: null,
    });
    const source = await insertSource(database.db, { title: 'Briefing notes', released_to: null });
    await database.db
      .insertInto('source_actor')
      .values([
        { source_id: source.id, actor_id: amber.id, role: 'SPEAKER', position: 0 },
        { source_id: source.id, actor_id: spokesman.id, role: 'SPEAKER', position: 1 },
      ])
      .execute();
    const sourceGid = encodeGlobalId('Source', source.id);
    const read = `query ($id: ID!) { node(id: $id) { ... on Source { actors { role actor { name } } } } }`;
    const asClear = await graphql(app, read, { id: sourceGid }, clearEditor);
    expect(asClear.data).toEqual({
      node: { actors: [{ role: 'SPEAKER', actor: { name: 'Spokesman' } }] },
    });
    expect(await graphql(loaders, read, { id: sourceGid }, clearEditor)).toEqual(asClear);

    // The clear editor replaces what it sees; the AMBER link it cannot see stays.
    const updated = await graphql<{ updateSource: Payload }>(
      app,
      UPDATE,
      {
        id: sourceGid,
        v: 1,
        input: { actors: [{ actorId: actorId(spokesman.id), role: 'SUBJECT' }] },
      },
      clearEditor,
    );
    expect(updated.data?.updateSource.source?.actors).toEqual([
      { role: 'SUBJECT', actor: { name: 'Spokesman' } },
    ]);
    const stored = await database.db
      .selectFrom('source_actor')
      .select(['actor_id', 'role'])
      .where('source_id', '=', source.id)
      .orderBy('position')
      .execute();
    expect(stored).toEqual([
      { actor_id: spokesman.id, role: 'SUBJECT' },
      { actor_id: amber.id, role: 'SPEAKER' },
    ]);
    // The update's audit entry names the AMBER actor: the clear editor cannot read it.
    const history = `{ auditLog(filter: { action: ["source.update"] }) { totalCount } }`;
    expect((await graphql(app, history, {}, clearEditor)).data).toEqual({
      auditLog: { totalCount: 0 },
    });
    expect((await graphql(app, history, {}, editor)).data).toEqual({ auditLog: { totalCount: 1 } });

    // Anonymous callers see nothing until the source is released; then its CLEAR actor only.
    const anonymous = await graphql(app, read, { id: sourceGid });
    expect(anonymous.data).toEqual({ node: null });
    await database.db
      .updateTable('source')
      .set({ released_to: 'CLEAR' })
      .where('id', '=', source.id)
      .execute();
    const released = await database.db
      .selectFrom('actor')
      .select(['name', 'released_to'])
      .where('id', 'in', [amber.id, spokesman.id])
      .orderBy('name')
      .execute();
    expect(released).toEqual([
      // Released with the source; its own AMBER marking still hides it from anonymous callers.
      { name: 'Amber official', released_to: 'CLEAR' },
      { name: 'Spokesman', released_to: 'CLEAR' },
    ]);
    expect((await graphql(app, read, { id: sourceGid })).data).toEqual({
      node: { actors: [{ role: 'SUBJECT', actor: { name: 'Spokesman' } }] },
    });
  });

  it('reads links of many sources in as many statements as of one (loader path)', async () => {
    const counts: number[] = [];
    for (const n of [1, 6]) {
      for (let i = 0; i < n; i += 1) {
        const s = await insertSource(database.db, { title: `Batch ${n}-${i}` });
        const a = await insertActor(database.db, { name: `Batch actor ${n}-${i}` });
        await database.db
          .insertInto('source_actor')
          .values({ source_id: s.id, actor_id: a.id, role: 'AUTHOR', position: 0 })
          .execute();
      }
      const document = `{ sources(first: ${n}, filter: { kind: [NEWS_REPORT] }, orderBy: PUBLISHED_AT_DESC) { edges { node { actors { role actor { name sources { totalCount } } } } } } }`;
      database.statements.reset();
      const result = await graphql(loaders, document, {}, editor);
      expect(result.errors).toBeUndefined();
      counts.push(database.statements.count);
    }
    expect(counts[1]).toBe(counts[0]);
  });
});
