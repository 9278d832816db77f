/**
 * LIKE pattern for a folded substring search, with LIKE's own wildcards escaped. Compare it as
 * `fold_text(column) like fold_text(pattern)`: fold_text (migrations/) ignores case and accents.
 */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}
