import { sql, type Selectable } from 'kysely';
import { z } from 'zod';
import { anyId } from '../db/any-id.js';
import {
  CLAIM_DATE_ROLES,
  LIKELIHOODS,
  MARKINGS,
  PARTICIPANT_ROLES,
  PRECISIONS,
  QUANTITY_KINDS,
  QUANTITY_QUALIFIERS,
  QUANTITY_ROLES,
  SOURCE_ACTOR_ROLES,
  TIME_BOUNDS,
} from '../db/column-values.js';
import type { Executor } from '../db/executor.js';
import type { SortKeyed } from '../db/keyset.js';
import type { ClaimDateTable, ClaimQuantityTable, Likelihood, Marking } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import type { ParticipantRow } from '../common/participant.schema.js';
import type { ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import { visibleNow, visibleSurvivorsOf } from './audit.repository.js';

// What hung off a briefing at an instant (its claims' quantities, dated qualifiers, likelihood
// and participants; the actor links of the sources they cited), rebuilt from the audit log.
// A record's state at T is its entries up to T folded in order: each entry's `after` laid over
// the state before it (some writes log only what they change: a source's links, a merge's
// moved actors), a removal (`after` null) ending it. The seed loader logs each claim and source
// as loaded; a record written into the database directly, without an entry, is not rebuilt.

/** A claim as it stood; `sort_key` is its position then, for paging in that order. */
export interface ClaimAsOfRow extends SortKeyed, ValidTimeColumns {
  id: number;
  position: number;
  version: number;
  statement: string;
  likelihood: Likelihood | null;
  likelihood_to: Likelihood | null;
  quantities: Selectable<ClaimQuantityTable>[];
  dates: Selectable<ClaimDateTable>[];
  participants: ParticipantRow[];
}

/** A source as it stood; `sort_key` is its title then. */
export interface SourceAsOfRow extends SortKeyed {
  id: number;
  version: number;
  title: string;
  actors: {
    source_id: number;
    actor_id: number;
    role: (typeof SOURCE_ACTOR_ROLES)[number];
    position: number;
  }[];
}

export interface BriefingRecord {
  at: Date;
  claims: ClaimAsOfRow[];
  sources: SourceAsOfRow[];
}

/** Optional in older snapshots (written before the column or list existed). */
export const absentIsNull = <T extends z.ZodType>(type: T) => type.nullable().default(null);

const quantitySnapshot = z.object({
  claim_id: z.number().int(),
  position: z.number().int(),
  role: z.enum(QUANTITY_ROLES).default('STATED'),
  kind: z.enum(QUANTITY_KINDS).default('COUNT'),
  qualifier: z.enum(QUANTITY_QUALIFIERS),
  value: absentIsNull(z.number()),
  min: absentIsNull(z.number()),
  max: absentIsNull(z.number()),
  unit: absentIsNull(z.string()),
  currency: absentIsNull(z.string()),
  label: absentIsNull(z.string()),
  wording: absentIsNull(z.string()),
}) satisfies z.ZodType<Selectable<ClaimQuantityTable>, unknown>;

const dateSnapshot = z.object({
  claim_id: z.number().int(),
  position: z.number().int(),
  role: z.enum(CLAIM_DATE_ROLES),
  label: absentIsNull(z.string()),
  bound: z.enum(TIME_BOUNDS).default('KNOWN'),
  date: absentIsNull(z.string()),
  precision: absentIsNull(z.enum(PRECISIONS)),
  note: absentIsNull(z.string()),
}) satisfies z.ZodType<Selectable<ClaimDateTable>, unknown>;

export const participantSnapshot = z.object({
  actor_id: z.number().int(),
  role: z.enum(PARTICIPANT_ROLES),
  note: absentIsNull(z.string()),
});

/**
 * A snapshot's participants as the caller may see them now: each actor as its survivor, those
 * the caller may not see left out (`survivorOf` from visibleSurvivorsOf).
 */
export function participantsSeenNow(
  parentId: number,
  participants: readonly z.infer<typeof participantSnapshot>[],
  survivorOf: ReadonlyMap<number, number>,
): ParticipantRow[] {
  return participants.flatMap((p, position) => {
    const actorId = survivorOf.get(p.actor_id);
    return actorId === undefined
      ? []
      : [{ parent_id: parentId, actor_id: actorId, role: p.role, note: p.note, position }];
  });
}

/** A claim's or relationship's valid time as its row (and so its snapshot) holds it. */
export const validTimeSnapshot = z.object({
  valid_from: absentIsNull(z.string()),
  valid_from_precision: absentIsNull(z.enum(PRECISIONS)),
  valid_from_bound: z.enum(TIME_BOUNDS).default('UNKNOWN'),
  valid_to: absentIsNull(z.string()),
  valid_to_precision: absentIsNull(z.enum(PRECISIONS)),
  valid_to_bound: z.enum(TIME_BOUNDS).default('UNKNOWN'),
  valid_time_note: absentIsNull(z.string()),
}) satisfies z.ZodType<ValidTimeColumns, unknown>;

/** A claim's folded state, parsed (not cast): a damaged snapshot must not pass as a claim. */
const claimSnapshot = z.object({
  id: z.number().int(),
  position: z.number().int(),
  version: z.number().int(),
  statement: z.string(),
  marking: z.enum(MARKINGS),
  likelihood: absentIsNull(z.enum(LIKELIHOODS)),
  likelihood_to: absentIsNull(z.enum(LIKELIHOODS)),
  ...validTimeSnapshot.shape,
  quantities: z.array(quantitySnapshot).default([]),
  dates: z.array(dateSnapshot).default([]),
  participants: z.array(participantSnapshot).default([]),
  citations: z.array(z.object({ source_id: z.number().int() })).default([]),
});

const sourceSnapshot = z.object({
  id: z.number().int(),
  version: z.number().int(),
  title: z.string(),
  marking: z.enum(MARKINGS),
  released_to: absentIsNull(z.enum(MARKINGS)),
  actor_links: z
    .array(z.object({ actor_id: z.number().int(), role: z.enum(SOURCE_ACTOR_ROLES) }))
    .default([]),
});

/** What a record's last entry tells about who may see it. */
const lastSnapshot = z.object({
  marking: absentIsNull(z.enum(MARKINGS)),
  released_to: absentIsNull(z.enum(MARKINGS)),
});

type Entry = { entity_id: number | null; after: unknown };

/** Each record's entries, in order, folded into its state at the last one (null: removed). */
export function fold(entries: readonly Entry[]): Map<number, Record<string, unknown> | null> {
  const states = new Map<number, Record<string, unknown> | null>();
  for (const { entity_id: id, after } of entries) {
    if (id === null) continue;
    const state = after === null ? null : { ...(states.get(id) ?? {}), ...(after as object) };
    states.set(id, state);
  }
  return states;
}

/** Every entry up to `at` of the records of `entityType` with these ids, oldest first. */
function entriesUpTo(db: Executor, entityType: string, ids: readonly number[], at: Date) {
  return db
    .selectFrom('audit_log')
    .select(['entity_id', 'after'])
    .where('entity_type', '=', entityType)
    .where('entity_id', '=', anyId(ids))
    .where('at', '<=', at)
    .orderBy('entity_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
}

/**
 * Whether a shared record (source, relationship) in a state released to `to` reaches the
 * caller: always outside the embargo, under it only once released to one of their markings.
 */
export const releasedTo = (visibility: Visibility, to: Marking | null | undefined): boolean =>
  !visibility.embargoed || (to != null && visibility.markings.includes(to));

/**
 * The records of `record.entityType` whose entries ever named one of `named` (audit_mention:
 * a claim names its briefing, a relationship its ends), as they stood at `at`, that the caller
 * may see: not hidden now, and within the caller's clearance then and at their last entry
 * (removed since or not), so neither a later raise nor a deletion tells what was above it.
 * A shared record (a relationship) reaches a caller under embargo only when its state then was
 * released to one of the caller's markings, and, removed since, its last state too. Two
 * statements.
 */
export async function recordsNamingAsOf<
  S extends { id: number; marking: Marking; released_to?: Marking | null },
>(
  db: Executor,
  visibility: Visibility,
  record: {
    entityType: 'Claim' | 'ActorRelationship';
    table: 'claim' | 'actor_relationship';
    /** Null for a state that is not a whole record, to be left out. */
    parse: (state: Record<string, unknown>) => S | null;
  },
  named: { entityType: 'Briefing' | 'Actor'; ids: readonly number[] },
  at: Date,
): Promise<S[]> {
  if (named.ids.length === 0) return [];
  const entries = await db
    .selectFrom('audit_log')
    // Compared in SQL: the log keeps microseconds, a Date milliseconds.
    .select(['entity_id', 'after', sql<boolean>`at <= ${at}`.as('in_time')])
    .where('entity_type', '=', record.entityType)
    .where('entity_id', 'in', (eb) =>
      eb
        .selectFrom('audit_mention')
        .innerJoin('audit_log as named', 'named.id', 'audit_mention.audit_id')
        .select('named.entity_id')
        .where('audit_mention.entity_type', '=', named.entityType)
        .where('audit_mention.entity_id', '=', anyId(named.ids))
        .where('named.entity_type', '=', record.entityType),
    )
    .orderBy('entity_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  const states = [...fold(entries.filter((entry) => entry.in_time))].flatMap(([, state]) => {
    const parsed = state === null ? null : record.parse(state);
    return parsed === null ? [] : [parsed];
  });
  const lastStates = fold(entries.filter((entry) => entry.after !== null));
  const lastOf = (id: number) => lastSnapshot.parse(lastStates.get(id) ?? {});
  const now = await visibleNow(
    db,
    visibility,
    record.table,
    states.map((state) => state.id),
  );
  const released = (to: Marking | null | undefined) =>
    record.table === 'claim' || releasedTo(visibility, to);
  return states.filter((state) => {
    const last = lastOf(state.id);
    return (
      (now.get(state.id) ?? released(last.released_to)) &&
      released(state.released_to) &&
      visibility.markings.includes(state.marking) &&
      visibility.markings.includes(last.marking ?? state.marking)
    );
  });
}

/**
 * The briefing's claims and cited sources as they stood at `at`, in five statements whatever
 * their number. What the caller may not see now stays out: a claim or source hidden from them
 * now (or above their clearance then, or a claim above it at its last entry, removed or not),
 * a source not yet released to a caller under embargo then (the relationships' rule),
 * and participants and links whose actor they may not see now; merged actors show as their
 * survivors, as current reads show them.
 */
export async function findBriefingRecordAsOf(
  db: Executor,
  visibility: Visibility,
  briefingId: number,
  at: Date,
): Promise<BriefingRecord> {
  const claims = await recordsNamingAsOf(
    db,
    visibility,
    { entityType: 'Claim', table: 'claim', parse: (state) => claimSnapshot.parse(state) },
    { entityType: 'Briefing', ids: [briefingId] },
    at,
  );

  const sourceIds = [...new Set(claims.flatMap((c) => c.citations.map((x) => x.source_id)))];
  const sourceStates =
    sourceIds.length === 0
      ? []
      : [...fold(await entriesUpTo(db, 'Source', sourceIds, at))].flatMap(([, state]) => {
          // A source written without a create entry (directly into the database) and released
          // since has only its release logged: it is not rebuilt, rather than failing the read.
          const parsed = state === null ? undefined : sourceSnapshot.safeParse(state).data;
          return parsed === undefined ? [] : [parsed];
        });
  const sourcesNow = await visibleNow(
    db,
    visibility,
    'source',
    sourceStates.map((s) => s.id),
  );
  // Its embargo is judged as it stood then: every release is logged, the database's own (a
  // briefing's publication) by a trigger, so a source reaches a caller under embargo from then on.
  const sources = sourceStates.filter(
    (source) =>
      sourcesNow.get(source.id) !== false &&
      releasedTo(visibility, source.released_to) &&
      visibility.markings.includes(source.marking),
  );

  const actorIds = [
    ...new Set([
      ...claims.flatMap((c) => c.participants.map((p) => p.actor_id)),
      ...sources.flatMap((s) => s.actor_links.map((l) => l.actor_id)),
    ]),
  ];
  const survivorOf = await visibleSurvivorsOf(db, visibility, actorIds);

  return {
    at,
    claims: claims
      .map((claim) => ({
        id: claim.id,
        position: claim.position,
        version: claim.version,
        statement: claim.statement,
        likelihood: claim.likelihood,
        likelihood_to: claim.likelihood_to,
        valid_from: claim.valid_from,
        valid_from_precision: claim.valid_from_precision,
        valid_from_bound: claim.valid_from_bound,
        valid_to: claim.valid_to,
        valid_to_precision: claim.valid_to_precision,
        valid_to_bound: claim.valid_to_bound,
        valid_time_note: claim.valid_time_note,
        quantities: claim.quantities,
        dates: claim.dates,
        participants: participantsSeenNow(claim.id, claim.participants, survivorOf),
        sort_key: [String(claim.position)],
      }))
      .sort((a, b) => a.position - b.position || a.id - b.id),
    sources: sources
      .map((source) => ({
        id: source.id,
        version: source.version,
        title: source.title,
        actors: source.actor_links.flatMap((link, position) => {
          const actorId = survivorOf.get(link.actor_id);
          return actorId === undefined
            ? []
            : [{ source_id: source.id, actor_id: actorId, role: link.role, position }];
        }),
        sort_key: [source.title],
      }))
      .sort((a, b) => (a.title < b.title ? -1 : a.title > b.title ? 1 : a.id - b.id)),
  };
}
