import type { QuotedClaims } from '../common/quote-anchoring.js';
import {
  findClaimLinks,
  lockQuotedClaimsOfBriefing,
  updateClaimAtVersion,
  type ClaimRow,
} from './claim.repository.js';

/**
 * The claims quoting a briefing, as a body rewrite moves them (src/briefings/briefing.service.ts
 * plans the moves; src/schema.ts passes this in). A moved span is a new version of the claim,
 * audited as `claim.reanchor` with its links, like any other claim write.
 */
export const claimQuotes: QuotedClaims<ClaimRow> = {
  lockOfBriefing: lockQuotedClaimsOfBriefing,
  async reanchor({ trx, audit }, moves) {
    for (const { claim, span } of moves) {
      const links = await findClaimLinks(trx, claim.id);
      const moved = await updateClaimAtVersion(trx, claim.id, claim.version, {
        span_start: span.start,
        span_end: span.end,
      });
      await audit({
        action: 'claim.reanchor',
        entityType: 'Claim',
        entityId: claim.id,
        before: { ...claim, ...links },
        after: { ...moved, ...links },
      });
    }
  },
};
