import type { Marking } from '../db/types.js';
import { markingRef } from './stix-definitions.js';

// The properties every object this exporter writes is built with (STIX 2.1 §3.2).

/** STIX timestamps are RFC 3339 in UTC with millisecond precision (§3.2). */
export function timestamp(value: Date): string {
  return value.toISOString();
}

/** The common properties of an object made from one of our records: its times and marking. */
export function common(
  type: string,
  id: string,
  row: { created_at: Date; updated_at: Date; marking: Marking },
) {
  return {
    type,
    spec_version: '2.1',
    id,
    created: timestamp(row.created_at),
    modified: timestamp(row.updated_at),
    object_marking_refs: [markingRef(row.marking)],
  };
}

/** Set only what has a value: STIX forbids empty strings and empty lists in most properties. */
export function present<T extends Record<string, unknown>>(object: T): T {
  return Object.fromEntries(
    Object.entries(object).filter(
      ([, value]) =>
        value !== null && value !== undefined && !(Array.isArray(value) && value.length === 0),
    ),
  ) as T;
}
