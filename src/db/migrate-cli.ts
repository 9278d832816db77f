#!/usr/bin/env node
import { command, runAsProgram, UsageError } from '../cli.js';
import { loadConfig } from '../config.js';
import { migrateDown, migrateToLatest } from './migrate.js';
import { openDatabase } from './open.js';

const USAGE = `usage:
  npm run migrate            (every pending migration)
  npm run migrate -- down    (undo the latest one)`;

/**
 * `npm run migrate` (to latest) or `npm run migrate -- down` (one step back), against
 * DATABASE_URL or the embedded database in DATA_DIR (stop the server first for that one).
 */
export const main = command(USAGE, async (args, io) => {
  const direction = args[0] ?? 'latest';
  if (direction !== 'latest' && direction !== 'down')
    throw new UsageError(`expected "latest" or "down", got ${JSON.stringify(direction)}`);
  const config = loadConfig(io.env);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    maxConnections: 1,
  });
  try {
    const applied =
      direction === 'down' ? await migrateDown(database.db) : await migrateToLatest(database.db);
    io.out(applied.length ? applied.join('\n') : 'nothing to do: the database is up to date');
  } finally {
    await database.close();
  }
  return 0;
});

await runAsProgram(import.meta.url, main);
