import { sql } from 'kysely';
import {
  ACTOR_COLUMN_NAMES,
  CLAIM_COLUMN_NAMES,
  RELATIONSHIP_COLUMN_NAMES,
  SOURCE_COLUMN_NAMES,
  type ActorColumn,
  type ClaimColumn,
  type RelationshipColumn,
  type SourceColumn,
} from '../db/rows.js';

// The columns of the busiest types (listed beside their rows, in db/rows.ts), so that a large read
// on the loader path (a page of claims with their sources and actors) selects only those its
// fields need: fewer values for `pg` to
// parse and for the garbage collector to sweep. Which columns a field reads is declared once,
// beside the field (its `extensions`, see compiled/columns.ts); tests/api/column-pruning.test.ts
// checks every field of these types against a whole-row read.

/** A type's columns: all of them, and those always read (ids the loaders key on). */
export interface TypeColumns<Column extends string> {
  typeName: string;
  all: readonly Column[];
  always: readonly Column[];
}

const CLAIM_ALWAYS: readonly ClaimColumn[] = ['id', 'briefing_id'];

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
