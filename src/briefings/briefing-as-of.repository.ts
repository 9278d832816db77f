import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import type { BriefingRow } from './briefing.repository.js';

// Reads the audit log, but belongs to briefings: audit/ depends on every domain (its visibility
// rules), so a briefing read that lived in audit/ tied the two folders into a loop.

const TIMESTAMPS = ['published_at', 'retracted_at', 'created_at', 'updated_at'] as const;

/** The briefing's snapshot in the last entry at or before `asOf`; null when it did not exist yet. */
async function findBriefingSnapshotAsOf(
  db: Executor,
  briefingId: number,
  asOf: Date,
): Promise<unknown> {
  const row = await db
    .selectFrom('audit_log')
    .select('after')
    .where('entity_type', '=', 'Briefing')
    .where('entity_id', '=', briefingId)
    .where('at', '<=', asOf)
    .orderBy('at', 'desc')
    .orderBy('id', 'desc')
    .limit(1)
    .executeTakeFirst();
  return row ? row.after : null;
}

/**
 * The briefing as it stood at `asOf`, rebuilt from the audit log's last snapshot of it (the
 * log records when we knew it: transaction time). Null when it did not exist then, or when
 * the caller may not see it as it was (a draft then, say).
 */
export async function findBriefingAsOf(
  db: Executor,
  visibility: Visibility,
  briefingId: number,
  asOf: Date,
): Promise<BriefingRow | null> {
  const snapshot = await findBriefingSnapshotAsOf(db, briefingId, asOf);
  if (typeof snapshot !== 'object' || snapshot === null || !('slug' in snapshot)) return null;
  const row = { ...snapshot } as Record<string, unknown>;
  for (const column of TIMESTAMPS) {
    const value = row[column];
    row[column] = typeof value === 'string' ? new Date(value) : null;
  }
  const briefing = row as unknown as BriefingRow;
  return visibility.markings.includes(briefing.marking) &&
    visibility.briefingStatuses.includes(briefing.status)
    ? briefing
    : null;
}
