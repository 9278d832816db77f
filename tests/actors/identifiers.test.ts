import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { App } from '../../src/yoga.js';
import { insertActor, insertSource } from '../factories/records.js';
import { createTestApp, graphql, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
});
afterAll(() => database.close());

describe('normalize_url', () => {
  it('keeps what names a document and drops what only reaches it', async () => {
    const { rows } = await sql<Record<string, string | null>>`select
        normalize_url('HTTPS://WWW.Example.ORG:443/News/Item/?utm_campaign=x&b=2&&a=1&fbclid=z#p2') as full,
        normalize_url('http://user@example.org/News/Item?a=1&b=2') as plain,
        normalize_url('https://example.org/news/item') as other_case,
        normalize_url('https://example.org:8080/') as port,
        normalize_url('https://example.org/?utm_source=a') as only_tracking,
        normalize_url('ftp://example.org/') as not_http`.execute(database.db);
    expect(rows[0]).toEqual({
      full: 'example.org/News/Item?a=1&b=2',
      plain: 'example.org/News/Item?a=1&b=2',
      other_case: 'example.org/news/item',
      port: 'example.org:8080',
      only_tracking: 'example.org',
      not_http: null,
    });
  });
});

describe('finding records by identifier', () => {
  it('finds a merged actor’s survivor by the identifiers it moved, and refuses ambiguous arguments', async () => {
    const survivor = await insertActor(db(), { name: 'Survivor', wikidata_qid: 'Q5001' });
    const merged = await insertActor(db(), { name: 'Merged', merged_into_id: survivor.id });
    await db()
      .insertInto('actor_external_id')
      .values({ actor_id: merged.id, scheme: 'opensanctions', value: 'NK-1' })
      .execute();
    const data = await query<Record<string, { name: string } | null>>(
      app,
      `{ ext: actor(externalId: { scheme: "opensanctions", value: " NK-1 " }) { name }
         qid: actor(wikidataQid: " q5001 ") { name }
         none: actor(wikidataQid: "Q1") { name }
         byId: actor(id: "${encodeGlobalId('Actor', merged.id)}") { name }
         otherType: actor(id: "${encodeGlobalId('Source', survivor.id)}") { name } }`,
    );
    expect(data).toEqual({
      ext: { name: 'Survivor' },
      qid: { name: 'Survivor' },
      none: null,
      byId: { name: 'Survivor' },
      otherType: null,
    });

    const bad = await graphql(
      app,
      `{ two: actor(id: "${encodeGlobalId('Actor', survivor.id)}", wikidataQid: "Q5001") { id } }`,
    );
    expect(bad.errors?.[0]?.message).toBe(
      'expected exactly one of id, wikidataQid and externalId, got id and wikidataQid',
    );
    const none = await graphql(
      app,
      `
        {
          actor {
            id
          }
        }
      `,
    );
    expect(none.errors?.[0]?.message).toBe(
      'expected exactly one of id, wikidataQid and externalId, got none',
    );
    const qid = await graphql(
      app,
      `
        {
          actors(filter: { wikidataQid: ["Q0"] }) {
            totalCount
          }
        }
      `,
    );
    expect(qid.errors?.[0]).toMatchObject({
      message: 'expected a Wikidata item id like Q717, got "Q0"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
    const scheme = await graphql(
      app,
      `
        {
          actor(externalId: { scheme: "Open Sanctions", value: "x" }) {
            id
          }
        }
      `,
    );
    expect(scheme.errors?.[0]).toMatchObject({
      message:
        'expected a slug of lower-case letters, digits and single hyphens (at most 120), got "Open Sanctions"',
      extensions: { code: 'BAD_USER_INPUT' },
    });
  });

  it('finds a source by URL in its normalised form, the first recorded one first', async () => {
    const first = await insertSource(db(), {
      title: 'First',
      url: 'https://www.reuters.com/world/item-1?utm_source=tw',
    });
    await insertSource(db(), { title: 'Again', url: 'http://reuters.com/world/item-1/' });
    await insertSource(db(), {
      title: 'Embargoed',
      url: 'https://secret.example/doc',
      released_to: null,
    });
    const data = await query<{
      source: { title: string; id: string } | null;
      hidden: null;
      all: { totalCount: number };
    }>(
      app,
      `{ source(url: "https://reuters.com/world/item-1#top") { id title }
         hidden: source(url: "https://secret.example/doc") { id }
         all: sources(filter: { url: "https://REUTERS.com/world/item-1" }) { totalCount } }`,
    );
    expect(data).toEqual({
      source: { id: encodeGlobalId('Source', first.id), title: 'First' },
      hidden: null,
      all: { totalCount: 2 },
    });
    const bad = await graphql(
      app,
      `
        {
          source(url: "reuters.com/x") {
            id
          }
        }
      `,
    );
    expect(bad.errors?.[0]).toMatchObject({
      message: 'expected url to be an http(s) URL of at most 2000 characters, got "reuters.com/x"',
      extensions: { code: 'BAD_USER_INPUT', argument: 'url' },
    });
  });
});

function db() {
  return database.db;
}
