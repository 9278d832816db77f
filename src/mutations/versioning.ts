import { ConflictError, NotFoundError } from '../errors/domain-errors.js';

/**
 * Optimistic concurrency: the caller sends the version it read; a stale one is a conflict that
 * names the current version, so the client can re-read and retry. Exactly one of several
 * concurrent writers at the same version wins (the UPDATE's WHERE version = … decides).
 */
export function assertVersion<Row extends { version: number }>(
  entity: string,
  reference: string,
  current: Row | undefined,
  expected: number,
): asserts current is Row {
  if (!current) throw new NotFoundError(entity, reference, ['id']);
  if (current.version !== expected) {
    throw new ConflictError(
      `${entity} ${reference} is at version ${current.version}, not ${expected}: re-read it and retry`,
      current.version,
    );
  }
}
