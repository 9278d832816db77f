/**
 * A Map kept in least-recently-used order (re-inserting an entry moves it to the end), bounded
 * by entries and, when `sizeOf` is given, by total size; entries expire after `ttlSeconds`.
 * One value larger than `maxSize` on its own is not kept at all.
 */
export class LruCache<V> {
  readonly #entries = new Map<string, { value: V; size: number; expiresAt: number }>();
  #totalSize = 0;

  constructor(
    private readonly options: {
      maxEntries: number;
      ttlSeconds: number;
      maxSize?: number;
      sizeOf?: (key: string, value: V) => number;
    },
  ) {}

  get(key: string): V | undefined {
    const found = this.#entries.get(key);
    if (!found) return undefined;
    this.delete(key);
    if (found.expiresAt <= Date.now()) return undefined;
    this.#entries.set(key, found);
    this.#totalSize += found.size;
    return found.value;
  }

  set(key: string, value: V): void {
    const { maxEntries, ttlSeconds, maxSize = Infinity, sizeOf } = this.options;
    const size = sizeOf ? sizeOf(key, value) : 0;
    this.delete(key);
    if (size > maxSize) return;
    this.#entries.set(key, { value, size, expiresAt: Date.now() + ttlSeconds * 1000 });
    this.#totalSize += size;
    while (this.#entries.size > maxEntries || this.#totalSize > maxSize) {
      const oldest = this.#entries.keys().next().value;
      if (oldest === undefined) break;
      this.delete(oldest);
    }
  }

  delete(key: string): void {
    const found = this.#entries.get(key);
    if (!found) return;
    this.#entries.delete(key);
    this.#totalSize -= found.size;
  }

  clear(): void {
    this.#entries.clear();
    this.#totalSize = 0;
  }
}
