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
import type { ClaimDateTable, ClaimQuantityTable, Likelihood } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import type { ParticipantRow } from '../common/participant.schema.js';
import type { ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import { hiddenNow, visibleSurvivorsOf } from './audit.repository.js';

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
const absentIsNull = <T extends z.ZodType>(type: T) => type.nullable().default(null);

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

const participantSnapshot = z.object({
  actor_id: z.number().int(),
  role: z.enum(PARTICIPANT_ROLES),
  note: absentIsNull(z.string()),
});

/** A claim's folded state, parsed (not cast): a damaged snapshot must not pass as a claim. */
const claimSnapshot = z.object({
  id: z.number().int(),
  position: z.number().int(),
  version: z.number().int(),
  statement: z.string(),
  marking: z.enum(MARKINGS),
  likelihood: absentIsNull(z.enum(LIKELIHOODS)),
  likelihood_to: absentIsNull(z.enum(LIKELIHOODS)),
  valid_from: absentIsNull(z.string()),
  valid_from_precision: absentIsNull(z.enum(PRECISIONS)),
  valid_from_bound: z.enum(TIME_BOUNDS).default('UNKNOWN'),
  valid_to: absentIsNull(z.string()),
  valid_to_precision: absentIsNull(z.enum(PRECISIONS)),
  valid_to_bound: z.enum(TIME_BOUNDS).default('UNKNOWN'),
  valid_time_note: absentIsNull(z.string()),
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
  actor_links: z
    .array(z.object({ actor_id: z.number().int(), role: z.enum(SOURCE_ACTOR_ROLES) }))
    .default([]),
});

type Entry = { entity_id: number | null; after: unknown };

/** Each record's entries, in order, folded into its state at the last one (null: removed). */
function fold(entries: readonly Entry[]): Map<number, Record<string, unknown> | null> {
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
 * The briefing's claims and cited sources as they stood at `at`, in five statements whatever
 * their number. What the caller may not see now stays out: a claim or source hidden from them
 * now (or above their clearance then, or a claim above it at its last entry, removed or not),
 * and participants and links whose actor they may not see now; merged actors show as their
 * survivors, as current reads show them.
 */
export async function findBriefingRecordAsOf(
  db: Executor,
  visibility: Visibility,
  briefingId: number,
  at: Date,
): Promise<BriefingRecord> {
  // The claims ever logged in this briefing (their entries name it: audit_mention), with their
  // later entries too, for the last marking each had.
  const claimEntries = await db
    .selectFrom('audit_log')
    // Compared in SQL: the log keeps microseconds, a Date milliseconds.
    .select(['entity_id', 'after', sql<boolean>`at <= ${at}`.as('in_time')])
    .where('entity_type', '=', 'Claim')
    .where('entity_id', 'in', (eb) =>
      eb
        .selectFrom('audit_mention')
        .innerJoin('audit_log as named', 'named.id', 'audit_mention.audit_id')
        .select('named.entity_id')
        .where('audit_mention.entity_type', '=', 'Briefing')
        .where('audit_mention.entity_id', '=', briefingId)
        .where('named.entity_type', '=', 'Claim'),
    )
    .orderBy('entity_id')
    .orderBy('at')
    .orderBy('id')
    .execute();
  const claimStates = [...fold(claimEntries.filter((entry) => entry.in_time))].flatMap(
    ([, state]) => (state === null ? [] : [claimSnapshot.parse(state)]),
  );
  // A claim raised above the caller's clearance later, even one removed since, stays hidden.
  const lastMarkings = new Map(
    [...fold(claimEntries.filter((entry) => entry.after !== null))].map(([id, state]) => [
      id,
      claimSnapshot.shape.marking.parse(state?.marking),
    ]),
  );
  const hiddenClaims = await hiddenNow(
    db,
    visibility,
    'claim',
    claimStates.map((c) => c.id),
  );
  const claims = claimStates.filter(
    (claim) =>
      !hiddenClaims.has(claim.id) &&
      visibility.markings.includes(claim.marking) &&
      visibility.markings.includes(lastMarkings.get(claim.id) ?? claim.marking),
  );

  const sourceIds = [...new Set(claims.flatMap((c) => c.citations.map((x) => x.source_id)))];
  const sourceStates =
    sourceIds.length === 0
      ? []
      : [...fold(await entriesUpTo(db, 'Source', sourceIds, at))].flatMap(([, state]) =>
          state === null ? [] : [sourceSnapshot.parse(state)],
        );
  const hiddenSources = await hiddenNow(
    db,
    visibility,
    'source',
    sourceStates.map((s) => s.id),
  );
  // Its embargo is judged now (hiddenNow): a release at publication is not logged per source.
  const sources = sourceStates.filter(
    (source) => !hiddenSources.has(source.id) && visibility.markings.includes(source.marking),
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
        participants: claim.participants.flatMap((p, position) => {
          const actorId = survivorOf.get(p.actor_id);
          return actorId === undefined
            ? []
            : [{ parent_id: claim.id, actor_id: actorId, role: p.role, note: p.note, position }];
        }),
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
