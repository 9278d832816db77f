import { sql } from 'kysely';
import type { Executor } from './executor.js';

// Write-ahead-log positions as byte offsets (pg_lsn minus 0/0): bigints compare directly, and
// the text of a numeric keeps all 64 bits, which a JavaScript number would not.

/**
 * The primary's WAL position now. Read after a COMMIT returned, it is at or past that commit's
 * record: with synchronous_commit on (PostgreSQL's default) the record is written before
 * COMMIT returns, and the write position includes it.
 */
export async function currentWalPosition(db: Executor): Promise<bigint> {
  const { rows } = await sql<{
    lsn: string;
  }>`select (pg_current_wal_lsn() - '0/0'::pg_lsn)::text as lsn`.execute(db);
  return BigInt(rows[0]?.lsn ?? '0');
}

/** How far a standby has replayed; null when the server is not in recovery (not a replica). */
export async function replayedWalPosition(db: Executor): Promise<bigint | null> {
  const { rows } = await sql<{
    lsn: string | null;
  }>`select case when pg_is_in_recovery() then coalesce((pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::text, '0') end as lsn`.execute(
    db,
  );
  const lsn = rows[0]?.lsn;
  return lsn === null || lsn === undefined ? null : BigInt(lsn);
}
