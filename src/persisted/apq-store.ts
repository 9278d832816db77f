import type { Redis } from 'ioredis';
import { LruCache } from '../common/lru-cache.js';

/** Automatic persisted queries: document text by its SHA-256 hex, bounded in size and age. */
export interface ApqStore {
  get(hash: string): Promise<string | null>;
  set(hash: string, body: string): Promise<void>;
}

/** In one process: least recently used entries go first once `maxEntries` is reached. */
export function createMemoryApqStore(maxEntries: number, ttlSeconds: number): ApqStore {
  const entries = new LruCache<string>({ maxEntries, ttlSeconds });
  return {
    get: (hash) => Promise.resolve(entries.get(hash) ?? null),
    set(hash, body) {
      entries.set(hash, body);
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
