import { readFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateTableTypes, TABLE_TYPES_FILE } from '../../src/db/codegen.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

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
});
