import { builder } from '../builder.js';
import { markingAndVersion, recordTimes } from '../common/record-times.js';
import { orderEnum } from '../common/list-args.js';
import { nestedList, rootList } from '../compiled/listing.js';
import { BriefingStatusEnum, MarkingEnum, MediaKindEnum, TagKindEnum } from '../common/enums.js';
import { requireIdOf } from '../common/global-id.js';
import { groupByKey } from '../common/nested-connection.js';
import { LIST_CAPS, capLists } from '../common/list-caps.js';
import { PartialDateRef, partialDate, partialDateSql } from '../common/time-and-quantity.schema.js';
import { badInput } from '../errors/bad-input.js';
import {
  ALWAYS_PRESENT,
  NotCompilable,
  sqlCappedList,
  sqlField,
  sqlType,
} from '../compiled/sql-spec.js';
import { ActorRef, AuthorRef, BriefingConnection, BriefingRef, SourceRef } from '../refs.js';
import {
  BRIEFING_ORDERINGS,
  BRIEFINGS_NAMING_ACTOR,
  briefingByIdQuery,
  briefingBySlugQuery,
  briefingRowsQuery,
  findBriefingBySlug,
  type BriefingFilter,
  type BriefingOrder,
  type MediaRow,
} from './briefing.repository.js';
import {
  authorsOfBriefingQuery,
  mediaOfBriefingQuery,
  tagsOfBriefingQuery,
  findAuthorsByBriefingIds,
  findMediaByBriefingIds,
  findTagsByBriefingIds,
} from './briefing-parts.repository.js';
import { findBriefingAsOf } from './briefing-as-of.repository.js';
import { NESTED_LIST } from '../common/connection.js';
import { checkedRowQuery } from '../db/visible-listing.js';

export const BriefingOrderEnum = orderEnum<BriefingOrder>('BriefingOrder', 'briefing', {
  PUBLISHED_AT_DESC: { description: 'Newest first; unpublished last (default).' },
  PUBLISHED_AT_ASC: { description: 'Oldest first; unpublished first.' },
  TITLE_ASC: { description: 'By title, A–Z, ignoring case and accents.' },
  CREATED_AT_DESC: { description: 'Most recently created first.' },
});

export const BriefingFilterInput = builder.inputType('BriefingFilter', {
  description: 'Narrows a briefing list; all given conditions must hold.',
  fields: (t) => ({
    status: t.field({
      type: [BriefingStatusEnum],
      description: 'Only these statuses (among those you may see).',
    }),
    marking: t.field({
      type: [MarkingEnum],
      description: 'Only these markings (among those you may see).',
    }),
    tag: t.field({ type: ['Slug'], description: 'Briefings carrying any of these tags.' }),
    authorId: t.id({ description: 'Only briefings by this author.' }),
    publishedFrom: t.field({
      type: 'DateTime',
      description: 'Published at or after this instant.',
    }),
    publishedTo: t.field({ type: 'DateTime', description: 'Published before this instant.' }),
    mentionsActorId: t.id({
      description:
        'Only briefings with a claim involving this actor; an actor you may not see matches nothing, like an unknown id.',
    }),
  }),
});

type BriefingFilterShape = typeof BriefingFilterInput.$inferInput;

/** Checks and converts a GraphQL briefing filter; bad values are client errors naming the field. */
function toBriefingFilter(input: BriefingFilterShape | null | undefined): BriefingFilter {
  if (input?.publishedFrom && input.publishedTo && input.publishedTo < input.publishedFrom) {
    throw badInput(
      'expected filter.publishedTo after filter.publishedFrom',
      'BAD_USER_INPUT',
      'filter.publishedTo',
    );
  }
  return {
    statuses: input?.status,
    markings: input?.marking,
    tags: input?.tag,
    authorId: input?.authorId ? requireIdOf(input.authorId, 'Author', 'filter.authorId') : null,
    publishedFrom: input?.publishedFrom,
    publishedTo: input?.publishedTo,
    mentionsActorId: input?.mentionsActorId
      ? requireIdOf(input.mentionsActorId, 'Actor', 'filter.mentionsActorId')
      : null,
  };
}

const LicenceRef = builder.objectRef<MediaRow>('Licence').implement({
  description: 'Terms under which a media item may be reused.',
  fields: (t) => ({
    name: t.exposeString('licence_name', {
      description: 'E.g. “Creative Commons Attribution 3.0”.',
    }),
    url: t.exposeString('licence_url', { nullable: true, description: 'The licence text.' }),
  }),
});

const MediaRef = builder.objectRef<MediaRow>('Media').implement({
  description: 'A photo or other item illustrating a briefing, with its credit and licence.',
  fields: (t) => ({
    kind: t.expose('kind', {
      type: MediaKindEnum,
      description: 'Photo, video, map, chart or document.',
    }),
    position: t.exposeInt('position', { description: 'Order within the briefing (0 first).' }),
    url: t.exposeString('url', {
      nullable: true,
      description: 'Where the item itself is; null when it is only described.',
    }),
    caption: t.exposeString('caption', { description: 'The caption as the briefing prints it.' }),
    credit: t.exposeString('credit', { description: 'Who made it, as they are to be credited.' }),
    licence: t.field({
      description: 'The terms it may be reused under.',
      type: LicenceRef,
      extensions: sqlField({
        kind: 'embedded',
        columns: { licence_name: 'licence_name', licence_url: 'licence_url' },
        present: () => ALWAYS_PRESENT,
      }),
      resolve: (m) => m,
    }),
    takenOn: t.field({
      type: PartialDateRef,
      nullable: true,
      description: 'When it was made, as precisely as known.',
      extensions: partialDateSql('taken_on', 'taken_on_precision'),
      resolve: (m) => partialDate(m.taken_on, m.taken_on_precision),
    }),
  }),
});

const TagRef = builder.objectRef<{ tag: string; kind: 'TOPIC' | 'REGION' }>('Tag').implement({
  description: 'A topic or region a briefing is filed under.',
  fields: (t) => ({
    name: t.expose('tag', { type: 'Slug', description: 'The tag, e.g. `arms-transfers`.' }),
    kind: t.expose('kind', {
      type: TagKindEnum,
      description: 'Whether the tag names a topic or a region.',
    }),
  }),
});

AuthorRef.implement({
  description:
    'A person who wrote briefings. Visible only on the byline of a briefing you may see: the author of drafts only, or of briefings above your clearance only, does not exist for you.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'The name as printed on the byline.' }),
    bio: t.exposeString('bio', {
      nullable: true,
      description: 'A short biography, as the byline gives it.',
    }),
  }),
});

BriefingRef.implement({
  extensions: sqlType({
    byId: (env, id) => briefingByIdQuery(env.db, env.visibility, id),
    byCheckedId: (_env, id) => checkedRowQuery('briefing', id),
  }),
  description:
    'An analytic article broken down into claims, each traced to its sources, about actors and their relationships.',
  fields: (t) => ({
    slug: t.expose('slug', {
      type: 'Slug',
      description: 'Unique among briefings; its address on the public site.',
    }),
    title: t.exposeString('title', { description: 'The headline.' }),
    summary: t.exposeString('summary', {
      nullable: true,
      description: 'A few sentences a reader can skim before the body.',
    }),
    body: t.exposeString('body', {
      description: 'The article text as Markdown; claim spans index into it.',
    }),
    status: t.expose('status', {
      type: BriefingStatusEnum,
      description:
        'Where it is in the editorial workflow; anonymous callers see PUBLISHED briefings only.',
    }),
    language: t.expose('language', { type: 'LanguageTag', description: 'E.g. `en`.' }),
    publishedAt: t.expose('published_at', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was (first) published; null while it never was.',
    }),
    retractedAt: t.expose('retracted_at', {
      type: 'DateTime',
      nullable: true,
      description: 'When it was retracted; null unless it was.',
    }),
    retractionReason: t.exposeString('retraction_reason', {
      nullable: true,
      description: 'Why it was retracted, as the editor wrote it; null unless it was.',
    }),
    ...markingAndVersion(
      t,
      'Incremented by every edit; send it back to update (optimistic concurrency).',
    ),
    asSource: t.field({
      type: SourceRef,
      nullable: true,
      description:
        'The briefing itself as a source, at the end of its relay chain (this article → The Washington Post → …).',
      extensions: sqlField({ kind: 'ref', id: (row) => row('source_id') }),
      resolve: (b) => b.source_id,
    }),
    authors: t.loadableList({
      type: AuthorRef,
      description: `Authors in byline order (at most ${LIST_CAPS.briefingAuthors}).`,
      ...sqlCappedList(LIST_CAPS.briefingAuthors, (env, row, cap) =>
        authorsOfBriefingQuery(env.db, row('id'), cap),
      ),
      resolve: (b) => b.id,
      load: async (ids: number[], ctx) =>
        capLists(
          groupByKey(ids, await findAuthorsByBriefingIds(ctx.db, ids), (a) => a.briefing_id),
          LIST_CAPS.briefingAuthors,
        ),
    }),
    media: t.loadableList({
      type: MediaRef,
      description: `Photos and other media, in order (at most ${LIST_CAPS.briefingMedia}).`,
      ...sqlCappedList(LIST_CAPS.briefingMedia, (env, row, cap) =>
        mediaOfBriefingQuery(env.db, row('id'), cap),
      ),
      resolve: (b) => b.id,
      load: async (ids: number[], ctx) =>
        capLists(
          groupByKey(ids, await findMediaByBriefingIds(ctx.db, ids), (m) => m.briefing_id),
          LIST_CAPS.briefingMedia,
        ),
    }),
    tags: t.loadableList({
      type: TagRef,
      description: `Topics and regions (at most ${LIST_CAPS.briefingTags}).`,
      ...sqlCappedList(LIST_CAPS.briefingTags, (env, row, cap) =>
        tagsOfBriefingQuery(env.db, row('id'), cap),
      ),
      resolve: (b) => b.id,
      load: async (ids: number[], ctx) =>
        capLists(
          groupByKey(ids, await findTagsByBriefingIds(ctx.db, ids), (tag) => tag.briefing_id),
          LIST_CAPS.briefingTags,
        ),
    }),
    ...recordTimes(t),
  }),
});

// Declared here on ActorRef so that actors/ need not import briefings/.
builder.objectField(ActorRef, 'briefings', (t) =>
  t.loadable({
    type: BriefingConnection,
    ...NESTED_LIST,
    description: 'Briefings whose claims involve this actor (those you may see), newest first.',
    ...nestedList(BRIEFINGS_NAMING_ACTOR),
  }),
);

builder.queryFields((t) => ({
  briefing: t.field({
    type: BriefingRef,
    nullable: true,
    description:
      'One briefing by slug; null when it does not exist or you may not see it. With `asOf`, its own fields as our record of it stood at that instant, and `recordAsOf` its claims (quantities, dated qualifiers, likelihood, participants) and cited sources (actor links) as they stood; its other nested lists show the current state.',
    args: {
      slug: t.arg({ type: 'Slug', required: true, description: 'The briefing’s slug.' }),
      asOf: t.arg({ type: 'DateTime', description: 'An instant in the past, from the audit log.' }),
    },
    extensions: sqlField({
      kind: 'one',
      row: (env, args) => {
        // Past states come from the audit log, on the loader path.
        if (args.asOf != null) throw new NotCompilable('briefing(asOf:)');
        return briefingBySlugQuery(env.db, env.visibility, String(args.slug));
      },
    }),
    resolve: async (_root, args, ctx) => {
      const current = await findBriefingBySlug(ctx.db, ctx.visibility, args.slug);
      if (!current || !args.asOf) return current ?? null;
      return findBriefingAsOf(ctx.db, ctx.visibility, current.id, args.asOf);
    },
  }),
  briefings: t.field({
    type: BriefingConnection,
    description: 'All briefings you may see, filtered and ordered.',
    ...rootList({
      filter: BriefingFilterInput,
      toFilter: toBriefingFilter,
      orderBy: BriefingOrderEnum,
      defaultOrder: 'PUBLISHED_AT_DESC',
      orderings: BRIEFING_ORDERINGS,
      rows: (env, filter) => briefingRowsQuery(env.db, env.visibility, filter),
    }),
  }),
}));
