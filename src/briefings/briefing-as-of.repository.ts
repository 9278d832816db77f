import { z } from 'zod';
import { BRIEFING_STATUSES, MARKINGS } from '../db/column-values.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import type { BriefingRow } from './briefing.repository.js';

// Reads the audit log, but belongs to briefings: audit/ depends on every domain (its visibility
// rules), so a briefing read that lived in audit/ tied the two folders into a loop.

/** Timestamps are stored in the log as JSON strings. */
const storedTime = z.iso.datetime({ offset: true }).transform((text) => new Date(text));

/**
 * A briefing row as the audit log stored it (`to_jsonb` of the row). Parsed, not cast: a
 * snapshot written before a column existed, or damaged by hand, must not pass as a row.
 */
const briefingSnapshot = z.object({
  id: z.number().int(),
  slug: z.string(),
  title: z.string(),
  summary: z.string().nullable(),
  body: z.string(),
  language: z.string(),
  marking: z.enum(MARKINGS),
  status: z.enum(BRIEFING_STATUSES),
  source_id: z.number().int().nullable(),
  version: z.number().int(),
  published_at: storedTime.nullable(),
  retracted_at: storedTime.nullable(),
  retraction_reason: z.string().nullable(),
  created_at: storedTime,
  updated_at: storedTime,
}) satisfies z.ZodType<BriefingRow, unknown>;

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

/** A briefing row rebuilt as of an instant, which `Briefing.recordAsOf` reads its parts at. */
export type BriefingAsOfRow = BriefingRow & { as_of: Date };

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
): Promise<BriefingAsOfRow | null> {
  const snapshot = await findBriefingSnapshotAsOf(db, briefingId, asOf);
  if (snapshot === null) return null;
  const briefing = briefingSnapshot.parse(snapshot);
  return visibility.markings.includes(briefing.marking) &&
    visibility.briefingStatuses.includes(briefing.status)
    ? { ...briefing, as_of: asOf }
    : null;
}
