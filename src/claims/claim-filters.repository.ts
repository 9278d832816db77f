import { sql, type ExpressionBuilder } from 'kysely';
import type {
  ClaimDateRole,
  ClaimKind,
  ClaimStatus,
  DB,
  Likelihood,
  ParticipantRole,
  QuantityRole,
} from '../db/types.js';
import type { CitationFilter } from './corroboration.repository.js';

// The claim filters over time, likelihood, quantities and dated qualifiers, as conditions on a
// query over `claim`; each has an index (migrations 2026-11-30T21…).

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
  if (filter.quantityRoles?.length) {
    const roles = filter.quantityRoles;
    conditions.push(
      eb.exists(
        eb
          .selectFrom('claim_quantity')
          .select(sql.lit(1).as('one'))
          .whereRef('claim_quantity.claim_id', '=', 'claim.id')
          .where('claim_quantity.role', 'in', roles),
      ),
    );
  }
  if (filter.currencies?.length) {
    const currencies = filter.currencies;
    conditions.push(
      eb.exists(
        eb
          .selectFrom('claim_quantity')
          .select(sql.lit(1).as('one'))
          .whereRef('claim_quantity.claim_id', '=', 'claim.id')
          .where('claim_quantity.currency', 'in', currencies),
      ),
    );
  }
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
