import { builder } from '../builder.js';
import { SourceKindEnum } from '../common/enums.js';
import { cappedList } from '../common/list-caps.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef } from '../refs.js';
import { ClaimFilterInput, toClaimFilter } from './claim-filter.inputs.js';
import {
  countClaimsByGroup,
  type StatisticsDimension,
  type StatisticsGroupRow,
} from './claim-statistics.repository.js';

/** Groups one answer may hold: a dashboard needs fewer; more means a narrower filter. */
export const MAX_STATISTICS_GROUPS = 500;
/** What the cost rule charges before the selection: a grouped scan of the matching claims. */
export const STATISTICS_COST = 50;

const DimensionEnum = builder.enumType('ClaimStatisticsDimension', {
  description: 'What claims are counted by.',
  values: {
    YEAR: {
      value: 'YEAR',
      description:
        'The year the claim’s valid time starts (ends, when only that is known); null when undated or dated only to a decade.',
    },
    MONTH: {
      value: 'MONTH',
      description:
        'The month (`YYYY-MM`) of the same date; null when undated or dated less precisely than a month.',
    },
    PREDICATE: { value: 'PREDICATE', description: 'The claim’s predicate.' },
    ACTOR: {
      value: 'ACTOR',
      description: 'The claim’s subject; null when it has none or you may not see it.',
    },
    SOURCE_KIND: {
      value: 'SOURCE_KIND',
      description:
        'The kind of each source you may see that the claim cites: a claim citing two kinds counts under both (null: it cites none you may see).',
    },
  } as const satisfies Record<
    StatisticsDimension,
    { value: StatisticsDimension; description: string }
  >,
});

const GroupRef = builder.objectRef<StatisticsGroupRow>('ClaimStatisticsGroup').implement({
  description:
    'How many claims share one value of each dimension grouped by; the dimensions not grouped by are null.',
  fields: (t) => ({
    count: t.exposeInt('count', { description: 'Claims in the group.' }),
    year: t.exposeInt('year', { nullable: true, description: 'The YEAR, when grouped by it.' }),
    month: t.exposeString('month', {
      nullable: true,
      description: 'The MONTH (`YYYY-MM`), when grouped by it.',
    }),
    predicate: t.field({
      type: 'Slug',
      nullable: true,
      description: 'The PREDICATE, when grouped by it.',
      resolve: (g) => g.predicate,
    }),
    actor: t.field({
      type: ActorRef,
      nullable: true,
      description: 'The subject (ACTOR), when grouped by it.',
      resolve: (g) => g.actorId,
    }),
    sourceKind: t.field({
      type: SourceKindEnum,
      nullable: true,
      description: 'The SOURCE_KIND, when grouped by it.',
      resolve: (g) => g.sourceKind,
    }),
  }),
});

interface Statistics {
  total: number;
  groups: StatisticsGroupRow[];
}

const StatisticsRef = builder.objectRef<Statistics>('ClaimStatistics').implement({
  description: 'Counts of the claims you may see that meet a filter.',
  fields: (t) => ({
    total: t.exposeInt('total', {
      description: 'Claims meeting the filter, each once (however many groups it counts in).',
    }),
    groups: t.field({
      type: [GroupRef],
      ...cappedList(MAX_STATISTICS_GROUPS),
      description: `The groups, ordered by the dimensions in the order given, unknown (null) values last; at most ${MAX_STATISTICS_GROUPS}, or the query is refused.`,
      resolve: (s) => s.groups,
    }),
  }),
});

builder.queryField('claimStatistics', (t) =>
  t.field({
    type: StatisticsRef,
    description: `Counts of the claims you may see, for dashboards (“claims about Venezuela per year, by predicate”): the claims filter, then \`groupBy\`. Hidden and embargoed records are never counted. More than ${MAX_STATISTICS_GROUPS} groups is an error (TOO_MANY_GROUPS): narrow the filter or group by less. One statement.`,
    args: {
      filter: t.arg({
        type: ClaimFilterInput,
        description: 'Only the claims that meet every condition given.',
      }),
      groupBy: t.arg({
        type: [DimensionEnum],
        required: true,
        description: 'The dimensions to count by, in the order the groups sort (empty: one group).',
      }),
    },
    extensions: { ownCost: STATISTICS_COST },
    resolve: async (_root, args, ctx) => {
      const dimensions = [...new Set(args.groupBy)];
      const found = await countClaimsByGroup(
        ctx.db,
        ctx.visibility,
        toClaimFilter(args.filter),
        dimensions,
        MAX_STATISTICS_GROUPS,
      );
      if (!found.groups)
        throw badInput(
          `expected at most ${MAX_STATISTICS_GROUPS} groups, got more: narrow the filter or group by fewer dimensions`,
          'TOO_MANY_GROUPS',
          'groupBy',
        );
      return { total: found.total, groups: found.groups };
    },
  }),
);
