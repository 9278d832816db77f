import { ascending, defineOrderings, descending } from '../db/orderings.js';
import type { ActorRow } from '../db/rows.js';
import { sql, type Insertable, type RawBuilder, type Updateable } from 'kysely';
import { nestedListing } from '../db/nested-listing.js';
import type { Executor } from '../db/executor.js';
import { type SortKeyed } from '../db/keyset.js';
import type { ActorTable } from '../db/types.js';
import { sharedRecordVisible, type Visibility } from '../db/visibility.js';
import { visibleActorRows, visibleSurvivors } from '../visibility/visible-actors.js';
import { anyId } from '../db/any-id.js';
import {
  actorFilterCondition,
  actorFilterIsEmpty,
  type ActorFilter,
} from './actor-filter.repository.js';
import { updaterAtVersion } from '../db/at-version.js';
import { changedSince } from '../db/changed-since.js';

export type { ActorRow };
export type ActorPageRow = ActorRow & SortKeyed;

export type { ActorFilter };

export const ACTOR_ORDERINGS = defineOrderings('Actor', 'actor', {
  NAME_ASC: ascending(sql`fold_text(actor.name)`),
  NAME_DESC: descending(sql`fold_text(actor.name)`),
  CREATED_AT_DESC: descending(sql.ref('actor.created_at')),
});
export type ActorOrder = keyof typeof ACTOR_ORDERINGS;

/** The visible actors (visibleActorRows) narrowed by a list filter. */
function visibleActors(db: Executor, visibility: Visibility, filter: ActorFilter = {}) {
  let query = visibleActorRows(db, visibility);
  if (filter.updatedSince)
    query = query.where(changedSince('Actor', sql.ref('actor.id'), filter.updatedSince));
  if (!actorFilterIsEmpty(filter)) query = query.where((eb) => actorFilterCondition(eb, filter));
  return query;
}

/** Visible actors' rows under a filter, unordered: a list for compiled reads to page. */
export function actorRowsQuery(db: Executor, visibility: Visibility, filter: ActorFilter) {
  return visibleActors(db, visibility, filter).selectAll('actor');
}

/**
 * The visible actor that answers for this id (its survivor when merged; none when hidden), for
 * compiled reads, as findActorsByIds.
 */
export function actorByIdQuery(
  db: Executor,
  visibility: Visibility,
  id: RawBuilder<number> | number,
) {
  return visibleSurvivors(db, visibility).selectAll('actor').where('requested.id', '=', id);
}

export interface ActorAliasRow {
  actor_id: number;
  alias: string;
  language: string | null;
}

/** One visible actor's aliases A–Z as `list_rank`, at most `cap` (compiled reads). */
export function aliasesOfActorQuery(db: Executor, actorId: RawBuilder<number>, cap: number) {
  return db
    .selectFrom('actor_alias')
    .select([
      'actor_alias.alias',
      'actor_alias.language',
      sql<number>`row_number() over (order by actor_alias.alias)`.as('list_rank'),
    ])
    .where('actor_alias.actor_id', '=', actorId)
    .orderBy('actor_alias.alias')
    .limit(cap);
}

/** One visible actor's external ids by scheme and value as `list_rank`, at most `cap`. */
export function externalIdsOfActorQuery(db: Executor, actorId: RawBuilder<number>, cap: number) {
  return db
    .selectFrom('actor_external_id')
    .select([
      'actor_external_id.scheme',
      'actor_external_id.value',
      'actor_external_id.url',
      sql<number>`row_number() over (order by actor_external_id.scheme, actor_external_id.value)`.as(
        'list_rank',
      ),
    ])
    .where('actor_external_id.actor_id', '=', actorId)
    .orderBy('actor_external_id.scheme')
    .orderBy('actor_external_id.value')
    .limit(cap);
}

export async function findAliasesByActorIds(
  db: Executor,
  actorIds: readonly number[],
): Promise<ActorAliasRow[]> {
  return db
    .selectFrom('actor_alias')
    .select(['actor_id', 'alias', 'language'])
    .where('actor_id', '=', anyId(actorIds))
    .orderBy('actor_id')
    .orderBy('alias')
    .execute();
}

export interface ActorExternalIdRow {
  actor_id: number;
  scheme: string;
  value: string;
  url: string | null;
}

export async function findExternalIdsByActorIds(
  db: Executor,
  actorIds: readonly number[],
): Promise<ActorExternalIdRow[]> {
  return db
    .selectFrom('actor_external_id')
    .select(['actor_id', 'scheme', 'value', 'url'])
    .where('actor_id', '=', anyId(actorIds))
    .orderBy('actor_id')
    .orderBy('scheme')
    .orderBy('value')
    .execute();
}

/** Ids of the actors that one briefing's visible claims name, as subject or object. */
function actorIdsNamedByBriefing(
  db: Executor,
  visibility: Visibility,
  briefingId: RawBuilder<number>,
) {
  return db
    .selectFrom('claim')
    .select('claim.subject_actor_id as actor_id')
    .where('claim.briefing_id', '=', briefingId)
    .where('claim.marking', 'in', visibility.markings)
    .union(
      db
        .selectFrom('claim_object')
        .innerJoin('claim', 'claim.id', 'claim_object.claim_id')
        .select('claim_object.actor_id')
        .where('claim.briefing_id', '=', briefingId)
        .where('claim.marking', 'in', visibility.markings),
    );
}

/** `Briefing.actors` lists a briefing's actors by name. */
export const BRIEFING_ACTOR_ORDERING = ACTOR_ORDERINGS.NAME_ASC;

function actorsOfBriefing(db: Executor, visibility: Visibility, briefingId: RawBuilder<number>) {
  return visibleActors(db, visibility).where(
    'actor.id',
    'in',
    actorIdsNamedByBriefing(db, visibility, briefingId),
  );
}

/** `Briefing.actors`: the visible actors each briefing's visible claims name, by name. */
export const ACTORS_OF_BRIEFING = nestedListing({
  ordering: BRIEFING_ACTOR_ORDERING,
  ofParent: actorsOfBriefing,
  select: (rows) => rows.selectAll('actor'),
});

export type NewActor = Insertable<ActorTable>;
export type ActorUpdate = Updateable<ActorTable>;

export async function insertActor(db: Executor, values: NewActor): Promise<ActorRow> {
  return db.insertInto('actor').values(values).returningAll().executeTakeFirstOrThrow();
}

/** Applies the update only at `expectedVersion`, bumping it; a ConflictError when the version moved on. */
export const updateActorAtVersion = updaterAtVersion({
  typename: 'Actor',
  update: (db) => db.updateTable('actor'),
  returning: (update) => update.returningAll(),
});

async function shareVisibleActor(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<ActorRow | undefined> {
  return db
    .selectFrom('actor')
    .selectAll()
    .where('id', '=', id)
    .where(sharedRecordVisible(visibility, 'actor'))
    .forShare()
    .executeTakeFirst();
}

/**
 * The actor a reference stands for (its survivor when merged), share-locked so that a merge
 * running at the same time finishes first or waits: a new link never lands on an actor that
 * was merged away meanwhile.
 */
export async function lockSurvivingActor(
  db: Executor,
  visibility: Visibility,
  id: number,
): Promise<ActorRow | undefined> {
  const requested = await shareVisibleActor(db, visibility, id);
  if (requested?.merged_into_id == null) return requested;
  return shareVisibleActor(db, visibility, requested.merged_into_id);
}

export async function replaceAliases(
  db: Executor,
  actorId: number,
  aliases: readonly { alias: string; language: string | null }[],
): Promise<void> {
  await db.deleteFrom('actor_alias').where('actor_id', '=', actorId).execute();
  if (aliases.length === 0) return;
  await db
    .insertInto('actor_alias')
    .values(aliases.map((a) => ({ actor_id: actorId, alias: a.alias, language: a.language })))
    .execute();
}

export async function replaceExternalIds(
  db: Executor,
  actorId: number,
  externalIds: readonly { scheme: string; value: string; url: string | null }[],
): Promise<void> {
  await db.deleteFrom('actor_external_id').where('actor_id', '=', actorId).execute();
  if (externalIds.length === 0) return;
  await db
    .insertInto('actor_external_id')
    .values(externalIds.map((e) => ({ actor_id: actorId, ...e })))
    .execute();
}
