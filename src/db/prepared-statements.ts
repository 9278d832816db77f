import { createHash } from 'node:crypto';
import type pg from 'pg';

/**
 * Statements worth preparing once per connection: PostgreSQL then plans a compiled read once,
 * not on every request (planning a nested read cost more than running it). A text registered
 * here runs as a named prepared statement; at most MAX_PREPARED texts are registered per
 * process, so however many different documents callers send, each connection holds a bounded
 * number of prepared statements. Later texts simply run unnamed.
 */
const MAX_PREPARED = 256;
const names = new Map<string, string>();

/** Asks for `text` to run as a prepared statement from now on (when there is room). */
export function prepareStatement(text: string): void {
  if (names.has(text) || names.size >= MAX_PREPARED) return;
  names.set(text, `bg_${createHash('sha256').update(text).digest('base64url').slice(0, 24)}`);
}

type Query = (...args: unknown[]) => unknown;

/**
 * Makes a pooled client run registered texts as named statements (pg prepares a name once per
 * connection and reuses it). Kysely calls `query(text, values)`; every other form passes through.
 */
export function namePreparedStatements(client: pg.PoolClient): void {
  const query = client.query.bind(client) as Query;
  const named: Query = (...args) => {
    const [text, values, callback] = args;
    const name = typeof text === 'string' && callback === undefined ? names.get(text) : undefined;
    return name === undefined ? query(...args) : query({ name, text, values });
  };
  Object.assign(client, { query: named });
}
