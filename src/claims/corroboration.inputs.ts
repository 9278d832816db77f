import { builder } from '../builder.js';
import { CitationRoleEnum, ReliabilityEnum } from '../common/enums.js';
import { badInput } from '../errors/bad-input.js';
import type { CitationFilter } from './corroboration.repository.js';

// The claims filter's conditions on citations and their origins (ClaimFilter's
// `minIndependentOrigins` and `cited`), and their conversion for the repository.

export const CitedFilterInput = builder.inputType('CitedFilter', {
  description:
    'Claims with at least one citation, of a source you may see, meeting all the given conditions.',
  fields: (t) => ({
    role: t.field({
      type: [CitationRoleEnum],
      description: 'The citation has one of these roles (empty or omitted: every role).',
    }),
    reliability: t.field({
      type: [ReliabilityEnum],
      description:
        'Its source is graded one of these (empty or omitted: every grade, ungraded too).',
    }),
  }),
});

/** Largest `minIndependentOrigins` taken: a claim's citations are capped well below it. */
const MAX_MIN_ORIGINS = 1000;

/** Checks and converts the citation conditions of a GraphQL claim filter found at `path`. */
export function toCitationFilter(
  input: {
    minIndependentOrigins?: number | null;
    cited?: typeof CitedFilterInput.$inferInput | null;
  },
  path: string,
): CitationFilter {
  const min = input.minIndependentOrigins;
  if (min != null && (min < 0 || min > MAX_MIN_ORIGINS))
    throw badInput(
      `expected ${path}.minIndependentOrigins in 0..${MAX_MIN_ORIGINS}, got ${min}`,
      'BAD_USER_INPUT',
      `${path}.minIndependentOrigins`,
    );
  return {
    minIndependentOrigins: min,
    cited: input.cited
      ? { roles: input.cited.role ?? null, reliabilities: input.cited.reliability ?? null }
      : null,
  };
}
