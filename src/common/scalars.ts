import { Kind } from 'graphql';
import { builder } from '../builder.js';
import { badInput } from '../errors/bad-input.js';

const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Checks a calendar date ('2006-02-30' is refused, not rolled over to March). */
export function parseIsoDate(value: unknown): string {
  const match = typeof value === 'string' ? ISO_DATE.exec(value) : null;
  if (match) {
    const [, y, m, d] = match.map(Number);
    const date = new Date(Date.UTC(y ?? 0, (m ?? 1) - 1, d ?? 0));
    if (date.getUTCFullYear() === y && date.getUTCMonth() + 1 === m && date.getUTCDate() === d) {
      return value as string;
    }
  }
  throw badInput(`expected a Date as YYYY-MM-DD, got ${JSON.stringify(value)}`);
}

builder.scalarType('Date', {
  description: 'A calendar date, `YYYY-MM-DD` (ISO 8601), without time zone.',
  serialize: (value) => value,
  parseValue: parseIsoDate,
  parseLiteral: (ast) => parseIsoDate(ast.kind === Kind.STRING ? ast.value : null),
});

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,6})?)?(Z|[+-]\d{2}:\d{2})$/;

function parseDateTime(value: unknown): Date {
  if (typeof value === 'string' && ISO_DATE_TIME.test(value)) {
    const date = new Date(value);
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw badInput(
    `expected a DateTime as ISO 8601 with a time zone (e.g. 2025-11-01T00:00:00Z), got ${JSON.stringify(value)}`,
  );
}

builder.scalarType('DateTime', {
  description: 'An instant, ISO 8601 with time zone, e.g. `2025-11-01T00:00:00.000Z`.',
  serialize: (value) =>
    value instanceof Date ? value.toISOString() : new Date(value).toISOString(),
  parseValue: parseDateTime,
  parseLiteral: (ast) => parseDateTime(ast.kind === Kind.STRING ? ast.value : null),
});

builder.scalarType('JSONObject', {
  description:
    'A JSON object of extra attributes (e.g. `{"quantity": 24, "equipment": "Su-30MK2"}`).',
  serialize: (value) => value,
  parseValue: (value) => {
    if (typeof value === 'object' && value !== null && !Array.isArray(value))
      return value as Record<string, unknown>;
    throw badInput(`expected a JSON object, got ${JSON.stringify(value)?.slice(0, 80)}`);
  },
});
