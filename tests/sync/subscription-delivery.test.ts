import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeGlobalId } from '../../src/common/global-id.js';
import { loadConfig } from '../../src/config.js';
import { createLogger } from '../../src/logger.js';
import { SEED_BRIEFING_SLUG } from '../../src/seed/load-seed.js';
import {
  createMemoryChangeBus,
  type ChangeBus,
  type ChangeEvent,
} from '../../src/sync/change-bus.js';
import { createApp, type App } from '../../src/yoga.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Delivery inside the app (yoga.fetch, no port): what a subscriber's events cost in statements,
// and the document limits a subscription runs under.

let database: TestDatabase;
let bus: ChangeBus;
let app: App;
let briefingId = 0;
let claimIds: number[] = [];

beforeAll(async () => {
  database = await createTestDatabase({ seed: true });
  bus = createMemoryChangeBus({ maxPerCaller: 10, maxPerProcess: 10 });
  app = createApp({
    db: database.db,
    logger: createLogger('silent'),
    config: loadConfig({ TRUSTED_MAX_DEPTH: '6' }),
    changes: bus,
  });
  const briefing = await database.db
    .selectFrom('briefing')
    .select('id')
    .where('slug', '=', SEED_BRIEFING_SLUG)
    .executeTakeFirstOrThrow();
  briefingId = briefing.id;
  const claims = await database.db
    .selectFrom('claim')
    .select('id')
    .where('briefing_id', '=', briefingId)
    .orderBy('id')
    .execute();
  claimIds = claims.map((claim) => claim.id);
});
afterAll(async () => {
  await bus.close();
  await database.close();
});

/** Opens a subscription; `read(n)` waits for n `next` events' payloads. */
async function subscribe(query: string, variables: Record<string, unknown> = {}) {
  const response = await app.fetch('http://briefgraph.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'text/event-stream' },
    body: JSON.stringify({ query, variables }),
  });
  if (!response.body) throw new Error('expected an event stream');
  const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
  let text = '';
  const events = () =>
    [...text.matchAll(/^event: next\ndata: (.*)$/gm)].map(
      (match) => JSON.parse(match[1] ?? '') as unknown,
    );
  return {
    status: response.status,
    async read(count: number): Promise<unknown[]> {
      while (events().length < count) {
        const { value, done } = await reader.read();
        if (done) break;
        text += value;
      }
      return events();
    },
    /** Cancels the stream and waits until the server has let its subscription go. */
    async close(): Promise<void> {
      await reader.cancel();
      const deadline = Date.now() + 5_000;
      while (bus.open() > 0 && Date.now() < deadline)
        await new Promise((resolve) => setTimeout(resolve, 20));
      expect(bus.open()).toBe(0);
    },
  };
}

function claimEvents(ids: readonly number[]): ChangeEvent[] {
  return ids.map((id, index) => ({
    changeId: 1_000_000 + index,
    type: 'Claim',
    id,
    operation: 'UPSERT',
    at: '2026-12-01T00:00:00.000Z',
    seenBy: [],
    briefingId,
    published: false,
  }));
}

const CLAIMS = `subscription ($id: ID!) { claimChanged(briefingId: $id) {
  node { recordId node { ... on Claim { statement briefing { slug } } } } } }`;

describe('delivering to a subscriber', () => {
  it('reads a batch of any size in a fixed number of statements', async () => {
    expect(claimIds.length).toBeGreaterThanOrEqual(6);
    const counts: number[] = [];
    for (const size of [2, 6]) {
      const stream = await subscribe(CLAIMS, { id: encodeGlobalId('Briefing', briefingId) });
      expect(stream.status).toBe(200);
      // Lets the subscription reach the bus before the batch goes out.
      await new Promise((resolve) => setTimeout(resolve, 100));
      database.statements.reset();
      const ids = claimIds.slice(0, size);
      bus.publish(claimEvents(ids));
      const events = await stream.read(size);
      counts.push(database.statements.count);
      expect(events).toEqual(
        ids.map((id) => ({
          data: {
            claimChanged: {
              node: {
                recordId: encodeGlobalId('Claim', id),
                node: {
                  statement: expect.any(String),
                  briefing: { slug: SEED_BRIEFING_SLUG },
                },
              },
            },
          },
        })),
      );
      await stream.close();
    }
    // The visibility check, the claims, their briefing (loaded once, then cached for the batch).
    // Each event then executes on its own, like a query: a field reaching further loads per
    // event what the batch has not loaded yet.
    expect(counts).toEqual([3, 3]);
  });

  it('measures a subscription against the document limits, like a query', async () => {
    const stream = await subscribe(
      `subscription { briefingPublished { node { node { ... on Briefing {
        claims { edges { node { subject { claims { edges { node { id } } } } } } } } } } } }`,
    );
    expect(await stream.read(1)).toEqual([
      {
        errors: [
          {
            message: 'Syntax Error: Query depth limit of 6 exceeded, found 12.',
            extensions: { code: 'GRAPHQL_VALIDATION_FAILED', requestId: expect.any(String) },
          },
        ],
      },
    ]);
    expect(bus.open()).toBe(0);
  });
});

describe('the change bus', () => {
  it('ends the stream of a subscriber that leaves 500 batches unread, after those 500', async () => {
    const own = createMemoryChangeBus({ maxPerCaller: 1, maxPerProcess: 1 });
    const stream = own.subscribe();
    // The stream listens from its first read on, as Yoga's SSE writer reads at once.
    const first = stream.next();
    for (let index = 0; index < 501; index += 1) own.publish(claimEvents([claimIds[0] ?? 0]));
    let read = (await first).done ? 0 : 1;
    const ended = await (async () => {
      try {
        for await (const batch of stream) read += batch.length;
        return null;
      } catch (error) {
        return error;
      }
    })();
    expect(read).toBe(500);
    expect(ended).toMatchObject({
      message:
        'this subscriber left 500 batches of changes unread: read faster, or catch up with changes(since:)',
      extensions: { code: 'SUBSCRIBER_TOO_SLOW' },
    });
    await own.close();
  });

  it('refuses a slot beyond the caller’s and the process’ limits, and gives it back once', () => {
    const own = createMemoryChangeBus({ maxPerCaller: 2, maxPerProcess: 3 });
    const first = own.openSlot('key:1');
    own.openSlot('key:1');
    expect(() => own.openSlot('key:1')).toThrow(
      'expected at most 2 open subscriptions per caller, got one more: close one first',
    );
    own.openSlot('ip:127.0.0.1');
    expect(() => own.openSlot('ip:10.0.0.1')).toThrow(
      'this server holds its limit of 3 open subscriptions: retry later or on another instance',
    );
    first();
    first();
    expect(own.open()).toBe(2);
    expect(() => own.openSlot('key:1')).not.toThrow();
  });
});
