import pg from 'pg';

const { types } = pg;

/**
 * Per-pool type parsers. int8 ids fit well inside 2^53 here, and numbers make dataloader keys
 * match exactly; `date` stays a 'YYYY-MM-DD' string so no time zone can shift a valid-time day.
 */
const parseTimestamptzGenerally = types.getTypeParser(types.builtins.TIMESTAMPTZ) as (
  value: string,
) => Date;

function digits(text: string, from: number, to: number): number {
  let value = 0;
  for (let i = from; i < to; i += 1) {
    const digit = text.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return NaN;
    value = value * 10 + digit;
  }
  return value;
}

/**
 * Every row carries two to four timestamps, and the generic (regex) parser was a visible part
 * of a large read's CPU profile. In a UTC session PostgreSQL writes them as
 * 'YYYY-MM-DD HH:MM:SS[.ffffff]+00', read here digit by digit; anything else (other offsets,
 * BC, infinity, years before 100, which Date.UTC would shift) takes the generic parser.
 */
export function parseTimestamptz(text: string): Date {
  const end = text.length - 3;
  if (end >= 19 && text.charCodeAt(10) === 32 && text.endsWith('+00')) {
    const hasFraction = end > 19;
    if (!hasFraction || (text.charCodeAt(19) === 46 && end > 20)) {
      const year = digits(text, 0, 4);
      const millis = hasFraction
        ? digits(text.slice(20, Math.min(end, 23)).padEnd(3, '0'), 0, 3)
        : 0;
      const time = Date.UTC(
        year,
        digits(text, 5, 7) - 1,
        digits(text, 8, 10),
        digits(text, 11, 13),
        digits(text, 14, 16),
        digits(text, 17, 19),
        millis,
      );
      if (year >= 100 && !Number.isNaN(time)) return new Date(time);
    }
  }
  return parseTimestamptzGenerally(text);
}

const parsers: Partial<Record<number, (value: string) => unknown>> = {
  [types.builtins.TIMESTAMPTZ]: parseTimestamptz,
  [types.builtins.INT8]: (value) => Number(value),
  [types.builtins.NUMERIC]: (value) => Number(value),
  [types.builtins.DATE]: (value) => value,
};

export const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    parsers[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};
