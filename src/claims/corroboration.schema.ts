import { builder } from '../builder.js';
import { ReliabilityEnum } from '../common/enums.js';
import { LIST_CAPS, cappedList } from '../common/list-caps.js';
import { sqlField } from '../compiled/sql-spec.js';
import { ClaimRef, SourceRef } from '../refs.js';
import { CitationRef } from './citation.schema.js';
import {
  SUPPORTING_ROLES,
  findCitationChainsByClaimIds,
  type CitationChainRow,
} from './corroboration.repository.js';

const CAP = LIST_CAPS.corroborationChains;
/** What the cost rule charges per claim before its selection: a recursive walk of its chains. */
const CORROBORATION_COST = 10;

interface Origin {
  sourceId: number;
  supporting: number;
  contradicting: number;
}

interface Corroboration {
  supporting: CitationChainRow[];
  contradicting: CitationChainRow[];
  origins: Origin[];
}

function originCount(chains: readonly CitationChainRow[]): number {
  return new Set(chains.map((chain) => chain.originId)).size;
}

/** One claim's chains (in citation order) summed up by origin, first cited first. */
function corroborationOf(chains: readonly CitationChainRow[]): Corroboration {
  const origins = new Map<number, Origin>();
  const supporting: CitationChainRow[] = [];
  const contradicting: CitationChainRow[] = [];
  for (const chain of chains) {
    const supports = SUPPORTING_ROLES.includes(chain.citation.role);
    (supports ? supporting : contradicting).push(chain);
    const origin = origins.get(chain.originId) ?? {
      sourceId: chain.originId,
      supporting: 0,
      contradicting: 0,
    };
    if (supports) origin.supporting += 1;
    else origin.contradicting += 1;
    origins.set(chain.originId, origin);
  }
  return { supporting, contradicting, origins: [...origins.values()] };
}

const CitationChainRef = builder.objectRef<CitationChainRow>('CitationChain').implement({
  description:
    'One citation followed up its source’s `derivedFrom` chain to the origin: the source nothing you may see is derived from.',
  fields: (t) => ({
    citation: t.field({
      type: CitationRef,
      description: 'The citation.',
      resolve: (chain) => chain.citation,
    }),
    origin: t.field({
      type: SourceRef,
      description:
        'Where the chain ends: the cited source itself when it relays nothing, else the last source you may see up its chain (a loop ends at its lowest-numbered source).',
      resolve: (chain) => chain.originId,
    }),
    length: t.exposeInt('length', {
      description: 'Steps from the cited source to its origin (0: the cited source is the origin).',
    }),
    strongestReliability: t.field({
      type: ReliabilityEnum,
      nullable: true,
      description:
        'The best Admiralty grade (A–E) on the chain, cited source to origin; F (cannot be judged) and ungraded sources are left out; null when none is graded.',
      resolve: (chain) => chain.strongest,
    }),
    weakestReliability: t.field({
      type: ReliabilityEnum,
      nullable: true,
      description:
        'The worst Admiralty grade (A–E) on the chain: the weakest link the claim passed through; F and ungraded sources are left out.',
      resolve: (chain) => chain.weakest,
    }),
  }),
});

const OriginRef = builder.objectRef<Origin>('CorroborationOrigin').implement({
  description: 'An independent origin of a claim’s citations, and how many trace back to it.',
  fields: (t) => ({
    source: t.field({
      type: SourceRef,
      description: 'The origin.',
      resolve: (origin) => origin.sourceId,
    }),
    supporting: t.exposeInt('supporting', {
      description: 'Citations supporting the claim (ORIGIN, RELAY, CORROBORATES) that trace to it.',
    }),
    contradicting: t.exposeInt('contradicting', {
      description: 'Citations contradicting the claim (CONTRADICTS) that trace to it.',
    }),
  }),
});

const CorroborationRef = builder.objectRef<Corroboration>('ClaimCorroboration').implement({
  description:
    'How well a claim is supported, counted by independent origin: two outlets relaying one intelligence briefing are one origin, not two. Only citations of sources you may see count, and a chain stops before a source you may not see.',
  fields: (t) => ({
    independentOrigins: t.int({
      description: 'Distinct origins of the supporting citations.',
      resolve: (c) => originCount(c.supporting),
    }),
    contradictingOrigins: t.int({
      description: 'Distinct origins of the contradicting citations.',
      resolve: (c) => originCount(c.contradicting),
    }),
    origins: t.field({
      type: [OriginRef],
      ...cappedList(CAP),
      description: `Every origin, in the order the claim first cites it (at most ${CAP}).`,
      resolve: (c) => c.origins.slice(0, CAP),
    }),
    supporting: t.field({
      type: [CitationChainRef],
      ...cappedList(CAP),
      description: `The supporting citations (ORIGIN, RELAY, CORROBORATES) with their chains, in citation order (at most ${CAP}).`,
      resolve: (c) => c.supporting.slice(0, CAP),
    }),
    contradicting: t.field({
      type: [CitationChainRef],
      ...cappedList(CAP),
      description: `The contradicting citations (CONTRADICTS) with their chains, in citation order (at most ${CAP}).`,
      resolve: (c) => c.contradicting.slice(0, CAP),
    }),
  }),
});

builder.objectField(ClaimRef, 'corroboration', (t) =>
  t.loadable({
    type: CorroborationRef,
    description:
      'The claim’s citations traced to their independent origins (distinct roots of the cited sources’ `derivedFrom` chains), with the grades on each chain. Read for a whole page of claims in one statement.',
    extensions: {
      ...sqlField({ kind: 'resolverOnly', columns: [] }),
      ownCost: CORROBORATION_COST,
    },
    resolve: (claim) => claim.id,
    load: async (claimIds: number[], ctx) => {
      const chains = await findCitationChainsByClaimIds(ctx.db, ctx.visibility, claimIds);
      const byClaim = new Map<number, CitationChainRow[]>();
      for (const chain of chains) {
        const list = byClaim.get(chain.citation.claim_id) ?? [];
        list.push(chain);
        byClaim.set(chain.citation.claim_id, list);
      }
      return claimIds.map((id) => corroborationOf(byClaim.get(id) ?? []));
    },
  }),
);
