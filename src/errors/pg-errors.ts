import type { GraphQLError } from 'graphql';
import { badInput } from './bad-input.js';
import { ConflictError, NotFoundError, ValidationError } from './domain-errors.js';

interface PostgresError {
  code: string;
  constraint?: string;
  column?: string;
  table?: string;
  message: string;
}

function isPostgresError(error: unknown): error is PostgresError {
  if (!(error instanceof Error) || !('code' in error)) return false;
  return typeof error.code === 'string' && /^[0-9A-Z]{5}$/.test(error.code);
}

/**
 * Unique constraints whose clash is the caller's to fix, by the input field that carries the
 * value. Named here so that no message ever shows a constraint (or the record holding the
 * value, which the caller may not be allowed to see).
 */
const UNIQUE_FIELDS: Readonly<Record<string, string>> = {
  briefing_slug_key: 'input.slug',
  actor_wikidata_qid_key: 'input.wikidataQid',
  actor_external_id_scheme_value_key: 'input.externalIds',
};

function camelCase(column: string): string {
  return column.replace(/_([a-z])/g, (_match, letter: string) => letter.toUpperCase());
}

/** The input field a refused column stands for, when PostgreSQL names it; else the input. */
function inputPath(error: PostgresError): string[] {
  const column =
    error.column ??
    (error.table &&
    error.constraint?.startsWith(`${error.table}_`) &&
    error.constraint.endsWith('_check')
      ? error.constraint.slice(error.table.length + 1, -'_check'.length)
      : undefined);
  return column && /^[a-z_]+$/.test(column) ? ['input', camelCase(column)] : ['input'];
}

/**
 * The one place where PostgreSQL's own refusals become domain errors. Mutations validate
 * first; this is the backstop when the database's constraints catch what validation missed
 * (or a race, such as two writers taking the same slug). Messages name input fields, never
 * constraints, tables' rows or the values' holders: those may be records the caller cannot see.
 */
export function domainErrorFromPostgres(error: unknown): Error | null {
  if (!isPostgresError(error)) return null;
  switch (error.code) {
    case '23505': {
      const field = error.constraint ? UNIQUE_FIELDS[error.constraint] : undefined;
      return new ConflictError(
        field
          ? `${field} is unavailable: choose another value`
          : 'the write clashes with a record written meanwhile: re-read and retry',
      );
    }
    case '23503':
      // Inserting a link to a record removed meanwhile, or removing one that others still use.
      return error.message.startsWith('update or delete')
        ? new ConflictError('the record is still in use by others: it cannot be removed')
        : new NotFoundError('Record', 'named in the input', ['input']);
    case '40P01':
    case '40001':
      // A deadlock or serialization failure: the transaction was rolled back whole; retrying is safe.
      return new ConflictError(
        'the write collided with a concurrent one and was rolled back: retry it',
      );
    case '23514':
    case '23502': {
      const path = inputPath(error);
      return new ValidationError([
        {
          path,
          message:
            path.length > 1
              ? `expected a value the database accepts for ${path.join('.')}, got one it refuses`
              : 'expected values the database accepts, got one it refuses',
        },
      ]);
    }
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
