import type { BriefingStatus, Marking } from './types.js';

/**
 * What a caller may see, applied inside every repository query so that no resolver can forget
 * it: records above the caller's clearance, and briefings outside the visible statuses (with
 * their claims), simply do not exist for that caller.
 */
export interface Visibility {
  markings: readonly Marking[];
  briefingStatuses: readonly BriefingStatus[];
}

/** Anonymous callers read published TLP:CLEAR content only. */
export const ANONYMOUS_VISIBILITY: Visibility = {
  markings: ['CLEAR'],
  briefingStatuses: ['PUBLISHED'],
};
