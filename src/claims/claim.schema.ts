import { ACTOR_COLUMNS, CLAIM_COLUMNS, SOURCE_COLUMNS } from '../common/field-columns.js';
import { markingAndVersion, recordTimes } from '../common/record-times.js';
import { columnsFor } from '../common/selection.js';
import { listArgs, orderEnum } from '../common/list-args.js';
import { builder, connectionOf } from '../builder.js';
import { CitationConnection } from './citation.schema.js';
import { rootList } from '../compiled/listing.js';
import { pageWindow, type ConnectionArgs, NESTED_LIST } from '../common/connection.js';
import { ClaimKindEnum, ClaimStatusEnum, LikelihoodEnum } from '../common/enums.js';
import { groupByKey, loadPagesPerParent, pagesPerParent } from '../common/nested-connection.js';
import { LIST_CAPS, capLists, cappedList } from '../common/list-caps.js';
import {
  CLAIM_CITATION_ORDERING,
  citationRowsOfClaimQuery,
  countCitationsPerClaim,
  findCitationsPagePerClaim,
} from './citation.repository.js';
import { singleLikelihoodSql } from '../db/display-sql.js';
import { VALID_TIME_SQL, ValidTimeRef, validTimeOf } from '../common/time-and-quantity.schema.js';
import { ClaimFilterInput, toClaimFilter, type ClaimFilterShape } from './claim-filter.inputs.js';
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
import { ActorRef, ActorRelationshipRef, BriefingRef, ClaimRef, SourceRef } from '../refs.js';
import {
  CLAIM_ORDERINGS,
  claimByIdQuery,
  claimRowsOfParentQuery,
  claimRowsQuery,
  countClaimsPerParent,
  findClaimsPagePerParent,
  type ActorRole,
  type ClaimOrder,
  type ClaimParent,
} from './claim.repository.js';
import {
  findObjectActorsByClaimIds,
  objectActorsOfClaimQuery,
} from './claim-objects.repository.js';
import { checkedRowQuery } from '../db/visible-listing.js';
import { ActorRoleEnum } from './claim-enums.js';

const ClaimOrderEnum = orderEnum<ClaimOrder>('ClaimOrder', 'claim', {
  BRIEFING_POSITION: { description: 'By briefing, then as they appear in its text (default).' },
  CONFIDENCE_DESC: { description: 'Most confident first; claims without a confidence last.' },
  VALID_FROM_ASC: {
    description: 'Earliest valid time first (a timeline); claims without one first.',
  },
  CREATED_AT_DESC: { description: 'Most recently recorded first.' },
});

/** A page of claims for each parent (a briefing, or an actor in a role), in one statement. */
async function loadClaimPages(
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
function claimConnectionSql(
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
type ClaimConnectionArgs = { filter?: ClaimFilterShape | null; orderBy: ClaimOrder };

/** `Actor.claims`' arguments: a claims connection with the actor's role. */
type ActorClaimConnectionArgs = ClaimConnectionArgs & { role: ActorRole };

const SpanRef = builder.objectRef<{ start: number; end: number }>('TextSpan').implement({
  description:
    'Where a quote sits in the briefing body, in Unicode code points: `body[start, end)`.',
  fields: (t) => ({
    start: t.exposeInt('start', { description: 'Offset of the first character.' }),
    end: t.exposeInt('end', { description: 'Offset just past the last character.' }),
  }),
});

ClaimRef.implement({
  extensions: sqlType({
    byId: (env, id) => claimByIdQuery(env.db, env.visibility, id),
    byCheckedId: (_env, id) => checkedRowQuery('claim', id),
  }),
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
    kind: t.expose('kind', {
      type: ClaimKindEnum,
      description:
        'A FACT reported by the sources, or an ASSESSMENT: the briefing’s own analytic judgement.',
    }),
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
    predicate: t.expose('predicate', {
      type: 'Slug',
      description: 'What is claimed of the subject (`requested-from`, `supplied`, `operates`).',
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
    validTime: t.field({
      type: ValidTimeRef,
      nullable: true,
      description: 'When the claim holds.',
      extensions: VALID_TIME_SQL,
      resolve: (c) => validTimeOf(c),
    }),
    likelihood: t.field({
      type: LikelihoodEnum,
      nullable: true,
      description:
        'ICD 203 likelihood band of the claim being true (for assessments: of the judged outcome); null for a range of bands, which `likelihoodRange` gives.',
      extensions: sqlField({
        kind: 'expression',
        value: (row) => singleLikelihoodSql(row('likelihood'), row('likelihood_to')),
      }),
      resolve: (c) => (c.likelihood_to === null ? c.likelihood : null),
    }),
    confidence: t.exposeInt('confidence', {
      nullable: true,
      description:
        'Confidence in the claim, 0–100 (STIX 2.1 scale); kept separate from likelihood.',
    }),
    status: t.expose('status', {
      type: ClaimStatusEnum,
      description:
        'How the claim stands after review (reported, corroborated, disputed, refuted, superseded).',
    }),
    ...markingAndVersion(t),
    citations: t.loadable({
      type: CitationConnection,
      ...NESTED_LIST,
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
    ...recordTimes(t),
  }),
});

const ClaimConnection = connectionOf(ClaimRef, 'Claim', 'A page of claims.');

/**
 * A claims connection nested under a parent that takes no role (`Briefing.claims`,
 * `ActorRelationship.evidence`), in briefing order by default: `t.loadable({ description,
 * ...nestedClaims({ kind: 'briefing' }) })`.
 */
function nestedClaims(parent: { kind: 'briefing' } | { kind: 'relationship' }) {
  return {
    type: ClaimConnection,
    ...NESTED_LIST,
    args: {
      ...builder.args((t) => t.connectionArgs()),
      ...listArgs(ClaimFilterInput, ClaimOrderEnum, 'BRIEFING_POSITION'),
    },
    extensions: sqlConnection((env, args: ClaimConnectionArgs, row) =>
      claimConnectionSql(env, parent, args, row('id')),
    ),
    byPath: true,
    resolve: (row: { id: number }) => row.id,
    load: (ids: number[], ctx: Context, args: ConnectionArgs & ClaimConnectionArgs) =>
      loadClaimPages(ctx, parent, ids, args),
  } as const;
}

// The claims nested under other records, declared here on their refs so that those domains
// need not import claims/.

builder.objectField(BriefingRef, 'claims', (t) =>
  t.loadable({
    description: 'The briefing’s claims, by default in the order of its text.',
    ...nestedClaims({ kind: 'briefing' }),
  }),
);

builder.objectField(ActorRelationshipRef, 'evidence', (t) =>
  t.loadable({
    description: 'Claims that support the link (those you may see), in briefing order.',
    ...nestedClaims({ kind: 'relationship' }),
  }),
);

builder.objectField(ActorRef, 'claims', (t) =>
  t.loadable({
    type: ClaimConnection,
    ...NESTED_LIST,
    description: 'Claims involving this actor, as subject, object or either.',
    args: {
      ...t.arg.connectionArgs(),
      role: t.arg({
        type: ActorRoleEnum,
        required: true,
        defaultValue: 'ANY',
        description: 'Only claims where the actor is the subject, an object, or either.',
      }),
      ...listArgs(ClaimFilterInput, ClaimOrderEnum, 'VALID_FROM_ASC'),
    },
    extensions: sqlConnection((env, args: ActorClaimConnectionArgs, row) =>
      claimConnectionSql(env, { kind: 'actor', role: args.role }, args, row('id')),
    ),
    byPath: true,
    resolve: (a) => a.id,
    load: (ids: number[], ctx, args) =>
      loadClaimPages(ctx, { kind: 'actor', role: args.role } as const, ids, args),
  }),
);

builder.queryField('claims', (t) =>
  t.field({
    type: ClaimConnection,
    description: 'All claims you may see, filtered and ordered.',
    ...rootList({
      filter: ClaimFilterInput,
      toFilter: toClaimFilter,
      orderBy: ClaimOrderEnum,
      defaultOrder: 'BRIEFING_POSITION',
      orderings: CLAIM_ORDERINGS,
      rows: (env, filter) => claimRowsQuery(env.db, env.visibility, filter),
    }),
  }),
);
