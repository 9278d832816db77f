import { badInput } from '../errors/bad-input.js';

// A position in the change feed, as `changes(since:)` and webhook payloads hand it out.

const CURSOR_PREFIX = 'change:';

export function encodeChangeCursor(id: number): string {
  return Buffer.from(`${CURSOR_PREFIX}${id}`).toString('base64url');
}

export function decodeChangeCursor(cursor: string | null | undefined): number {
  if (cursor == null || cursor === '') return 0;
  const text = Buffer.from(cursor, 'base64url').toString();
  const id = Number(text.slice(CURSOR_PREFIX.length));
  if (!text.startsWith(CURSOR_PREFIX) || !Number.isSafeInteger(id) || id < 0) {
    throw badInput(
      `expected a cursor from changes, got ${JSON.stringify(cursor)}`,
      'BAD_USER_INPUT',
      'since',
    );
  }
  return id;
}
