import { builder } from '../builder.js';
import { badInput } from '../errors/bad-input.js';
import { parseIsoDate } from './scalars.js';

// The range of days every "during" filter takes (claims, dated qualifiers, sources,
// relationships), here so that each domain's filter names it without importing another's.

export const DateRangeInput = builder.inputType('DateRangeInput', {
  description: 'A closed range of days; either end may be left open.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'First day included.' }),
    to: t.field({ type: 'Date', description: 'Last day included.' }),
  }),
});

export type DateRangeShape = typeof DateRangeInput.$inferInput;

/** A checked range (`path` names it in the error when its ends are reversed). */
export function toDateRange(
  range: DateRangeShape,
  path: string,
): { from: string | null; to: string | null } {
  const from = range.from ? parseIsoDate(range.from) : null;
  const to = range.to ? parseIsoDate(range.to) : null;
  if (from && to && to < from) {
    throw badInput(`expected ${path}.to >= from, got ${to} < ${from}`, 'BAD_USER_INPUT', path);
  }
  return { from, to };
}
