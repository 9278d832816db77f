import { GraphQLError } from 'graphql';

export type BadInputCode =
  'BAD_USER_INPUT' | 'INVALID_ID' | 'INVALID_CURSOR' | 'TOO_MANY_GROUPS' | 'TOO_MANY_CANDIDATES';

/** A client mistake: shown to the caller as is (not masked), with a machine-readable code. */
export function badInput(
  message: string,
  code: BadInputCode = 'BAD_USER_INPUT',
  argument?: string,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(argument ? { argument } : {}) } });
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Why PostgreSQL cannot take this text as the client meant it, if it cannot: text columns
 * cannot hold U+0000, and a lone surrogate has no UTF-8 form (pg would send U+FFFD instead,
 * silently matching something else).
 */
export function unstorableCharacterIn(text: string): string | null {
  if (text.includes('\u0000')) return 'a NUL character (U+0000)';
  if (LONE_SURROGATE.test(text)) return 'a lone UTF-16 surrogate';
  return null;
}
