import type { AuthorRow, BriefingRow } from '../briefings/briefing.repository.js';
import { partialDate, partialDateEnd } from '../common/time-and-quantity.schema.js';
import type {
  ActorRelationshipRow,
  ActorRow,
  CitationRow,
  ClaimRow,
  SourceRow,
} from '../db/rows.js';
import type { ActorKind, Marking, Precision } from '../db/types.js';
import {
  CLAIM_EXTENSION,
  CLAIM_EXTENSION_ID,
  markingDefinition,
  markingRef,
  PRODUCER,
  WEAPON_SYSTEM_EXTENSION,
  WEAPON_SYSTEM_EXTENSION_ID,
  WEAPON_SYSTEM_TYPE,
  type StixObject,
} from './stix-definitions.js';
import type { QuantityRow } from '../claims/claim-facets.repository.js';
import { claimContent, claimExtension } from './stix-claim-note.js';
import { stixId } from './stix-ids.js';
import { common, present, timestamp } from './stix-properties.js';

/** Everything of one briefing that its caller may see, as read by stix-export.ts. */
export interface StixBriefingData {
  briefing: BriefingRow;
  authors: AuthorRow[];
  tags: string[];
  claims: ClaimRow[];
  /** Each claim's quantities, in order. */
  quantities: QuantityRow[];
  /** Object actors per claim, in order, visible ones only. */
  claimObjects: { claim_id: number; actor_id: number }[];
  actors: ActorRow[];
  relationships: ActorRelationshipRow[];
  /** Which of the briefing's claims evidence which relationship. */
  evidence: { relationship_id: number; claim_id: number }[];
  /** Citations whose source is visible, in each claim's attribution order. */
  citations: (CitationRow & { source: SourceRow })[];
  /** The visible sources the cited ones relay, up to the first hidden link of each chain. */
  relayedSources: SourceRow[];
}

// A type alias, not an interface, so that it is a JSONObject for the GraphQL field.
export type StixBundle = {
  type: 'bundle';
  id: string;
  objects: StixObject[];
};

/** A partial date's first instant, and (for `to`) the last instant of its period. */
function periodStart(date: string): string {
  return `${date}T00:00:00.000Z`;
}

function periodEnd(date: string, precision: Precision): string {
  return `${partialDateEnd({ date, precision })}T23:59:59.999Z`;
}

const ids = {
  report: (briefing: BriefingRow) => stixId('report', `briefing:${briefing.id}`),
  author: (author: AuthorRow) => stixId('identity', `author:${author.id}`),
  actor: (actor: ActorRow) =>
    actor.kind === 'EQUIPMENT'
      ? stixId(WEAPON_SYSTEM_TYPE, `actor:${actor.id}`)
      : actor.kind === 'PLACE'
        ? stixId('location', `actor:${actor.id}`)
        : stixId('identity', `actor:${actor.id}`),
  // One location per state, not per country: two records of one country (before a merge)
  // must not put one id twice in a bundle.
  location: (actor: ActorRow) => stixId('location', `actor:${actor.id}`),
  locatedAt: (actor: ActorRow, country: string) =>
    stixId('relationship', `located-at:actor:${actor.id}:${country}`),
  relationship: (relationship: ActorRelationshipRow) =>
    stixId('relationship', `relationship:${relationship.id}`),
  note: (claim: ClaimRow) => stixId('note', `claim:${claim.id}`),
};

/** Identity class and sectors per actor kind (STIX identity-class-ov, industry-sector-ov). */
const IDENTITY_OF: Record<
  Exclude<ActorKind, 'EQUIPMENT' | 'PLACE'>,
  { class: string; sectors?: string[] }
> = {
  STATE: { class: 'organization', sectors: ['government'] },
  GOVERNMENT_BODY: { class: 'organization', sectors: ['government'] },
  MILITARY_UNIT: { class: 'organization', sectors: ['defense'] },
  ORGANIZATION: { class: 'organization' },
  PERSON: { class: 'individual' },
  // A programme (an aid or procurement programme) is not a party that acts: identity-class-ov
  // has no nearer value than "unknown".
  PROGRAM: { class: 'unknown' },
};

function externalReference(source: SourceRow, relays: SourceRow | undefined) {
  const details = [
    source.kind.toLowerCase().replaceAll('_', ' '),
    source.reliability ? `reliability ${source.reliability}` : null,
    relays ? `relays “${relays.title}”` : null,
  ].filter((part) => part !== null);
  return present({
    source_name: source.publisher ? `${source.publisher}: ${source.title}` : source.title,
    description: details.join('; '),
    url: source.url,
    external_id: `briefgraph:source:${source.id}`,
  });
}

function actorObjects(actor: ActorRow): StixObject[] {
  const base = present({
    ...common('identity', ids.actor(actor), actor),
    name: actor.name,
    description: actor.description,
    // The identifier platforms de-duplicate actors by across producers.
    external_references: actor.wikidata_qid
      ? [
          {
            source_name: 'wikidata',
            external_id: actor.wikidata_qid,
            url: `https://www.wikidata.org/wiki/${actor.wikidata_qid}`,
          },
        ]
      : null,
  });
  if (actor.kind === 'EQUIPMENT') {
    return [
      present({
        ...base,
        type: WEAPON_SYSTEM_TYPE,
        country: actor.country,
        wikidata_qid: actor.wikidata_qid,
        extensions: { [WEAPON_SYSTEM_EXTENSION_ID]: { extension_type: 'new-sdo' } },
      }),
    ];
  }
  if (actor.kind === 'PLACE') {
    // A city, region or base is where things happen, not a party: a STIX location, which
    // needs a country, coordinates or a region.
    const placed = actor.country !== null || actor.latitude !== null;
    return [
      present({
        ...base,
        type: 'location',
        country: actor.country,
        latitude: actor.latitude,
        longitude: actor.longitude,
        region: placed ? null : 'unknown',
      }),
    ];
  }
  const identity = IDENTITY_OF[actor.kind];
  const objects: StixObject[] = [
    present({
      ...base,
      type: 'identity',
      identity_class: identity.class,
      sectors: identity.sectors,
    }),
  ];
  if (actor.kind === 'STATE' && actor.country) {
    const location = ids.location(actor);
    objects.push(
      {
        ...common('location', location, actor),
        name: actor.name,
        country: actor.country,
      },
      {
        ...common('relationship', ids.locatedAt(actor, actor.country), actor),
        relationship_type: 'located-at',
        source_ref: ids.actor(actor),
        target_ref: location,
      },
    );
  }
  return objects;
}

function relationshipObject(
  relationship: ActorRelationshipRow,
  actorIds: Map<number, string>,
): StixObject {
  const from = partialDate(relationship.valid_from, relationship.valid_from_precision);
  const to = partialDate(relationship.valid_to, relationship.valid_to_precision);
  return present({
    ...common('relationship', ids.relationship(relationship), relationship),
    relationship_type: relationship.type,
    description: relationship.description ?? relationship.valid_time_note,
    source_ref: actorIds.get(relationship.from_actor_id) ?? '',
    target_ref: actorIds.get(relationship.to_actor_id) ?? '',
    start_time: from ? periodStart(from.date) : null,
    stop_time: to ? periodEnd(to.date, to.precision) : null,
    confidence: relationship.confidence,
  });
}

/** Groups rows by a key, keeping their order. */
function groupBy<T>(rows: readonly T[], key: (row: T) => number): Map<number, T[]> {
  const groups = new Map<number, T[]>();
  for (const row of rows) {
    const group = groups.get(key(row));
    if (group) group.push(row);
    else groups.set(key(row), [row]);
  }
  return groups;
}

/**
 * The STIX 2.1 bundle of one briefing, from rows the caller may see. Pure and deterministic:
 * the same rows give the same JSON, ids included, so a partner's platform updates in place.
 */
export function stixBundle(data: StixBriefingData): StixBundle {
  const { briefing } = data;
  const reportId = ids.report(briefing);
  const actorIds = new Map(data.actors.map((actor) => [actor.id, ids.actor(actor)]));
  const relationshipIds = new Map(data.relationships.map((r) => [r.id, ids.relationship(r)]));
  const sourcesById = new Map(
    [...data.citations.map((c) => c.source), ...data.relayedSources].map((s) => [s.id, s]),
  );
  const reference = (source: SourceRow) =>
    externalReference(
      source,
      source.derived_from_id === null ? undefined : sourcesById.get(source.derived_from_id),
    );
  const authorNames = data.authors.map((author) => author.name);

  const authorObjects: StixObject[] = data.authors.map((author) =>
    present({
      type: 'identity',
      spec_version: '2.1',
      id: ids.author(author),
      created: timestamp(author.created_at),
      modified: timestamp(author.created_at),
      name: author.name,
      description: author.bio,
      identity_class: 'individual',
      object_marking_refs: [markingRef('CLEAR')],
    }),
  );
  const actorStix = data.actors.flatMap(actorObjects);
  const relationshipStix = data.relationships.map((r) => relationshipObject(r, actorIds));

  const objectsOf = groupBy(data.claimObjects, (link) => link.claim_id);
  const citationsOf = groupBy(data.citations, (citation) => citation.claim_id);
  const evidenced = groupBy(data.evidence, (link) => link.claim_id);
  const quantitiesOf = groupBy(data.quantities, (quantity) => quantity.claim_id);
  const notes: StixObject[] = data.claims.map((claim) => {
    const refs = [
      reportId,
      ...(claim.subject_actor_id === null ? [] : [actorIds.get(claim.subject_actor_id)]),
      ...(objectsOf.get(claim.id) ?? []).map((link) => actorIds.get(link.actor_id)),
      ...(evidenced.get(claim.id) ?? []).map((link) => relationshipIds.get(link.relationship_id)),
    ].filter((id): id is string => id !== undefined);
    return present({
      ...common('note', ids.note(claim), claim),
      abstract: claim.statement,
      content: claimContent(claim, quantitiesOf.get(claim.id) ?? []),
      authors: authorNames,
      object_refs: [...new Set(refs)],
      confidence: claim.confidence,
      lang: briefing.language,
      external_references: (citationsOf.get(claim.id) ?? []).map((citation) => ({
        ...reference(citation.source),
        description: [
          `${citation.role.toLowerCase()}`,
          citation.credibility === null ? null : `credibility ${citation.credibility}`,
          reference(citation.source).description,
          citation.locator,
        ]
          .filter((part) => part)
          .join('; '),
      })),
      extensions: {
        [CLAIM_EXTENSION_ID]: claimExtension(claim, quantitiesOf.get(claim.id) ?? []),
      },
    });
  });

  const content = [...authorObjects, ...actorStix, ...relationshipStix, ...notes];
  const usesWeapons = data.actors.some((actor) => actor.kind === 'EQUIPMENT');
  const report = present({
    ...common('report', reportId, briefing),
    created_by_ref: authorObjects[0]?.id,
    name: briefing.title,
    description: briefing.summary,
    report_types: ['threat-report'],
    published: timestamp(briefing.published_at ?? briefing.created_at),
    labels: data.tags,
    lang: briefing.language,
    // A report must refer to something: one with nothing visible refers to its own marking.
    object_refs: content.length ? content.map((o) => o.id) : [markingRef(briefing.marking)],
    external_references: [...sourcesById.values()]
      .sort((a, b) => a.title.localeCompare(b.title) || a.id - b.id)
      .map(reference),
  });
  const objects = [report, ...content];
  const markings = [...new Set(objects.flatMap((o) => o.object_marking_refs as string[]))];
  const definitions = [
    ...(usesWeapons ? [WEAPON_SYSTEM_EXTENSION] : []),
    ...(notes.length ? [CLAIM_EXTENSION] : []),
  ];
  const all = [
    ...(definitions.length ? [PRODUCER, ...definitions] : []),
    ...MARKING_ORDER.filter((m) => markings.includes(markingRef(m))).map(markingDefinition),
    ...objects,
  ];
  return {
    type: 'bundle',
    // A bundle is a transport envelope, not an object partners store: named by its content,
    // so the same content always travels under the same id.
    id: stixId('bundle', JSON.stringify(all)),
    objects: all,
  };
}

const MARKING_ORDER: Marking[] = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'];
