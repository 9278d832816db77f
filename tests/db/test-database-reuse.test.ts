import { sql } from 'kysely';
import { describe, expect, inject, it } from 'vitest';
import { capturePristine, type Pristine } from '../helpers/database-reset.js';
import { createTestDatabase } from '../helpers/test-database.js';

// A test file's database is a copy an earlier file of the same worker may have used: it must
// hold exactly the template's data again, whatever that file wrote.

// Rows in the same order too: a file that reads without ORDER BY sees what a fresh copy shows.
const contents = (pristine: Pristine) => ({
  tables: pristine.tables,
  sequences: pristine.sequences,
  fingerprint: pristine.fingerprint,
});

describe('a test database handed on to the next file', () => {
  it('holds the template data again after inserts, updates, deletes and sequence calls', async () => {
    const first = await createTestDatabase();
    const template = contents(await capturePristine(first.db));
    // What the global setup read from the template once, and every copy is restored to.
    const { tables, fingerprint } = inject('testTemplates').pristine.seeded;
    expect({ tables: template.tables, fingerprint: template.fingerprint }).toEqual({
      tables,
      fingerprint,
    });
    await sql`update briefing set title = 'Changed by an earlier file'`.execute(first.db);
    await sql`delete from citation`.execute(first.db);
    await sql`insert into actor (name, kind) select name || ' (copy)', kind from actor`.execute(
      first.db,
    );
    const { rows } = await sql<{ name: string }>`
      select sequencename as name from pg_sequences where schemaname = 'public' limit 1`.execute(
      first.db,
    );
    for (const { name } of rows) await sql`select nextval(${name}::regclass)`.execute(first.db);
    await first.close();

    const second = await createTestDatabase();
    try {
      expect(second.reused).toBe(true);
      expect(contents(await capturePristine(second.db))).toEqual(template);
    } finally {
      await second.close();
    }
  });

  it('is not handed on when a file changed the schema', async () => {
    const first = await createTestDatabase();
    await sql`create function left_behind() returns int language sql as 'select 1'`.execute(
      first.db,
    );
    await first.close();
    const second = await createTestDatabase();
    try {
      expect(second.reused).toBe(false);
      const { rows } = await sql<{ count: number }>`
        select count(*)::int as count from pg_proc where proname = 'left_behind'`.execute(
        second.db,
      );
      expect(rows).toEqual([{ count: 0 }]);
    } finally {
      await second.close();
    }
  });
});
