import { issueApiKey } from '../../src/auth/api-keys.js';
import type { Marking, Role } from '../../src/db/types.js';
import type { TestDatabase } from './test-database.js';

/** Issues a key straight into the test database and returns the secret for `Authorization`. */
export async function createKey(
  database: TestDatabase,
  role: Role,
  options: { clearance?: Marking; name?: string; expiresAt?: Date | null } = {},
): Promise<string> {
  const { key } = await issueApiKey(database.db, {
    name: options.name ?? `test ${role}`,
    role,
    clearance: options.clearance ?? 'CLEAR',
    expiresAt: options.expiresAt ?? null,
    createdBy: 'tests',
  });
  return key;
}

export function bearer(key: string): Record<string, string> {
  return { authorization: `Bearer ${key}` };
}
