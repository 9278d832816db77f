import type { Insertable } from 'kysely';
import type { Database } from '../../src/db/database.js';
import type {
  ActorTable,
  BriefingTable,
  CitationRole,
  ClaimDateTable,
  ClaimQuantityTable,
  ClaimTable,
  SourceTable,
} from '../../src/db/types.js';

// Small factories: each inserts one valid row with sensible defaults that a test overrides.
// Like briefings (PUBLISHED by default), shared records come out released (`released_to`
// CLEAR, as an editor's publishActor/publishSource would leave them); a test of the embargo
// passes `released_to: null`, or builds its records through the API.

let sequence = 0;
const next = () => (sequence += 1);

export async function insertBriefing(
  db: Database,
  values: Partial<Insertable<BriefingTable>> = {},
) {
  const n = next();
  return db
    .insertInto('briefing')
    .values({
      slug: `factory-briefing-${n}`,
      title: `Factory briefing ${n}`,
      body: `Body of factory briefing ${n}.`,
      status: 'PUBLISHED',
      published_at: new Date(Date.UTC(2026, 0, 1) + n * 60_000),
      ...values,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertActor(db: Database, values: Partial<Insertable<ActorTable>> = {}) {
  const n = next();
  return db
    .insertInto('actor')
    .values({ kind: 'ORGANIZATION', name: `Factory actor ${n}`, released_to: 'CLEAR', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertSource(db: Database, values: Partial<Insertable<SourceTable>> = {}) {
  const n = next();
  return db
    .insertInto('source')
    .values({ kind: 'NEWS_REPORT', title: `Factory source ${n}`, released_to: 'CLEAR', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function insertClaim(
  db: Database,
  values: Partial<Insertable<ClaimTable>> & { briefing_id: number; position: number },
  links: {
    objects?: number[];
    citations?: { sourceId: number; role?: CitationRole }[];
    quantities?: Omit<Insertable<ClaimQuantityTable>, 'claim_id' | 'position'>[];
    dates?: Omit<Insertable<ClaimDateTable>, 'claim_id' | 'position'>[];
  } = {},
) {
  const claim = await db
    .insertInto('claim')
    .values({ statement: `Factory claim ${next()}.`, predicate: 'mentions', ...values })
    .returningAll()
    .executeTakeFirstOrThrow();
  if (links.quantities?.length) {
    await db
      .insertInto('claim_quantity')
      .values(links.quantities.map((q, position) => ({ ...q, claim_id: claim.id, position })))
      .execute();
  }
  if (links.dates?.length) {
    await db
      .insertInto('claim_date')
      .values(links.dates.map((d, position) => ({ ...d, claim_id: claim.id, position })))
      .execute();
  }
  if (links.objects?.length) {
    await db
      .insertInto('claim_object')
      .values(
        links.objects.map((actorId, position) => ({
          claim_id: claim.id,
          actor_id: actorId,
          position,
        })),
      )
      .execute();
  }
  if (links.citations?.length) {
    await db
      .insertInto('citation')
      .values(
        links.citations.map((c, position) => ({
          claim_id: claim.id,
          source_id: c.sourceId,
          role: c.role ?? 'ORIGIN',
          position,
        })),
      )
      .execute();
  }
  return claim;
}

export async function insertRelationship(
  db: Database,
  fromActorId: number,
  toActorId: number,
  type = 'cooperates-with',
) {
  return db
    .insertInto('actor_relationship')
    .values({ from_actor_id: fromActorId, to_actor_id: toActorId, type, released_to: 'CLEAR' })
    .returningAll()
    .executeTakeFirstOrThrow();
}
