import { sql, type Kysely } from 'kysely';

// Frozen: a rotated webhook secret stays valid for a grace period. Until previous_secret_until
// the worker signs each delivery with both the new and the previous secret (Standard Webhooks
// allows several space-separated signatures), so a partner can switch its receiver over without
// refusing deliveries; after it, only the new one.

const upStatements = [
  `alter table webhook_endpoint
     add column previous_secret text
       check (previous_secret ~ '^whsec_[A-Za-z0-9+/]{32,}={0,2}$'),
     add column previous_secret_until timestamptz,
     add check ((previous_secret is null) = (previous_secret_until is null))`,
];

const downStatements = [
  `alter table webhook_endpoint drop column previous_secret, drop column previous_secret_until`,
];

export async function up(db: Kysely<unknown>): Promise<void> {
  for (const statement of upStatements) await sql.raw(statement).execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const statement of downStatements) await sql.raw(statement).execute(db);
}
