import type { Redis } from 'ioredis';

/** Automatic persisted queries: document text by its SHA-256 hex, bounded in size and age. */
export interface ApqStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, body: string): Promise<void>;
}

/** In one process: least recently used entries go first once `maxEntries` is reached. */
export function createMemoryApqStore(maxEntries: number, ttlSeconds: number): ApqStore {
  const entries = new Map<string, { body: string; expiresAt: number }>();
  return {
    get(hash) {
      const entry = entries.get(hash);
      if (!entry || entry.expiresAt <= Date.now()) {
        entries.delete(hash);
        return Promise.resolve(null);
      }
      // Re-inserting moves it to the end: Map iteration order is the LRU order.
      entries.delete(hash);
      entries.set(hash, entry);
      return Promise.resolve(entry.body);
    },
    set(hash, body) {
      entries.delete(hash);
      entries.set(hash, { body, expiresAt: Date.now() + ttlSeconds * 1000 });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return Promise.resolve();
    },
  };
}

/** Shared by every instance; each entry expires after `ttlSeconds` (Redis bounds the rest). */
export function createRedisApqStore(redis: Redis, prefix: string, ttlSeconds: number): ApqStore {
  const key = (hash: string) => `${prefix}apq:${hash}`;
  return {
    get: (hash) => redis.get(key(hash)),
    async set(hash, body) {
      await redis.set(key(hash), body, 'EX', ttlSeconds);
    },
  };
}
