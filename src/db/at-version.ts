import { encodeGlobalId } from '../common/global-id.js';
import { ConflictError } from '../errors/domain-errors.js';

/**
 * For `executeTakeFirstOrThrow` after `UPDATE … WHERE id = … AND version = expected`: no row
 * means another writer moved the record on first. Writers lock the row before they check its
 * version, so this is the backstop, not the usual refusal.
 */
export function movedOn(
  typename: string,
  id: number,
  expectedVersion: number,
): () => ConflictError {
  return () =>
    new ConflictError(
      `${typename} ${encodeGlobalId(typename, id)} moved on from version ${expectedVersion} during the write: re-read it and retry`,
    );
}
