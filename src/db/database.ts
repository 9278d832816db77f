import { Kysely, PostgresDialect, type LogEvent } from 'kysely';
import pg from 'pg';
import type { DB } from './types.js';
import { namePreparedStatements } from './prepared-statements.js';
import { typeParsers } from './type-parsers.js';

export type Database = Kysely<DB>;

export interface DatabaseOptions {
  url: string;
  /** Pool size; the embedded database serialises statements anyway, so one connection suffices there. */
  maxConnections?: number;
  /** Gives up on a new connection after this long, instead of waiting for the OS (minutes). */
  connectTimeoutMs?: number;
  /**
   * Gives up waiting for a statement's answer after this long (client side), so a hung server
   * cannot hold a request forever; PostgreSQL's own statement_timeout should fire first.
   */
  queryTimeoutMs?: number;
  /** Called for every statement Kysely runs (tests count them; logs record failures). */
  onQuery?: (event: LogEvent) => void;
  /** A pooled connection failed (idle, or under a statement that fails with the same error). */
  onPoolError?: (error: Error) => void;
  /** Given the pool once, e.g. so metrics can read its connections in use and waiting. */
  onPool?: (pool: pg.Pool) => void;
  /** Run the registered compiled reads as named prepared statements (default on). */
  preparedStatements?: boolean;
}

export function createDatabase(options: DatabaseOptions): Database {
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.maxConnections ?? 10,
    connectionTimeoutMillis: options.connectTimeoutMs,
    query_timeout: options.queryTimeoutMs,
    types: typeParsers,
  });
  // pg-pool re-emits an idle client's error (e.g. the server restarting) on the pool, where an
  // unheard 'error' crashes the process; the client's own listener below reports it once.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => {
    // pg-pool listens to a client only while it is idle: a connection lost while checked out (a
    // replica stopping during a statement) would be an uncaught 'error'. The statement fails
    // with the same error, and the pool drops the client when it comes back.
    client.on('error', (error) => options.onPoolError?.(error));
    if (options.preparedStatements ?? true) namePreparedStatements(client);
  });
  options.onPool?.(pool);
  return new Kysely<DB>({
    dialect: new PostgresDialect({ pool }),
    log: options.onQuery ? (event) => options.onQuery?.(event) : undefined,
  });
}
