import { Kysely, PostgresDialect } from 'kysely';
import pg from 'pg';

/** An admin connection to the server behind TEST_DATABASE_URL, for creating and dropping databases. */
export function adminDatabase(url: string): Kysely<Record<string, never>> {
  return new Kysely({
    dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: url, max: 1 }) }),
  });
}

/** `url` with its database replaced by `name`. */
export function databaseUrl(url: string, name: string): string {
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}
