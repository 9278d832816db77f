import { readFile } from 'node:fs/promises';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COLUMN_TYPES, generateTableTypes, TABLE_TYPES_FILE } from '../../src/db/codegen.js';
import { VALUE_LISTS, type ValueListName } from '../../src/db/column-values.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

const isValueList = (type: string): type is ValueListName => type in VALUE_LISTS;

describe('src/db/tables.generated.ts', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await createTestDatabase({ seed: false });
  });
  afterAll(() => database.close());

  it('matches the migrated database (run `npm run db:types` after a migration)', async () => {
    const committed = await readFile(TABLE_TYPES_FILE, 'utf8');
    expect(committed).toBe(await generateTableTypes(database.db));
  });

  it('types each column whose CHECK constraint lists its values by that list, in its order', async () => {
    // PostgreSQL prints `col in ('A', 'B')` as `col = ANY (ARRAY['A'::text, 'B'::text])`.
    const { rows } = await sql<{ path: string; definition: string }>`
      select c.conrelid::regclass::text || '.' || a.attname as path,
             pg_get_constraintdef(c.oid) as definition
      from pg_constraint c
      join pg_attribute a on a.attrelid = c.conrelid and a.attnum = c.conkey[1]
      where c.contype = 'c' and cardinality(c.conkey) = 1
        and c.connamespace = 'public'::regnamespace`.execute(database.db);
    const constrained = Object.fromEntries(
      rows
        .filter((row) => row.definition.includes('= ANY (ARRAY['))
        .map((row) => [
          row.path,
          [...row.definition.matchAll(/'([^']*)'::/g)].map((match) => match[1]),
        ]),
    );
    const typed = Object.fromEntries(
      Object.entries(COLUMN_TYPES).flatMap(([path, type]) =>
        isValueList(type) ? [[path, [...VALUE_LISTS[type]]]] : [],
      ),
    );
    expect(typed).toEqual(constrained);
  });
});
