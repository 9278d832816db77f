import { sql, type ExpressionBuilder } from 'kysely';
import { visibleActorIds } from '../visibility/visible-actors.js';
import { visibleRelationshipIds } from '../visibility/visible-relationships.js';
import { visibleBriefingIds } from '../visibility/visible-briefings.js';
import { visibleClaimIds } from '../visibility/visible-claims.js';
import type { Database } from '../db/database.js';
import type { Executor } from '../db/executor.js';
import {
  CHANGE_ENTITY_TYPES,
  type ChangeEntityType,
  type ChangeOperation,
  type DB,
} from '../db/types.js';
import type { Visibility } from '../db/visibility.js';
import { visibleSourceIds } from '../visibility/visible-sources.js';
import { AUDIENCES, audienceOf } from './audiences.js';
import { anyId } from '../db/any-id.js';

/** Change rows per INSERT (5 parameters each). */
const INSERT_SLICE = 5_000;

export interface ChangedRecord {
  type: ChangeEntityType;
  id: number;
}

/** A change as recordChanges numbered it: what the subscriptions deliver once the write commits. */
export interface RecordedChange extends ChangedRecord {
  changeId: number;
  operation: ChangeOperation;
  at: Date;
  /** Every audience that could ever see the record (who may learn of its deletion). */
  seenBy: string[];
}

/**
 * Serialises the numbering of changes with COMMIT (an arbitrary constant, distinct from the
 * seed's and Kysely's lock keys): see the migration.
 */
const CHANGE_LOCK_KEY = 7_361_262_903_417_002;

const TABLES = {
  Briefing: 'briefing',
  Claim: 'claim',
  Source: 'source',
  Actor: 'actor',
  ActorRelationship: 'actor_relationship',
} as const satisfies Record<ChangeEntityType, string>;

/** The ids of each type the caller may see, as a subquery: the builders every list uses. */
function visibleIds(db: Executor, type: ChangeEntityType, visibility: Visibility) {
  switch (type) {
    case 'Briefing':
      return visibleBriefingIds(db, visibility);
    case 'Claim':
      return visibleClaimIds(db, visibility);
    case 'Source':
      return visibleSourceIds(db, visibility);
    case 'Actor':
      return visibleActorIds(db, visibility);
    case 'ActorRelationship':
      return visibleRelationshipIds(db, visibility);
  }
}

export function isChangeType(type: string): type is ChangeEntityType {
  return (CHANGE_ENTITY_TYPES as readonly string[]).includes(type);
}

/**
 * Records whose visibility follows from a changed one: a briefing's claims (its marking and
 * status hide or show them), an actor's relationships and the actors merged into it.
 */
async function dependents(db: Executor, changed: ChangedRecord[]): Promise<ChangedRecord[]> {
  const ids = (type: ChangeEntityType) => changed.filter((r) => r.type === type).map((r) => r.id);
  const briefings = ids('Briefing');
  const actors = ids('Actor');
  const found: ChangedRecord[] = [];
  if (briefings.length > 0) {
    const claims = await db
      .selectFrom('claim')
      .select('id')
      .where('briefing_id', '=', anyId(briefings))
      .execute();
    found.push(...claims.map((row) => ({ type: 'Claim' as const, id: row.id })));
  }
  if (actors.length > 0) {
    const relationships = await db
      .selectFrom('actor_relationship')
      .select('id')
      .where((eb) =>
        eb.or([eb('from_actor_id', '=', anyId(actors)), eb('to_actor_id', '=', anyId(actors))]),
      )
      .execute();
    found.push(...relationships.map((row) => ({ type: 'ActorRelationship' as const, id: row.id })));
    const merged = await db
      .selectFrom('actor')
      .select('id')
      .where('merged_into_id', '=', anyId(actors))
      .execute();
    found.push(...merged.map((row) => ({ type: 'Actor' as const, id: row.id })));
  }
  return found;
}

function unique(records: ChangedRecord[]): ChangedRecord[] {
  const byKey = new Map(records.map((record) => [`${record.type}:${record.id}`, record]));
  return [...byKey.values()];
}

/** For each record: whether it still exists, and the audiences that may see it now. */
async function audiencesOf(
  db: Executor,
  type: ChangeEntityType,
  ids: number[],
): Promise<Map<number, { exists: boolean; audiences: string[] }>> {
  const table = TABLES[type];
  const existing = await db
    .selectFrom(table)
    .select(sql<number>`id`.as('id'))
    .where(sql.ref(`${table}.id`), '=', anyId(ids))
    .execute();
  const result = new Map(
    existing.map((row) => [row.id, { exists: true, audiences: [] as string[] }]),
  );
  if (existing.length === 0) return result;
  const present = existing.map((row) => row.id);
  const [first, ...rest] = AUDIENCES.map(({ key, visibility }) =>
    db
      .selectFrom(visibleIds(db, type, visibility).as('visible'))
      .select([sql<string>`${key}::text`.as('audience'), 'visible.id'])
      .where('visible.id', '=', anyId(present)),
  );
  if (!first) return result;
  const rows = await rest.reduce((query, next) => query.unionAll(next), first).execute();
  for (const row of rows) result.get(row.id)?.audiences.push(row.audience);
  return result;
}

/**
 * Appends one change per record the write touched, and per record whose visibility follows
 * from them, inside the write's transaction: the change exists if and only if the write
 * commits. Takes the change lock first and holds it to COMMIT, so change ids follow commit
 * order. Call it last in the transaction.
 */
export async function recordChanges(
  db: Executor,
  touched: ChangedRecord[],
): Promise<RecordedChange[]> {
  const pending = await db
    .deleteFrom('change_pending')
    .returning(['entity_type', 'entity_id'])
    .execute();
  const direct = [
    ...touched,
    ...pending.flatMap((row) =>
      isChangeType(row.entity_type) ? [{ type: row.entity_type, id: row.entity_id }] : [],
    ),
  ];
  if (direct.length === 0) return [];
  await sql`select pg_advisory_xact_lock(cast(${CHANGE_LOCK_KEY} as bigint))`.execute(db);
  const records = unique([...direct, ...(await dependents(db, direct))]);
  const seenBefore = await lastSeenBy(db, records);
  const rows = [];
  for (const type of CHANGE_ENTITY_TYPES) {
    const ids = records.filter((record) => record.type === type).map((record) => record.id);
    if (ids.length === 0) continue;
    const states = await audiencesOf(db, type, ids);
    for (const id of ids.sort((a, b) => a - b)) {
      const state = states.get(id);
      const audiences = state?.audiences ?? [];
      const seenBy = new Set([...(seenBefore.get(`${type}:${id}`) ?? []), ...audiences]);
      rows.push({
        entity_type: type,
        entity_id: id,
        operation: state?.exists ? ('UPSERT' as const) : ('DELETE' as const),
        audiences,
        seen_by: [...seenBy].sort(),
      });
    }
  }
  // In slices: a baseline over a large database would pass PostgreSQL's 65,535 parameters.
  const recorded: RecordedChange[] = [];
  for (let start = 0; start < rows.length; start += INSERT_SLICE) {
    const inserted = await db
      .insertInto('change')
      .values(rows.slice(start, start + INSERT_SLICE))
      .returning(['id', 'entity_type', 'entity_id', 'operation', 'at', 'seen_by'])
      .execute();
    for (const row of inserted) {
      recorded.push({
        changeId: row.id,
        type: row.entity_type,
        id: row.entity_id,
        operation: row.operation,
        at: row.at,
        seenBy: row.seen_by,
      });
    }
  }
  return recorded;
}

/** The audiences that could ever see each record, from its latest change. */
async function lastSeenBy(db: Executor, records: ChangedRecord[]): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>();
  for (const type of CHANGE_ENTITY_TYPES) {
    const ids = records.filter((record) => record.type === type).map((record) => record.id);
    if (ids.length === 0) continue;
    const rows = await db
      .selectFrom('change')
      .distinctOn('entity_id')
      .select(['entity_id', 'seen_by'])
      .where('entity_type', '=', type)
      .where('entity_id', '=', anyId(ids))
      .orderBy('entity_id')
      .orderBy('id', 'desc')
      .execute();
    for (const row of rows) result.set(`${type}:${row.entity_id}`, row.seen_by);
  }
  return result;
}

/** Records per recordChanges call in a baseline: bounds the rows held in memory at once. */
const BASELINE_SLICE = 20_000;

/**
 * A first change for every record that has none yet (the seed, data from before the change
 * feed), so their later deletion reaches those who could see them. Returns how many it recorded.
 */
export async function recordBaseline(db: Executor): Promise<number> {
  // One statement for every type: each start runs this check, and on a large database the
  // round trips of one query per table added up.
  const [first, ...rest] = CHANGE_ENTITY_TYPES.map((type) => {
    const table = TABLES[type];
    return db
      .selectFrom(table)
      .select([sql<ChangeEntityType>`${type}::text`.as('type'), sql<number>`id`.as('id')])
      .where((eb) =>
        eb.not(
          eb.exists(
            eb
              .selectFrom('change')
              .select(sql.lit(1).as('one'))
              .where('change.entity_type', '=', type)
              .whereRef('change.entity_id', '=', sql.ref(`${table}.id`)),
          ),
        ),
      );
  });
  if (!first) return 0;
  const missing = await rest.reduce((query, next) => query.unionAll(next), first).execute();
  // In slices: the first start on a large database built all its rows at once (~380 MB RSS).
  for (let start = 0; start < missing.length; start += BASELINE_SLICE)
    await recordChanges(db, missing.slice(start, start + BASELINE_SLICE));
  return missing.length;
}

/**
 * Sets the change table's visibility map after a large baseline, so the next start's check
 * reads only its index (an index-only anti-join: ~20 ms instead of ~110 ms per 50,000 claims).
 * VACUUM cannot run inside a transaction: pass the database, not a transaction.
 */
export async function vacuumChanges(db: Database): Promise<void> {
  await sql`vacuum (analyze) change`.execute(db);
}

/** Which of `records` the caller may see now, as `Type:id` keys: one statement. */
export async function visibleRecordKeys(
  db: Executor,
  visibility: Visibility,
  records: readonly ChangedRecord[],
): Promise<Set<string>> {
  const queries = CHANGE_ENTITY_TYPES.flatMap((type) => {
    const ids = records.filter((record) => record.type === type).map((record) => record.id);
    if (ids.length === 0) return [];
    return [
      db
        .selectFrom(visibleIds(db, type, visibility).as('visible'))
        .select([sql<string>`${type}::text`.as('type'), 'visible.id'])
        .where('visible.id', '=', anyId(ids)),
    ];
  });
  const [first, ...rest] = queries;
  if (!first) return new Set();
  const rows = await rest.reduce((query, next) => query.unionAll(next), first).execute();
  return new Set(rows.map((row) => `${row.type}:${row.id}`));
}

export interface ChangeRow {
  id: number;
  entity_type: ChangeEntityType;
  entity_id: number;
  operation: ChangeOperation;
  at: Date;
}

/**
 * The latest change of each record after `since`, in change order, that the caller may learn
 * of: the record is visible to the caller now, or the caller's audience could see it at some
 * earlier change (then it reaches the caller as a tombstone). Up to `limit` rows.
 */
export async function findChanges(
  db: Executor,
  visibility: Visibility,
  since: number,
  limit: number,
): Promise<ChangeRow[]> {
  const audience = audienceOf(visibility);
  const visibleNow = (eb: ExpressionBuilder<DB, 'change'>) =>
    eb.or(
      CHANGE_ENTITY_TYPES.map((type) =>
        eb.and([
          eb('change.entity_type', '=', type),
          eb('change.entity_id', 'in', visibleIds(db, type, visibility)),
        ]),
      ),
    );
  return db
    .selectFrom('change')
    .select([
      'change.id',
      'change.entity_type',
      'change.entity_id',
      'change.operation',
      'change.at',
    ])
    .where('change.id', '>', since)
    .where((eb) =>
      eb.not(
        eb.exists(
          eb
            .selectFrom('change as newer')
            .select(sql.lit(1).as('one'))
            .whereRef('newer.entity_type', '=', 'change.entity_type')
            .whereRef('newer.entity_id', '=', 'change.entity_id')
            .whereRef('newer.id', '>', 'change.id'),
        ),
      ),
    )
    .where((eb) =>
      eb.or([eb(sql<string>`${audience}::text`, '=', eb.fn.any('change.seen_by')), visibleNow(eb)]),
    )
    .orderBy('change.id')
    .limit(limit)
    .execute();
}

/** The briefing of each of these claims that still exists. */
export async function findClaimBriefingIds(
  db: Executor,
  claimIds: readonly number[],
): Promise<Map<number, number>> {
  if (claimIds.length === 0) return new Map();
  const rows = await db
    .selectFrom('claim')
    .select(['id', 'briefing_id'])
    .where('id', '=', anyId(claimIds))
    .execute();
  return new Map(rows.map((row) => [row.id, row.briefing_id]));
}
