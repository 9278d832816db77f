import { sql } from 'kysely';
import type { ActorRow } from '../db/rows.js';
import type { Executor } from '../db/executor.js';
import type { Visibility } from '../db/visibility.js';
import { visibleSurvivors } from '../visibility/visible-actors.js';

// Finding an actor by an identifier rather than by name: the root lookups
// `actor(wikidataQid:)` and `actor(externalId:)` (one row each, answered by the survivor when
// the holder was merged, and nothing when the caller may not see it), and the writers' checks
// that an identifier is still free.

export interface ExternalIdKey {
  scheme: string;
  value: string;
}

/** The visible actor holding this Wikidata item, for compiled reads and the loader path. */
export function actorByWikidataQidQuery(db: Executor, visibility: Visibility, qid: string) {
  return visibleSurvivors(db, visibility)
    .selectAll('actor')
    .where('requested.wikidata_qid', '=', qid);
}

/** The visible actor holding this id in another register. */
export function actorByExternalIdQuery(db: Executor, visibility: Visibility, key: ExternalIdKey) {
  return visibleSurvivors(db, visibility)
    .selectAll('actor')
    .where('requested.id', 'in', (eb) =>
      eb
        .selectFrom('actor_external_id')
        .select('actor_external_id.actor_id')
        .where('actor_external_id.scheme', '=', key.scheme)
        .where('actor_external_id.value', '=', key.value),
    );
}

/** The id of the visible actor a lookup query finds, for the loader path to load. */
export async function firstActorId(
  query: ReturnType<typeof actorByWikidataQidQuery>,
): Promise<number | null> {
  const row = await query
    .clearSelect()
    .select(sql<number>`actor.id`.as('id'))
    .executeTakeFirst();
  return row?.id ?? null;
}

/** The actor holding this Wikidata item, other than `exceptId`. */
export async function findActorByWikidataQid(
  db: Executor,
  qid: string,
  exceptId: number | null,
): Promise<ActorRow | undefined> {
  let query = db.selectFrom('actor').selectAll().where('wikidata_qid', '=', qid);
  if (exceptId !== null) query = query.where('id', '<>', exceptId);
  return query.executeTakeFirst();
}

/** External ids among `ids` that another actor than `exceptId` already holds, with that actor. */
export async function findExternalIdsHeldByOthers(
  db: Executor,
  ids: readonly { scheme: string; value: string }[],
  exceptId: number | null,
): Promise<{ scheme: string; value: string; actor: Pick<ActorRow, 'id' | 'name' | 'marking'> }[]> {
  if (ids.length === 0) return [];
  let query = db
    .selectFrom('actor_external_id')
    .innerJoin('actor', 'actor.id', 'actor_external_id.actor_id')
    .select([
      'actor_external_id.scheme',
      'actor_external_id.value',
      'actor.id',
      'actor.name',
      'actor.marking',
    ])
    .where((eb) =>
      eb.or(
        ids.map((id) =>
          eb.and([
            eb('actor_external_id.scheme', '=', id.scheme),
            eb('actor_external_id.value', '=', id.value),
          ]),
        ),
      ),
    );
  if (exceptId !== null) query = query.where('actor.id', '<>', exceptId);
  const rows = await query
    .orderBy('actor_external_id.scheme')
    .orderBy('actor_external_id.value')
    .execute();
  return rows.map(({ scheme, value, ...actor }) => ({ scheme, value, actor }));
}
