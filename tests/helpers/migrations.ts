import { migrateDown } from '../../src/db/migrate.js';
import type { Database } from '../../src/db/database.js';

/**
 * Migrates down one step at a time until `name` has been undone (later migrations first), and
 * returns every step taken: a test of one migration's backfill must not assume it is the newest.
 */
export async function migrateDownThrough(db: Database, name: string): Promise<string[]> {
  const downs: string[] = [];
  while (!downs.includes(`Down ${name}`)) {
    const step = await migrateDown(db);
    if (step.length === 0) throw new Error(`expected migration ${name} to have run`);
    downs.push(...step);
  }
  return downs;
}
