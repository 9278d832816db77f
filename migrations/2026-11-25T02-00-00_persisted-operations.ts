import { sql, type Kysely } from 'kysely';

// Frozen: the registry of persisted (trusted) documents partners may run by id.

const statements = [
  `create table persisted_operation (
    -- GraphQL-over-HTTP persisted-documents id: sha256 of the exact document text.
    document_id text primary key check (document_id ~ '^sha256:[0-9a-f]{64}$'),
    body text not null check (length(body) between 1 and 1000000),
    operation_name text check (length(operation_name) between 1 and 200),
    client_name text check (length(client_name) between 1 and 200),
    registered_by text not null check (length(registered_by) between 1 and 200),
    registered_at timestamptz not null default now(),
    enabled boolean not null default true
  )`,
  `create index persisted_operation_registered_at_idx on persisted_operation (registered_at, document_id)`,
];

export async function up(db: Kysely<any>): Promise<void> {
  for (const statement of statements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('persisted_operation').execute();
}
