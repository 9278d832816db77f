import { sql } from 'kysely';
import { PostgresDialect, serializeFromMetadata } from 'kysely-codegen';
import { VALUE_LISTS, type ValueListName } from './column-values.js';
import type { Database } from './database.js';

// How src/db/tables.generated.ts is made from a migrated database, shared by `npm run db:types`
// (codegen-cli.ts) and the test that fails when the file is stale. kysely-codegen is a
// development dependency: nothing the server runs imports this module.

export const TABLE_TYPES_FILE = new URL('./tables.generated.ts', import.meta.url);

const HEADER = `// Generated from a freshly migrated database by \`npm run db:types\` (src/db/codegen.ts,
// kysely-codegen): do not edit. tests/db/table-types.test.ts fails when it is stale.

`;

/**
 * Column types the database cannot state: text columns whose CHECK constraint allows a fixed
 * list of values (the lists are in column-values.ts), the shape of JSON columns, and the
 * generated `valid_period` ranges. Nullability and defaults still come from the database.
 */
export const COLUMN_TYPES: Record<
  string,
  ValueListName | `${ValueListName}[]` | 'string' | 'unknown' | 'Record<string, unknown>'
> = {
  'source.kind': 'SourceKind',
  'source.reliability': 'Reliability',
  'source.marking': 'Marking',
  'source.released_to': 'Marking',
  'source.published_at_precision': 'Precision',
  'source.published_on': 'string',
  'source.published_on_precision': 'Precision',
  'briefing.status': 'BriefingStatus',
  'change.entity_type': 'ChangeEntityType',
  'change.operation': 'ChangeOperation',
  'webhook_endpoint.events': 'WebhookEventType[]',
  'webhook_delivery.event_type': 'WebhookEventType',
  'webhook_delivery.entity_type': 'ChangeEntityType',
  'webhook_delivery.status': 'WebhookDeliveryStatus',
  'briefing.marking': 'Marking',
  'briefing_tag.kind': 'TagKind',
  'media.kind': 'MediaKind',
  'media.taken_on_precision': 'Precision',
  'actor.kind': 'ActorKind',
  'actor.marking': 'Marking',
  'actor.released_to': 'Marking',
  'claim.kind': 'ClaimKind',
  'claim.status': 'ClaimStatus',
  'claim.marking': 'Marking',
  'claim_quantity.role': 'QuantityRole',
  'claim_quantity.kind': 'QuantityKind',
  'claim_quantity.qualifier': 'QuantityQualifier',
  'claim.likelihood': 'Likelihood',
  'claim.likelihood_to': 'Likelihood',
  'claim.valid_from_bound': 'TimeBound',
  'claim.valid_to_bound': 'TimeBound',
  'claim_date.role': 'ClaimDateRole',
  'claim_date.bound': 'TimeBound',
  'claim_date.precision': 'Precision',
  'claim.valid_from_precision': 'Precision',
  'claim.valid_to_precision': 'Precision',
  'claim.valid_period': 'string',
  'citation.role': 'CitationRole',
  'actor_relationship.marking': 'Marking',
  'actor_relationship.released_to': 'Marking',
  'actor_relationship.valid_from_precision': 'Precision',
  'actor_relationship.valid_to_precision': 'Precision',
  'actor_relationship.valid_period': 'string',
  'actor_relationship.valid_from_bound': 'TimeBound',
  'actor_relationship.valid_to_bound': 'TimeBound',
  'actor_relationship.attributes': 'Record<string, unknown>',
  'source_actor.role': 'SourceActorRole',
  'actor.place_type': 'PlaceType',
  'claim_participant.role': 'ParticipantRole',
  'relationship_participant.role': 'ParticipantRole',
  'api_key.role': 'Role',
  'api_key.clearance': 'Marking',
  'briefing_search.language': 'SearchLanguage',
  'claim_search.language': 'SearchLanguage',
  'source_search.language': 'SearchLanguage',
  'actor_search.language': 'SearchLanguage',
  // Snapshots and stored results: whatever was written; readers check their shape.
  'audit_log.before': 'unknown',
  'audit_log.after': 'unknown',
  'idempotency_key.result': 'unknown',
};

/** Columns PostgreSQL computes (`generated always as … stored`): readable, never written. */
async function generatedColumns(db: Database): Promise<Set<string>> {
  const { rows } = await sql<{ path: string }>`
    select table_name || '.' || column_name as path
    from information_schema.columns
    where table_schema = 'public' and is_generated = 'ALWAYS'`.execute(db);
  return new Set(rows.map((row) => row.path));
}

/** The text of tables.generated.ts for the database `db` (migrated to latest). */
export async function generateTableTypes(db: Database): Promise<string> {
  // `date` stays a 'YYYY-MM-DD' string and int8 and numeric arrive as numbers: type-parsers.ts.
  const dialect = new PostgresDialect({ dateParser: 'string' });
  // kysely-codegen is CommonJS and so sees kysely's CommonJS declarations, whose `Kysely` class
  // TypeScript tells apart from the ES module one we use; the introspector only runs queries.
  const metadata = await dialect.introspector.introspect({
    db: db as unknown as Parameters<typeof dialect.introspector.introspect>[0]['db'],
  });
  const generated = await generatedColumns(db);
  const columns: Record<string, string> = {};
  for (const table of metadata.tables) {
    for (const column of table.columns) {
      const path = `${table.name}.${column.name}`;
      const type = COLUMN_TYPES[path];
      if (type === undefined) {
        if (generated.has(path)) throw new Error(`expected a type for generated column ${path}`);
        continue;
      }
      const value = column.isNullable ? `${type} | null` : type;
      columns[path] = generated.has(path)
        ? `GeneratedAlways<${value}>`
        : column.hasDefaultValue
          ? `Generated<${value}>`
          : value;
    }
  }
  const missing = Object.keys(COLUMN_TYPES).filter((path) => !(path in columns));
  if (missing.length) throw new Error(`expected columns ${missing.join(', ')} in the database`);
  const text = serializeFromMetadata({
    metadata,
    dialect,
    overrides: { columns },
    typeMapping: { int8: 'number', numeric: 'number' },
    customImports: {
      GeneratedAlways: 'kysely',
      // Imported where used only.
      ...Object.fromEntries(Object.keys(VALUE_LISTS).map((name) => [name, './column-values.js'])),
    },
    skipAutogeneratedFileComment: true,
  });
  return HEADER + text;
}
