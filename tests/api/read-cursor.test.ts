import { describe, expect, it } from 'vitest';
import { encodeCursor, readCursor } from '../../src/common/connection.js';

describe('readCursor', () => {
  it('reads what encodeCursor wrote', () => {
    const cursor = encodeCursor('TITLE_ASC', { sort_key: ['Chávez', '7'], id: 42 });
    expect(cursor.startsWith('ey')).toBe(true);
    expect(readCursor(cursor)).toEqual({ o: 'TITLE_ASC', k: ['Chávez', '7'], i: 42 });
  });

  it('refuses other text, base64url or not, as no cursor', () => {
    const b64 = (text: string) => Buffer.from(text).toString('base64url');
    for (const text of [
      'chavez',
      'ey',
      'eyJvIjoi',
      b64('["o","k","i"]'),
      b64('{"o":"X","k":[],"i":0}'),
      b64('{"o":"X","k":[],"i":1,"x":1}'),
      'not a cursor!',
    ])
      expect(readCursor(text), text).toBeNull();
  });
});
