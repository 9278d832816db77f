import { sql } from 'kysely';
import type { ActorRelationshipRow, ActorRow, ClaimRow, SourceRow } from '../db/rows.js';

// Which columns each GraphQL field of the busiest types reads from its row, so that a large
// read (a page of claims with their sources and actors) selects only those: fewer values for
// `pg` to parse and for the garbage collector to sweep. A field listed with [] needs only the
// row's id (it loads its own data). A field missing here makes the loader read whole rows (see
// columnsFor), and tests/api/column-pruning.test.ts checks every entry against a whole-row read.

/** A type's columns: all of them, those always read, and those each GraphQL field reads. */
export interface TypeColumns<Column extends string> {
  typeName: string;
  all: readonly Column[];
  always: readonly Column[];
  byField: Readonly<Record<string, readonly Column[]>>;
}

/** What the ValidTime object reads, on claims and relationships alike. */
const VALID_TIME_COLUMNS = [
  'valid_from',
  'valid_from_precision',
  'valid_to',
  'valid_to_precision',
  'valid_time_note',
] as const;

export const CLAIM_COLUMN_NAMES = [
  'id',
  'briefing_id',
  'position',
  'kind',
  'statement',
  'quote',
  'span_start',
  'span_end',
  'subject_actor_id',
  'predicate',
  'quantity_value',
  'quantity_min',
  'quantity_max',
  'quantity_unit',
  'quantity_qualifier',
  'valid_from',
  'valid_from_precision',
  'valid_to',
  'valid_to_precision',
  'valid_time_note',
  'likelihood',
  'confidence',
  'status',
  'marking',
  'created_at',
  'updated_at',
  'version',
] as const satisfies readonly (keyof ClaimRow)[];
export type ClaimColumn = (typeof CLAIM_COLUMN_NAMES)[number];

const CLAIM_ALWAYS: readonly ClaimColumn[] = ['id', 'briefing_id'];

const CLAIM_FIELD_COLUMNS: Readonly<Record<string, readonly ClaimColumn[]>> = {
  id: [],
  briefing: ['briefing_id'],
  position: ['position'],
  kind: ['kind'],
  statement: ['statement'],
  quote: ['quote'],
  span: ['span_start', 'span_end'],
  subject: ['subject_actor_id'],
  predicate: ['predicate'],
  objects: [],
  quantity: [
    'quantity_value',
    'quantity_min',
    'quantity_max',
    'quantity_unit',
    'quantity_qualifier',
  ],
  validTime: VALID_TIME_COLUMNS,
  likelihood: ['likelihood'],
  confidence: ['confidence'],
  status: ['status'],
  marking: ['marking'],
  version: ['version'],
  citations: [],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};

export const SOURCE_COLUMN_NAMES = [
  'id',
  'version',
  'kind',
  'title',
  'publisher',
  'url',
  'published_at',
  'accessed_at',
  'reliability',
  'derived_from_id',
  'description',
  'marking',
  'released_to',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof SourceRow)[];
export type SourceColumn = (typeof SOURCE_COLUMN_NAMES)[number];

/**
 * A citation row carries its source's columns under this prefix (`source__title`) in compiled
 * reads, which join the source anyway to check it is visible: `Citation.source` then reads
 * them instead of looking the source up again.
 */
export const CITED_SOURCE_PREFIX = 'source__';

/** The source's columns as a citation row carries them (see CITED_SOURCE_PREFIX). */
export function citedSourceColumns() {
  return SOURCE_COLUMN_NAMES.map((name) =>
    sql.ref(`source.${name}`).as(`${CITED_SOURCE_PREFIX}${name}`),
  );
}

const SOURCE_ALWAYS: readonly SourceColumn[] = ['id'];

const SOURCE_FIELD_COLUMNS: Readonly<Record<string, readonly SourceColumn[]>> = {
  id: [],
  kind: ['kind'],
  title: ['title'],
  publisher: ['publisher'],
  url: ['url'],
  publishedAt: ['published_at'],
  accessedAt: ['accessed_at'],
  reliability: ['reliability'],
  description: ['description'],
  marking: ['marking'],
  releasedTo: ['released_to'],
  version: ['version'],
  derivedFrom: ['derived_from_id'],
  derivationChain: [],
  citations: [],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};

export const ACTOR_COLUMN_NAMES = [
  'id',
  'version',
  'kind',
  'name',
  'country',
  'wikidata_qid',
  'description',
  'merged_into_id',
  'marking',
  'released_to',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ActorRow)[];
export type ActorColumn = (typeof ACTOR_COLUMN_NAMES)[number];

const ACTOR_ALWAYS: readonly ActorColumn[] = ['id', 'merged_into_id'];

const ACTOR_FIELD_COLUMNS: Readonly<Record<string, readonly ActorColumn[]>> = {
  id: [],
  kind: ['kind'],
  name: ['name'],
  aliases: [],
  country: ['country'],
  wikidataQid: ['wikidata_qid'],
  wikidataUrl: ['wikidata_qid'],
  externalIds: [],
  description: ['description'],
  marking: ['marking'],
  releasedTo: ['released_to'],
  version: ['version'],
  relationships: [],
  claims: [],
  briefings: [],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};

export const RELATIONSHIP_COLUMN_NAMES = [
  'id',
  'from_actor_id',
  'to_actor_id',
  'type',
  'valid_from',
  'valid_from_precision',
  'valid_to',
  'valid_to_precision',
  'valid_time_note',
  'confidence',
  'attributes',
  'description',
  'marking',
  'released_to',
  'created_at',
  'updated_at',
  'version',
] as const satisfies readonly (keyof ActorRelationshipRow)[];
export type RelationshipColumn = (typeof RELATIONSHIP_COLUMN_NAMES)[number];

const RELATIONSHIP_ALWAYS: readonly RelationshipColumn[] = ['id', 'from_actor_id', 'to_actor_id'];

const RELATIONSHIP_FIELD_COLUMNS: Readonly<Record<string, readonly RelationshipColumn[]>> = {
  id: [],
  from: ['from_actor_id'],
  to: ['to_actor_id'],
  type: ['type'],
  validTime: VALID_TIME_COLUMNS,
  confidence: ['confidence'],
  attributes: ['attributes'],
  description: ['description'],
  marking: ['marking'],
  releasedTo: ['released_to'],
  version: ['version'],
  evidence: [],
  createdAt: ['created_at'],
  updatedAt: ['updated_at'],
};

export const CLAIM_COLUMNS: TypeColumns<ClaimColumn> = {
  typeName: 'Claim',
  all: CLAIM_COLUMN_NAMES,
  always: CLAIM_ALWAYS,
  byField: CLAIM_FIELD_COLUMNS,
};

export const SOURCE_COLUMNS: TypeColumns<SourceColumn> = {
  typeName: 'Source',
  all: SOURCE_COLUMN_NAMES,
  always: SOURCE_ALWAYS,
  byField: SOURCE_FIELD_COLUMNS,
};

export const ACTOR_COLUMNS: TypeColumns<ActorColumn> = {
  typeName: 'Actor',
  all: ACTOR_COLUMN_NAMES,
  always: ACTOR_ALWAYS,
  byField: ACTOR_FIELD_COLUMNS,
};

export const RELATIONSHIP_COLUMNS: TypeColumns<RelationshipColumn> = {
  typeName: 'ActorRelationship',
  all: RELATIONSHIP_COLUMN_NAMES,
  always: RELATIONSHIP_ALWAYS,
  byField: RELATIONSHIP_FIELD_COLUMNS,
};
