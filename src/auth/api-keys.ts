import { createHash, randomBytes } from 'node:crypto';
import type { Executor } from '../db/executor.js';
import type { Marking, Role } from '../db/types.js';
import { findApiKeyByHash, insertApiKey, type ApiKeyRow } from './api-key.repository.js';
import type { Viewer } from '../common/viewer.js';

/** `bg_` + 43 base64url characters: 256 random bits, recognisable in logs and secret scanners. */
const KEY_SHAPE = /^bg_[A-Za-z0-9_-]{43}$/;

export function hashApiKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export interface IssuedApiKey {
  /** Shown once; only its hash is stored. */
  key: string;
  row: ApiKeyRow;
}

export async function issueApiKey(
  db: Executor,
  options: {
    name: string;
    role: Role;
    clearance: Marking;
    expiresAt: Date | null;
    createdBy: string;
  },
): Promise<IssuedApiKey> {
  const key = `bg_${randomBytes(32).toString('base64url')}`;
  const row = await insertApiKey(db, {
    ...options,
    keyHash: hashApiKey(key),
    keyPrefix: key.slice(0, 10),
  });
  return { key, row };
}

export type Authentication = { ok: true; viewer: Viewer } | { ok: false; reason: string };

/** Resolves an `Authorization` header to a viewer, or says why it is refused. */
export async function authenticate(
  db: Executor,
  header: string | null,
  now = new Date(),
): Promise<Authentication> {
  if (header === null || header.trim() === '') return { ok: true, viewer: { kind: 'anonymous' } };
  const match = /^Bearer\s+(\S+)$/i.exec(header.trim());
  if (!match?.[1])
    return { ok: false, reason: 'expected an Authorization header of the form "Bearer <api key>"' };
  const key = match[1];
  if (!KEY_SHAPE.test(key))
    return { ok: false, reason: 'malformed API key: expected bg_ followed by 43 characters' };
  const row = await findApiKeyByHash(db, hashApiKey(key));
  if (!row) return { ok: false, reason: 'unknown API key' };
  if (row.revoked_at) return { ok: false, reason: `API key ${row.key_prefix}… was revoked` };
  if (row.expires_at && row.expires_at <= now)
    return {
      ok: false,
      reason: `API key ${row.key_prefix}… expired on ${row.expires_at.toISOString()}`,
    };
  return {
    ok: true,
    viewer: {
      kind: 'api-key',
      keyId: row.id,
      name: row.name,
      role: row.role,
      clearance: row.clearance,
      expiresAt: row.expires_at,
    },
  };
}
