import type { GraphQLError } from 'graphql';
import { badInput } from './bad-input.js';
import { ConflictError, NotFoundError, ValidationError } from './domain-errors.js';

interface PostgresError {
  code: string;
  constraint?: string;
  detail?: string;
  table?: string;
  message: string;
}

function isPostgresError(error: unknown): error is PostgresError {
  if (!(error instanceof Error) || !('code' in error)) return false;
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code);
}

/**
 * The one place where PostgreSQL's own refusals become domain errors. Mutations validate
 * first; this is the backstop when the database's constraints catch what validation missed
 * (or a race, such as two writers taking the same slug).
 */
export function domainErrorFromPostgres(error: unknown): Error | null {
  if (!isPostgresError(error)) return null;
  const where = error.constraint ? ` (${error.constraint})` : '';
  switch (error.code) {
    case '23505':
      return new ConflictError(`already exists${where}: ${error.detail ?? error.message}`);
    case '23503':
      return new NotFoundError(error.table ?? 'record', error.detail ?? error.message);
    case '40P01':
    case '40001':
      // A deadlock or serialization failure: the transaction was rolled back whole; retrying is safe.
      return new ConflictError(
        'the write collided with a concurrent one and was rolled back: retry it',
      );
    case '23514':
    case '23502':
      return new ValidationError([
        { path: ['input'], message: `rejected by the database${where}: ${error.message}` },
      ]);
    default:
      // Class 22 is "data exception": values out of range, malformed dates and the like.
      return error.code.startsWith('22')
        ? new ValidationError([{ path: ['input'], message: error.message }])
        : null;
  }
}

/**
 * PostgreSQL data exceptions that only a value from the request can cause in a read: text that
 * is not a number, date or timestamp of the column's type (e.g. a forged cursor key), a number
 * out of range, a NUL or an unencodable character. Other class-22 errors (division by zero…)
 * stay server bugs.
 */
const CLIENT_DATA_EXCEPTIONS = new Set(['22P02', '22003', '22021', '22007', '22008', '22P05']);

/**
 * The backstop for reads: a client value the boundary checks let through and the database
 * refused becomes BAD_USER_INPUT instead of a masked, logged "Unexpected error.".
 */
export function clientErrorFromPostgres(error: unknown): GraphQLError | null {
  if (!isPostgresError(error) || !CLIENT_DATA_EXCEPTIONS.has(error.code)) return null;
  return badInput(`expected values the database can read, got one it refused: ${error.message}`);
}
