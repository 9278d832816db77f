import { builder, connectionOf } from './builder.js';
import type {
  ActorRelationshipRow,
  RelationshipDirection,
} from './actors/actor-relationship.repository.js';
import { findAuthorsByIds, type AuthorRow } from './briefings/briefing.repository.js';
import type { ClaimDateRow } from './claims/claim-facets.repository.js';
import type { ActorRow, BriefingRow, ClaimRow, SourceRow } from './db/rows.js';
import type { Likelihood } from './db/types.js';
import type { SourceActorLinkRow } from './sources/source-actor.repository.js';
import { findActorsByIds } from './visibility/visible-actors.js';
import { findBriefingsByIds } from './visibility/visible-briefings.js';
import { findClaimsByIds } from './visibility/visible-claims.js';
import { findRelationshipsByIds } from './visibility/visible-relationships.js';
import { findSourcesByIds } from './visibility/visible-sources.js';

// Node refs live here, apart from their fields, so that domains can point at each other
// (a claim's subject is an Actor, an actor's claims are Claims) without circular imports.
// Each loads by database id through a per-request dataloader that applies the caller's
// visibility: an id the caller may not see loads as null, exactly like a missing one.

const numericId = { parse: (id: string) => Number(id) };

export const BriefingRef = builder.loadableNodeRef<BriefingRow, number, number>('Briefing', {
  id: { resolve: (row) => row.id, ...numericId },
  load: (ids, ctx) => findBriefingsByIds(ctx.db, ctx.visibility, ids),
  sort: (row) => row.id,
});

export const AuthorRef = builder.loadableNodeRef<AuthorRow, number, number>('Author', {
  id: { resolve: (row) => row.id, ...numericId },
  load: (ids, ctx) => findAuthorsByIds(ctx.db, ctx.visibility, ids),
  sort: (row) => row.id,
});

export const ClaimRef = builder.loadableNodeRef<ClaimRow, number, number>('Claim', {
  id: { resolve: (row) => row.id, ...numericId },
  load: (ids, ctx) => findClaimsByIds(ctx.db, ctx.visibility, ids),
  sort: (row) => row.id,
});

export const SourceRef = builder.loadableNodeRef<SourceRow, number, number>('Source', {
  id: { resolve: (row) => row.id, ...numericId },
  load: (ids, ctx) => findSourcesByIds(ctx.db, ctx.visibility, ids),
  sort: (row) => row.id,
});

// A merged actor's id loads its survivor, whose row carries another id; so rows are matched to
// keys by the id asked for, not by `sort` (which would match on the row's own id), with null
// for ids that are missing or hidden, as `sort` gives the other refs.
export const ActorRef = builder.loadableNodeRef<ActorRow | null, number, number, number, ActorRow>(
  'Actor',
  {
    id: { resolve: (row) => row.id, ...numericId },
    load: async (ids, ctx) => {
      const rows = await findActorsByIds(ctx.db, ctx.visibility, ids);
      const byRequestedId = new Map(rows.map(({ requested_id, ...row }) => [requested_id, row]));
      return ids.map((id) => byRequestedId.get(id) ?? null);
    },
  },
);

export const ActorRelationshipRef = builder.loadableNodeRef<ActorRelationshipRow, number, number>(
  'ActorRelationship',
  {
    id: { resolve: (row) => row.id, ...numericId },
    load: (ids, ctx) => findRelationshipsByIds(ctx.db, ctx.visibility, ids),
    sort: (row) => row.id,
  },
);

// Connections of the node types that several domains list (a briefing's actors, an actor's
// briefings), here for the same reason as the refs.
export const ActorConnection = connectionOf(ActorRef, 'Actor', 'A page of actors.');
export const BriefingConnection = connectionOf(BriefingRef, 'Briefing', 'A page of briefings.');
export const SourceConnection = connectionOf(SourceRef, 'Source', 'A page of sources.');

export type { RelationshipDirection };
// Which end of a relationship an actor is on: `Actor.relationships` and the audit log's
// `Actor.relationshipsRecordAsOf` both filter by it.
export const RelationshipDirectionEnum = builder.enumType('RelationshipDirection', {
  description: 'Which end of a relationship an actor is on.',
  values: {
    OUTGOING: {
      value: 'OUTGOING',
      description: 'The actor is `from` (e.g. the supplier in `supplies`).',
    },
    INCOMING: { value: 'INCOMING', description: 'The actor is `to` (e.g. the recipient).' },
    BOTH: { value: 'BOTH', description: 'Either end.' },
  } as const satisfies Record<
    RelationshipDirection,
    { value: RelationshipDirection; description: string }
  >,
});

// Value types that a claim or source shows now and `Briefing.recordAsOf` shows as they stood
// (src/audit/briefing-record.schema.ts), implemented in their domains.
export const ClaimDateRef = builder.objectRef<ClaimDateRow>('ClaimDate');

export interface LikelihoodRangeShape {
  likelihood: Likelihood;
  likelihood_to: Likelihood | null;
}
export const LikelihoodRangeRef = builder.objectRef<LikelihoodRangeShape>('LikelihoodRange');

export const SourceActorRef = builder.objectRef<SourceActorLinkRow>('SourceActor');
