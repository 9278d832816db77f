import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logger.js';
import { PrimaryProgress } from '../../src/replicas/replica-lag.js';
import {
  createMemoryWriteMarkers,
  createRedisWriteMarkers,
  type WriteMarkers,
} from '../../src/replicas/write-markers.js';

// The two pieces of read routing that need no replica: the write markers (in the process and in
// Redis, which compares 64-bit positions in Lua) and the lag measured from the primary's
// positions. tests/replicas/read-replicas.test.ts runs them against real servers.

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

let redis: Redis;
const prefix = `briefgraph-test:${randomBytes(4).toString('hex')}:`;

beforeAll(async () => {
  redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  await redis.connect();
});

afterAll(async () => {
  const keys = await redis.keys(`${prefix}*`);
  if (keys.length) await redis.del(...keys);
  await redis.quit();
});

describe.each([
  ['in the process', () => createMemoryWriteMarkers()],
  ['in Redis', () => createRedisWriteMarkers(redis, prefix, createLogger('silent'))],
] satisfies [string, () => WriteMarkers][])('write markers %s', (_where, create) => {
  it('keep the highest position per caller, across the 32-bit halves', async () => {
    const markers = create();
    const caller = `key:${randomBytes(4).toString('hex')}`;
    expect(await markers.highest(caller)).toBe(0n);
    await markers.raise([caller, `${caller}:other`], 0x1_0000_0000n, 60_000);
    await markers.raise([caller], 0xffff_ffffn, 60_000);
    expect(await markers.highest(caller)).toBe(0x1_0000_0000n);
    await markers.raise([caller], 2n ** 64n - 1n, 60_000);
    expect(await markers.highest(caller)).toBe(2n ** 64n - 1n);
    expect(await markers.highest(`${caller}:other`)).toBe(0x1_0000_0000n);
  });

  it('forget a position after its time', async () => {
    const markers = create();
    const caller = `key:${randomBytes(4).toString('hex')}`;
    await markers.raise([caller], 42n, 50);
    expect(await markers.highest(caller)).toBe(42n);
    await new Promise((resolve) => setTimeout(resolve, 120));
    expect(await markers.highest(caller)).toBe(0n);
  });
});

it('shares Redis markers between instances', async () => {
  const [one, other] = [1, 2].map(() =>
    createRedisWriteMarkers(redis, prefix, createLogger('silent')),
  );
  await one?.raise(['key:shared'], 7n, 60_000);
  expect(await other?.highest('key:shared')).toBe(7n);
});

describe('replica lag from the primary positions', () => {
  it('is the age of the first position the replica has not replayed', () => {
    const progress = new PrimaryProgress(10_000);
    expect(progress.lagMs(0n, 0)).toBeNull();
    progress.record(100n, 1000);
    progress.record(100n, 1200);
    progress.record(200n, 1400);
    expect(progress.lagMs(100n, 1500)).toBe(100);
    expect(progress.lagMs(99n, 1500)).toBe(500);
    expect(progress.lagMs(200n, 1500)).toBe(0);
  });

  it('keeps counting for a replica behind everything the window still holds', () => {
    const progress = new PrimaryProgress(1000);
    progress.record(100n, 0);
    progress.record(200n, 100_000);
    // A replica stuck before 100 is at least 100 s behind, not caught up.
    expect(progress.lagMs(50n, 100_000)).toBe(100_000);
    progress.record(300n, 100_500);
    progress.record(400n, 102_000);
    expect(progress.lagMs(50n, 102_000)).toBeGreaterThan(1000);
  });
});
