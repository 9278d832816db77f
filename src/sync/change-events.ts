import { z } from 'zod';
import type { Executor } from '../db/executor.js';
import type { ChangeEvent } from './change-bus.js';
import { findClaimBriefingIds, type RecordedChange } from './change.repository.js';

/** What a write's audit entries say about a record: the only view of a claim already deleted. */
export interface AuditedState {
  entityType: string;
  entityId: number;
  before: unknown;
  after: unknown;
}

const WithBriefing = z.object({ briefing_id: z.number() });
const WithStatus = z.object({ status: z.string() });

function statusOf(snapshot: unknown): string | null {
  const parsed = WithStatus.safeParse(snapshot);
  return parsed.success ? parsed.data.status : null;
}

/**
 * The subscription events of one write, built inside its transaction from the changes it
 * numbered: a claim's briefing comes from the database (or, once deleted, from its audit
 * snapshot); a briefing counts as published when an audit entry took it to PUBLISHED.
 */
export async function changeEventsOf(
  trx: Executor,
  recorded: readonly RecordedChange[],
  audited: readonly AuditedState[],
): Promise<ChangeEvent[]> {
  const claimIds = recorded.filter((change) => change.type === 'Claim').map((change) => change.id);
  const briefingOfClaim = await findClaimBriefingIds(trx, claimIds);
  const published = new Set<number>();
  for (const entry of audited) {
    if (entry.entityType === 'Claim' && !briefingOfClaim.has(entry.entityId)) {
      const snapshot = WithBriefing.safeParse(entry.before ?? entry.after);
      if (snapshot.success) briefingOfClaim.set(entry.entityId, snapshot.data.briefing_id);
    }
    if (
      entry.entityType === 'Briefing' &&
      statusOf(entry.after) === 'PUBLISHED' &&
      statusOf(entry.before) !== 'PUBLISHED'
    )
      published.add(entry.entityId);
  }
  return recorded.map((change) => ({
    changeId: change.changeId,
    type: change.type,
    id: change.id,
    operation: change.operation,
    at: change.at.toISOString(),
    seenBy: change.seenBy,
    briefingId: change.type === 'Claim' ? (briefingOfClaim.get(change.id) ?? null) : null,
    published: change.type === 'Briefing' && published.has(change.id),
  }));
}
