import type { Viewer } from '../common/viewer.js';
import type { Config } from '../config.js';

/** Partners, and anonymous callers in production, get the tighter document limits. */
export type Tier = 'restricted' | 'trusted';

/**
 * Outside production anonymous callers explore like analysts (the embedded default is for
 * trying the API out), so they get the analysts' limits there.
 */
export function tierOf(viewer: Viewer, config: Pick<Config, 'production'>): Tier {
  if (viewer.kind === 'api-key') return viewer.role === 'partner' ? 'restricted' : 'trusted';
  return config.production ? 'restricted' : 'trusted';
}

/**
 * Whether the caller may send document text (or register one through APQ). Partners: never,
 * only registered documents. Anonymous: as ANONYMOUS_OPERATIONS says (writes still need a key).
 */
export function mayRunAnyOperation(
  viewer: Viewer,
  config: Pick<Config, 'anonymousOperations'>,
): boolean {
  if (viewer.kind === 'api-key') return viewer.role !== 'partner';
  return config.anonymousOperations === 'any';
}

/** Analysts, editors and admins always; anonymous callers and partners as INTROSPECTION says. */
export function mayIntrospect(viewer: Viewer, config: Pick<Config, 'introspection'>): boolean {
  return (viewer.kind === 'api-key' && viewer.role !== 'partner') || config.introspection;
}
