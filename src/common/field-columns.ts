import { sql } from 'kysely';
import type { ActorRelationshipRow, ActorRow, ClaimRow, SourceRow } from '../db/rows.js';

// The columns of the busiest types, so that a large read on the loader path (a page of claims
// with their sources and actors) selects only those its fields need: fewer values for `pg` to
// parse and for the garbage collector to sweep. Which columns a field reads is declared once,
// beside the field (its `extensions`, see compiled/columns.ts); tests/api/column-pruning.test.ts
// checks every field of these types against a whole-row read.

/** A type's columns: all of them, and those always read (ids the loaders key on). */
export interface TypeColumns<Column extends string> {
  typeName: string;
  all: readonly Column[];
  always: readonly Column[];
}

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
  'valid_from',
  'valid_from_precision',
  'valid_from_bound',
  'valid_to',
  'valid_to_precision',
  'valid_to_bound',
  'valid_time_note',
  'likelihood',
  'likelihood_to',
  'confidence',
  'status',
  'marking',
  'created_at',
  'updated_at',
  'version',
] as const satisfies readonly (keyof ClaimRow)[];
export type ClaimColumn = (typeof CLAIM_COLUMN_NAMES)[number];

/** Every claim column named by its table, to select a whole row (no generated range). */
export const QUALIFIED_CLAIM_COLUMNS = CLAIM_COLUMN_NAMES.map((name) => `claim.${name}` as const);

const CLAIM_ALWAYS: readonly ClaimColumn[] = ['id', 'briefing_id'];

export const SOURCE_COLUMN_NAMES = [
  'id',
  'version',
  'kind',
  'title',
  'publisher',
  'url',
  'published_at',
  'published_at_precision',
  'published_on',
  'published_on_precision',
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

// Over every column's type: Kysely cannot resolve a selection over a type parameter, so callers
// declare the narrower `Pick<SourceRow, C>` they return.
export function qualifiedSourceColumns(names: readonly SourceColumn[]) {
  return names.map((name) => `source.${name}` as const);
}

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

export const ACTOR_COLUMN_NAMES = [
  'id',
  'version',
  'kind',
  'name',
  'country',
  'wikidata_qid',
  'description',
  'place_type',
  'latitude',
  'longitude',
  'merged_into_id',
  'marking',
  'released_to',
  'created_at',
  'updated_at',
] as const satisfies readonly (keyof ActorRow)[];
export type ActorColumn = (typeof ACTOR_COLUMN_NAMES)[number];

/**
 * A relationship row carries its two ends' columns under `from_actor__` and `to_actor__` in
 * compiled reads, which join both actors anyway to check they are visible.
 */
export function relationshipEndColumns() {
  return (['from_actor', 'to_actor'] as const).flatMap((end) =>
    ACTOR_COLUMN_NAMES.map((name) => sql.ref(`${end}.${name}`).as(`${end}__${name}`)),
  );
}

const ACTOR_ALWAYS: readonly ActorColumn[] = ['id', 'merged_into_id'];

export const RELATIONSHIP_COLUMN_NAMES = [
  'id',
  'from_actor_id',
  'to_actor_id',
  'type',
  'valid_from',
  'valid_from_precision',
  'valid_from_bound',
  'valid_to',
  'valid_to_precision',
  'valid_to_bound',
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

/** Every relationship column named by its table, to select a whole row (no generated range). */
export const QUALIFIED_RELATIONSHIP_COLUMNS = RELATIONSHIP_COLUMN_NAMES.map(
  (name) => `actor_relationship.${name}` as const,
);

const RELATIONSHIP_ALWAYS: readonly RelationshipColumn[] = ['id', 'from_actor_id', 'to_actor_id'];

export const CLAIM_COLUMNS: TypeColumns<ClaimColumn> = {
  typeName: 'Claim',
  all: CLAIM_COLUMN_NAMES,
  always: CLAIM_ALWAYS,
};

export const SOURCE_COLUMNS: TypeColumns<SourceColumn> = {
  typeName: 'Source',
  all: SOURCE_COLUMN_NAMES,
  always: SOURCE_ALWAYS,
};

export const ACTOR_COLUMNS: TypeColumns<ActorColumn> = {
  typeName: 'Actor',
  all: ACTOR_COLUMN_NAMES,
  always: ACTOR_ALWAYS,
};

export const RELATIONSHIP_COLUMNS: TypeColumns<RelationshipColumn> = {
  typeName: 'ActorRelationship',
  all: RELATIONSHIP_COLUMN_NAMES,
  always: RELATIONSHIP_ALWAYS,
};
