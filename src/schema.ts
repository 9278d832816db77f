import { createHash } from 'node:crypto';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { builder } from './builder.js';
import './common/scalars.js';
import './errors/errors.schema.js';
import './common/time-and-quantity.schema.js';
import './claims/claim.schema.js';
import './claims/claim-facets.schema.js';
import './sources/source.schema.js';
import './actors/actor.schema.js';
import './actors/actor-relationship.schema.js';
import './briefings/briefing.schema.js';
import './sources/source.mutations.js';
import './briefings/briefing.mutations.js';
import './claims/claim.mutations.js';
import './actors/actor.mutations.js';
import './actors/actor-relationship.mutations.js';
import './embargo/publish.mutations.js';
import './auth/api-key.schema.js';
import './audit/audit.schema.js';
import './persisted/persisted.schema.js';

export const schema = builder.toSchema();

/** The SDL committed as schema.graphql: sorted, so diffs show real changes only. */
export function printableSchema() {
  return lexicographicSortSchema(schema);
}

/**
 * A hash of the schema's SDL: caches shared between instances (the response cache in Redis)
 * key on it, so instances serving different schemas never share entries.
 */
export function schemaHash(): string {
  return createHash('sha256').update(printSchema(schema)).digest('hex');
}
