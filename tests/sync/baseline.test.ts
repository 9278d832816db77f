import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordBaseline, vacuumChanges } from '../../src/sync/change.repository.js';
import { insertActor, insertBriefing } from '../factories/records.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

// Start-up gives every record written without the change feed (bulk loads, older data) its
// first change, in one check statement; a second start finds nothing to record.

let database: TestDatabase;

beforeAll(async () => {
  database = await createTestDatabase();
});
afterAll(() => database.close());

describe('the change-feed baseline at start', () => {
  it('records a change for each record without one, once, in one check statement', async () => {
    const { db } = database;
    await db.transaction().execute((trx) => recordBaseline(trx));
    const briefing = await insertBriefing(db);
    const actor = await insertActor(db);
    database.statements.reset();
    expect(await db.transaction().execute((trx) => recordBaseline(trx))).toBe(2);
    const changes = await db
      .selectFrom('change')
      .select(['entity_type', 'entity_id', 'operation'])
      .where((eb) =>
        eb.or([
          eb.and([eb('entity_type', '=', 'Briefing'), eb('entity_id', '=', briefing.id)]),
          eb.and([eb('entity_type', '=', 'Actor'), eb('entity_id', '=', actor.id)]),
        ]),
      )
      .orderBy('entity_type')
      .execute();
    expect(changes).toEqual([
      { entity_type: 'Actor', entity_id: actor.id, operation: 'UPSERT' },
      { entity_type: 'Briefing', entity_id: briefing.id, operation: 'UPSERT' },
    ]);
    database.statements.reset();
    expect(await db.transaction().execute((trx) => recordBaseline(trx))).toBe(0);
    // begin, the check, commit.
    expect(database.statements.count).toBe(3);
    await vacuumChanges(db);
    expect(await db.transaction().execute((trx) => recordBaseline(trx))).toBe(0);
  });
});
