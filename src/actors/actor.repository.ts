import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import { paginate, type Ordering, type PageWindow, type SortKeyed } from '../db/keyset.js';
import type { ActorKind, ActorTable } from '../db/types.js';
import type { Visibility } from '../db/visibility.js';

export type ActorRow = Selectable<ActorTable>;
export type ActorPageRow = ActorRow & SortKeyed;

export interface ActorFilter {
  kinds?: readonly ActorKind[] | null;
  countries?: readonly string[] | null;
  /** Substring of the name or any alias, compared case- and accent-insensitively. */
  name?: string | null;
}

export const ACTOR_ORDERINGS = {
  NAME_ASC: {
    name: 'NAME_ASC',
    keys: [sql`fold_text(actor.name)`],
    id: sql.ref('actor.id'),
    descending: false,
  },
  NAME_DESC: {
    name: 'NAME_DESC',
    keys: [sql`fold_text(actor.name)`],
    id: sql.ref('actor.id'),
    descending: true,
  },
  CREATED_AT_DESC: {
    name: 'CREATED_AT_DESC',
    keys: [sql.ref('actor.created_at')],
    id: sql.ref('actor.id'),
    descending: true,
  },
} satisfies Record<string, Ordering>;
export type ActorOrder = keyof typeof ACTOR_ORDERINGS;

/** LIKE pattern for a folded substring search, with LIKE's own wildcards escaped. */
export function containsPattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function visibleActors(db: Executor, visibility: Visibility, filter: ActorFilter = {}) {
  let query = db.selectFrom('actor').where('actor.marking', 'in', visibility.markings);
  if (filter.kinds?.length) query = query.where('actor.kind', 'in', filter.kinds);
  if (filter.countries?.length) query = query.where('actor.country', 'in', filter.countries);
  if (filter.name) {
    const pattern = containsPattern(filter.name);
    query = query.where((eb) =>
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
  return query;
}

export async function findActorsByIds(
  db: Executor,
  visibility: Visibility,
  ids: readonly number[],
): Promise<ActorRow[]> {
  return visibleActors(db, visibility).selectAll('actor').where('actor.id', 'in', ids).execute();
}

export async function findActorsPage(
  db: Executor,
  visibility: Visibility,
  filter: ActorFilter,
  order: ActorOrder,
  window: PageWindow,
): Promise<ActorPageRow[]> {
  return paginate(
    visibleActors(db, visibility, filter).selectAll('actor'),
    ACTOR_ORDERINGS[order],
    window,
  ).execute();
}

export async function countActors(
  db: Executor,
  visibility: Visibility,
  filter: ActorFilter,
): Promise<number> {
  const row = await visibleActors(db, visibility, filter)
    .select((eb) => eb.fn.countAll<number>().as('count'))
    .executeTakeFirstOrThrow();
  return Number(row.count);
}

export interface ActorAliasRow {
  actor_id: number;
  alias: string;
  language: string | null;
}

export async function findAliasesByActorIds(
  db: Executor,
  actorIds: readonly number[],
): Promise<ActorAliasRow[]> {
  return db
    .selectFrom('actor_alias')
    .select(['actor_id', 'alias', 'language'])
    .where('actor_id', 'in', actorIds)
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
    .where('actor_id', 'in', actorIds)
    .orderBy('actor_id')
    .orderBy('scheme')
    .orderBy('value')
    .execute();
}

/** Visible actors that visible claims of each briefing name as subject or object, by name. */
export async function findActorsMentionedByBriefings(
  db: Executor,
  visibility: Visibility,
  briefingIds: readonly number[],
): Promise<(ActorRow & { briefing_id: number })[]> {
  const mentions = db
    .selectFrom('claim')
    .select(['claim.briefing_id', 'claim.subject_actor_id as actor_id'])
    .where('claim.briefing_id', 'in', briefingIds)
    .where('claim.marking', 'in', visibility.markings)
    .union(
      db
        .selectFrom('claim_object')
        .innerJoin('claim', 'claim.id', 'claim_object.claim_id')
        .select(['claim.briefing_id', 'claim_object.actor_id'])
        .where('claim.briefing_id', 'in', briefingIds)
        .where('claim.marking', 'in', visibility.markings),
    );
  return visibleActors(db, visibility)
    .innerJoin(mentions.as('mention'), 'mention.actor_id', 'actor.id')
    .selectAll('actor')
    .select('mention.briefing_id')
    .orderBy('mention.briefing_id')
    .orderBy(sql`fold_text(actor.name)`)
    .orderBy('actor.id')
    .execute();
}
