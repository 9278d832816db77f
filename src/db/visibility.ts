import { sql, type RawBuilder } from 'kysely';
import type { BriefingStatus, Marking } from './types.js';

/**
 * What a caller may see, applied inside every repository query so that no resolver can forget
 * it: records above the caller's clearance, and briefings outside the visible statuses (with
 * their claims), simply do not exist for that caller.
 */
export interface Visibility {
  markings: readonly Marking[];
  briefingStatuses: readonly BriefingStatus[];
  /**
   * Shared records (actors, sources, relationships) reach this caller only once released: a
   * published briefing the caller could see references them, or an editor published them.
   */
  embargoed: boolean;
}

/** Anonymous callers read published TLP:CLEAR content only, and nothing under embargo. */
export const ANONYMOUS_VISIBILITY: Visibility = {
  markings: ['CLEAR'],
  briefingStatuses: ['PUBLISHED'],
  embargoed: true,
};

/** The names under which repositories read shared records (tables and their aliases). */
export type SharedRecordAlias =
  'actor' | 'requested' | 'from_actor' | 'to_actor' | 'source' | 'actor_relationship';

/**
 * Whether the caller may see the shared record read as `alias`: its own marking is within the
 * caller's clearance and, for a caller under embargo, it was released to one of those markings
 * (`released_to` is null until then, which no marking list contains). The one place the
 * embargo is decided; every builder of visible actors, sources and relationships uses it.
 */
export function sharedRecordVisible(
  visibility: Visibility,
  alias: SharedRecordAlias,
): RawBuilder<boolean> {
  const markings = sql.join(visibility.markings);
  const ownMarking = sql<boolean>`${sql.ref(`${alias}.marking`)} in (${markings})`;
  if (!visibility.embargoed) return ownMarking;
  return sql<boolean>`(${ownMarking} and ${sql.ref(`${alias}.released_to`)} in (${markings}))`;
}
