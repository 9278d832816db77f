import { sql, type Selectable } from 'kysely';
import type { Executor } from '../db/executor.js';
import type { ApiKeyTable, Marking, Role } from '../db/types.js';
import { anyId } from '../db/any-id.js';

export type ApiKeyRow = Selectable<ApiKeyTable>;

export async function findApiKeyByHash(
  db: Executor,
  keyHash: string,
): Promise<ApiKeyRow | undefined> {
  return db.selectFrom('api_key').selectAll().where('key_hash', '=', keyHash).executeTakeFirst();
}

export async function insertApiKey(
  db: Executor,
  values: {
    name: string;
    role: Role;
    clearance: Marking;
    keyHash: string;
    keyPrefix: string;
    createdBy: string;
    expiresAt: Date | null;
  },
): Promise<ApiKeyRow> {
  return db
    .insertInto('api_key')
    .values({
      name: values.name,
      role: values.role,
      clearance: values.clearance,
      key_hash: values.keyHash,
      key_prefix: values.keyPrefix,
      created_by: values.createdBy,
      expires_at: values.expiresAt,
    })
    .returningAll()
    .executeTakeFirstOrThrow();
}

export async function listApiKeys(db: Executor): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_key').selectAll().orderBy('created_at').orderBy('id').execute();
}

export async function findApiKeysByIds(db: Executor, ids: readonly number[]): Promise<ApiKeyRow[]> {
  return db.selectFrom('api_key').selectAll().where('id', '=', anyId(ids)).execute();
}

/** Revokes a key once; revoking again keeps the first revocation time. */
export async function revokeApiKey(db: Executor, id: number): Promise<ApiKeyRow | undefined> {
  return db
    .updateTable('api_key')
    .set({ revoked_at: sql<Date>`coalesce(revoked_at, now())` })
    .where('id', '=', id)
    .returningAll()
    .executeTakeFirst();
}
