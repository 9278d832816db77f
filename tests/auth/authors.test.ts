import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import type { Marking } from '../../src/db/types.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import type { App } from '../../src/yoga.js';
import { bearer, createKey } from '../helpers/api-keys.js';
import { createTestApp, graphql } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Issue 10, point 10: an author exists for a caller only on the byline of a briefing that
// caller may see. Authors of drafts, or of AMBER and RED briefings, are null by id (ids are
// sequential, so they were easy to walk) exactly like ids that were never used.

let database: TestDatabase;
let app: App;
let redEditor: Record<string, string>;
let clearEditor: Record<string, string>;

type Headers = Record<string, string>;

async function run<T>(headers: Headers, text: string, variables: Record<string, unknown> = {}) {
  const result = await graphql<T>(app, text, variables, headers);
  expect(result.errors).toBeUndefined();
  if (!result.data) throw new Error(`expected data, got ${JSON.stringify(result)}`);
  return result.data;
}

const CREATE_BRIEFING = `mutation($input: CreateBriefingInput!) { createBriefing(input: $input) {
  __typename ... on CreateBriefingSuccess { briefing { id version authors { id } } }
  ... on NotFoundError { entity reference path } } }`;
const TRANSITION = `mutation($id: ID!, $v: Int!, $to: BriefingStatus!) { transitionBriefing(id: $id, expectedVersion: $v, to: $to) {
  __typename ... on TransitionBriefingSuccess { briefing { version } } } }`;
const AUTHORS = `query($ids: [ID!]!, $id: ID!) {
  nodes(ids: $ids) { id ... on Author { name } }
  node(id: $id) { id }
  briefings(filter: { authorId: $id }) { totalCount }
}`;

interface Created {
  id: string;
  version: number;
  authorId: string;
}

async function createBriefing(
  slug: string,
  marking: Marking,
  authors: Record<string, string>[],
): Promise<Created> {
  const data = await run<{
    createBriefing: { briefing: { id: string; version: number; authors: { id: string }[] } };
  }>(redEditor, CREATE_BRIEFING, {
    input: { slug, title: slug, body: 'Body.', marking, authors },
  });
  const { id, version, authors: byline } = data.createBriefing.briefing;
  const authorId = byline[0]?.id;
  if (!authorId) throw new Error(`expected a byline on ${slug}`);
  return { id, version, authorId };
}

async function publish(briefing: Created): Promise<void> {
  let version = briefing.version;
  for (const to of ['IN_REVIEW', 'PUBLISHED']) {
    const data = await run<{ transitionBriefing: { briefing: { version: number } } }>(
      redEditor,
      TRANSITION,
      { id: briefing.id, v: version, to },
    );
    version = data.transitionBriefing.briefing.version;
  }
}

const never = encodeGlobalId('Author', 999_999);
let draft: Created;
let amber: Created;
let red: Created;

beforeAll(async () => {
  database = await createTestDatabase();
  app = createTestApp(database);
  redEditor = bearer(await createKey(database, 'editor', { clearance: 'RED' }));
  clearEditor = bearer(await createKey(database, 'editor', { clearance: 'CLEAR' }));
  draft = await createBriefing('a-draft', 'CLEAR', [{ name: 'Draft Author' }]);
  amber = await createBriefing('an-amber-briefing', 'AMBER', [{ name: 'Amber Author' }]);
  await publish(amber);
  red = await createBriefing('a-red-briefing', 'RED', [{ name: 'Red Author' }]);
  await publish(red);
});
afterAll(() => database.close());

/** What a caller learns about an author id: its node, and the count of briefings filtered by it. */
async function lookUp(headers: Headers, authorId: string) {
  const data = await run<{
    nodes: unknown[];
    node: unknown;
    briefings: { totalCount: number };
  }>(headers, AUTHORS, { ids: [authorId], id: authorId });
  return { node: data.node, nodes: data.nodes, count: data.briefings.totalCount };
}

const nothing = { node: null, nodes: [null], count: 0 };

describe('authors by id', () => {
  it('the seeded briefing’s author is public', async () => {
    const data = await run<{ briefing: { authors: { id: string; name: string }[] } }>(
      {},
      `{ briefing(slug: "${SEED_BRIEFING_SLUG}") { authors { id name } } }`,
    );
    const [author] = data.briefing.authors;
    if (!author) throw new Error('expected the seed’s author');
    expect(await lookUp({}, author.id)).toEqual({
      node: { id: author.id },
      nodes: [{ id: author.id, name: author.name }],
      count: 1,
    });
  });

  it('authors of drafts, AMBER and RED briefings are null for anonymous callers, like unused ids', async () => {
    expect(await lookUp({}, never)).toEqual(nothing);
    for (const briefing of [draft, amber, red])
      expect(await lookUp({}, briefing.authorId)).toEqual(nothing);
  });

  it('follows the caller’s clearance and the statuses its role may see', async () => {
    const amberAnalyst = bearer(await createKey(database, 'analyst', { clearance: 'AMBER' }));
    expect(await lookUp(amberAnalyst, amber.authorId)).toEqual({
      node: { id: amber.authorId },
      nodes: [{ id: amber.authorId, name: 'Amber Author' }],
      count: 1,
    });
    expect(await lookUp(amberAnalyst, red.authorId)).toEqual(nothing);
    expect(await lookUp(amberAnalyst, draft.authorId)).toEqual(nothing);
    // Editors see drafts, up to their clearance.
    expect(await lookUp(clearEditor, draft.authorId)).toEqual({
      node: { id: draft.authorId },
      nodes: [{ id: draft.authorId, name: 'Draft Author' }],
      count: 1,
    });
    expect(await lookUp(clearEditor, red.authorId)).toEqual(nothing);
  });

  it('an editor cannot put an author it may not see on a byline: not found, nothing written', async () => {
    const data = await run<{ createBriefing: unknown }>(clearEditor, CREATE_BRIEFING, {
      input: {
        slug: 'borrowing-a-red-author',
        title: 'T',
        body: 'B',
        authors: [{ id: red.authorId }],
      },
    });
    expect(data.createBriefing).toEqual({
      __typename: 'NotFoundError',
      entity: 'Author',
      reference: red.authorId,
      path: ['input', 'authors', '0', 'id'],
    });
    const written = await database.db
      .selectFrom('briefing')
      .select('id')
      .where('slug', '=', 'borrowing-a-red-author')
      .execute();
    expect(written).toEqual([]);
  });

  it('an author becomes visible once a briefing the caller may see carries it', async () => {
    // The RED author also signs a CLEAR briefing: visible through that one only once it is out.
    const shared = await createBriefing('a-clear-briefing-by-the-red-author', 'CLEAR', [
      { id: red.authorId },
    ]);
    expect(await lookUp({}, red.authorId)).toEqual(nothing);
    await publish(shared);
    expect(await lookUp({}, red.authorId)).toEqual({
      node: { id: red.authorId },
      nodes: [{ id: red.authorId, name: 'Red Author' }],
      count: 1,
    });
    await publish(draft);
    expect(await lookUp({}, draft.authorId)).toEqual({
      node: { id: draft.authorId },
      nodes: [{ id: draft.authorId, name: 'Draft Author' }],
      count: 1,
    });
  });
});
