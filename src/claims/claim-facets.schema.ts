import { builder } from '../builder.js';
import { ClaimDateRoleEnum, LikelihoodEnum, TimeBoundEnum } from '../common/enums.js';
import { groupByKey } from '../common/nested-connection.js';
import { LIST_CAPS, capLists, cappedList } from '../common/list-caps.js';
import {
  PartialDateRef,
  QuantityRef,
  partialDate,
  partialDateSql,
} from '../common/time-and-quantity.schema.js';
import { allPresent, sqlField } from '../compiled/sql-spec.js';
import { coalesceSql } from '../db/display-sql.js';
import { ClaimDateRef, ClaimRef, LikelihoodRangeRef } from '../refs.js';
import {
  datesOfClaimQuery,
  findClaimDatesByClaimIds,
  findQuantitiesByClaimIds,
  firstQuantityOfClaimQuery,
  quantitiesOfClaimQuery,
} from './claim-facets.repository.js';

// A claim's several quantities, dated qualifiers and likelihood range: fields added to Claim
// here (claim.schema.ts holds the rest), each with its SQL for compiled reads.

ClaimDateRef.implement({
  description:
    'A dated qualifier of a claim (Wikidata’s point in time, start, end…): “ordered in 2005”, “delivered from March 2008”, “first reported in May 2024”, “delivery date undisclosed”.',
  fields: (t) => ({
    role: t.expose('role', {
      type: ClaimDateRoleEnum,
      description: 'What the date marks (ordered, delivered, reported…).',
    }),
    label: t.exposeString('label', {
      nullable: true,
      description: 'The role in words, when OTHER (or more precisely than the role says).',
    }),
    bound: t.expose('bound', {
      type: TimeBoundEnum,
      description:
        'What `date` is: KNOWN, NOT_BEFORE or NOT_AFTER it; or UNKNOWN, UNDISCLOSED or OPEN, without a date.',
    }),
    date: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'The date at its precision; null unless `bound` carries one.',
      extensions: partialDateSql('date', 'precision'),
      resolve: (d) => partialDate(d.date, d.precision),
    }),
    note: t.exposeString('note', {
      nullable: true,
      description: 'The source’s own wording, e.g. “in batches from March 2008”.',
    }),
  }),
});

LikelihoodRangeRef.implement({
  description:
    'An ICD 203 judgement as a range of bands (“roughly even chance to likely”); a single band has `from` = `to`.',
  fields: (t) => ({
    from: t.expose('likelihood', { type: LikelihoodEnum, description: 'The lower band.' }),
    to: t.field({
      type: LikelihoodEnum,
      description: 'The upper band (the same as `from` for a single band).',
      extensions: sqlField({
        kind: 'expression',
        value: (row) => coalesceSql(row('likelihood_to'), row('likelihood')),
      }),
      resolve: (r) => r.likelihood_to ?? r.likelihood,
    }),
  }),
});

builder.objectFields(ClaimRef, (t) => ({
  quantities: t.loadableList({
    type: QuantityRef,
    description: `The quantities the claim states, in order, each with its role (ordered, delivered, operational, value, credit…; at most ${LIST_CAPS.claimQuantities}).`,
    extensions: {
      ...cappedList(LIST_CAPS.claimQuantities).extensions,
      ...sqlField({
        kind: 'list',
        rows: (env, row) => quantitiesOfClaimQuery(env.db, row('id')),
      }),
    },
    resolve: (c) => c.id,
    load: async (claimIds: number[], ctx) =>
      capLists(
        groupByKey(claimIds, await findQuantitiesByClaimIds(ctx.db, claimIds), (q) => q.claim_id),
        LIST_CAPS.claimQuantities,
      ),
  }),
  quantity: t.loadable({
    type: QuantityRef,
    nullable: true,
    deprecationReason: 'A claim states several quantities: use `quantities`.',
    description: 'The first of `quantities`, whatever its role.',
    extensions: sqlField({
      kind: 'one',
      row: (env, _args, row) => firstQuantityOfClaimQuery(env.db, row('id')),
    }),
    resolve: (c) => c.id,
    load: async (claimIds: number[], ctx) =>
      groupByKey(claimIds, await findQuantitiesByClaimIds(ctx.db, claimIds), (q) => q.claim_id).map(
        (list) => list[0] ?? null,
      ),
  }),
  dates: t.loadableList({
    type: ClaimDateRef,
    description: `Dated qualifiers beside the main valid time, in order (ordered, delivered, first reported…; at most ${LIST_CAPS.claimDates}).`,
    extensions: {
      ...cappedList(LIST_CAPS.claimDates).extensions,
      ...sqlField({
        kind: 'list',
        rows: (env, row) => datesOfClaimQuery(env.db, row('id')),
      }),
    },
    resolve: (c) => c.id,
    load: async (claimIds: number[], ctx) =>
      capLists(
        groupByKey(claimIds, await findClaimDatesByClaimIds(ctx.db, claimIds), (d) => d.claim_id),
        LIST_CAPS.claimDates,
      ),
  }),
  likelihoodRange: t.field({
    type: LikelihoodRangeRef,
    nullable: true,
    description:
      'The ICD 203 judgement as a range of bands (a single band is a range of one); null without a likelihood.',
    extensions: sqlField({
      kind: 'embedded',
      columns: { likelihood: 'likelihood', likelihood_to: 'likelihood_to' },
      present: (row) => allPresent(row('likelihood')),
    }),
    resolve: (c) =>
      c.likelihood ? { likelihood: c.likelihood, likelihood_to: c.likelihood_to } : null,
  }),
}));
