import { createGraphQLError, Repeater } from 'graphql-yoga';
import type { ChangeEntityType, ChangeOperation } from '../db/types.js';
import { errorFields, type Logger } from '../logger.js';

/**
 * One record's change as a committed write made it, in the form it crosses Redis (JSON):
 * what the subscriptions (src/sync/subscription.schema.ts) filter and check visibility on.
 */
export interface ChangeEvent {
  changeId: number;
  type: ChangeEntityType;
  id: number;
  operation: ChangeOperation;
  /** ISO 8601: when the write committed, as the change feed has it. */
  at: string;
  /** Every audience that could ever see the record: who may learn of its deletion. */
  seenBy: string[];
  /** A claim's briefing (null for other types). */
  briefingId: number | null;
  /** A briefing this write moved to PUBLISHED. */
  published: boolean;
}

/** The changes of one committed write, in change order. */
export type ChangeBatch = ChangeEvent[];

/**
 * Carries each committed write's changes to every subscriber of every instance: in this process
 * by default, through Redis pub/sub when SUBSCRIPTIONS_REDIS_URL (or REDIS_URL) is set.
 */
export interface ChangeBus {
  /** After COMMIT only: a rolled-back write must never reach a subscriber. Never throws. */
  publish(batch: ChangeBatch): void;
  /** Every batch published from now on, until the caller returns or the bus closes. */
  subscribe(): AsyncIterableIterator<ChangeBatch>;
  /**
   * A slot for one open subscription of `caller`, or a TOO_MANY_SUBSCRIPTIONS error when the
   * caller or this process holds as many as allowed. Release it once, when the stream ends.
   */
  openSlot(caller: string): () => void;
  /** Subscriptions open in this process. */
  open(): number;
  /** Subscriber streams receiving batches now (each open subscription once it has started). */
  listening(): number;
  /** Ends every subscription (their SSE streams complete) and closes the Redis connections. */
  close(): Promise<void>;
}

export interface ChangeBusLimits {
  /** Open subscriptions per API key (or per client address for anonymous callers). */
  maxPerCaller: number;
  /** Open subscriptions in this process. */
  maxPerProcess: number;
}

const TOPIC = 'changes';

/**
 * Batches a subscriber may leave unread: one that reads slower than writes commit has its
 * stream ended with SUBSCRIBER_TOO_SLOW rather than memory growing (or, past the 1,024 pending
 * pushes a Repeater allows, an exception thrown inside the event target's dispatch).
 */
const SUBSCRIBER_BACKLOG = 500;

/** What both transports give: Redis' event target, or the process' own EventTarget. */
interface ChangeEventTarget {
  addEventListener(topic: string, listener: (event: Event) => void): void;
  removeEventListener(topic: string, listener: (event: Event) => void): void;
}

function createBus(
  target: ChangeEventTarget,
  topic: string,
  limits: ChangeBusLimits,
  publish: (batch: ChangeBatch) => void,
  closeTransport: () => Promise<void>,
): ChangeBus {
  const ends = new Set<() => Promise<unknown>>();
  const perCaller = new Map<string, number>();
  let total = 0;
  let listening = 0;
  let closed = false;
  return {
    publish(batch) {
      if (batch.length > 0 && !closed) publish(batch);
    },
    subscribe() {
      const stream = new Repeater<ChangeBatch>((push, stop) => {
        let unread = 0;
        const listener = (event: Event) => {
          if (unread >= SUBSCRIBER_BACKLOG) {
            stop(
              createGraphQLError(
                `this subscriber left ${SUBSCRIBER_BACKLOG} batches of changes unread: read faster, or catch up with changes(since:)`,
                { extensions: { code: 'SUBSCRIBER_TOO_SLOW' } },
              ),
            );
            return;
          }
          unread += 1;
          // Settles when the subscriber takes the batch (or the stream ends).
          void push((event as CustomEvent<ChangeBatch>).detail).finally(() => (unread -= 1));
        };
        target.addEventListener(topic, listener);
        listening += 1;
        void stop.then(() => {
          target.removeEventListener(topic, listener);
          listening -= 1;
        });
      });
      const end = () => {
        ends.delete(end);
        return stream.return();
      };
      ends.add(end);
      if (closed) void end();
      return {
        next: () => stream.next(),
        return: end,
        [Symbol.asyncIterator]() {
          return this;
        },
      };
    },
    openSlot(caller) {
      const held = perCaller.get(caller) ?? 0;
      const refusal = closed
        ? 'the server is shutting down'
        : held >= limits.maxPerCaller
          ? `expected at most ${limits.maxPerCaller} open subscriptions per caller, got one more: close one first`
          : total >= limits.maxPerProcess
            ? `this server holds its limit of ${limits.maxPerProcess} open subscriptions: retry later or on another instance`
            : null;
      if (refusal) {
        throw createGraphQLError(refusal, {
          extensions: { code: 'TOO_MANY_SUBSCRIPTIONS', http: { status: 429 } },
        });
      }
      perCaller.set(caller, held + 1);
      total += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        total -= 1;
        const left = (perCaller.get(caller) ?? 1) - 1;
        if (left === 0) perCaller.delete(caller);
        else perCaller.set(caller, left);
      };
    },
    open: () => total,
    listening: () => listening,
    async close() {
      closed = true;
      // Each stream ends as if its client had returned: its SSE response completes, so an open
      // subscription never holds the shutdown until SHUTDOWN_TIMEOUT_MS.
      await Promise.all([...ends].map((end) => end()));
      await closeTransport();
    },
  };
}

/** One process: an in-memory event target (PGlite's single backend cannot LISTEN/NOTIFY). */
export function createMemoryChangeBus(limits: ChangeBusLimits): ChangeBus {
  const target = new EventTarget();
  return createBus(
    target,
    TOPIC,
    limits,
    (batch) => target.dispatchEvent(new CustomEvent(TOPIC, { detail: batch })),
    () => Promise.resolve(),
  );
}

/**
 * Several instances: Redis pub/sub on the channel `<prefix>changes`, through
 * `@graphql-yoga/redis-event-target`. Both connections must be ready before the event target
 * exists (a subscribe sent earlier leaves ioredis "in subscriber mode" for publishes).
 */
export async function createRedisChangeBus(options: {
  url: string;
  prefix: string;
  limits: ChangeBusLimits;
  logger: Logger;
}): Promise<ChangeBus> {
  const { url, prefix, limits, logger } = options;
  // Loaded only when configured, like the cache's client (bootstrap.ts).
  const [{ Redis }, { createRedisEventTarget }] = await Promise.all([
    import('ioredis'),
    import('@graphql-yoga/redis-event-target'),
  ]);
  // The publisher fails fast while Redis is away: a write's answer never waits for it.
  const publishClient = new Redis(url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
  });
  // The subscriber re-subscribes by itself after a reconnection; its SUBSCRIBE waits for one.
  const subscribeClient = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: null });
  for (const [name, client] of [
    ['publish', publishClient],
    ['subscribe', subscribeClient],
  ] as const) {
    client.on('error', (error: Error) =>
      logger.warn('subscriptions redis error', { client: name, ...errorFields(error) }),
    );
  }
  try {
    // ioredis' connect() resolves on `ready`, not on the socket's connection.
    await Promise.all([publishClient.connect(), subscribeClient.connect()]);
  } catch (error) {
    publishClient.disconnect();
    subscribeClient.disconnect();
    throw error;
  }
  const target = createRedisEventTarget<CustomEvent<ChangeBatch>>({
    publishClient,
    subscribeClient,
  });
  const channel = `${prefix}${TOPIC}`;
  return createBus(
    target,
    channel,
    limits,
    // Published here, not through the event target, whose PUBLISH promise nobody awaits: a
    // Redis outage would become an unhandled rejection. Lost events are logged; mirrors that
    // must not miss one read `changes(since:)` after a reconnection.
    (batch) => {
      publishClient.publish(channel, JSON.stringify(batch)).catch((error: unknown) =>
        logger.warn('change events not published to redis', {
          changes: batch.length,
          ...errorFields(error),
        }),
      );
    },
    async () => {
      await Promise.all([publishClient.quit(), subscribeClient.quit()]);
    },
  );
}
