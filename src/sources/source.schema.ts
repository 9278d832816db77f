import { orderEnum } from '../common/list-args.js';
import { markingAndVersion, recordTimes } from '../common/record-times.js';
import { builder } from '../builder.js';
import { PartialDateRef, partialDate, partialDateSql } from '../common/time-and-quantity.schema.js';
import { exactInstantSql } from '../db/display-sql.js';
import { rootList } from '../compiled/listing.js';
import { LIST_CAPS } from '../common/list-caps.js';
import { ReliabilityEnum, SourceKindEnum } from '../common/enums.js';
import { DateRangeInput, toDateRange } from '../common/date-range.inputs.js';
import { groupByKey, loadPagesPerParent } from '../common/nested-connection.js';
import { NESTED_LIST } from '../common/connection.js';
import { SOURCE_COLUMNS } from '../common/field-columns.js';
import { columnsFor } from '../common/selection.js';
import { BriefingRef, SourceConnection, SourceRef } from '../refs.js';
import {
  connectionSql,
  sqlCappedList,
  sqlConnection,
  sqlField,
  sqlType,
  NotCompilable,
} from '../compiled/sql-spec.js';
import { badInput } from '../errors/bad-input.js';
import { findFirstSourceIdAtUrl, firstSourceAtUrlQuery } from './source-lookup.repository.js';
import {
  BRIEFING_SOURCE_ORDERING,
  SOURCE_ORDERINGS,
  countSourcesPerBriefing,
  findDerivationChains,
  findSourcesPagePerBriefing,
  sourceRowsOfBriefingQuery,
  type SourceOrder,
  derivationChainQuery,
  sourceByIdQuery,
  sourceRowsQuery,
  type SourceFilter,
} from './source.repository.js';
import { checkedRowQuery } from '../db/visible-listing.js';

export const SourceOrderEnum = orderEnum<SourceOrder>('SourceOrder', 'source', {
  TITLE_ASC: { description: 'By title, A–Z, ignoring case and accents (default).' },
  PUBLISHED_AT_DESC: { description: 'Newest first; undated sources last.' },
  RELIABILITY_ASC: { description: 'Most reliable (A) first; unjudged last.' },
});

const URL_MATCH_DESCRIPTION =
  'URLs match when they name the same document: scheme (http/https), `www.`, default ports, a trailing slash, the #fragment, tracking parameters (utm_*, fbclid, gclid) and the order of parameters are ignored; the path keeps its case.';

export const SourceFilterInput = builder.inputType('SourceFilter', {
  description: 'Narrows a source list; all given conditions must hold.',
  fields: (t) => ({
    kind: t.field({ type: [SourceKindEnum], description: 'Only these kinds.' }),
    publisher: t.string({
      description: 'Publisher contains this text (case- and accent-insensitive).',
    }),
    reliability: t.field({
      type: [ReliabilityEnum],
      description: 'Only these Admiralty reliability grades.',
    }),
    url: t.string({
      description: URL_MATCH_DESCRIPTION,
    }),
    publishedDuring: t.field({
      type: DateRangeInput,
      description:
        'Only sources published within this range. A date known to a month, quarter or year stands for all of it and matches when any of its days is in the range (May 2024 matches 2024-05-20 to 2024-06-30); an exact instant counts by its UTC day. Sources with no publication date are left out unless `includeUndated`.',
    }),
    includeUndated: t.boolean({
      description:
        'With `publishedDuring`: also sources whose publication date is not recorded. Default false.',
    }),
  }),
});

SourceRef.implement({
  extensions: sqlType({
    byId: (env, id) => sourceByIdQuery(env.db, env.visibility, id),
    byCheckedId: (_env, id) => checkedRowQuery('source', id),
  }),
  description:
    'A document or record that carries claims: an intelligence briefing, a news report, a letter, a dataset. `derivedFrom` follows who relayed whom. Under embargo until a published briefing references it or an editor publishes it (`releasedTo`): until then it does not exist for anonymous callers and partners.',
  fields: (t) => ({
    kind: t.expose('kind', {
      type: SourceKindEnum,
      description:
        'What sort of source it is (intelligence briefing, news report, official document…).',
    }),
    title: t.exposeString('title', {
      description: 'The source’s title, or a description of it when it has none.',
    }),
    publisher: t.exposeString('publisher', {
      nullable: true,
      description:
        'Who published it, as display text (the publisher actor, if recorded, is in `actors`).',
    }),
    url: t.exposeString('url', { nullable: true, description: 'Where to read it, when public.' }),
    publishedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description:
        'The exact instant of publication, when known; null when only a day, month or year is (see `publishedOn`), rather than an invented midnight.',
      extensions: sqlField({
        kind: 'expression',
        value: (row) => exactInstantSql(row('published_at'), row('published_at_precision')),
      }),
      resolve: (s) => (s.published_at_precision === null ? s.published_at : null),
    }),
    publishedOn: t.field({
      type: PartialDateRef,
      nullable: true,
      description:
        'The publication date at the precision known (“May 2024”); an exact instant’s UTC day.',
      extensions: partialDateSql('published_on', 'published_on_precision'),
      resolve: (s) => partialDate(s.published_on, s.published_on_precision),
    }),
    accessedAt: t.expose('accessed_at', {
      type: 'DateTime',
      nullable: true,
      description: 'When we last read it.',
    }),
    reliability: t.expose('reliability', {
      type: ReliabilityEnum,
      nullable: true,
      description:
        'Admiralty grade of the source itself (A–F); the credibility of each item is on its citation.',
    }),
    description: t.exposeString('description', {
      nullable: true,
      description: 'What the source is and why it is rated as it is.',
    }),
    ...markingAndVersion(t),
    derivedFrom: t.field({
      type: SourceRef,
      nullable: true,
      description:
        'The source this one relays (The Washington Post → the U.S. intelligence briefing it saw).',
      extensions: sqlField({ kind: 'ref', id: (row) => row('derived_from_id') }),
      resolve: (s) => s.derived_from_id,
    }),
    derivationChain: t.loadableList({
      type: SourceRef,
      description: `Every source up the relay chain, nearest first, ending at the origin (at most ${LIST_CAPS.derivationChain}). Sources you may not see end the chain.`,
      ...sqlCappedList(LIST_CAPS.derivationChain, (env, row) =>
        derivationChainQuery(env.db, env.visibility, row('id')),
      ),
      resolve: (s) => s.id,
      load: async (sourceIds: number[], ctx) => {
        const links = await findDerivationChains(ctx.db, sourceIds);
        const sources = await SourceRef.getDataloader(ctx).loadMany(links.map((l) => l.source_id));
        const chains = groupByKey(
          sourceIds,
          links.map((link, i) => ({ link, source: sources[i] })),
          (entry) => entry.link.start_id,
        );
        // Stop at the first hidden link: showing what lies beyond it would reveal it exists.
        return chains.map((chain) => {
          const hidden = chain.findIndex((entry) => !entry.source || entry.source instanceof Error);
          return (hidden === -1 ? chain : chain.slice(0, hidden)).flatMap((entry) =>
            entry.source && !(entry.source instanceof Error) ? [entry.source] : [],
          );
        });
      },
    }),
    ...recordTimes(t),
  }),
});

type SourceFilterShape = typeof SourceFilterInput.$inferInput;

function toSourceFilter(input: SourceFilterShape | null | undefined): SourceFilter {
  if (input?.includeUndated != null && !input.publishedDuring) {
    throw badInput(
      'expected filter.publishedDuring with filter.includeUndated',
      'BAD_USER_INPUT',
      'filter.includeUndated',
    );
  }
  return {
    publishedDuring: input?.publishedDuring
      ? {
          ...toDateRange(input.publishedDuring, 'filter.publishedDuring'),
          includeUndated: input.includeUndated ?? false,
        }
      : null,
    kinds: input?.kind,
    publisher: input?.publisher?.trim() || null,
    reliabilities: input?.reliability,
    url: input?.url == null ? null : checkedUrl(input.url, 'filter.url'),
  };
}

/** A URL to look up: an http(s) URL, or a client error (anything else could match nothing). */
function checkedUrl(value: string, argument: string): string {
  const url = value.trim();
  if (!/^https?:\/\/[^\s]+$/i.test(url) || url.length > 2000) {
    throw badInput(
      `expected ${argument} to be an http(s) URL of at most 2000 characters, got ${JSON.stringify(url.slice(0, 80))}`,
      'BAD_USER_INPUT',
      argument,
    );
  }
  return url;
}

builder.queryField('source', (t) =>
  t.field({
    type: SourceRef,
    nullable: true,
    description: `The first recorded source you may see at this URL, to find a document before recording it again; null when there is none. ${URL_MATCH_DESCRIPTION}`,
    args: {
      url: t.arg.string({ required: true, description: 'The source’s URL, exactly as recorded.' }),
    },
    extensions: sqlField({
      kind: 'one',
      row: (env, args) => {
        const url = String(args.url).trim();
        // A bad URL is refused on the loader path, with its message.
        if (!/^https?:\/\/[^\s]+$/i.test(url) || url.length > 2000)
          throw new NotCompilable('source(url:)');
        return firstSourceAtUrlQuery(env.db, env.visibility, url);
      },
    }),
    resolve: (_root, args, ctx) =>
      findFirstSourceIdAtUrl(ctx.db, ctx.visibility, checkedUrl(args.url, 'url')),
  }),
);

builder.queryField('sources', (t) =>
  t.field({
    type: SourceConnection,
    description: 'All sources you may see, filtered and ordered.',
    ...rootList({
      filter: SourceFilterInput,
      toFilter: toSourceFilter,
      orderBy: SourceOrderEnum,
      defaultOrder: 'TITLE_ASC',
      orderings: SOURCE_ORDERINGS,
      rows: (env, filter) => sourceRowsQuery(env.db, env.visibility, filter),
    }),
  }),
);

// Declared here on BriefingRef so that briefings/ need not import sources/.
builder.objectField(BriefingRef, 'sources', (t) =>
  t.loadable({
    type: SourceConnection,
    ...NESTED_LIST,
    description: 'Every source the briefing’s claims cite (those you may see), by title.',
    args: { ...t.arg.connectionArgs() },
    extensions: sqlConnection((env, _args: object, row) =>
      connectionSql(
        sourceRowsOfBriefingQuery(env.db, env.visibility, row('id')),
        BRIEFING_SOURCE_ORDERING,
      ),
    ),
    byPath: true,
    resolve: (b) => b.id,
    load: (briefingIds: number[], ctx, args) =>
      loadPagesPerParent(
        briefingIds,
        args,
        BRIEFING_SOURCE_ORDERING,
        (window) =>
          findSourcesPagePerBriefing(
            ctx.db,
            ctx.visibility,
            briefingIds,
            window,
            columnsFor(ctx.selection, SOURCE_COLUMNS),
          ),
        (ids) => countSourcesPerBriefing(ctx.db, ctx.visibility, ids),
      ),
  }),
);
