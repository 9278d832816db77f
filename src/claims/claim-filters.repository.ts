import { sql, type ExpressionBuilder } from 'kysely';
import type {
  ClaimDateRole,
  ClaimKind,
  ClaimStatus,
  DB,
  Likelihood,
  ParticipantRole,
  QuantityQualifier,
  QuantityRole,
} from '../db/types.js';
import type { CitationFilter } from './corroboration.repository.js';

// The claim filters over time, likelihood, quantities and dated qualifiers, as conditions on a
// query over `claim`; each has an index (migrations 2026-11-30T21…, 2026-12-01T07…).

export type ActorRole = 'SUBJECT' | 'OBJECT' | 'ANY';

export interface ClaimFilter extends CitationFilter {
  /** Only records changed at or after this instant (the change feed's `at`). */
  updatedSince?: Date | null;
  briefingIds?: readonly number[] | null;
  actor?: { id: number; role: ActorRole } | null;
  /** Claims this actor takes part in beyond subject and objects, in one of `roles` if given. */
  participant?: { id: number; roles: readonly ParticipantRole[] | null } | null;
  predicates?: readonly string[] | null;
  statuses?: readonly ClaimStatus[] | null;
  kinds?: readonly ClaimKind[] | null;
  /**
   * Claims whose valid time overlaps [from, to] (either end open); with an unknown bound (or
   * none at all) only when `includeUndated`.
   */
  validDuring?: { from: string | null; to: string | null; includeUndated: boolean } | null;
  minConfidence?: number | null;
  minLikelihood?: Likelihood | null;
  quantityRoles?: readonly QuantityRole[] | null;
  currencies?: readonly string[] | null;
  quantityQualifiers?: readonly QuantityQualifier[] | null;
  /**
   * Quantities whose stated bounds lie within [min, max] (either end open): the lower bound
   * `quantity_low`, the upper `quantity_high` (migrations 2026-12-01T07…); a side the quantity
   * does not state never satisfies a limit on that side.
   */
  quantityAmount?: { min: number | null; max: number | null } | null;
  dated?: {
    roles: readonly ClaimDateRole[];
    during: { from: string | null; to: string | null } | null;
  } | null;
}

const UNDATED_BOUNDS = ['UNKNOWN', 'UNDISCLOSED'] as const;

/** The conditions `filter` puts on claims (none when it names none of these). */
export function facetConditions(eb: ExpressionBuilder<DB, 'claim'>, filter: ClaimFilter) {
  const conditions = [];
  if (filter.validDuring) {
    const { from, to, includeUndated } = filter.validDuring;
    const overlaps = sql<boolean>`claim.valid_period && daterange(${from}::date, ${to}::date, '[]')`;
    // An unknown bound is stored without a date, so valid_period already treats it as open:
    // by default such claims are left out, as are claims with no valid time at all.
    conditions.push(
      includeUndated
        ? eb.or([eb(overlaps, '=', true), eb('claim.valid_period', 'is', null)])
        : eb.and([
            eb(overlaps, '=', true),
            eb('claim.valid_from_bound', 'not in', UNDATED_BOUNDS),
            eb('claim.valid_to_bound', 'not in', UNDATED_BOUNDS),
          ]),
    );
  }
  if (filter.minLikelihood) {
    conditions.push(
      eb(
        sql<number>`likelihood_rank(claim.likelihood)`,
        '>=',
        sql<number>`likelihood_rank(${filter.minLikelihood})`,
      ),
    );
  }
  const quantity = quantityCondition(eb, filter);
  if (quantity) conditions.push(quantity);
  if (filter.dated) {
    const { roles, during } = filter.dated;
    let dated = eb
      .selectFrom('claim_date')
      .select(sql.lit(1).as('one'))
      .whereRef('claim_date.claim_id', '=', 'claim.id')
      .where('claim_date.role', 'in', roles.length ? roles : ['OTHER']);
    if (roles.length === 0) dated = dated.where(sql.lit(false));
    if (during) {
      // A qualifier's date stands for its whole period (a year reaches 31 December).
      dated = dated.where('claim_date.date', 'is not', null).where(
        sql<boolean>`daterange(claim_date.date, (claim_date.date + case claim_date.precision
            when 'DAY' then interval '1 day' when 'MONTH' then interval '1 month'
            when 'QUARTER' then interval '3 months' when 'YEAR' then interval '1 year'
            else interval '10 years' end)::date, '[)') && daterange(${during.from}::date, ${during.to}::date, '[]')`,
      );
    }
    conditions.push(eb.exists(dated));
  }
  return conditions;
}

/**
 * One condition for all quantity filters: they must hold for one and the same quantity, so
 * that "DELIVERED, at least 20" does not match 24 ORDERED and 10 DELIVERED.
 */
function quantityCondition(eb: ExpressionBuilder<DB, 'claim'>, filter: ClaimFilter) {
  const { quantityRoles: roles, currencies, quantityQualifiers: qualifiers } = filter;
  const amount = filter.quantityAmount;
  if (!roles?.length && !currencies?.length && !qualifiers?.length && !amount) return null;
  const bounds = sql`claim_quantity.qualifier, claim_quantity.value, claim_quantity.min, claim_quantity.max`;
  let quantities = eb
    .selectFrom('claim_quantity')
    .select(sql.lit(1).as('one'))
    .whereRef('claim_quantity.claim_id', '=', 'claim.id');
  if (roles?.length) quantities = quantities.where('claim_quantity.role', 'in', roles);
  if (currencies?.length)
    quantities = quantities.where('claim_quantity.currency', 'in', currencies);
  if (qualifiers?.length) {
    quantities = quantities.where('claim_quantity.qualifier', 'in', qualifiers);
  }
  // The same expressions as the indexes on claim_quantity, so that they can serve the range.
  if (amount?.min != null) {
    quantities = quantities.where(sql<number>`quantity_low(${bounds})`, '>=', amount.min);
  }
  if (amount?.max != null) {
    quantities = quantities.where(sql<number>`quantity_high(${bounds})`, '<=', amount.max);
  }
  return eb.exists(quantities);
}
