import { ACTOR_COLUMNS, CLAIM_COLUMNS, SOURCE_COLUMNS } from '../common/field-columns.js';
import { columnsFor } from '../common/selection.js';
import { builder, connectionOf } from '../builder.js';
import { CitationConnection } from './citation.schema.js';
import { listingField } from '../compiled/listing.js';
import { pageWindow, type ConnectionArgs } from '../common/connection.js';
import { ClaimKindEnum, ClaimStatusEnum, LikelihoodEnum, MarkingEnum } from '../common/enums.js';
import { requireIdOf } from '../common/global-id.js';
import { groupByKey, loadPagesPerParent, pagesPerParent } from '../common/nested-connection.js';
import { LIST_CAPS, capLists, cappedList } from '../common/list-caps.js';
import {
  CLAIM_CITATION_ORDERING,
  citationRowsOfClaimQuery,
  countCitationsPerClaim,
  findCitationsPagePerClaim,
} from '../sources/source.repository.js';
import { parseIsoDate } from '../common/scalars.js';
import {
  QUANTITY_SQL,
  VALID_TIME_SQL,
  QuantityRef,
  ValidTimeRef,
  quantityOf,
  validTimeOf,
} from '../common/time-and-quantity.schema.js';
import type { Context } from '../context.js';
import {
  allPresent,
  connectionSql,
  sqlConnection,
  sqlField,
  sqlType,
  type ConnectionSql,
  type SqlEnv,
  type SqlValue,
} from '../compiled/sql-spec.js';
import { badInput } from '../errors/bad-input.js';
import { ActorRef, BriefingRef, ClaimRef, SourceRef } from '../refs.js';
import {
  CLAIM_ORDERINGS,
  claimByIdQuery,
  claimRowsOfParentQuery,
  claimRowsQuery,
  objectActorsOfClaimQuery,
  findObjectActorsByClaimIds,
  countClaimsPerParent,
  findClaimsPagePerParent,
  type ActorRole,
  type ClaimFilter,
  type ClaimRow,
  type ClaimOrder,
  type ClaimParent,
} from './claim.repository.js';

export const ActorRoleEnum = builder.enumType('ActorRole', {
  description: 'How a claim involves an actor.',
  values: {
    SUBJECT: { value: 'SUBJECT', description: 'The actor the claim is about (its subject).' },
    OBJECT: { value: 'OBJECT', description: 'One of the claim’s objects.' },
    ANY: { value: 'ANY', description: 'Subject or object.' },
  } as const satisfies Record<ActorRole, { value: ActorRole; description: string }>,
});

export const ClaimOrderEnum = builder.enumType('ClaimOrder', {
  description: 'Orders for claim lists; ties break on id.',
  values: {
    BRIEFING_POSITION: {
      value: 'BRIEFING_POSITION',
      description: 'By briefing, then as they appear in its text (default).',
    },
    CONFIDENCE_DESC: {
      value: 'CONFIDENCE_DESC',
      description: 'Most confident first; claims without a confidence last.',
    },
    VALID_FROM_ASC: {
      value: 'VALID_FROM_ASC',
      description: 'Earliest valid time first (a timeline); claims without one first.',
    },
    CREATED_AT_DESC: { value: 'CREATED_AT_DESC', description: 'Most recently recorded first.' },
  } as const satisfies Record<ClaimOrder, { value: ClaimOrder; description: string }>,
});

export const DateRangeInput = builder.inputType('DateRangeInput', {
  description: 'A closed range of days; either end may be left open.',
  fields: (t) => ({
    from: t.field({ type: 'Date', description: 'First day included.' }),
    to: t.field({ type: 'Date', description: 'Last day included.' }),
  }),
});

export const ClaimFilterInput = builder.inputType('ClaimFilter', {
  description: 'Narrows a claim list; all given conditions must hold.',
  fields: (t) => ({
    briefingId: t.id({ description: 'Only claims of this briefing.' }),
    actorId: t.id({
      description:
        'Only claims that involve this actor (see `actorRole`); a merged actor’s id stands for its survivor. An actor you may not see matches nothing, like an unknown id.',
    }),
    actorRole: t.field({
      type: ActorRoleEnum,
      description: 'How `actorId` must be involved; default ANY.',
    }),
    predicate: t.stringList({
      description: 'Only these predicates (slugs such as `requested-from`).',
    }),
    status: t.field({ type: [ClaimStatusEnum], description: 'Only claims in these statuses.' }),
    kind: t.field({ type: [ClaimKindEnum], description: 'Only facts or only assessments.' }),
    validDuring: t.field({
      type: DateRangeInput,
      description: 'Only claims whose valid time overlaps this range.',
    }),
    minConfidence: t.int({ description: 'Only claims with confidence at least this (0–100).' }),
  }),
});

type ClaimFilterShape = typeof ClaimFilterInput.$inferInput;

/** Checks and converts a GraphQL claim filter; bad values are client errors naming the field. */
export function toClaimFilter(input: ClaimFilterShape | null | undefined): ClaimFilter {
  if (!input) return {};
  const { minConfidence, validDuring } = input;
  if (minConfidence != null && (minConfidence < 0 || minConfidence > 100)) {
    throw badInput(
      `expected filter.minConfidence in 0..100, got ${minConfidence}`,
      'BAD_USER_INPUT',
      'filter.minConfidence',
    );
  }
  if (input.actorRole && !input.actorId) {
    throw badInput(
      'expected filter.actorId with filter.actorRole',
      'BAD_USER_INPUT',
      'filter.actorRole',
    );
  }
  for (const predicate of input.predicate ?? []) {
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(predicate)) {
      throw badInput(
        `expected filter.predicate to be slugs like requested-from, got ${JSON.stringify(predicate.slice(0, 80))}`,
        'BAD_USER_INPUT',
        'filter.predicate',
      );
    }
  }
  const from = validDuring?.from ? parseIsoDate(validDuring.from) : null;
  const to = validDuring?.to ? parseIsoDate(validDuring.to) : null;
  if (from && to && to < from) {
    throw badInput(
      `expected filter.validDuring.to >= from, got ${to} < ${from}`,
      'BAD_USER_INPUT',
      'filter.validDuring',
    );
  }
  return {
    briefingIds: input.briefingId
      ? [requireIdOf(input.briefingId, 'Briefing', 'filter.briefingId')]
      : null,
    actor: input.actorId
      ? {
          id: requireIdOf(input.actorId, 'Actor', 'filter.actorId'),
          role: input.actorRole ?? 'ANY',
        }
      : null,
    predicates: input.predicate,
    statuses: input.status,
    kinds: input.kind,
    validDuring: validDuring ? { from, to } : null,
    minConfidence,
  };
}

/** A page of claims for each parent (a briefing, or an actor in a role), in one statement. */
export async function loadClaimPages(
  ctx: Context,
  parent: ClaimParent,
  parentIds: readonly number[],
  args: ConnectionArgs & { filter?: ClaimFilterShape | null; orderBy: ClaimOrder },
) {
  const filter = toClaimFilter(args.filter);
  const ordering = CLAIM_ORDERINGS[args.orderBy];
  const window = pageWindow(args, ordering);
  const rows = await findClaimsPagePerParent(
    ctx.db,
    ctx.visibility,
    parent,
    parentIds,
    filter,
    args.orderBy,
    window,
    columnsFor(ctx.selection, CLAIM_COLUMNS),
  );
  return pagesPerParent(parentIds, rows, ordering, window, (ids) =>
    countClaimsPerParent(ctx.db, ctx.visibility, parent, ids, filter),
  );
}

/** The same pages in SQL, for compiled reads (src/compiled): one parent's claims. */
export function claimConnectionSql(
  env: SqlEnv,
  parent: ClaimParent,
  args: ClaimConnectionArgs,
  parentId: SqlValue<number>,
): ConnectionSql {
  return connectionSql(
    claimRowsOfParentQuery(env.db, env.visibility, parent, toClaimFilter(args.filter), parentId),
    CLAIM_ORDERINGS[args.orderBy],
  );
}

/** A claims connection's own arguments (paging is read by the compiler). */
export type ClaimConnectionArgs = { filter?: ClaimFilterShape | null; orderBy: ClaimOrder };

/** `Actor.claims`' arguments: a claims connection with the actor's role. */
export type ActorClaimConnectionArgs = ClaimConnectionArgs & { role: ActorRole };

const SpanRef = builder.objectRef<{ start: number; end: number }>('TextSpan').implement({
  description:
    'Where a quote sits in the briefing body, in Unicode code points: `body[start, end)`.',
  fields: (t) => ({
    start: t.exposeInt('start', { description: 'Offset of the first character.' }),
    end: t.exposeInt('end', { description: 'Offset just past the last character.' }),
  }),
});

ClaimRef.implement({
  extensions: sqlType({ byId: (env, id) => claimByIdQuery(env.db, env.visibility, id) }),
  description:
    'One normalised statement from a briefing (“Russia supplied 24 Su-30MK2 to Venezuela”), anchored in its text, with who it is about, when it holds, how sure we are, and the sources that carry it.',
  fields: (t) => ({
    briefing: t.field({
      type: BriefingRef,
      description: 'The briefing the claim comes from.',
      extensions: sqlField({ kind: 'ref', id: (row) => row('briefing_id') }),
      resolve: (c) => c.briefing_id,
    }),
    position: t.exposeInt('position', {
      description: 'Order of the claim within its briefing (0 first).',
    }),
    kind: t.expose('kind', { type: ClaimKindEnum }),
    statement: t.exposeString('statement', {
      description: 'The claim as one normalised sentence.',
    }),
    quote: t.exposeString('quote', {
      nullable: true,
      description: 'The briefing’s own words for it.',
    }),
    span: t.field({
      type: SpanRef,
      nullable: true,
      description: 'Where `quote` sits in the briefing body.',
      extensions: sqlField({
        kind: 'embedded',
        columns: { start: 'span_start', end: 'span_end' },
        present: (row) => allPresent(row('span_start'), row('span_end')),
      }),
      resolve: (c) =>
        c.span_start !== null && c.span_end !== null
          ? { start: c.span_start, end: c.span_end }
          : null,
    }),
    subject: t.field({
      type: ActorRef,
      nullable: true,
      description: 'The actor the claim is about; null when none or not visible to you.',
      extensions: sqlField({ kind: 'ref', id: (row) => row('subject_actor_id') }),
      resolve: (c) => c.subject_actor_id,
    }),
    predicate: t.exposeString('predicate', {
      description:
        'What is claimed of the subject, as a slug (`requested-from`, `supplied`, `operates`).',
    }),
    objects: t.loadableList({
      type: ActorRef,
      description: `The other actors in the claim, in order (e.g. the supplier and the equipment; at most ${LIST_CAPS.claimObjects}).`,
      ...cappedList(LIST_CAPS.claimObjects),
      extensions: {
        ...cappedList(LIST_CAPS.claimObjects).extensions,
        ...sqlField({
          kind: 'list',
          rows: (env, row) =>
            objectActorsOfClaimQuery(env.db, env.visibility, row('id'), LIST_CAPS.claimObjects),
        }),
      },
      resolve: (c) => c.id,
      load: async (claimIds: number[], ctx) => {
        const rows = await findObjectActorsByClaimIds(
          ctx.db,
          ctx.visibility,
          claimIds,
          columnsFor(ctx.selection, ACTOR_COLUMNS),
        );
        const actors = ActorRef.getDataloader(ctx);
        const objects = rows.map(({ claim_id, requested_id, ...actor }) => {
          actors.prime(requested_id, actor);
          return { claimId: claim_id, actor };
        });
        return capLists(
          groupByKey(claimIds, objects, (o) => o.claimId).map((list) => list.map((o) => o.actor)),
          LIST_CAPS.claimObjects,
        );
      },
    }),
    quantity: t.field({
      type: QuantityRef,
      nullable: true,
      description: 'The number the claim states, with its uncertainty.',
      extensions: QUANTITY_SQL,
      resolve: (c) => quantityOf(c),
    }),
    validTime: t.field({
      type: ValidTimeRef,
      nullable: true,
      description: 'When the claim holds.',
      extensions: VALID_TIME_SQL,
      resolve: (c) => validTimeOf(c),
    }),
    likelihood: t.expose('likelihood', {
      type: LikelihoodEnum,
      nullable: true,
      description:
        'ICD 203 likelihood band of the claim being true (for assessments: of the judged outcome).',
    }),
    confidence: t.exposeInt('confidence', {
      nullable: true,
      description:
        'Confidence in the claim, 0–100 (STIX 2.1 scale); kept separate from likelihood.',
    }),
    status: t.expose('status', { type: ClaimStatusEnum }),
    marking: t.expose('marking', { type: MarkingEnum }),
    version: t.exposeInt('version', {
      description: 'Incremented by every edit; send it back as `expectedVersion` to update.',
    }),
    citations: t.loadable({
      type: CitationConnection,
      description:
        'The sources behind the claim, origin first, each with its role and credibility (those whose source you may see).',
      args: { ...t.arg.connectionArgs() },
      extensions: sqlConnection((env, _args: ConnectionArgs, row) =>
        connectionSql(
          citationRowsOfClaimQuery(env.db, env.visibility, row('id')),
          CLAIM_CITATION_ORDERING,
        ),
      ),
      byPath: true,
      resolve: (c) => c.id,
      load: (claimIds: number[], ctx, args) =>
        loadPagesPerParent(
          claimIds,
          args,
          CLAIM_CITATION_ORDERING,
          async (window) => {
            const rows = await findCitationsPagePerClaim(
              ctx.db,
              ctx.visibility,
              claimIds,
              window,
              columnsFor(ctx.selection, SOURCE_COLUMNS),
            );
            const sources = SourceRef.getDataloader(ctx);
            for (const { source } of rows) sources.prime(source.id, source);
            return rows.map((row) => row.citation);
          },
          (ids) => countCitationsPerClaim(ctx.db, ctx.visibility, ids),
        ),
    }),
    createdAt: t.expose('created_at', { type: 'DateTime' }),
    updatedAt: t.expose('updated_at', { type: 'DateTime' }),
  }),
});

export const ClaimConnection = connectionOf(ClaimRef, 'Claim', 'A page of claims.');

builder.queryField('claims', (t) =>
  t.field({
    type: ClaimConnection,
    description: 'All claims you may see, filtered and ordered.',
    args: {
      ...t.arg.connectionArgs(),
      filter: t.arg({ type: ClaimFilterInput }),
      orderBy: t.arg({ type: ClaimOrderEnum, required: true, defaultValue: 'BRIEFING_POSITION' }),
    },
    ...listingField<ConnectionArgs & ClaimConnectionArgs, ClaimRow>((env, args) =>
      connectionSql(
        claimRowsQuery(env.db, env.visibility, toClaimFilter(args.filter)),
        CLAIM_ORDERINGS[args.orderBy],
      ),
    ),
  }),
);
