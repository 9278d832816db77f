import { visibilityFor } from '../common/viewer.js';
import { MARKINGS, ROLES, type Marking, type Role } from '../db/types.js';
import { ANONYMOUS_VISIBILITY, type Visibility } from '../db/visibility.js';

/**
 * An audience: every caller who sees exactly the same records (same markings, briefing
 * statuses and embargo), named by those three. The change feed records, per change, which
 * audiences could see the record, so it can tell later who may learn that it went away.
 */
export function audienceOf(visibility: Visibility): string {
  const top = visibility.markings.at(-1) ?? 'NONE';
  const statuses = [...visibility.briefingStatuses].sort().join('+');
  return `${visibility.embargoed ? 'embargoed' : 'open'}:${statuses}:${top}`;
}

/** Every audience a caller can be in: anonymous, then each role at each clearance. */
export const AUDIENCES: readonly { key: string; visibility: Visibility }[] = (() => {
  const visibilities = [
    ANONYMOUS_VISIBILITY,
    ...ROLES.flatMap((role) => MARKINGS.map((clearance) => keyVisibility(role, clearance))),
  ];
  const byKey = new Map(visibilities.map((visibility) => [audienceOf(visibility), visibility]));
  return [...byKey].map(([key, visibility]) => ({ key, visibility }));
})();

/** What a key with this role and clearance sees: a webhook endpoint's audience. */
export function keyVisibility(role: Role, clearance: Marking): Visibility {
  return visibilityFor({ kind: 'api-key', keyId: 0, name: '', role, clearance });
}
