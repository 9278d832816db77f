/**
 * A replacement list as the caller sees it, merged into the stored list: the caller can name
 * only entries it may see, so those are what it replaces. Entries it may not see stay, each at
 * its old index where the new list is long enough to reach it, else after the new entries, in
 * their old order. `current` is the stored list in order.
 */
export function replaceVisibleEntries<T>(
  current: readonly { entry: T; hidden: boolean }[],
  replacement: readonly T[],
): T[] {
  const result: T[] = [];
  const rest = [...replacement];
  current.forEach(({ entry, hidden }, index) => {
    if (!hidden) return;
    result.push(...rest.splice(0, Math.max(0, index - result.length)), entry);
  });
  return [...result, ...rest];
}
