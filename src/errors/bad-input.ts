import { GraphQLError } from 'graphql';

export type BadInputCode = 'BAD_USER_INPUT' | 'INVALID_ID' | 'INVALID_CURSOR';

/** A client mistake: shown to the caller as is (not masked), with a machine-readable code. */
export function badInput(
  message: string,
  code: BadInputCode = 'BAD_USER_INPUT',
  argument?: string,
): GraphQLError {
  return new GraphQLError(message, { extensions: { code, ...(argument ? { argument } : {}) } });
}
