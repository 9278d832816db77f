import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { parseTimestamptz } from '../../src/db/type-parsers.js';

const generic = pg.types.getTypeParser(pg.types.builtins.TIMESTAMPTZ) as (text: string) => Date;

describe('timestamptz parser', () => {
  it('reads the UTC form exactly as the generic parser does, and hands every other form to it', () => {
    const texts = [
      '2026-09-20 10:00:00+00',
      '2026-09-20 10:00:00.1+00',
      '2026-09-20 10:00:00.12+00',
      '2026-09-20 10:00:00.123+00',
      '2026-09-20 10:00:00.123456+00',
      '2026-09-20 10:00:00.999999+00',
      '2024-02-29 23:59:59.5+00',
      '1970-01-01 00:00:00+00',
      '0100-01-01 00:00:00+00',
      '0099-12-31 23:59:59+00',
      '0044-03-15 12:00:00+00 BC',
      '2026-09-20 10:00:00+05:30',
      '2026-09-20 10:00:00.25-08',
      '12026-09-20 10:00:00+00',
    ];
    for (const text of texts) {
      expect(parseTimestamptz(text).getTime(), text).toBe(generic(text).getTime());
    }
    expect(parseTimestamptz('2026-09-20 10:00:00.123456+00').toISOString()).toBe(
      '2026-09-20T10:00:00.123Z',
    );
    expect(parseTimestamptz('infinity')).toBe(generic('infinity'));
  });
});
