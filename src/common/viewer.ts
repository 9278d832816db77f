import { MARKINGS, type Marking, type Role } from '../db/types.js';
import { ANONYMOUS_VISIBILITY, type Visibility } from '../db/visibility.js';

/** Who is calling: nobody in particular, or the holder of an API key. */
export type Viewer =
  | { kind: 'anonymous' }
  | {
      kind: 'api-key';
      keyId: number;
      name: string;
      role: Role;
      clearance: Marking;
      /** When the key stops working; absent or null: never. */
      expiresAt?: Date | null;
    };

export const ANONYMOUS: Viewer = { kind: 'anonymous' };

/** Every marking up to and including `clearance`, in TLP order (CLEAR < GREEN < … < RED). */
export function markingsUpTo(clearance: Marking): Marking[] {
  return MARKINGS.slice(0, MARKINGS.indexOf(clearance) + 1);
}

/**
 * What a caller may read. Anonymous callers: published TLP:CLEAR content. Partners and
 * analysts: published and retracted briefings up to their clearance (a retraction is part of
 * the record). Editors and admins also see drafts and briefings in review. Anonymous callers
 * and partners (outside integrations) are under embargo: they see a shared record only once it
 * is released; analysts, editors and admins work on unreleased ones too, up to their clearance.
 */
export function visibilityFor(viewer: Viewer): Visibility {
  if (viewer.kind === 'anonymous') return ANONYMOUS_VISIBILITY;
  const markings = markingsUpTo(viewer.clearance);
  switch (viewer.role) {
    case 'editor':
    case 'admin':
      return {
        markings,
        briefingStatuses: ['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'RETRACTED'],
        embargoed: false,
      };
    case 'analyst':
      return { markings, briefingStatuses: ['PUBLISHED', 'RETRACTED'], embargoed: false };
    case 'partner':
      return { markings, briefingStatuses: ['PUBLISHED', 'RETRACTED'], embargoed: true };
  }
}

export function canWrite(viewer: Viewer): boolean {
  return viewer.kind === 'api-key' && (viewer.role === 'editor' || viewer.role === 'admin');
}

export function isAdmin(viewer: Viewer): boolean {
  return viewer.kind === 'api-key' && viewer.role === 'admin';
}

/** Who the audit log names for a write. */
export function auditName(viewer: Viewer): string {
  return viewer.kind === 'api-key' ? viewer.name : 'anonymous';
}
