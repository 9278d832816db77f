import { sql } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { Marking } from '../db/types.js';

/** The shared records an editor may publish, each with its release function (see the migration). */
const RELEASE_FUNCTIONS = {
  actor: sql.raw('release_actors'),
  source: sql.raw('release_sources'),
  actor_relationship: sql.raw('release_relationships'),
} as const;

export type SharedTable = keyof typeof RELEASE_FUNCTIONS;

/**
 * Releases shared records to the audiences of `level` and less restrictive markings, with what
 * they expose: a source's derivation chain, a relationship's two ends. The database's release
 * functions only ever lower released_to, so releasing again changes nothing.
 */
export async function releaseRecords(
  db: Executor,
  table: SharedTable,
  ids: readonly number[],
  level: Marking,
): Promise<void> {
  if (ids.length === 0) return;
  await sql`select ${RELEASE_FUNCTIONS[table]}(${ids}::bigint[], array_fill(${level}::text, array[${ids.length}::int]))`.execute(
    db,
  );
}

/** An editor's explicit publication: out to every caller the record's own marking allows. */
export async function releaseToEveryone(
  db: Executor,
  table: SharedTable,
  id: number,
): Promise<void> {
  await releaseRecords(db, table, [id], 'CLEAR');
}
