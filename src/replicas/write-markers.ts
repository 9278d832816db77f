import type { Redis } from 'ioredis';
import { errorFields, type Logger } from '../logger.js';

/**
 * "This caller wrote at WAL position X": what read-your-writes routes by. Every instance must
 * see every instance's markers (a load balancer sends the caller's next read anywhere), so with
 * Redis they live there; without, in this process, which is enough for one instance.
 */
export interface WriteMarkers {
  /** Raises each caller's marker to `lsn` for `ttlMs`; a lower position never replaces a higher. */
  raise(callers: readonly string[], lsn: bigint, ttlMs: number): Promise<void>;
  /** The highest position `caller` wrote at, within the TTL; 0n when none. Throws when unknown. */
  highest(caller: string): Promise<bigint>;
}

/** Entries kept before expired ones are swept (one per caller who wrote lately). */
const SWEEP_ABOVE = 10_000;

export function createMemoryWriteMarkers(): WriteMarkers {
  const markers = new Map<string, { lsn: bigint; expiresAt: number }>();
  return {
    raise(callers, lsn, ttlMs) {
      const now = Date.now();
      if (markers.size > SWEEP_ABOVE) {
        for (const [caller, marker] of markers) if (marker.expiresAt <= now) markers.delete(caller);
      }
      for (const caller of callers) {
        const current = markers.get(caller);
        if (current === undefined || current.expiresAt <= now || current.lsn < lsn)
          markers.set(caller, { lsn, expiresAt: now + ttlMs });
      }
      return Promise.resolve();
    },
    highest(caller) {
      const marker = markers.get(caller);
      return Promise.resolve(
        marker === undefined || marker.expiresAt <= Date.now() ? 0n : marker.lsn,
      );
    },
  };
}

/**
 * Positions are 16 lower-case hex digits, compared as two 32-bit halves: Lua's numbers are
 * doubles (exact to 2^53 only) and its string order follows the server's locale.
 */
const RAISE_SCRIPT = `
local function above(a, b)
  local ah, bh = tonumber(string.sub(a, 1, 8), 16), tonumber(string.sub(b, 1, 8), 16)
  if ah ~= bh then return ah > bh end
  return tonumber(string.sub(a, 9), 16) > tonumber(string.sub(b, 9), 16)
end
for _, key in ipairs(KEYS) do
  local current = redis.call('GET', key)
  if not current or above(ARGV[1], current) then
    redis.call('SET', key, ARGV[1], 'PX', ARGV[2])
  end
end
return 0
`;

const RAISE_COMMAND = 'briefgraphRaiseWriteMarker';

function hex(lsn: bigint): string {
  return lsn.toString(16).padStart(16, '0');
}

/**
 * Markers shared by every instance through Redis, and kept in this process too: if Redis fails
 * to take one, this instance still honours it. A lookup Redis cannot answer throws, and the
 * caller then reads from the primary (consistent, only slower).
 */
export function createRedisWriteMarkers(
  redis: Redis,
  prefix: string,
  logger: Logger,
): WriteMarkers {
  redis.defineCommand(RAISE_COMMAND, { lua: RAISE_SCRIPT });
  // defineCommand adds a method that ioredis' types do not know.
  const raise = (
    redis as unknown as Record<string, (...args: (string | number)[]) => Promise<number>>
  )[RAISE_COMMAND];
  if (!raise) throw new Error(`expected ioredis to define ${RAISE_COMMAND}`);
  const local = createMemoryWriteMarkers();
  const key = (caller: string) => `${prefix}written:${caller}`;
  return {
    async raise(callers, lsn, ttlMs) {
      await local.raise(callers, lsn, ttlMs);
      try {
        await raise.call(redis, callers.length, ...callers.map(key), hex(lsn), ttlMs);
      } catch (error) {
        logger.error(
          'could not share a write marker through Redis; other instances may read from a replica that has not replayed it',
          errorFields(error),
        );
      }
    },
    async highest(caller) {
      const [shared, own] = await Promise.all([redis.get(key(caller)), local.highest(caller)]);
      const lsn = shared === null ? 0n : BigInt(`0x${shared}`);
      return lsn > own ? lsn : own;
    },
  };
}
