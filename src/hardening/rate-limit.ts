import type { Redis } from 'ioredis';
import type { Plugin } from 'graphql-yoga';
import type { Viewer } from '../auth/viewer.js';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';

/** Counts one request for `who` in the current window; returns the count so far. */
export interface RateCounter {
  hit(who: string, windowIndex: number, windowSeconds: number): Promise<number>;
}

/** One process's counters; only the current window is kept, so memory stays bounded. */
export function createMemoryRateCounter(): RateCounter {
  let currentWindow = -1;
  let counts = new Map<string, number>();
  return {
    hit(who, windowIndex) {
      if (windowIndex !== currentWindow) {
        currentWindow = windowIndex;
        counts = new Map();
      }
      const count = (counts.get(who) ?? 0) + 1;
      counts.set(who, count);
      return Promise.resolve(count);
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

/** Counters shared by every instance; each window's key expires with the window. */
export function createRedisRateCounter(redis: Redis, prefix: string): RateCounter {
  redis.defineCommand(COUNT_COMMAND, { numberOfKeys: 1, lua: COUNT_SCRIPT });
  // defineCommand adds a method that ioredis' types do not know.
  const count = (redis as unknown as Record<string, (key: string, ttl: number) => Promise<number>>)[
    COUNT_COMMAND
  ];
  if (!count) throw new Error(`expected ioredis to define ${COUNT_COMMAND}`);
  return {
    async hit(who, windowIndex, windowSeconds) {
      return Number(
        await count.call(redis, `${prefix}rate:${who}:${windowIndex}`, windowSeconds + 1),
      );
    },
  };
}

/** The client address for in-process requests is unknown; Node's server always gives one. */
function clientAddress(serverContext: unknown): string | null {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress ?? null;
}

/** Whom an anonymous request counts against: its client address. */
export function anonymousCaller(address: string): string {
  return `ip:${address}`;
}

/**
 * Server-context property set by a layer in front of Yoga (the response cache) that already
 * counted the request: its value is the outcome (a refusal or null). The request is then
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

/**
 * Counts one request for `who`; returns the refusal when it is over `limit`, null otherwise.
 * If the counter fails (Redis away), the request passes and a warning is logged: an outage of
 * the counters must not take the API down.
 */
export async function countRequest(
  counter: RateCounter,
  windowSeconds: number,
  logger: Logger,
  who: string,
  limit: number,
): Promise<RateLimitRefusal | null> {
  const now = Date.now() / 1000;
  const windowIndex = Math.floor(now / windowSeconds);
  let count: number;
  try {
    count = await counter.hit(who, windowIndex, windowSeconds);
  } catch (error) {
    logger.warn('rate limit counter unavailable; request let through', {
      error: error instanceof Error ? error.message : String(error),
    });
    return null;
  }
  if (count <= limit) return null;
  const retryAfter = Math.max(1, Math.ceil((windowIndex + 1) * windowSeconds - now));
  return {
    status: 429,
    headers: { 'Retry-After': String(retryAfter) },
    body: {
      errors: [
        {
          message: `rate limit of ${limit} requests per ${windowSeconds} s exceeded; retry after ${retryAfter} s`,
          extensions: { code: 'RATE_LIMITED', limit, windowSeconds, retryAfter },
        },
      ],
    },
  };
}

/**
 * Per-key (anonymous: per client address) request limits at the HTTP layer, before any GraphQL
 * work: a caller over its limit gets 429 with Retry-After. Runs after authentication, so the
 * key is known.
 */
export function rateLimitPlugin(
  viewers: WeakMap<Request, Viewer>,
  counter: RateCounter,
  config: Pick<Config, 'rateLimit'>,
  logger: Logger,
): Plugin {
  const { windowSeconds } = config.rateLimit;
  return {
    async onRequest({ request, serverContext, endResponse, fetchAPI, url }) {
      if (url.pathname !== '/graphql') return;
      const context = (serverContext ?? {}) as Record<string, unknown>;
      let refusal: RateLimitRefusal | null;
      const viewer = viewers.get(request);
      if (RATE_LIMIT_PRECOUNTED in context && viewer?.kind !== 'api-key') {
        refusal = context[RATE_LIMIT_PRECOUNTED] as RateLimitRefusal | null;
      } else {
        let who: string;
        let limit: number;
        if (viewer?.kind === 'api-key') {
          who = `key:${viewer.keyId}`;
          limit = config.rateLimit.keyed;
        } else {
          const address = clientAddress(serverContext);
          if (address === null) return;
          who = anonymousCaller(address);
          limit = config.rateLimit.anonymous;
        }
        refusal = await countRequest(counter, windowSeconds, logger, who, limit);
      }
      if (refusal) {
        endResponse(
          fetchAPI.Response.json(refusal.body, {
            status: refusal.status,
            headers: refusal.headers,
          }),
        );
      }
    },
  };
}
