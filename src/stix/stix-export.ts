import { sql } from 'kysely';
import { ACTORS_OF_BRIEFING } from '../actors/actor.repository.js';
import {
  findEvidenceClaimIds,
  relationshipRowsQuery,
} from '../actors/actor-relationship.repository.js';
import {
  findAuthorsByBriefingIds,
  findTagsByBriefingIds,
} from '../briefings/briefing-parts.repository.js';
import { findBriefingBySlug, type BriefingRow } from '../briefings/briefing.repository.js';
import { findQuantitiesByClaimIds } from '../claims/claim-facets.repository.js';
import { findObjectIdsByClaimIds } from '../claims/claim-objects.repository.js';
import { claimRowsQuery } from '../claims/claim.repository.js';
import { anyId } from '../db/any-id.js';
import type { Executor } from '../db/executor.js';
import type { CitationRow } from '../db/rows.js';
import type { Visibility } from '../db/visibility.js';
import { findSourcesByIds } from '../visibility/visible-sources.js';
import { citationRowsOfClaimQuery } from '../claims/citation.repository.js';
import { findDerivationChains } from '../sources/source.repository.js';
import { stixBundle, type StixBriefingData, type StixBundle } from './stix-bundle.js';

// Reads a briefing for export through the repositories' visible-row builders, the ones the
// compiled reads page, so the export sees exactly what the caller's GraphQL reads see (clearance,
// status and embargo at every level). Like src/compiled/, this folder owns no table: it only
// orders and narrows those builders. A bundle costs the same ten statements however large the
// briefing: each step reads all rows of its kind at once.

/** Drops `source__…` columns that the citation builder adds for compiled reads. */
function citationOf(row: CitationRow): CitationRow {
  const { id, claim_id, source_id, position, role, locator, quote, credibility } = row;
  return { id, claim_id, source_id, position, role, locator, quote, credibility };
}

/** The data of a briefing the caller has been allowed to see. */
export async function readBriefingForStix(
  db: Executor,
  visibility: Visibility,
  briefing: BriefingRow,
): Promise<StixBriefingData> {
  const briefingId = sql<number>`${briefing.id}`;
  const [authors, tags, claims, actors] = await Promise.all([
    findAuthorsByBriefingIds(db, [briefing.id]),
    findTagsByBriefingIds(db, [briefing.id]),
    claimRowsQuery(db, visibility, { briefingIds: [briefing.id] })
      .orderBy('claim.position')
      .orderBy('claim.id')
      .execute(),
    ACTORS_OF_BRIEFING.rowsQuery(db, visibility, briefingId).orderBy('actor.id').execute(),
  ]);
  const claimIds = claims.map((claim) => claim.id);
  const actorIds = actors.map((actor) => actor.id);
  const [objectLinks, quantities, relationships, citationRows] = await Promise.all([
    findObjectIdsByClaimIds(db, claimIds),
    findQuantitiesByClaimIds(db, claimIds),
    // Relationships between the briefing's own actors, so every reference resolves inside the
    // bundle.
    relationshipRowsQuery(db, visibility, {})
      .where('actor_relationship.from_actor_id', '=', anyId(actorIds))
      .where('actor_relationship.to_actor_id', '=', anyId(actorIds))
      .orderBy('actor_relationship.id')
      .execute(),
    citationRowsOfClaimQuery(db, visibility, anyId(claimIds))
      .orderBy('citation.claim_id')
      .orderBy('citation.position')
      .orderBy('citation.id')
      .execute(),
  ]);
  const citations = citationRows.map(citationOf);
  const citedIds = [...new Set(citations.map((citation) => citation.source_id))];
  const [evidence, chains] = await Promise.all([
    findEvidenceClaimIds(
      db,
      relationships.map((relationship) => relationship.id),
    ),
    findDerivationChains(db, citedIds),
  ]);
  const chainIds = [...new Set(chains.map((link) => link.source_id))];
  const sources = await findSourcesByIds(db, visibility, [...new Set([...citedIds, ...chainIds])]);
  const visibleSources = new Map(sources.map((source) => [source.id, source]));

  // A chain ends before its first hidden link: what lies beyond it would reveal that it exists.
  const relayed = new Set<number>();
  const chainOf = new Map<number, number[]>();
  for (const link of chains)
    chainOf.set(link.start_id, [...(chainOf.get(link.start_id) ?? []), link.source_id]);
  for (const chain of chainOf.values()) {
    for (const id of chain) {
      if (!visibleSources.has(id)) break;
      relayed.add(id);
    }
  }
  const knownClaims = new Set(claimIds);
  const knownActors = new Set(actorIds);
  return {
    briefing,
    authors,
    tags: tags.map((tag) => tag.tag),
    claims,
    quantities,
    claimObjects: objectLinks.filter((link) => knownActors.has(link.actor_id)),
    actors,
    relationships,
    evidence: evidence.filter((link) => knownClaims.has(link.claim_id)),
    citations: citations.flatMap((citation) => {
      const source = visibleSources.get(citation.source_id);
      return source ? [{ ...citation, source }] : [];
    }),
    relayedSources: [...relayed]
      .filter((id) => !citedIds.includes(id))
      .sort((a, b) => a - b)
      .flatMap((id) => visibleSources.get(id) ?? []),
  };
}

/** The bundle of a briefing already loaded for this caller (the GraphQL field's parent). */
export async function exportBriefing(
  db: Executor,
  visibility: Visibility,
  briefing: BriefingRow,
): Promise<StixBundle> {
  return stixBundle(await readBriefingForStix(db, visibility, briefing));
}

/** The bundle of the briefing with this slug, or null when the caller may not see it. */
export async function exportBriefingBySlug(
  db: Executor,
  visibility: Visibility,
  slug: string,
): Promise<StixBundle | null> {
  const briefing = await findBriefingBySlug(db, visibility, slug);
  return briefing ? exportBriefing(db, visibility, briefing) : null;
}
