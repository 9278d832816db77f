import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { sourceRowsQuery } from './source.repository.js';

// `source(url:)`: the oldest visible source at the same document as a URL (normalize_url,
// migrations/…_find-by-identifier.ts), so importers and editors find it before recording it
// again. Several may share a URL (a page re-recorded with another title); the first one wins,
// the `sources(filter: { url })` list shows them all.

export function firstSourceAtUrlQuery(db: Executor, visibility: Visibility, url: string) {
  return sourceRowsQuery(db, visibility, { url }).orderBy('source.id').limit(1);
}

export async function findFirstSourceIdAtUrl(
  db: Executor,
  visibility: Visibility,
  url: string,
): Promise<number | null> {
  const row = await firstSourceAtUrlQuery(db, visibility, url)
    .clearSelect()
    .select('source.id')
    .executeTakeFirst();
  return row?.id ?? null;
}
