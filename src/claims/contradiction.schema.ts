import { createContextCache } from '@pothos/core';
import DataLoader from 'dataloader';
import { builder } from '../builder.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from '../common/connection.js';
import { ClaimStatusEnum } from '../common/enums.js';
import { LIST_CAPS, cappedList } from '../common/list-caps.js';
import { sqlField } from '../compiled/sql-spec.js';
import type { ClaimStatus } from '../db/types.js';
import { badInput } from '../errors/bad-input.js';
import type { Context } from '../context.js';
import { ClaimRef, SourceRef } from '../refs.js';
import { ClaimFilterInput, toClaimFilter } from './claim-filter.inputs.js';
import {
  countContradictions,
  findContradictionsByClaimIds,
  findContradictionsPage,
  type ContradictionCaps,
  type ContradictionKey,
  type ContradictionKind,
  type ContradictionRow,
} from './contradiction.repository.js';

const CAP = LIST_CAPS.claimContradictions;
/** What the cost rule charges before the selection: a self-join of claims on subject and predicate. */
export const CLAIM_CONTRADICTIONS_COST = 10;
/** What the root list is charged before its selection: the same join over every matching claim. */
export const CONTRADICTIONS_COST = 50;

export const ContradictionKindEnum = builder.enumType('ContradictionKind', {
  description: 'Why two claims, or a claim and a source, cannot both be right.',
  values: {
    QUANTITY: {
      value: 'QUANTITY',
      description:
        'Two claims with the same subject, predicate and objects state quantities of the same role and unit that cannot both hold (an APPROXIMATE value is read as ±10 %), over valid times that may overlap.',
    },
    VALID_TIME: {
      value: 'VALID_TIME',
      description:
        'Two claims with the same subject, predicate and objects whose valid times cannot overlap, even taking every bound that is not a firm date as open.',
    },
    CONTRADICTING_CITATION: {
      value: 'CONTRADICTING_CITATION',
      description: 'A source you may see is cited against the claim (citation role CONTRADICTS).',
    },
  } as const satisfies Record<ContradictionKind, { value: ContradictionKind; description: string }>,
});

const ContradictionRef = builder.objectRef<ContradictionRow>('Contradiction').implement({
  description:
    'A claim that something you may see contradicts: another claim, or a source cited against it. Computed from what you may see only; a candidate for review, not a verdict.',
  fields: (t) => ({
    kind: t.field({
      type: ContradictionKindEnum,
      description: 'What conflicts (machine-readable).',
      resolve: (c) => c.kind,
    }),
    reason: t.exposeString('reason', {
      description:
        'The conflict in words: “operational quantity ~21 aircraft vs 24 aircraft”, “valid times do not overlap: 2006-07 vs 2008”, “contradicted by the source “…””.',
    }),
    claim: t.field({
      type: ClaimRef,
      description: 'The claim contradicted (in `Claim.contradictions`, the claim asked about).',
      resolve: (c) => c.claimId,
    }),
    otherClaim: t.field({
      type: ClaimRef,
      nullable: true,
      description: 'The claim it conflicts with, for QUANTITY and VALID_TIME.',
      resolve: (c) => c.otherClaimId,
    }),
    source: t.field({
      type: SourceRef,
      nullable: true,
      description: 'The source cited against the claim, for CONTRADICTING_CITATION.',
      resolve: (c) => c.sourceId,
    }),
  }),
});

/** A claim review still open (reported or corroborated) that a contradiction should reopen. */
const DISPUTABLE: readonly ClaimStatus[] = ['REPORTED', 'CORROBORATED'];

// One loader per request for both Claim fields below, so `contradictions` and `suggestedStatus`
// on a page of claims share one statement.
const contradictionsLoader = createContextCache(
  (ctx: Context) =>
    new DataLoader<number, ContradictionRow[]>(async (claimIds) => {
      const rows = await findContradictionsByClaimIds(ctx.db, ctx.visibility, claimIds, CAP);
      return claimIds.map((id) => rows.filter((row) => row.claimId === id));
    }),
);

builder.objectFields(ClaimRef, (t) => ({
  contradictions: t.field({
    type: [ContradictionRef],
    description: `What contradicts this claim among what you may see: claims on the same subject, predicate and objects with incompatible quantities or valid times, and sources cited against it; quantities first, then valid times, then citations (at most ${CAP}; \`contradictions(filter:)\` pages through more). Read for a whole page of claims in one statement.`,
    extensions: {
      ...cappedList(CAP).extensions,
      ...sqlField({ kind: 'resolverOnly', columns: [] }),
      ownCost: CLAIM_CONTRADICTIONS_COST,
    },
    resolve: (claim, _args, ctx) => contradictionsLoader(ctx).load(claim.id),
  }),
  suggestedStatus: t.field({
    type: ClaimStatusEnum,
    nullable: true,
    description:
      'DISPUTED when the claim is REPORTED or CORROBORATED and something you may see contradicts it (see `contradictions`); null when its status needs no change. Offered to editors, on a write’s payload too; never applied by itself.',
    extensions: {
      ...sqlField({ kind: 'resolverOnly', columns: ['status'] }),
      ownCost: CLAIM_CONTRADICTIONS_COST,
    },
    resolve: async (claim, _args, ctx) => {
      if (!DISPUTABLE.includes(claim.status)) return null;
      const found = await contradictionsLoader(ctx).load(claim.id);
      return found.length > 0 ? ('DISPUTED' as const) : null;
    },
  }),
}));

const CURSOR = /^contradiction:(\d{1,15}):(\d):(\d{1,15}):(\d{1,6})$/;

/**
 * Kind ranks a stopped page's cursors use: after every contradiction of a claim (`endCursor`
 * forwards) and before every one (`startCursor` backwards), so the next page reads on from the
 * claim after (or before) the last one the page read.
 */
const AFTER_EVERY_KIND = 9;
const BEFORE_EVERY_KIND = 0;

/** The page's candidate caps: a page or a count past them stops (see the list's description). */
export const CONTRADICTION_CAPS: ContradictionCaps = {
  pageCandidates: 10_000,
  countCandidates: 250_000,
};

function cursorOf(row: ContradictionKey): string {
  const { claimId, kindRank, refId, detail } = row;
  return Buffer.from(`contradiction:${claimId}:${kindRank}:${refId}:${detail}`).toString(
    'base64url',
  );
}

function keyOf(cursor: string, argument: 'after' | 'before'): ContradictionKey {
  const match = CURSOR.exec(Buffer.from(cursor, 'base64url').toString('utf8'));
  if (!match)
    throw badInput(
      `expected \`${argument}\` to be a cursor from the contradictions’ edges, got something else`,
      'INVALID_CURSOR',
      argument,
    );
  return {
    claimId: Number(match[1]),
    kindRank: Number(match[2]),
    refId: Number(match[3]),
    detail: Number(match[4]),
  };
}

interface ContradictionPage {
  rows: ContradictionRow[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  /** Where a page that stopped at its candidate cap continues (its end, or backwards its start). */
  stoppedCursor: { start: string | null; end: string | null } | null;
  totalCount: () => Promise<number>;
}

const ContradictionEdgeRef = builder.objectRef<ContradictionRow>('ContradictionEdge').implement({
  description: 'One contradiction in a page, with the cursor to continue after it.',
  fields: (t) => ({
    cursor: t.string({
      description: 'Opaque; pass it as `after` to continue after this contradiction.',
      resolve: cursorOf,
    }),
    node: t.field({ type: ContradictionRef, description: 'The contradiction.', resolve: (r) => r }),
  }),
});

const ContradictionConnectionRef = builder
  .objectRef<ContradictionPage>('ContradictionConnection')
  .implement({
    description: 'A page of contradictions, by claim id, then kind.',
    fields: (t) => ({
      edges: t.field({
        type: [ContradictionEdgeRef],
        description: 'This page of contradictions.',
        resolve: (p) => p.rows,
      }),
      pageInfo: t.field({
        type: builder.pageInfoRef(),
        description: 'Whether more contradictions follow, and the page’s ends.',
        resolve: (p) => {
          const first = p.rows[0];
          const last = p.rows.at(-1);
          return {
            hasNextPage: p.hasNextPage,
            hasPreviousPage: p.hasPreviousPage,
            startCursor: p.stoppedCursor?.start ?? (first ? cursorOf(first) : null),
            endCursor: p.stoppedCursor?.end ?? (last ? cursorOf(last) : null),
          };
        },
      }),
      truncated: t.boolean({
        description: `Whether this page stopped early, with fewer edges than asked for, because its claims had ${CONTRADICTION_CAPS.pageCandidates} candidate pairs to compare (a large group of claims on one subject and predicate that mostly agree). More may follow: continue from \`pageInfo.endCursor\` (backwards, \`startCursor\`), which then points past the last claim read rather than at the last edge.`,
        resolve: (p) => p.stoppedCursor !== null,
      }),
      totalCount: t.int({
        description: `How many contradictions meet the filter (every page together). Refused with TOO_MANY_CANDIDATES when counting would compare more than ${CONTRADICTION_CAPS.countCandidates} candidate pairs: narrow \`filter.claims\` (e.g. by predicate or actor).`,
        resolve: (p) => p.totalCount(),
      }),
    }),
  });

const ContradictionFilterInput = builder.inputType('ContradictionFilter', {
  description: 'Narrows the contradictions listed; all given conditions must hold.',
  fields: (t) => ({
    claims: t.field({
      type: ClaimFilterInput,
      description:
        'At least one of the two claims (the claim, for a citation) meets this filter; it is then the listed `claim`.',
    }),
    kind: t.field({
      type: [ContradictionKindEnum],
      description: 'Only these kinds (empty or omitted: every kind).',
    }),
  }),
});

builder.queryField('contradictions', (t) =>
  t.field({
    type: ContradictionConnectionRef,
    description:
      'Contradictions among the claims you may see, each once: pairs of claims on the same subject, predicate and objects whose quantities or valid times are incompatible, and claims cited against by a source. The pair’s `claim` is the one meeting `filter.claims`, the lower id when both do. Keyset-paged forwards (`first`, `after`) and backwards (`last`, `before`), by claim id, then kind; one statement per page, which reads claims in id order and stops once the page is full or its claims had too many candidate pairs to compare (see `truncated`).',
    args: {
      filter: t.arg({
        type: ContradictionFilterInput,
        description: 'Only the contradictions that meet every condition given.',
      }),
      first: t.arg.int({
        description: `Contradictions per page from the start or \`after\` (default ${DEFAULT_PAGE_SIZE}, at most ${MAX_PAGE_SIZE}).`,
      }),
      after: t.arg.string({ description: 'A cursor from this list’s edges: the ones after it.' }),
      last: t.arg.int({
        description: `Contradictions per page from the end or \`before\`, backwards (at most ${MAX_PAGE_SIZE}); not with \`first\`.`,
      }),
      before: t.arg.string({ description: 'A cursor from this list’s edges: the ones before it.' }),
    },
    extensions: { ownCost: CONTRADICTIONS_COST },
    resolve: async (_root, args, ctx) => {
      const first = pageSize(args.first, 'first');
      const last = pageSize(args.last, 'last');
      if (first !== null && last !== null)
        throw badInput('expected either `first` or `last`, got both', 'BAD_USER_INPUT', 'last');
      const size = first ?? last ?? DEFAULT_PAGE_SIZE;
      const backward = last !== null;
      const after = args.after ? keyOf(args.after, 'after') : null;
      const before = args.before ? keyOf(args.before, 'before') : null;
      const filter = {
        claims: toClaimFilter(args.filter?.claims, 'filter.claims'),
        kinds: args.filter?.kind ?? null,
      };
      const page = await findContradictionsPage(
        ctx.db,
        ctx.visibility,
        filter,
        { after, before, limit: size + 1, backward },
        CONTRADICTION_CAPS,
      );
      const more = page.rows.length > size || page.stoppedAt !== null;
      // Backwards, the extra row that tells whether more precede is the first.
      const rows = backward
        ? page.rows.slice(Math.max(0, page.rows.length - size))
        : page.rows.slice(0, size);
      const stopped =
        page.stoppedAt === null
          ? null
          : backward
            ? {
                start: cursorOf({
                  claimId: page.stoppedAt,
                  kindRank: BEFORE_EVERY_KIND,
                  refId: 0,
                  detail: 0,
                }),
                end: null,
              }
            : {
                start: null,
                end: cursorOf({
                  claimId: page.stoppedAt,
                  kindRank: AFTER_EVERY_KIND,
                  refId: 0,
                  detail: 0,
                }),
              };
      return {
        rows,
        hasNextPage: backward ? before !== null : more,
        hasPreviousPage: backward ? more : after !== null,
        stoppedCursor: stopped,
        totalCount: async () => {
          const count = await countContradictions(
            ctx.db,
            ctx.visibility,
            filter,
            CONTRADICTION_CAPS,
          );
          if (count === null)
            throw badInput(
              `expected at most ${CONTRADICTION_CAPS.countCandidates} candidate pairs to count, got more: narrow filter.claims (e.g. by predicate or actor)`,
              'TOO_MANY_CANDIDATES',
              'filter.claims',
            );
          return count;
        },
      };
    },
  }),
);

function pageSize(value: number | null | undefined, argument: 'first' | 'last'): number | null {
  if (value == null) return null;
  if (value < 0)
    throw badInput(`expected \`${argument}\` >= 0, got ${value}`, 'BAD_USER_INPUT', argument);
  return Math.min(value, MAX_PAGE_SIZE);
}
