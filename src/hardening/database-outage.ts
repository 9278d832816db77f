import type { ExecutionResult } from 'graphql';
import { createGraphQLError, maskError, type Plugin } from 'graphql-yoga';
import { errorResponse } from './http-guards.js';

export const DATABASE_UNAVAILABLE = 'DATABASE_UNAVAILABLE';

/** What `Retry-After` says while the database is away: long enough not to hammer it. */
export const DATABASE_RETRY_AFTER_SECONDS = 5;

const MESSAGE = 'the database is unavailable; retry later';

/** Socket errors of a connection that could not be made or was lost (Node's `code`). */
const SOCKET_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EPIPE',
]);

/**
 * PostgreSQL SQLSTATEs of a server that cannot serve: class 08 (connection exception), shutting
 * down, crashed, starting up, out of connections.
 * https://www.postgresql.org/docs/15/errcodes-appendix.html
 */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);

/** What `pg` and `pg-pool` say when the server is gone or does not answer in time. */
const CLIENT_MESSAGES = [
  /^Connection terminated/,
  /^timeout exceeded when trying to connect$/,
  /^Query read timeout$/,
  /^Client has encountered a connection error and is not queryable$/,
  /^Client was closed and is not queryable$/,
];

function isUnavailableCause(error: object): boolean {
  const { code, syscall } = error as { code?: unknown; syscall?: unknown };
  if (typeof code === 'string') {
    if (SOCKET_CODES.has(code)) return true;
    // A Unix socket (the embedded database's) that is not there.
    if (code === 'ENOENT' && syscall === 'connect') return true;
    if (/^[0-9A-Z]{5}$/.test(code) && (code.startsWith('08') || UNAVAILABLE_SQLSTATES.has(code)))
      return true;
  }
  const message = (error as { message?: unknown }).message;
  return typeof message === 'string' && CLIENT_MESSAGES.some((pattern) => pattern.test(message));
}

/**
 * True when `error`, or an error it wraps (GraphQL's `originalError`, `cause`, an
 * AggregateError's `errors` as Node gives for a refused dual-stack connect), says the database
 * is unreachable, as opposed to a statement it refused.
 */
export function isDatabaseUnavailable(error: unknown, depth = 0): boolean {
  if (typeof error !== 'object' || error === null || depth > 5) return false;
  if (isUnavailableCause(error)) return true;
  const { originalError, cause, errors } = error as {
    originalError?: unknown;
    cause?: unknown;
    errors?: unknown;
  };
  if (isDatabaseUnavailable(originalError, depth + 1)) return true;
  if (isDatabaseUnavailable(cause, depth + 1)) return true;
  return Array.isArray(errors) && errors.some((inner) => isDatabaseUnavailable(inner, depth + 1));
}

const httpExtension = {
  status: 503,
  headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) },
};

/** The 503 answer for refusals made before GraphQL starts (authentication). */
export function databaseUnavailableResponse(fetchAPI: { Response: typeof Response }): Response {
  return errorResponse(fetchAPI, 503, DATABASE_UNAVAILABLE, MESSAGE, {
    headers: httpExtension.headers,
  });
}

/**
 * Yoga's error masking, except that a lost database becomes DATABASE_UNAVAILABLE with HTTP
 * 503 and Retry-After instead of "Unexpected error." with 200 or 500: the caller did nothing
 * wrong and should come back.
 */
export function maskDatabaseUnavailable(error: unknown, message: string, isDev?: boolean): Error {
  if (!isDatabaseUnavailable(error)) return maskError(error, message, isDev);
  return createGraphQLError(MESSAGE, {
    extensions: { code: DATABASE_UNAVAILABLE, http: httpExtension },
  });
}

function collapse(result: ExecutionResult): ExecutionResult {
  const unavailable = result.errors?.find(
    (error) => error.extensions.code === DATABASE_UNAVAILABLE,
  );
  return unavailable ? { errors: [unavailable] } : result;
}

/**
 * A result with any DATABASE_UNAVAILABLE error becomes that one error and nothing else: a
 * partial answer would pass for a complete one with some records missing.
 */
export function databaseOutagePlugin(): Plugin {
  return {
    onResultProcess({ result, setResult }) {
      if (Array.isArray(result)) setResult(result.map((each: ExecutionResult) => collapse(each)));
      else if (!(Symbol.asyncIterator in result)) setResult(collapse(result));
    },
  };
}
