import type { ColumnType, Generated } from 'kysely';

// Table types for Kysely, kept by hand in step with migrations/ (snake_case columns are mapped
// to GraphQL names only in the *.schema.ts files). int8 and numeric arrive as numbers and
// `date` as 'YYYY-MM-DD' strings: see type-parsers.ts.

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<
  Date | null,
  Date | string | null | undefined,
  Date | string | null
>;
/** A column the database fills in: readable, never required on insert. */
type Defaulted<T> = ColumnType<T, T | undefined, T>;
/** Computed by PostgreSQL (`generated always as`): readable only. */
type GeneratedAlways<T> = ColumnType<T, never, never>;

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
] as const;
export type QuantityQualifier = (typeof QUANTITY_QUALIFIERS)[number];

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

export const CITATION_ROLES = ['ORIGIN', 'RELAY', 'CORROBORATES', 'CONTRADICTS'] as const;
export type CitationRole = (typeof CITATION_ROLES)[number];

export const MEDIA_KINDS = ['IMAGE', 'VIDEO', 'MAP', 'DOCUMENT'] as const;
export type MediaKind = (typeof MEDIA_KINDS)[number];

export const TAG_KINDS = ['TOPIC', 'REGION'] as const;
export type TagKind = (typeof TAG_KINDS)[number];

interface ValidTimeColumns {
  valid_from: string | null;
  valid_from_precision: Precision | null;
  valid_to: string | null;
  valid_to_precision: Precision | null;
  valid_time_note: string | null;
  valid_period: GeneratedAlways<string | null>;
}

export interface SourceTable {
  version: Defaulted<number>;
  id: Generated<number>;
  kind: SourceKind;
  title: string;
  publisher: string | null;
  url: string | null;
  published_at: NullableTimestamp;
  accessed_at: NullableTimestamp;
  reliability: Reliability | null;
  derived_from_id: number | null;
  description: string | null;
  marking: Defaulted<Marking>;
  /**
   * The least restrictive marking at which a published briefing (or an editor's explicit
   * publication, CLEAR) exposes this shared record; null while embargoed. Kept by triggers
   * (migrations/2026-11-30T00-00-00_embargo.ts) and only ever lowered.
   */
  released_to: ColumnType<Marking | null, Marking | null | undefined, Marking | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface BriefingTable {
  id: Generated<number>;
  slug: string;
  title: string;
  summary: string | null;
  body: string;
  status: Defaulted<BriefingStatus>;
  language: Defaulted<string>;
  published_at: NullableTimestamp;
  retracted_at: NullableTimestamp;
  retraction_reason: string | null;
  marking: Defaulted<Marking>;
  source_id: number | null;
  version: Defaulted<number>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface AuthorTable {
  id: Generated<number>;
  name: string;
  bio: string | null;
  created_at: Timestamp;
}

export interface BriefingAuthorTable {
  briefing_id: number;
  author_id: number;
  position: number;
}

export interface BriefingTagTable {
  briefing_id: number;
  tag: string;
  kind: Defaulted<TagKind>;
}

export interface MediaTable {
  id: Generated<number>;
  briefing_id: number;
  position: number;
  kind: Defaulted<MediaKind>;
  url: string | null;
  caption: string;
  credit: string;
  licence_name: string;
  licence_url: string | null;
  taken_on: string | null;
  taken_on_precision: Precision | null;
}

export interface ActorTable {
  version: Defaulted<number>;
  id: Generated<number>;
  kind: ActorKind;
  name: string;
  country: string | null;
  wikidata_qid: string | null;
  description: string | null;
  /** Set when this actor was merged into another; its id then resolves to the survivor. */
  merged_into_id: number | null;
  marking: Defaulted<Marking>;
  /**
   * The least restrictive marking at which a published briefing (or an editor's explicit
   * publication, CLEAR) exposes this shared record; null while embargoed. Kept by triggers
   * (migrations/2026-11-30T00-00-00_embargo.ts) and only ever lowered.
   */
  released_to: ColumnType<Marking | null, Marking | null | undefined, Marking | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ActorAliasTable {
  actor_id: number;
  alias: string;
  language: string | null;
}

export interface ActorExternalIdTable {
  actor_id: number;
  scheme: string;
  value: string;
  url: string | null;
}

export interface ClaimTable extends ValidTimeColumns {
  version: Defaulted<number>;
  id: Generated<number>;
  briefing_id: number;
  position: number;
  kind: Defaulted<ClaimKind>;
  statement: string;
  quote: string | null;
  span_start: number | null;
  span_end: number | null;
  subject_actor_id: number | null;
  predicate: string;
  quantity_value: number | null;
  quantity_min: number | null;
  quantity_max: number | null;
  quantity_unit: string | null;
  quantity_qualifier: QuantityQualifier | null;
  likelihood: Likelihood | null;
  confidence: number | null;
  status: Defaulted<ClaimStatus>;
  marking: Defaulted<Marking>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface ClaimObjectTable {
  claim_id: number;
  actor_id: number;
  position: number;
}

export interface CitationTable {
  id: Generated<number>;
  claim_id: number;
  source_id: number;
  position: number;
  role: CitationRole;
  locator: string | null;
  quote: string | null;
  credibility: number | null;
}

export interface ActorRelationshipTable extends ValidTimeColumns {
  version: Defaulted<number>;
  id: Generated<number>;
  from_actor_id: number;
  to_actor_id: number;
  type: string;
  confidence: number | null;
  attributes: Defaulted<Record<string, unknown>>;
  description: string | null;
  marking: Defaulted<Marking>;
  /**
   * The least restrictive marking at which a published briefing (or an editor's explicit
   * publication, CLEAR) exposes this shared record; null while embargoed. Kept by triggers
   * (migrations/2026-11-30T00-00-00_embargo.ts) and only ever lowered.
   */
  released_to: ColumnType<Marking | null, Marking | null | undefined, Marking | null>;
  created_at: Timestamp;
  updated_at: Timestamp;
}

export interface RelationshipEvidenceTable {
  relationship_id: number;
  claim_id: number;
}

export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actor_name: string;
  action: string;
  entity_type: string;
  entity_id: number | null;
  before: unknown;
  after: unknown;
  api_key_id: number | null;
  request_id: string | null;
}

/** A record an audit entry names before or after its write (filled by a trigger). */
export interface AuditMentionTable {
  audit_id: number;
  entity_type: string;
  entity_id: number;
}

export const ROLES = ['partner', 'analyst', 'editor', 'admin'] as const;
export type Role = (typeof ROLES)[number];

export interface ApiKeyTable {
  id: Generated<number>;
  name: string;
  role: Role;
  clearance: Defaulted<Marking>;
  key_hash: string;
  key_prefix: string;
  created_by: string;
  created_at: Timestamp;
  expires_at: NullableTimestamp;
  revoked_at: NullableTimestamp;
}

export interface IdempotencyKeyTable {
  api_key_id: number;
  key: string;
  operation: string;
  request_hash: string;
  result: unknown;
  created_at: Timestamp;
}

export interface PersistedOperationTable {
  document_id: string;
  body: string;
  operation_name: string | null;
  client_name: string | null;
  registered_by: string;
  registered_at: Timestamp;
  enabled: Defaulted<boolean>;
}

export interface DB {
  source: SourceTable;
  briefing: BriefingTable;
  author: AuthorTable;
  briefing_author: BriefingAuthorTable;
  briefing_tag: BriefingTagTable;
  media: MediaTable;
  actor: ActorTable;
  actor_alias: ActorAliasTable;
  actor_external_id: ActorExternalIdTable;
  claim: ClaimTable;
  claim_object: ClaimObjectTable;
  citation: CitationTable;
  actor_relationship: ActorRelationshipTable;
  relationship_evidence: RelationshipEvidenceTable;
  audit_log: AuditLogTable;
  audit_mention: AuditMentionTable;
  api_key: ApiKeyTable;
  idempotency_key: IdempotencyKeyTable;
  persisted_operation: PersistedOperationTable;
}
