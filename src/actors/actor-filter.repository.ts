import { sql, type Expression, type ExpressionBuilder, type SqlBool } from 'kysely';
import type { ActorKind, DB, PlaceType } from '../db/types.js';
import { containsPattern } from '../db/text-search.js';

// The conditions an actor list can be narrowed by, apart from the visible-row builders
// (actor.repository.ts) so that identifier lookups can grow without that file growing.

export interface ActorFilter {
  /** Only records changed at or after this instant (the change feed's `at`). */
  updatedSince?: Date | null;
  kinds?: readonly ActorKind[] | null;
  countries?: readonly string[] | null;
  /** Only places of these types (actor_place_type_idx). */
  placeTypes?: readonly PlaceType[] | null;
  /** Substring of the name or any alias, compared after fold_text (case, accents, ё → е). */
  name?: string | null;
  /** Only actors holding one of these Wikidata items (already upper-case `Q…`). */
  wikidataQids?: readonly string[] | null;
  /** Only the actor holding this id in another register. */
  externalId?: { scheme: string; value: string } | null;
}

/** True when `filter` narrows nothing (no condition is added, so the statement stays the same). */
export function actorFilterIsEmpty(filter: ActorFilter): boolean {
  return (
    !filter.kinds?.length &&
    !filter.countries?.length &&
    !filter.placeTypes?.length &&
    !filter.wikidataQids?.length &&
    !filter.externalId &&
    !filter.name
  );
}

/** `filter` as one condition on rows read as `actor`; true when it sets nothing. */
export function actorFilterCondition(
  eb: ExpressionBuilder<DB, 'actor'>,
  filter: ActorFilter,
): Expression<SqlBool> {
  const conditions: Expression<SqlBool>[] = [];
  if (filter.kinds?.length) conditions.push(eb('actor.kind', 'in', filter.kinds));
  if (filter.countries?.length) conditions.push(eb('actor.country', 'in', filter.countries));
  if (filter.placeTypes?.length) {
    conditions.push(eb('actor.place_type', 'in', filter.placeTypes));
  }
  if (filter.wikidataQids?.length)
    conditions.push(eb('actor.wikidata_qid', 'in', filter.wikidataQids));
  if (filter.externalId) {
    // (scheme, value) is unique: the subquery reads one row from its index.
    conditions.push(
      eb.exists(
        eb
          .selectFrom('actor_external_id')
          .select(sql.lit(1).as('one'))
          .whereRef('actor_external_id.actor_id', '=', 'actor.id')
          .where('actor_external_id.scheme', '=', filter.externalId.scheme)
          .where('actor_external_id.value', '=', filter.externalId.value),
      ),
    );
  }
  if (filter.name) {
    const pattern = containsPattern(filter.name);
    conditions.push(
      eb.or([
        eb(sql`fold_text(actor.name)`, 'like', sql`fold_text(${pattern})`),
        eb.exists(
          eb
            .selectFrom('actor_alias')
            .select(sql.lit(1).as('one'))
            .whereRef('actor_alias.actor_id', '=', 'actor.id')
            .where(sql`fold_text(actor_alias.alias)`, 'like', sql`fold_text(${pattern})`),
        ),
      ]),
    );
  }
  return eb.and(conditions);
}
