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
// importing them does not tie common/ to the repositories, or one domain to another.

export type ActorRow = Selectable<ActorTable>;
export type BriefingRow = Selectable<BriefingTable>;
/** `valid_period` is derived in the database from the valid-time columns; no one reads it. */
export type ActorRelationshipRow = Omit<Selectable<ActorRelationshipTable>, 'valid_period'>;
export type ClaimRow = Omit<Selectable<ClaimTable>, 'valid_period'>;
export type CitationRow = Selectable<CitationTable>;
export type SourceRow = Selectable<SourceTable>;
