// Generated from a freshly migrated database by `npm run db:types` (src/db/codegen.ts,
// kysely-codegen): do not edit. tests/db/table-types.test.ts fails when it is stale.

import type { ActorKind, BriefingStatus, ChangeEntityType, ChangeOperation, CitationRole, ClaimDateRole, ClaimKind, ClaimStatus, Likelihood, Marking, MediaKind, ParticipantRole, PlaceType, Precision, QuantityKind, QuantityQualifier, QuantityRole, Reliability, Role, SearchLanguage, SourceActorRole, SourceKind, TagKind, TimeBound, WebhookDeliveryStatus, WebhookEventType } from "./column-values.js";
import type { ColumnType, GeneratedAlways } from "kysely";

export type Generated<T> = T extends ColumnType<infer S, infer I, infer U>
  ? ColumnType<S, I | undefined, U>
  : ColumnType<T, T | undefined, T>;

export type Timestamp = ColumnType<Date, Date | string, Date | string>;

export interface Actor {
  country: string | null;
  created_at: Generated<Timestamp>;
  description: string | null;
  id: Generated<number>;
  kind: ActorKind;
  latitude: number | null;
  longitude: number | null;
  marking: Generated<Marking>;
  merged_into_id: number | null;
  name: string;
  place_type: PlaceType | null;
  released_to: Marking | null;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
  wikidata_qid: string | null;
}

export interface ActorAlias {
  actor_id: number;
  alias: string;
  language: string | null;
}

export interface ActorExternalId {
  actor_id: number;
  scheme: string;
  url: string | null;
  value: string;
}

export interface ActorRelationship {
  attributes: Generated<Record<string, unknown>>;
  confidence: number | null;
  created_at: Generated<Timestamp>;
  description: string | null;
  from_actor_id: number;
  id: Generated<number>;
  marking: Generated<Marking>;
  released_to: Marking | null;
  to_actor_id: number;
  type: string;
  updated_at: Generated<Timestamp>;
  valid_from: string | null;
  valid_from_bound: Generated<TimeBound>;
  valid_from_precision: Precision | null;
  valid_period: GeneratedAlways<string | null>;
  valid_time_note: string | null;
  valid_to: string | null;
  valid_to_bound: Generated<TimeBound>;
  valid_to_precision: Precision | null;
  version: Generated<number>;
}

export interface ActorSearch {
  actor_id: number;
  document: string;
  language: SearchLanguage;
  name_folded: Generated<string>;
}

export interface ApiKey {
  clearance: Generated<Marking>;
  created_at: Generated<Timestamp>;
  created_by: string;
  expires_at: Timestamp | null;
  id: Generated<number>;
  key_hash: string;
  key_prefix: string;
  name: string;
  revoked_at: Timestamp | null;
  role: Role;
}

export interface AuditLog {
  action: string;
  actor_name: string;
  after: unknown | null;
  api_key_id: number | null;
  at: Generated<Timestamp>;
  before: unknown | null;
  entity_id: number | null;
  entity_type: string;
  id: Generated<number>;
  request_id: string | null;
}

export interface AuditMention {
  audit_id: number;
  entity_id: number;
  entity_type: string;
}

export interface Author {
  bio: string | null;
  created_at: Generated<Timestamp>;
  id: Generated<number>;
  name: string;
}

export interface Briefing {
  body: string;
  created_at: Generated<Timestamp>;
  id: Generated<number>;
  language: Generated<string>;
  marking: Generated<Marking>;
  published_at: Timestamp | null;
  retracted_at: Timestamp | null;
  retraction_reason: string | null;
  slug: string;
  source_id: number | null;
  status: Generated<BriefingStatus>;
  summary: string | null;
  title: string;
  updated_at: Generated<Timestamp>;
  version: Generated<number>;
}

export interface BriefingAuthor {
  author_id: number;
  briefing_id: number;
  position: number;
}

export interface BriefingSearch {
  briefing_id: number;
  document: string;
  language: SearchLanguage;
}

export interface BriefingTag {
  briefing_id: number;
  kind: Generated<TagKind>;
  tag: string;
}

export interface Change {
  at: Generated<Timestamp>;
  audiences: string[];
  entity_id: number;
  entity_type: ChangeEntityType;
  id: Generated<number>;
  operation: ChangeOperation;
  seen_by: string[];
}

export interface ChangePending {
  entity_id: number;
  entity_type: string;
}

export interface Citation {
  claim_id: number;
  credibility: number | null;
  id: Generated<number>;
  locator: string | null;
  position: number;
  quote: string | null;
  role: CitationRole;
  source_id: number;
}

export interface Claim {
  briefing_id: number;
  confidence: number | null;
  created_at: Generated<Timestamp>;
  id: Generated<number>;
  kind: Generated<ClaimKind>;
  likelihood: Likelihood | null;
  likelihood_to: Likelihood | null;
  marking: Generated<Marking>;
  position: number;
  predicate: string;
  quote: string | null;
  span_end: number | null;
  span_start: number | null;
  statement: string;
  status: Generated<ClaimStatus>;
  subject_actor_id: number | null;
  updated_at: Generated<Timestamp>;
  valid_from: string | null;
  valid_from_bound: Generated<TimeBound>;
  valid_from_precision: Precision | null;
  valid_period: GeneratedAlways<string | null>;
  valid_time_note: string | null;
  valid_to: string | null;
  valid_to_bound: Generated<TimeBound>;
  valid_to_precision: Precision | null;
  version: Generated<number>;
}

export interface ClaimDate {
  bound: Generated<TimeBound>;
  claim_id: number;
  date: string | null;
  label: string | null;
  note: string | null;
  position: number;
  precision: Precision | null;
  role: ClaimDateRole;
}

export interface ClaimObject {
  actor_id: number;
  claim_id: number;
  position: number;
}

export interface ClaimParticipant {
  actor_id: number;
  claim_id: number;
  note: string | null;
  position: number;
  role: ParticipantRole;
}

export interface ClaimQuantity {
  claim_id: number;
  currency: string | null;
  kind: Generated<QuantityKind>;
  label: string | null;
  max: number | null;
  min: number | null;
  position: number;
  qualifier: QuantityQualifier;
  role: Generated<QuantityRole>;
  unit: string | null;
  value: number | null;
  wording: string | null;
}

export interface ClaimSearch {
  claim_id: number;
  document: string;
  language: SearchLanguage;
}

export interface IdempotencyKey {
  api_key_id: number;
  created_at: Generated<Timestamp>;
  key: string;
  operation: string;
  request_hash: string;
  result: unknown | null;
}

export interface Media {
  briefing_id: number;
  caption: string;
  credit: string;
  id: Generated<number>;
  kind: Generated<MediaKind>;
  licence_name: string;
  licence_url: string | null;
  position: number;
  taken_on: string | null;
  taken_on_precision: Precision | null;
  url: string | null;
}

export interface PersistedOperation {
  body: string;
  client_name: string | null;
  document_id: string;
  enabled: Generated<boolean>;
  operation_name: string | null;
  registered_at: Generated<Timestamp>;
  registered_by: string;
}

export interface RelationshipEvidence {
  claim_id: number;
  relationship_id: number;
}

export interface RelationshipParticipant {
  actor_id: number;
  note: string | null;
  position: number;
  relationship_id: number;
  role: ParticipantRole;
}

export interface Source {
  accessed_at: Timestamp | null;
  created_at: Generated<Timestamp>;
  derived_from_id: number | null;
  description: string | null;
  id: Generated<number>;
  kind: SourceKind;
  marking: Generated<Marking>;
  published_at: Timestamp | null;
  published_at_precision: Precision | null;
  published_on: GeneratedAlways<string | null>;
  published_on_precision: GeneratedAlways<Precision | null>;
  publisher: string | null;
  released_to: Marking | null;
  reliability: Reliability | null;
  title: string;
  updated_at: Generated<Timestamp>;
  url: string | null;
  version: Generated<number>;
}

export interface SourceActor {
  actor_id: number;
  position: number;
  role: SourceActorRole;
  source_id: number;
}

export interface SourceSearch {
  document: string;
  language: SearchLanguage;
  source_id: number;
}

export interface WebhookDelivery {
  attempts: Generated<number>;
  change_id: number;
  created_at: Generated<Timestamp>;
  endpoint_id: number;
  entity_id: number;
  entity_type: ChangeEntityType;
  event_type: WebhookEventType;
  finished_at: Timestamp | null;
  id: Generated<number>;
  last_attempt_at: Timestamp | null;
  last_error: string | null;
  last_response_status: number | null;
  message_id: Generated<string>;
  next_attempt_at: Generated<Timestamp>;
  occurred_at: Timestamp;
  status: Generated<WebhookDeliveryStatus>;
}

export interface WebhookEndpoint {
  api_key_id: number;
  created_at: Generated<Timestamp>;
  created_by: string;
  cursor: Generated<number>;
  disabled_reason: string | null;
  enabled: Generated<boolean>;
  events: WebhookEventType[];
  id: Generated<number>;
  previous_secret: string | null;
  previous_secret_until: Timestamp | null;
  secret: string;
  updated_at: Generated<Timestamp>;
  url: string;
}

export interface DB {
  actor: Actor;
  actor_alias: ActorAlias;
  actor_external_id: ActorExternalId;
  actor_relationship: ActorRelationship;
  actor_search: ActorSearch;
  api_key: ApiKey;
  audit_log: AuditLog;
  audit_mention: AuditMention;
  author: Author;
  briefing: Briefing;
  briefing_author: BriefingAuthor;
  briefing_search: BriefingSearch;
  briefing_tag: BriefingTag;
  change: Change;
  change_pending: ChangePending;
  citation: Citation;
  claim: Claim;
  claim_date: ClaimDate;
  claim_object: ClaimObject;
  claim_participant: ClaimParticipant;
  claim_quantity: ClaimQuantity;
  claim_search: ClaimSearch;
  idempotency_key: IdempotencyKey;
  media: Media;
  persisted_operation: PersistedOperation;
  relationship_evidence: RelationshipEvidence;
  relationship_participant: RelationshipParticipant;
  source: Source;
  source_actor: SourceActor;
  source_search: SourceSearch;
  webhook_delivery: WebhookDelivery;
  webhook_endpoint: WebhookEndpoint;
}
