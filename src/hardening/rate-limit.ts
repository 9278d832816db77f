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

/** Counters shared by every instance; each window's key expires with the window. */
export function createRedisRateCounter(redis: Redis, prefix: string): RateCounter {
  return {
    async hit(who, windowIndex, windowSeconds) {
      const key = `${prefix}rate:${who}:${windowIndex}`;
      const result = await redis
        .multi()
        .incr(key)
        .expire(key, windowSeconds + 1)
        .exec();
      const [error, count] = result?.[0] ?? [new Error('empty reply from Redis'), 0];
      if (error) throw error;
      return Number(count);
    },
  };
}

/** The client address for in-process requests is unknown; Node's server always gives one. */
function clientAddress(serverContext: unknown): string | null {
  const req = (serverContext as { req?: { socket?: { remoteAddress?: string } } } | undefined)?.req;
  return req?.socket?.remoteAddress ?? null;
}

/**
 * Per-key (anonymous: per client address) request limits at the HTTP layer, before any GraphQL
 * work: a caller over its limit gets 429 with Retry-After. Runs after authentication, so the
 * key is known. If Redis fails, requests pass (and a warning is logged): an outage of the
 * counters must not take the API down.
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
      const viewer = viewers.get(request);
      let who: string;
      let limit: number;
      if (viewer?.kind === 'api-key') {
        who = `key:${viewer.keyId}`;
        limit = config.rateLimit.keyed;
      } else {
        const address = clientAddress(serverContext);
        if (address === null) return;
        who = `ip:${address}`;
        limit = config.rateLimit.anonymous;
      }
      const now = Date.now() / 1000;
      const windowIndex = Math.floor(now / windowSeconds);
      let count: number;
      try {
        count = await counter.hit(who, windowIndex, windowSeconds);
      } catch (error) {
        logger.warn('rate limit counter unavailable; request let through', {
          error: error instanceof Error ? error.message : String(error),
        });
        return;
      }
      if (count <= limit) return;
      const retryAfter = Math.max(1, Math.ceil((windowIndex + 1) * windowSeconds - now));
      endResponse(
        fetchAPI.Response.json(
          {
            errors: [
              {
                message: `rate limit of ${limit} requests per ${windowSeconds} s exceeded; retry after ${retryAfter} s`,
                extensions: { code: 'RATE_LIMITED', limit, windowSeconds, retryAfter },
              },
            ],
          },
          { status: 429, headers: { 'Retry-After': String(retryAfter) } },
        ),
      );
    },
  };
}
