import { createHash } from 'node:crypto';
import {
  GraphQLSchema,
  isEnumType,
  lexicographicSortSchema,
  printSchema,
  printType,
} from 'graphql';
import { builder } from './builder.js';
import './common/scalars.js';
import './common/code-scalars.js';
import './errors/errors.schema.js';
import './common/time-and-quantity.schema.js';
import './claims/claim.schema.js';
import './claims/claim-facets.schema.js';
import './claims/corroboration.schema.js';
import './claims/contradiction.schema.js';
import './claims/claim-statistics.schema.js';
import './sources/source.schema.js';
import './actors/actor.schema.js';
import './actors/actor-relationship.schema.js';
import './actors/actor-network.schema.js';
import './analysis/actor-timeline.schema.js';
import './actors/actor-lookup.schema.js';
import './sources/source-actor.schema.js';
import './claims/claim-participants.schema.js';
import './actors/relationship-participants.schema.js';
import './briefings/briefing.schema.js';
import './sources/source.mutations.js';
import { addBriefingMutations } from './briefings/briefing.mutations.js';
import { claimQuotes } from './claims/claim-quotes.service.js';
import './claims/claim.mutations.js';
import './actors/actor.mutations.js';
import './actors/actor-relationship.mutations.js';
import './embargo/publish.mutations.js';
import './auth/api-key.schema.js';
import './auth/viewer.schema.js';
import './audit/audit.schema.js';
import './audit/briefing-record.schema.js';
import './audit/relationship-record.schema.js';
import './persisted/persisted.schema.js';
import './search/search.schema.js';
import './stix/stix.schema.js';
import './sync/change.schema.js';
import './sync/subscription.schema.js';
import './sync/webhook.schema.js';
import './sync/webhook.mutations.js';

// A briefing's body rewrite moves its claims' quote spans: the one write across two domains,
// wired here so that neither folder imports the other.
addBriefingMutations(claimQuotes);

// Unsorted: enums keep their declared order (ordered scales), which introspection shows.
export const schema = builder.toSchema({ sortSchema: false });

/** The schema sorted by name, so diffs of schema.graphql show real changes only. */
export function printableSchema() {
  return lexicographicSortSchema(schema);
}

/**
 * The SDL committed as schema.graphql: types, fields and arguments sorted by name, but each
 * enum's values in their declared order, since several are ordered scales (likelihood,
 * marking, reliability) that read wrongly alphabetised.
 */
export function printableSchemaText(): string {
  let text = printSchema(printableSchema());
  for (const type of Object.values(schema.getTypeMap())) {
    if (!isEnumType(type) || type.name.startsWith('__')) continue;
    const sorted = printType(
      lexicographicSortSchema(new GraphQLSchema({ types: [type] })).getType(type.name) ?? type,
    );
    text = text.replace(sorted, printType(type));
  }
  return `${text}\n`;
}

/**
 * A hash of the schema's SDL: caches shared between instances (the response cache in Redis)
 * key on it, so instances serving different schemas never share entries.
 */
export function schemaHash(): string {
  return createHash('sha256').update(printSchema(schema)).digest('hex');
}
