import { sql, type Kysely } from 'kysely';

// Frozen: indexes on the orderings' own sort keys (nulls folded in by coalesce, then the id
// tie-breaker), so a first page in such an order reads its rows straight from an index instead
// of sorting the whole visible table (briefings newest first: 1 ms → 0.1 ms on 1,000 rows).

const indexes = [
  [
    'briefing_published_sort_idx',
    `briefing ((coalesce(published_at, '-infinity'::timestamptz)), id)`,
  ],
  ['claim_confidence_sort_idx', `claim ((coalesce(confidence, -1)), id)`],
  ['claim_valid_from_sort_idx', `claim ((coalesce(valid_from, '-infinity'::date)), id)`],
  ['source_published_sort_idx', `source ((coalesce(published_at, '-infinity'::timestamptz)), id)`],
  ['source_reliability_sort_idx', `source ((coalesce(reliability, 'Z')), id)`],
  [
    'actor_relationship_valid_from_sort_idx',
    `actor_relationship ((coalesce(valid_from, '-infinity'::date)), id)`,
  ],
] as const;

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const [name, on] of indexes) await sql.raw(`create index ${name} on ${on}`).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const [name] of indexes) await sql.raw(`drop index ${name}`).execute(db);
}
