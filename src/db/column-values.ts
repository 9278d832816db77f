// The values each text column's CHECK constraint allows (migrations/), as lists the GraphQL
// enums and validators share. The generated table types (tables.generated.ts) use these types
// for those columns: the database cannot say more than `text` about them.

export const MARKINGS = ['CLEAR', 'GREEN', 'AMBER', 'AMBER_STRICT', 'RED'] as const;
export type Marking = (typeof MARKINGS)[number];

export const PRECISIONS = ['DAY', 'MONTH', 'QUARTER', 'YEAR', 'DECADE'] as const;
export type Precision = (typeof PRECISIONS)[number];

export const BRIEFING_STATUSES = ['DRAFT', 'IN_REVIEW', 'PUBLISHED', 'RETRACTED'] as const;
export type BriefingStatus = (typeof BRIEFING_STATUSES)[number];

export const SOURCE_KINDS = [
  'INTELLIGENCE_BRIEFING',
  'NEWS_REPORT',
  'OFFICIAL_DOCUMENT',
  'STATEMENT',
  'DATASET',
  'IMAGE',
  'ANALYSIS',
  'SOCIAL_MEDIA_POST',
  'OTHER',
] as const;
export type SourceKind = (typeof SOURCE_KINDS)[number];

export const RELIABILITIES = ['A', 'B', 'C', 'D', 'E', 'F'] as const;
export type Reliability = (typeof RELIABILITIES)[number];

export const ACTOR_KINDS = [
  'STATE',
  'PERSON',
  'ORGANIZATION',
  'GOVERNMENT_BODY',
  'MILITARY_UNIT',
  'EQUIPMENT',
  'PROGRAM',
  'PLACE',
] as const;
export type ActorKind = (typeof ACTOR_KINDS)[number];

export const CLAIM_KINDS = ['FACT', 'ASSESSMENT'] as const;
export type ClaimKind = (typeof CLAIM_KINDS)[number];

export const CLAIM_STATUSES = [
  'REPORTED',
  'CORROBORATED',
  'DISPUTED',
  'REFUTED',
  'SUPERSEDED',
] as const;
export type ClaimStatus = (typeof CLAIM_STATUSES)[number];

export const QUANTITY_QUALIFIERS = [
  'EXACT',
  'APPROXIMATE',
  'AT_LEAST',
  'AT_MOST',
  'RANGE',
  'VAGUE',
] as const;
export type QuantityQualifier = (typeof QUANTITY_QUALIFIERS)[number];

/** What a claim's quantity counts in the claim: ordered, delivered, a contract value… */
export const QUANTITY_ROLES = [
  'STATED',
  'ORDERED',
  'DELIVERED',
  'OPERATIONAL',
  'REQUESTED',
  'VALUE',
  'CREDIT',
  'OTHER',
] as const;
export type QuantityRole = (typeof QUANTITY_ROLES)[number];

/** A quantity's unit type: things counted, money (ISO 4217), or a physical measure. */
export const QUANTITY_KINDS = ['COUNT', 'MONEY', 'MEASURE'] as const;
export type QuantityKind = (typeof QUANTITY_KINDS)[number];

/** ICD 203 likelihood bands, lowest to highest. */
export const LIKELIHOODS = [
  'ALMOST_NO_CHANCE',
  'VERY_UNLIKELY',
  'UNLIKELY',
  'ROUGHLY_EVEN_CHANCE',
  'LIKELY',
  'VERY_LIKELY',
  'ALMOST_CERTAIN',
] as const;
export type Likelihood = (typeof LIKELIHOODS)[number];

/** What a valid-time bound or dated qualifier's date is; the last three carry no date. */
export const TIME_BOUNDS = [
  'KNOWN',
  'NOT_BEFORE',
  'NOT_AFTER',
  'UNKNOWN',
  'UNDISCLOSED',
  'OPEN',
] as const;
export type TimeBound = (typeof TIME_BOUNDS)[number];
/** The bounds that carry a date. */
export const DATED_BOUNDS: readonly TimeBound[] = ['KNOWN', 'NOT_BEFORE', 'NOT_AFTER'];

/** What a claim's dated qualifier marks (Wikidata's point in time / start / end, and more). */
export const CLAIM_DATE_ROLES = [
  'POINT_IN_TIME',
  'START',
  'END',
  'ORDERED',
  'CONTRACTED',
  'DELIVERED',
  'DELIVERY_START',
  'DELIVERY_END',
  'REPORTED',
  'AS_OF',
  'OTHER',
] as const;
export type ClaimDateRole = (typeof CLAIM_DATE_ROLES)[number];

export const CITATION_ROLES = ['ORIGIN', 'RELAY', 'CORROBORATES', 'CONTRADICTS'] as const;
export type CitationRole = (typeof CITATION_ROLES)[number];

export const MEDIA_KINDS = ['IMAGE', 'VIDEO', 'MAP', 'DOCUMENT'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const TAG_KINDS = ['TOPIC', 'REGION'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

/** What an actor is to a source (source_actor.role). */
export const SOURCE_ACTOR_ROLES = ['SPEAKER', 'AUTHOR', 'PUBLISHER', 'SUBJECT'] as const;
export type SourceActorRole = (typeof SOURCE_ACTOR_ROLES)[number];

/** What a participant beyond subject/object does in a claim or relationship. */
export const PARTICIPANT_ROLES = [
  'EQUIPMENT',
  'CARRIER',
  'LOCATION',
  'INTERMEDIARY',
  'FINANCIER',
  'MANUFACTURER',
  'OPERATOR',
  'BENEFICIARY',
  'OTHER',
] as const;
export type ParticipantRole = (typeof PARTICIPANT_ROLES)[number];

/** What kind of place a PLACE actor is. */
export const PLACE_TYPES = ['CITY', 'REGION', 'BASE', 'FACILITY', 'OTHER'] as const;
export type PlaceType = (typeof PLACE_TYPES)[number];

export const ROLES = ['partner', 'analyst', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** The record types the change feed numbers, and what a change did to its record. */
export const CHANGE_ENTITY_TYPES = [
  'Briefing',
  'Claim',
  'Source',
  'Actor',
  'ActorRelationship',
] as const;
export type ChangeEntityType = (typeof CHANGE_ENTITY_TYPES)[number];
export const CHANGE_OPERATIONS = ['UPSERT', 'DELETE'] as const;
export type ChangeOperation = (typeof CHANGE_OPERATIONS)[number];

/** A webhook's event: what changed (the change feed's record type) and how, on the wire. */
export const WEBHOOK_EVENT_TYPES = [
  'briefing.upsert',
  'briefing.tombstone',
  'claim.upsert',
  'claim.tombstone',
  'source.upsert',
  'source.tombstone',
  'actor.upsert',
  'actor.tombstone',
  'actor_relationship.upsert',
  'actor_relationship.tombstone',
] as const;
export type WebhookEventType = (typeof WEBHOOK_EVENT_TYPES)[number];

export const WEBHOOK_DELIVERY_STATUSES = ['PENDING', 'DELIVERED', 'WITHHELD', 'DEAD'] as const;
export type WebhookDeliveryStatus = (typeof WEBHOOK_DELIVERY_STATUSES)[number];

/**
 * Each list under the name of its type: how the generated table types (codegen.ts) type a
 * column, and how their test compares the lists with the CHECK constraints.
 */
/**
 * The language a search document is indexed in (migrations/…_search.ts); 'multi' holds every
 * stemmed language, for records that have no language of their own.
 */
export const SEARCH_LANGUAGES = ['english', 'spanish', 'russian', 'simple', 'multi'] as const;
export type SearchLanguage = (typeof SEARCH_LANGUAGES)[number];

export const VALUE_LISTS = {
  ActorKind: ACTOR_KINDS,
  BriefingStatus: BRIEFING_STATUSES,
  ChangeEntityType: CHANGE_ENTITY_TYPES,
  ChangeOperation: CHANGE_OPERATIONS,
  WebhookEventType: WEBHOOK_EVENT_TYPES,
  WebhookDeliveryStatus: WEBHOOK_DELIVERY_STATUSES,
  CitationRole: CITATION_ROLES,
  ClaimDateRole: CLAIM_DATE_ROLES,
  ClaimKind: CLAIM_KINDS,
  ClaimStatus: CLAIM_STATUSES,
  Likelihood: LIKELIHOODS,
  Marking: MARKINGS,
  MediaKind: MEDIA_KINDS,
  Precision: PRECISIONS,
  QuantityKind: QUANTITY_KINDS,
  QuantityQualifier: QUANTITY_QUALIFIERS,
  QuantityRole: QUANTITY_ROLES,
  Reliability: RELIABILITIES,
  Role: ROLES,
  SearchLanguage: SEARCH_LANGUAGES,
  SourceKind: SOURCE_KINDS,
  TagKind: TAG_KINDS,
  SourceActorRole: SOURCE_ACTOR_ROLES,
  ParticipantRole: PARTICIPANT_ROLES,
  PlaceType: PLACE_TYPES,
  TimeBound: TIME_BOUNDS,
} as const;
export type ValueListName = keyof typeof VALUE_LISTS;
