import type { Selectable } from 'kysely';
import type {
  ActorRelationshipTable,
  ActorTable,
  BriefingTable,
  CitationTable,
  ClaimTable,
  SourceTable,
} from './types.js';

// Row types that code outside the repositories reads (the column maps in common/), or that one
// domain's repository returns from another's table (a source's citations), kept here so that
// importing them does not tie common/ to the repositories, or one domain to another. The
// busiest tables' column lists stand beside their row types, and must name every column.

export type ActorRow = Selectable<ActorTable>;
export type BriefingRow = Selectable<BriefingTable>;
/** `valid_period` is derived in the database from the valid-time columns; no one reads it. */
export type ActorRelationshipRow = Omit<Selectable<ActorRelationshipTable>, 'valid_period'>;
export type ClaimRow = Omit<Selectable<ClaimTable>, 'valid_period'>;
export type CitationRow = Selectable<CitationTable>;
export type SourceRow = Selectable<SourceTable>;

/** A claim's or a relationship's valid time, as both tables store it. */
export const VALID_TIME_COLUMN_NAMES = [
  'valid_from',
  'valid_from_precision',
  'valid_from_bound',
  'valid_to',
  'valid_to_precision',
  'valid_to_bound',
  'valid_time_note',
] as const;

/**
 * All of a row's columns by name, for whole-row reads and column pruning. A list that leaves one
 * out (a migration added a column) fails to compile, asking for a second argument typed as the
 * names left out.
 */
function allColumnsOf<Row>() {
  return <const Names extends readonly (keyof Row & string)[]>(
    names: Names,
    ...unlisted: Exclude<keyof Row, Names[number]> extends never
      ? []
      : [Exclude<keyof Row, Names[number]>]
  ): Names => {
    // Reached only past a compile error.
    if (unlisted.length > 0) throw new Error(`columns not listed: ${unlisted.join(', ')}`);
    return names;
  };
}

export const CLAIM_COLUMN_NAMES = allColumnsOf<ClaimRow>()([
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
  ...VALID_TIME_COLUMN_NAMES,
  'likelihood',
  'likelihood_to',
  'confidence',
  'status',
  'marking',
  'created_at',
  'updated_at',
  'version',
]);
export type ClaimColumn = (typeof CLAIM_COLUMN_NAMES)[number];

/** Every claim column named by its table, to select a whole row (no generated range). */
export const QUALIFIED_CLAIM_COLUMNS = CLAIM_COLUMN_NAMES.map((name) => `claim.${name}` as const);

export const SOURCE_COLUMN_NAMES = allColumnsOf<SourceRow>()([
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
]);
export type SourceColumn = (typeof SOURCE_COLUMN_NAMES)[number];

export const ACTOR_COLUMN_NAMES = allColumnsOf<ActorRow>()([
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
]);
export type ActorColumn = (typeof ACTOR_COLUMN_NAMES)[number];

export const RELATIONSHIP_COLUMN_NAMES = allColumnsOf<ActorRelationshipRow>()([
  'id',
  'from_actor_id',
  'to_actor_id',
  'type',
  ...VALID_TIME_COLUMN_NAMES,
  'confidence',
  'attributes',
  'description',
  'marking',
  'released_to',
  'created_at',
  'updated_at',
  'version',
]);
export type RelationshipColumn = (typeof RELATIONSHIP_COLUMN_NAMES)[number];

/** Every relationship column named by its table, to select a whole row (no generated range). */
export const QUALIFIED_RELATIONSHIP_COLUMNS = RELATIONSHIP_COLUMN_NAMES.map(
  (name) => `actor_relationship.${name}` as const,
);
