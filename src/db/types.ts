// The table types Kysely checks queries against: generated into tables.generated.ts from the
// migrated database (`npm run db:types`), with the value lists of text columns from
// column-values.ts. Named here as the code has always imported them (`ClaimTable`, `Marking`).
// snake_case columns are mapped to GraphQL names only in the *.schema.ts files; int8 and
// numeric arrive as numbers and `date` as 'YYYY-MM-DD' strings: see type-parsers.ts.

export * from './column-values.js';
export type {
  DB,
  Actor as ActorTable,
  ActorAlias as ActorAliasTable,
  ActorExternalId as ActorExternalIdTable,
  ActorRelationship as ActorRelationshipTable,
  ApiKey as ApiKeyTable,
  AuditLog as AuditLogTable,
  AuditMention as AuditMentionTable,
  Author as AuthorTable,
  Briefing as BriefingTable,
  BriefingAuthor as BriefingAuthorTable,
  BriefingTag as BriefingTagTable,
  Citation as CitationTable,
  Claim as ClaimTable,
  ClaimDate as ClaimDateTable,
  ClaimObject as ClaimObjectTable,
  ClaimQuantity as ClaimQuantityTable,
  IdempotencyKey as IdempotencyKeyTable,
  Media as MediaTable,
  PersistedOperation as PersistedOperationTable,
  RelationshipEvidence as RelationshipEvidenceTable,
  Source as SourceTable,
  ClaimParticipant as ClaimParticipantTable,
  RelationshipParticipant as RelationshipParticipantTable,
  SourceActor as SourceActorTable,
  WebhookDelivery as WebhookDeliveryTable,
  WebhookEndpoint as WebhookEndpointTable,
} from './tables.generated.js';
