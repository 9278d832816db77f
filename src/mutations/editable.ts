import { encodeGlobalId } from '../common/global-id.js';
import type { BriefingRow } from '../db/rows.js';
import { ConflictError } from '../errors/domain-errors.js';

/**
 * A retracted briefing is kept as it was, for the record: neither it nor its claims change.
 * Both briefing and claim writes check it, so it lives below either domain.
 */
export function assertEditable(briefing: BriefingRow): void {
  if (briefing.status === 'RETRACTED') {
    throw new ConflictError(
      `briefing ${encodeGlobalId('Briefing', briefing.id)} is RETRACTED: it and its claims are kept as they were`,
    );
  }
}
