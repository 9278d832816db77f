import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import type { CacheSetup } from './peers.ts';

/** The response cache TTL `ours-cached` runs with: longer than any run, so entries stay warm. */
export const CACHE_TTL_SECONDS = 300;

function client(url: string): Redis {
  return new Redis(url, {
    lazyConnect: true,
    connectTimeout: 1000,
    maxRetriesPerRequest: 0,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
}

/** Whether a Redis answers PING at `url` (within about a second). */
export async function redisAnswers(url: string): Promise<boolean> {
  const redis = client(url);
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return (await redis.ping()) === 'PONG';
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

/**
 * Where `ours-cached` keeps its responses: `--cache-store redis|memory`, by default Redis when one
 * answers at `redisUrl`. The key prefix is new for every run.
 */
export async function cacheSetup(
  requested: string | undefined,
  redisUrl: string,
): Promise<CacheSetup & { reason: string }> {
  const prefix = `bench-${randomBytes(6).toString('hex')}:`;
  const base = { prefix, ttlSeconds: CACHE_TTL_SECONDS };
  if (requested !== undefined && requested !== 'redis' && requested !== 'memory') {
    throw new Error(`expected --cache-store redis or memory, got ${JSON.stringify(requested)}`);
  }
  const answers = requested === 'memory' ? false : await redisAnswers(redisUrl);
  if (requested === 'redis' && !answers) {
    throw new Error(`--cache-store redis: no Redis answers at ${redactUrl(redisUrl)}`);
  }
  if (answers) {
    return {
      ...base,
      store: 'redis',
      redisUrl,
      reason: requested
        ? '--cache-store redis'
        : `default: a Redis answered at ${redactUrl(redisUrl)}`,
    };
  }
  return {
    ...base,
    store: 'memory',
    reason: requested
      ? '--cache-store memory'
      : `default: no Redis answered at ${redactUrl(redisUrl)}`,
  };
}

/** Deletes what the run left under its prefix (cache entries, rate-limit counters). */
export async function clearPrefix(url: string, prefix: string): Promise<number> {
  const redis = client(url);
  redis.on('error', () => undefined);
  let deleted = 0;
  try {
    await redis.connect();
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 500);
      cursor = next;
      if (keys.length) deleted += await redis.unlink(...keys);
    } while (cursor !== '0');
  } catch {
    // Best effort: the entries expire on their own.
  } finally {
    redis.disconnect();
  }
  return deleted;
}

/** A URL without its credentials, for logs and the report. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^@/]*@/, '//');
}
