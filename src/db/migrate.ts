import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import {
  Migrator,
  type Kysely,
  type Migration,
  type MigrationProvider,
  type MigrationResultSet,
} from 'kysely';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../../migrations', import.meta.url));

// Migrations are frozen: they must not depend on the app's table types, so the migrator takes
// a database of any table types (Kysely's Migrator types it as Kysely<any>).

/**
 * Kysely's FileMigrationProvider imports from inside node_modules, where neither tsx nor
 * vitest transform TypeScript; importing from here lets both load the .ts migrations.
 */
const migrationFiles: MigrationProvider = {
  async getMigrations() {
    const files = (await readdir(MIGRATIONS_FOLDER)).filter(
      (f) => /\.(ts|js|mjs)$/.test(f) && !f.endsWith('.d.ts'),
    );
    const entries = await Promise.all(
      files.map(async (file) => {
        const module = (await import(
          new URL(`../../migrations/${file}`, import.meta.url).href
        )) as Migration;
        return [file.replace(/\.(ts|js|mjs)$/, ''), { up: module.up, down: module.down }] as const;
      }),
    );
    return Object.fromEntries(entries);
  },
};

export function createMigrator<Tables>(db: Kysely<Tables>): Migrator {
  return new Migrator({ db, provider: migrationFiles });
}

function unwrap(result: MigrationResultSet): string[] {
  if (result.error) {
    const failed = result.results?.find((r) => r.status === 'Error');
    const cause = result.error instanceof Error ? result.error.message : String(result.error);
    // No failed migration means none ran: the database could not be reached or locked.
    const what = failed
      ? `migration ${failed.migrationName} failed`
      : 'migrating failed before any migration ran';
    throw new Error(`${what}: ${cause}`, { cause: result.error });
  }
  return (result.results ?? []).map((r) => `${r.direction} ${r.migrationName}`);
}

/** Runs every pending migration in one transaction under Kysely's advisory lock. */
export async function migrateToLatest<Tables>(db: Kysely<Tables>): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateToLatest());
}

export async function migrateDown<Tables>(db: Kysely<Tables>): Promise<string[]> {
  return unwrap(await createMigrator(db).migrateDown());
}
