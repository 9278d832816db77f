import { ServerResponse } from 'node:http';
import type { Redis } from 'ioredis';
import type { Plugin } from 'graphql-yoga';
import type { Viewer } from '../common/viewer.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { RequestRecord } from '../observability/request-record.js';
import { thenMaybe, type MaybePromise } from '../common/maybe-promise.js';

/**
 * Counts for `who` in fixed windows. `hit` counts one more and returns the count so far; `peek`
 * returns it without counting (a budget checked before work, spent only when the work fails).
 */
export interface RateCounter {
  hit(who: string, windowIndex: number, windowSeconds: number): MaybePromise<number>;
  peek(who: string, windowIndex: number): MaybePromise<number>;
}

/** One process's counters; only the current window is kept, so memory stays bounded. */
export function createMemoryRateCounter(): RateCounter {
  let currentWindow = -1;
  let counts = new Map<string, number>();
  const windowCounts = (windowIndex: number) => {
    if (windowIndex !== currentWindow) {
      currentWindow = windowIndex;
      counts = new Map();
    }
    return counts;
  };
  return {
    hit(who, windowIndex) {
      const current = windowCounts(windowIndex);
      const count = (current.get(who) ?? 0) + 1;
      current.set(who, count);
      return count;
    },
    peek(who, windowIndex) {
      return windowCounts(windowIndex).get(who) ?? 0;
    },
  };
}

/** INCR, and the expiry set with the first count: one command, one round trip, atomic. */
const COUNT_SCRIPT = `
local count = redis.call('INCR', KEYS[1])
if count == 1 then redis.call('EXPIRE', KEYS[1], ARGV[1]) end
return count
`;

const COUNT_COMMAND = 'briefgraphRateCount';

/**
 * Counters shared by every instance; each window's key expires with the window. While Redis
 * fails, this process counts on its own (limits stay closed, per instance instead of shared),
 * with one warning when the outage starts and one notice when Redis answers again.
 */
export function createRedisRateCounter(redis: Redis, prefix: string, logger: Logger): RateCounter {
  redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT });
  // defineCommand adds a method that ioredis' types do not know.
  const count = (redis as unknown as Record<string, (key: string, ttl: number) => Promise<number>>)[
    COUNT_COMMAND
  ];
  if (!count) throw new Error(`expected ioredis to define ${COUNT_COMMAND}`);
  const key = (who: string, windowIndex: number) => `${prefix}rate:${who}:${windowIndex}`;
  const fallback = createMemoryRateCounter();
  let failing = false;
  async function shared<T>(action: () => Promise<T>, local: () => MaybePromise<T>): Promise<T> {
    let result: T;
    try {
      result = await action();
    } catch (error) {
      if (!failing) {
        failing = true;
        logger.warn('rate-limit counters in Redis unavailable; counting in this process', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
      return local();
    }
    if (failing) {
      failing = false;
      logger.info('rate-limit counters in Redis available again');
    }
    return result;
  }
  return {
    hit: (who, windowIndex, windowSeconds) =>
      shared(
        async () => Number(await count.call(redis, key(who, windowIndex), windowSeconds + 1)),
        () => fallback.hit(who, windowIndex, windowSeconds),
      ),
    peek: (who, windowIndex) =>
      shared(
        async () => Number((await redis.get(key(who, windowIndex))) ?? 0),
        () => fallback.peek(who, windowIndex),
      ),
  };
}

/**
 * The TCP peer's address, as Node's server gives it; null for in-process requests (tests).
 * X-Forwarded-For is not read: a client can write anything there. Behind a proxy every client
 * shares the proxy's address (README "The HTTP surface").
 */
export function clientAddress(serverContext: unknown): string | null {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress ?? null;
}

function nodeResponseOf(serverContext: unknown): ServerResponse | undefined {
  const res = (serverContext as { res?: unknown } | undefined)?.res;
  return res instanceof ServerResponse ? res : undefined;
}

/** Whom an anonymous request counts against: its client address. */
export function anonymousCaller(address: string): string {
  return `ip:${address}`;
}

/**
 * Server-context property set by a layer in front of Yoga (the response cache) that already
 * counted the request: its value is the outcome (a `RateState`). The request is then
 * counted once, and a refusal still goes out through Yoga, with the headers (CORS) Yoga adds.
 */
export const RATE_LIMIT_PRECOUNTED = 'rateLimitPrecounted';

/** The 429 answer, as status, headers and JSON body, for whichever layer sends it. */
export interface RateLimitRefusal {
  status: 429;
  headers: { 'Retry-After': string };
  body: {
    errors: {
      message: string;
      extensions: {
        code: 'RATE_LIMITED';
        limit: number;
        windowSeconds: number;
        retryAfter: number;
      };
    }[];
  };
}

function currentWindow(windowSeconds: number): { now: number; windowIndex: number } {
  const now = Date.now() / 1000;
  return { now, windowIndex: Math.floor(now / windowSeconds) };
}

function refusalOver(
  what: string,
  limit: number,
  windowSeconds: number,
  { now, windowIndex }: { now: number; windowIndex: number },
): RateLimitRefusal {
  const retryAfter = Math.max(1, Math.ceil((windowIndex + 1) * windowSeconds - now));
  return {
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: {
      errors: [
        {
          message: `rate limit of ${limit} ${what} per ${windowSeconds} s exceeded; retry after ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', limit, windowSeconds, retryAfter },
        },
      ],
    },
  };
}

/** Where a caller stands in its window after one more request, and the refusal if over. */
export interface RateState {
  limit: number;
  remaining: number;
  /** Seconds until the window ends and the count starts again. */
  reset: number;
  refusal: RateLimitRefusal | null;
}

/**
 * Counts one request for `who`; the refusal is set when it is over `limit`. Counters do not
 * fail open: the Redis one falls back to this process while Redis is away.
 */
export function countRequest(
  counter: RateCounter,
  windowSeconds: number,
  who: string,
  limit: number,
): MaybePromise<RateState> {
  const window = currentWindow(windowSeconds);
  return thenMaybe(counter.hit(who, window.windowIndex, windowSeconds), (count) => ({
    limit,
    remaining: Math.max(0, limit - count),
    reset: Math.max(1, Math.ceil((window.windowIndex + 1) * windowSeconds - window.now)),
    refusal: count <= limit ? null : refusalOver('requests', limit, windowSeconds, window),
  }));
}

/**
 * The caller's budget on every counted response, as the IETF RateLimit header fields draft
 * (draft-ietf-httpapi-ratelimit-headers-06) names them, so clients slow down before a 429.
 */
export function rateLimitHeaders(state: RateState): Record<string, string> {
  return {
    'RateLimit-Limit': String(state.limit),
    'RateLimit-Remaining': String(state.remaining),
    'RateLimit-Reset': String(state.reset),
  };
}

/** Whom refused API keys count against: the client address they came from. */
function authFailureCaller(address: string): string {
  return `auth-failures:${address}`;
}

/**
 * A per-address budget of refused API keys, so guessing keys is throttled and costs no
 * database lookup once the budget is spent: `check` before authenticating (a refusal when the
 * budget is spent), `fail` after a key was refused.
 */
export function authFailureBudget(
  counter: RateCounter,
  config: Pick<Config, 'rateLimit'>,
): {
  check(address: string): Promise<RateLimitRefusal | null>;
  fail(address: string): Promise<void>;
} {
  const { authFailures: limit, windowSeconds } = config.rateLimit;
  return {
    async check(address) {
      const window = currentWindow(windowSeconds);
      const failures = await counter.peek(authFailureCaller(address), window.windowIndex);
      return failures < limit
        ? null
        : refusalOver('refused API keys', limit, windowSeconds, window);
    },
    async fail(address) {
      const { windowIndex } = currentWindow(windowSeconds);
      await counter.hit(authFailureCaller(address), windowIndex, windowSeconds);
    },
  };
}

/**
 * Per-key (anonymous: per client address) request limits at the HTTP layer, before any GraphQL
 * work. `refusalFor` counts one request and says whether it is over its limit; `plugin` sends
 * the refusal (429 with Retry-After). It runs after authentication, so the key is known;
 * GraphiQL's page, which Yoga renders before any plugin, asks `refusalFor` itself.
 */
export function rateLimiter(
  viewers: WeakMap<Request, Viewer>,
  counter: RateCounter,
  config: Pick<Config, 'rateLimit'>,
  records: WeakMap<Request, RequestRecord> = new WeakMap(),
) {
  const { windowSeconds } = config.rateLimit;
  const states = new WeakMap<Request, RateState>();
  function stateFor(request: Request, serverContext: unknown): MaybePromise<RateState | null> {
    const context = (serverContext ?? {}) as Record<string, unknown>;
    const viewer = viewers.get(request);
    if (RATE_LIMIT_PRECOUNTED in context && viewer?.kind !== 'api-key')
      return context[RATE_LIMIT_PRECOUNTED] as RateState;
    if (viewer?.kind === 'api-key')
      return countRequest(counter, windowSeconds, `key:${viewer.keyId}`, config.rateLimit.keyed);
    const address = clientAddress(serverContext);
    if (address === null) return null;
    return countRequest(
      counter,
      windowSeconds,
      anonymousCaller(address),
      config.rateLimit.anonymous,
    );
  }
  const plugin: Plugin = {
    onRequest({ request, serverContext, endResponse, fetchAPI }) {
      return thenMaybe(stateFor(request, serverContext), (state) => {
        if (state === null) return;
        // Headers set on Node's response join whatever Yoga answers without touching the
        // answer's own headers (which would cost Node its single-write path); requests made
        // in-process get them in onResponse.
        const res = nodeResponseOf(serverContext);
        if (res) {
          for (const [name, value] of Object.entries(rateLimitHeaders(state)))
            res.setHeader(name, value);
        } else {
          states.set(request, state);
        }
        const record = records.get(request);
        if (record) record.rateLimit = state.refusal ? 'refused' : 'allowed';
        const { refusal } = state;
        if (refusal) {
          endResponse(
            fetchAPI.Response.json(refusal.body, {
              status: refusal.status,
              headers: refusal.headers,
            }),
          );
        }
      });
    },
    onResponse({ request, response }) {
      const state = states.get(request);
      if (!state) return;
      for (const [name, value] of Object.entries(rateLimitHeaders(state)))
        response.headers.set(name, value);
    },
  };
  return { plugin };
}
