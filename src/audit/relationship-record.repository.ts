import { z } from 'zod';
import { anyId } from '../db/any-id.js';
import { MARKINGS } from '../db/column-values.js';
import type { Executor } from '../db/executor.js';
import type { SortKeyed } from '../db/keyset.js';
import type { Marking } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import type { ParticipantRow } from '../common/participant.schema.js';
import type { ValidTimeColumns } from '../common/time-and-quantity.schema.js';
import type { RelationshipDirection } from '../refs.js';
import { byTextKey } from '../common/connection.js';
import { visibleSurvivorsOf } from './audit.repository.js';
import {
  absentIsNull,
  participantSnapshot,
  participantsSeenNow,
  recordsNamingAsOf,
  validTimeSnapshot,
} from './briefing-record.repository.js';

// An actor's relationships as the audit log recorded them at an instant (transaction time),
// folded from their snapshots as `Briefing.recordAsOf` folds claims (briefing-record.repository.ts).

/** A relationship as it stood; `sort_key` is its start then, as `VALID_FROM_ASC` orders. */
export interface RelationshipAsOfRow extends SortKeyed, ValidTimeColumns {
  id: number;
  version: number;
  type: string;
  from_actor_id: number;
  to_actor_id: number;
  confidence: number | null;
  attributes: Record<string, unknown>;
  description: string | null;
  marking: Marking;
  participants: ParticipantRow[];
}

export interface RelationshipRecordFilter {
  direction: RelationshipDirection;
  types?: readonly string[] | null;
}

/** A relationship's folded state, parsed (not cast): a damaged snapshot must not pass. */
const relationshipSnapshot = z.object({
  id: z.number().int(),
  version: z.number().int(),
  type: z.string(),
  from_actor_id: z.number().int(),
  to_actor_id: z.number().int(),
  ...validTimeSnapshot.shape,
  confidence: absentIsNull(z.number().int()),
  attributes: z.record(z.string(), z.unknown()).default({}),
  description: absentIsNull(z.string()),
  marking: z.enum(MARKINGS),
  released_to: absentIsNull(z.enum(MARKINGS)),
  participants: z.array(participantSnapshot).default([]),
});

/** Sorts as `coalesce(valid_from, '-infinity')` does: ISO dates compare as text. */
const startKey = (validFrom: string | null) => validFrom ?? '-infinity';

/**
 * Each actor's relationships as they stood at `at` (an actor merged since answers for the
 * actor it merged into, as current reads do), in four statements whatever their number. A
 * relationship shows only when the caller may see it now (or, removed since, could at its last
 * entry), was within the caller's clearance then and at its last entry, was released to the
 * caller then if the caller is under embargo (every release is logged, the database's own by a
 * trigger), and both its ends are visible now; participants whose actor is hidden now are left
 * out.
 */
export async function findRelationshipRecordsAsOf(
  db: Executor,
  visibility: Visibility,
  actorIds: readonly number[],
  filter: RelationshipRecordFilter,
  at: Date,
): Promise<RelationshipAsOfRow[][]> {
  if (actorIds.length === 0) return [];
  // The actors merged into those asked for: their relationships then are the survivors' now.
  const merged = await db
    .selectFrom('actor')
    .select('id')
    .where('merged_into_id', '=', anyId(actorIds))
    .execute();
  const states = await recordsNamingAsOf(
    db,
    visibility,
    {
      entityType: 'ActorRelationship',
      table: 'actor_relationship',
      // A relationship written without a create entry (directly into the database, or before
      // the seed logged its own) has only the partial entries of later writes (a publication's
      // `released_to`): it is not rebuilt, rather than failing the whole read.
      parse: (state) => relationshipSnapshot.safeParse(state).data ?? null,
    },
    { entityType: 'Actor', ids: [...actorIds, ...merged.map((actor) => actor.id)] },
    at,
  );
  const survivorOf = await visibleSurvivorsOf(db, visibility, [
    ...new Set(
      states.flatMap((s) => [
        s.from_actor_id,
        s.to_actor_id,
        ...s.participants.map((p) => p.actor_id),
      ]),
    ),
  ]);
  const rows = states.flatMap((state): RelationshipAsOfRow[] => {
    const from = survivorOf.get(state.from_actor_id);
    const to = survivorOf.get(state.to_actor_id);
    if (from === undefined || to === undefined) return [];
    if (filter.types?.length && !filter.types.includes(state.type)) return [];
    return [
      {
        ...state,
        from_actor_id: from,
        to_actor_id: to,
        participants: participantsSeenNow(state.id, state.participants, survivorOf),
        sort_key: [startKey(state.valid_from)],
      },
    ];
  });
  rows.sort((a, b) => byTextKey(a, { values: b.sort_key, id: b.id }));
  const { direction } = filter;
  return actorIds.map((actorId) =>
    rows.filter(
      (row) =>
        (direction !== 'INCOMING' && row.from_actor_id === actorId) ||
        (direction !== 'OUTGOING' && row.to_actor_id === actorId),
    ),
  );
}
