#!/usr/bin/env node
import { parseArgs } from 'node:util';
import { command, runAsProgram, UsageError, type CliIo } from '../cli.js';
import { loadConfig } from '../config.js';
import { openCommandDatabase } from '../db/command-database.js';
import { MARKINGS, ROLES, type Marking, type Role } from '../db/types.js';
import { listApiKeys, revokeApiKey, type ApiKeyRow } from './api-key.repository.js';
import { issueApiKey } from './api-keys.js';

const USAGE = `usage:
  npm run apikey -- create --role <partner|analyst|editor|admin> --name "<holder>" [--clearance <${MARKINGS.join('|')}>] [--expires <YYYY-MM-DD or ISO instant>]
  npm run apikey -- list
  npm run apikey -- revoke <id or key prefix>`;

function describe(row: ApiKeyRow): string {
  const state = row.revoked_at
    ? `revoked ${row.revoked_at.toISOString()}`
    : row.expires_at
      ? `expires ${row.expires_at.toISOString()}`
      : 'no expiry';
  return `${row.id}\t${row.key_prefix}…\t${row.role}\t${row.clearance}\t${state}\t${row.name}`;
}

/** The command's database, as DATABASE_URL or DATA_DIR in its environment say. */
function open(env: NodeJS.ProcessEnv) {
  return openCommandDatabase(loadConfig(env));
}

async function create(values: Record<string, string | undefined>, io: CliIo): Promise<number> {
  const role = values.role;
  const name = values.name?.trim();
  const clearance = values.clearance ?? 'CLEAR';
  if (!role || !(ROLES as readonly string[]).includes(role))
    throw new UsageError(
      `expected --role to be one of ${ROLES.join(', ')}, got ${JSON.stringify(role ?? '')}`,
    );
  if (!name || name.length > 200) throw new UsageError('expected --name with 1 to 200 characters');
  if (!(MARKINGS as readonly string[]).includes(clearance))
    throw new UsageError(
      `expected --clearance to be one of ${MARKINGS.join(', ')}, got ${JSON.stringify(clearance)}`,
    );
  const expiresAt = values.expires ? new Date(values.expires) : null;
  if (expiresAt && (Number.isNaN(expiresAt.getTime()) || expiresAt <= new Date()))
    throw new UsageError(
      `expected --expires to be a future date, got ${JSON.stringify(values.expires)}`,
    );
  const database = await open(io.env);
  try {
    const { key, row } = await issueApiKey(database.db, {
      name,
      role: role as Role,
      clearance: clearance as Marking,
      expiresAt,
      createdBy: 'apikey command',
    });
    io.out(
      `created API key ${row.id} for ${row.name}: role ${row.role}, clearance ${row.clearance}${row.expires_at ? `, expires ${row.expires_at.toISOString()}` : ''}`,
    );
    io.out('store it now, it is not shown again:');
    io.out(key);
  } finally {
    await database.close();
  }
  return 0;
}

async function list(io: CliIo): Promise<number> {
  const database = await open(io.env);
  try {
    const keys = await listApiKeys(database.db);
    io.out('id\tprefix\trole\tclearance\tstate\tname');
    for (const row of keys) io.out(describe(row));
  } finally {
    await database.close();
  }
  return 0;
}

async function revoke(target: string | undefined, io: CliIo): Promise<number> {
  if (!target) throw new UsageError('expected the id or prefix of the key to revoke');
  const database = await open(io.env);
  try {
    const keys = await listApiKeys(database.db);
    const matches = keys.filter(
      (row) => String(row.id) === target || row.key_prefix === target.replace(/…$/, ''),
    );
    if (matches.length !== 1)
      throw new UsageError(
        matches.length === 0
          ? `no API key ${target}`
          : `${target} matches ${matches.length} keys; use the id`,
      );
    const revoked = await revokeApiKey(database.db, matches[0]?.id ?? 0);
    if (revoked) io.out(`revoked: ${describe(revoked)}`);
  } finally {
    await database.close();
  }
  return 0;
}

/** `npm run apikey -- <command> …`; tests call it in-process with their own environment. */
export const main = command(USAGE, async (args, io) => {
  const { positionals, values } = parseArgs({
    args,
    allowPositionals: true,
    options: {
      role: { type: 'string' },
      name: { type: 'string' },
      clearance: { type: 'string' },
      expires: { type: 'string' },
    },
  });
  const [name, target] = positionals;
  if (name === 'create') return create(values, io);
  if (name === 'list') return list(io);
  if (name === 'revoke') return revoke(target, io);
  throw new UsageError(name ? `unknown command ${JSON.stringify(name)}` : 'expected a command');
});

await runAsProgram(import.meta.url, main);
