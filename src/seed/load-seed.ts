import { sql, type Transaction } from 'kysely';
import type { Database } from '../db/database.js';
import type { DB } from '../db/types.js';
import { releaseRecords } from '../embargo/release.repository.js';
import { findAllClaimsOfBriefing } from '../claims/claim.repository.js';
import { anyId } from '../db/any-id.js';
import { claimSnapshots } from '../claims/claim.service.js';
import { relationshipSnapshots } from '../actors/actor-relationship.service.js';
import { RELATIONSHIP_COLUMN_NAMES } from '../db/rows.js';
import { actorLinksSnapshot } from '../sources/source-actor.service.js';
import { recordBaseline } from '../sync/change.repository.js';
import { claimDateRows, quantityRows, validTimeColumns } from './seed-columns.js';
import { checkSeed, type Span } from './check-seed.js';
import type { SeedData, SeedKey } from './seed-types.js';
import { venezuelaBriefing } from './venezuela-briefing.js';

export const SEED_BRIEFING_SLUG = 'venezuela-seeks-military-aid-from-russia-china-iran';

/**
 * Key for pg_advisory_xact_lock, fixed so that every instance seeding the same database contends
 * for the same lock (an arbitrary constant, distinct from Kysely's migration lock key).
 */
export const SEED_LOCK_KEY = 7_361_262_903_417_001;

const AUDIT_ACTOR = 'seed';

/** Counts of what one seed inserts, as recorded in the audit log. */
export interface SeedSummary {
  slug: string;
  claims: number;
  actors: number;
  sources: number;
  citations: number;
  relationships: number;
  media: number;
  authors: number;
  tags: number;
}

/**
 * Inserts `data` into an empty database in one transaction and returns true; returns false and
 * changes nothing when any briefing already exists. Concurrent callers serialise on an advisory
 * lock, so of several instances starting together exactly one seeds.
 */
export async function seedDatabase(
  db: Database,
  data: SeedData = venezuelaBriefing,
): Promise<boolean> {
  // Checked before touching the database: a broken seed is a bug and must fail loudly every time,
  // not only on the first start.
  const spans = checkSeed(data);
  return db.transaction().execute(async (trx) => {
    await sql`select pg_advisory_xact_lock(cast(${SEED_LOCK_KEY} as bigint))`.execute(trx);
    const existing = await trx.selectFrom('briefing').select('id').limit(1).executeTakeFirst();
    if (existing) return false;
    await insertSeed(trx, data, spans);
    await recordBaseline(trx);
    return true;
  });
}

/** Looks a key up in a map filled earlier in the same load; checkSeed guarantees it is there. */
function idOf(ids: Map<SeedKey, number>, kind: string, key: SeedKey): number {
  const id = ids.get(key);
  if (id === undefined) throw new Error(`seed: unknown ${kind} "${key}"`);
  return id;
}

/** A claim's or relationship's participants as rows, in order, without their parent's id. */
function participantRows(
  actorIds: Map<SeedKey, number>,
  participants: SeedData['claims'][number]['participants'],
) {
  return (participants ?? []).map((participant, position) => ({
    actor_id: idOf(actorIds, 'actor', participant.actor),
    role: participant.role,
    note: participant.note ?? null,
    position,
  }));
}

async function insertSeed(
  trx: Transaction<DB>,
  data: SeedData,
  spans: Map<SeedKey, Span>,
): Promise<void> {
  const { briefing } = data;

  // One row at a time where ids are needed: RETURNING order is not guaranteed to follow VALUES.
  const sourceIds = new Map<SeedKey, number>();
  for (const source of data.sources) {
    const { id } = await trx
      .insertInto('source')
      .values({
        kind: source.kind,
        title: source.title,
        publisher: source.publisher,
        url: source.url,
        published_at: source.publishedAt,
        published_at_precision: source.publishedPrecision ?? null,
        accessed_at: source.accessedAt ?? null,
        reliability: source.reliability,
        derived_from_id:
          source.derivedFrom === null ? null : idOf(sourceIds, 'source', source.derivedFrom),
        description: source.description,
        ...(source.marking ? { marking: source.marking } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    sourceIds.set(source.key, id);
  }

  const { id: briefingId } = await trx
    .insertInto('briefing')
    .values({
      slug: briefing.slug,
      title: briefing.title,
      summary: briefing.summary,
      body: briefing.body,
      status: briefing.status,
      language: briefing.language,
      published_at: briefing.publishedAt,
      marking: briefing.marking,
      source_id: idOf(sourceIds, 'source', briefing.source),
    })
    .returning('id')
    .executeTakeFirstOrThrow();

  for (const [position, author] of briefing.authors.entries()) {
    const { id: authorId } = await trx
      .insertInto('author')
      .values({ name: author.name, bio: author.bio })
      .returning('id')
      .executeTakeFirstOrThrow();
    await trx
      .insertInto('briefing_author')
      .values({ briefing_id: briefingId, author_id: authorId, position })
      .execute();
  }

  if (briefing.tags.length > 0) {
    await trx
      .insertInto('briefing_tag')
      .values(briefing.tags.map(({ tag, kind }) => ({ briefing_id: briefingId, tag, kind })))
      .execute();
  }

  if (briefing.media.length > 0) {
    await trx
      .insertInto('media')
      .values(
        briefing.media.map((media, position) => ({
          briefing_id: briefingId,
          position,
          kind: media.kind,
          url: media.url,
          caption: media.caption,
          credit: media.credit,
          licence_name: media.licence.name,
          licence_url: media.licence.url,
          taken_on: media.takenOn?.date ?? null,
          taken_on_precision: media.takenOn?.precision ?? null,
        })),
      )
      .execute();
  }

  const actorIds = new Map<SeedKey, number>();
  for (const actor of data.actors) {
    const { id } = await trx
      .insertInto('actor')
      .values({
        kind: actor.kind,
        name: actor.name,
        country: actor.country,
        wikidata_qid: actor.wikidataQid,
        description: actor.description,
        ...(actor.marking ? { marking: actor.marking } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    actorIds.set(actor.key, id);
  }
  const aliases = data.actors.flatMap((actor) =>
    (actor.aliases ?? []).map(({ alias, language }) => ({
      actor_id: idOf(actorIds, 'actor', actor.key),
      alias,
      language: language ?? null,
    })),
  );
  if (aliases.length > 0) await trx.insertInto('actor_alias').values(aliases).execute();
  const sourceActors = data.sources.flatMap((source) =>
    (source.actors ?? []).map(({ actor, role }, position) => ({
      source_id: idOf(sourceIds, 'source', source.key),
      actor_id: idOf(actorIds, 'actor', actor),
      role,
      position,
    })),
  );
  if (sourceActors.length > 0) await trx.insertInto('source_actor').values(sourceActors).execute();

  // The claims in one statement, their parts in one each: the embargo triggers run per
  // statement, and one row at a time cost a second of the load. Ids follow VALUES order as before;
  // RETURNING's order is not guaranteed, so ids are matched back by position.
  const claimIds = new Map<SeedKey, number>();
  const claimRows = data.claims.map((claim, position) => {
    const span = spans.get(claim.key);
    if (!span) throw new Error(`seed: claim "${claim.key}" has no span`);
    return {
      briefing_id: briefingId,
      position,
      kind: claim.kind,
      statement: claim.statement,
      quote: claim.quote,
      span_start: span.start,
      span_end: span.end,
      subject_actor_id: claim.subject === null ? null : idOf(actorIds, 'actor', claim.subject),
      predicate: claim.predicate,
      ...validTimeColumns(claim.validTime),
      likelihood: claim.likelihood,
      likelihood_to: claim.likelihoodTo ?? null,
      confidence: claim.confidence,
      status: claim.status,
      ...(claim.marking ? { marking: claim.marking } : {}),
    };
  });
  if (claimRows.length > 0) {
    const inserted = await trx
      .insertInto('claim')
      .values(claimRows)
      .returning(['id', 'position'])
      .execute();
    const byPosition = new Map(inserted.map((row) => [row.position, row.id]));
    for (const [position, claim] of data.claims.entries()) {
      const id = byPosition.get(position);
      if (id === undefined) throw new Error(`seed: claim "${claim.key}" was not inserted`);
      claimIds.set(claim.key, id);
    }
  }
  const claimParts = data.claims.map((claim) => ({
    claim,
    claimId: idOf(claimIds, 'claim', claim.key),
  }));
  const quantities = claimParts.flatMap(({ claim, claimId }) =>
    quantityRows(claimId, claim.quantities ?? []),
  );
  if (quantities.length > 0) await trx.insertInto('claim_quantity').values(quantities).execute();
  const dates = claimParts.flatMap(({ claim, claimId }) =>
    claimDateRows(claimId, claim.dates ?? []),
  );
  if (dates.length > 0) await trx.insertInto('claim_date').values(dates).execute();
  const claimParticipants = claimParts.flatMap(({ claim, claimId }) =>
    participantRows(actorIds, claim.participants).map((row) => ({ claim_id: claimId, ...row })),
  );
  if (claimParticipants.length > 0)
    await trx.insertInto('claim_participant').values(claimParticipants).execute();
  const objects = claimParts.flatMap(({ claim, claimId }) =>
    claim.objects.map((actor, objectPosition) => ({
      claim_id: claimId,
      actor_id: idOf(actorIds, 'actor', actor),
      position: objectPosition,
    })),
  );
  if (objects.length > 0) await trx.insertInto('claim_object').values(objects).execute();
  const citations = claimParts.flatMap(({ claim, claimId }) =>
    claim.citations.map((citation, citationPosition) => ({
      claim_id: claimId,
      source_id: idOf(sourceIds, 'source', citation.source),
      position: citationPosition,
      role: citation.role,
      locator: citation.locator ?? null,
      quote: citation.quote ?? null,
      credibility: citation.credibility,
    })),
  );
  if (citations.length > 0) await trx.insertInto('citation').values(citations).execute();
  const citationCount = citations.length;

  // One row at a time where ids are needed (nothing else tells the relationships apart); their
  // parts after, in one statement each.
  const relationshipIds: number[] = [];
  for (const relationship of data.relationships) {
    const { id: relationshipId } = await trx
      .insertInto('actor_relationship')
      .values({
        from_actor_id: idOf(actorIds, 'actor', relationship.from),
        to_actor_id: idOf(actorIds, 'actor', relationship.to),
        type: relationship.type,
        ...validTimeColumns(relationship.validTime),
        confidence: relationship.confidence,
        attributes: relationship.attributes ?? {},
        description: relationship.description,
        ...(relationship.marking ? { marking: relationship.marking } : {}),
      })
      .returning('id')
      .executeTakeFirstOrThrow();
    relationshipIds.push(relationshipId);
  }
  const relationshipParts = data.relationships.map((relationship, i) => ({
    relationship,
    relationshipId: relationshipIds[i] ?? 0,
  }));
  const relationshipParticipants = relationshipParts.flatMap(({ relationship, relationshipId }) =>
    participantRows(actorIds, relationship.participants).map((row) => ({
      relationship_id: relationshipId,
      ...row,
    })),
  );
  if (relationshipParticipants.length > 0)
    await trx.insertInto('relationship_participant').values(relationshipParticipants).execute();
  const evidence = relationshipParts.flatMap(({ relationship, relationshipId }) =>
    relationship.evidence.map((claim) => ({
      relationship_id: relationshipId,
      claim_id: idOf(claimIds, 'claim', claim),
    })),
  );
  if (evidence.length > 0) await trx.insertInto('relationship_evidence').values(evidence).execute();

  // The seed is published reference data: its shared records, the wider network its claims do
  // not name included, come out with its briefing, as an editor's publication would.
  if (briefing.status === 'PUBLISHED' || briefing.status === 'RETRACTED') {
    await releaseRecords(trx, 'actor', [...actorIds.values()], briefing.marking);
    await releaseRecords(trx, 'source', [...sourceIds.values()], briefing.marking);
    await releaseRecords(trx, 'actor_relationship', relationshipIds, briefing.marking);
  }

  const summary: SeedSummary = {
    slug: briefing.slug,
    claims: data.claims.length,
    actors: data.actors.length,
    sources: data.sources.length,
    citations: citationCount,
    relationships: data.relationships.length,
    media: briefing.media.length,
    authors: briefing.authors.length,
    tags: briefing.tags.length,
  };
  // The briefing row as inserted, so `briefing(slug:, asOf:)` can show it as it stood (the
  // counts ride along under `seed`), then every claim, source and relationship as loaded, as
  // their create mutations would log them: `Briefing.recordAsOf` rebuilds a briefing's parts
  // and `Actor.relationshipsRecordAsOf` an actor's relationships from these.
  const row = await trx
    .selectFrom('briefing')
    .selectAll()
    .where('id', '=', briefingId)
    .executeTakeFirstOrThrow();
  const claims = await findAllClaimsOfBriefing(trx, briefingId);
  const claimSnapshotsLoaded = await claimSnapshots(trx, claims);
  const sources = await trx
    .selectFrom('source')
    .selectAll()
    .where('id', '=', anyId([...sourceIds.values()]))
    .orderBy('id')
    .execute();
  // Read after their release, so each snapshot holds who it reached.
  const relationships = await trx
    .selectFrom('actor_relationship')
    .select(RELATIONSHIP_COLUMN_NAMES)
    .where('id', '=', anyId(relationshipIds))
    .orderBy('id')
    .execute();
  const relationshipSnapshotsLoaded = await relationshipSnapshots(trx, relationships);
  const entry = (entityType: string, entityId: number, after: unknown) => ({
    actor_name: AUDIT_ACTOR,
    action: 'seed.load',
    entity_type: entityType,
    entity_id: entityId,
    before: null,
    after: JSON.stringify(after),
  });
  await trx
    .insertInto('audit_log')
    .values([
      entry('Briefing', briefingId, { ...row, seed: summary }),
      ...claims.map((claim, i) => entry('Claim', claim.id, claimSnapshotsLoaded[i])),
      ...sources.map((source) => {
        const links = sourceActors.filter((link) => link.source_id === source.id);
        return entry(
          'Source',
          source.id,
          links.length ? { ...source, actor_links: actorLinksSnapshot(links) } : source,
        );
      }),
      ...relationships.map((relationship, i) =>
        entry('ActorRelationship', relationship.id, relationshipSnapshotsLoaded[i]),
      ),
    ])
    .execute();
}
