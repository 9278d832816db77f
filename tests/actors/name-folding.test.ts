import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { App } from '../../src/yoga.js';
import { insertActor } from '../factories/records.js';
import { createTestApp, query } from '../helpers/graphql.js';
import { createTestDatabase, type TestDatabase } from '../helpers/test-database.js';

let database: TestDatabase;
let app: App;

beforeAll(async () => {
  database = await createTestDatabase({ seed: false });
  app = createTestApp(database);
});
afterAll(() => database.close());

type Names = { totalCount: number; edges: { node: { name: string } }[] };

describe('name folding', () => {
  it('folds Cyrillic and Greek case and letter variants, and still Latin accents', async () => {
    const folded = await sql<Record<string, string>>`select
        fold_text('Артём Ёлкин') as yo, fold_text('ЇЖАК Ґанок') as ukrainian,
        fold_text('ΑΘΉΝΑ Σοφός') as greek, fold_text('Hugo CHÁVEZ Ștefan') as latin,
        fold_text('Сергей') as short_i`.execute(database.db);
    expect(folded.rows[0]).toEqual({
      yo: 'артем елкин',
      ukrainian: 'іжак ганок',
      greek: 'αθηνα σοφοσ',
      latin: 'hugo chavez stefan',
      // й is a letter of its own, not и with a mark.
      short_i: 'сергей',
    });
  });

  it('finds an alias spelled with ё by a search spelled with е, through the indexes', async () => {
    const actor = await insertActor(database.db, { kind: 'PERSON', name: 'Pyotr Fyodorov' });
    await database.db
      .insertInto('actor_alias')
      .values({ actor_id: actor.id, alias: 'Пётр Фёдоров', language: 'ru' })
      .execute();
    await insertActor(database.db, { kind: 'PERSON', name: 'ЛЕНА ЁЖИКОВА' });
    const data = await query<Record<string, Names>>(
      app,
      `{ alias: actors(filter: { name: "петр федоров" }) { totalCount edges { node { name } } }
         upper: actors(filter: { name: "Ежикова" }) { totalCount edges { node { name } } }
         accent: actors(filter: { name: "PYÓTR" }) { totalCount edges { node { name } } } }`,
    );
    expect(data.alias).toEqual({ totalCount: 1, edges: [{ node: { name: 'Pyotr Fyodorov' } }] });
    expect(data.upper).toEqual({ totalCount: 1, edges: [{ node: { name: 'ЛЕНА ЁЖИКОВА' } }] });
    expect(data.accent).toEqual({ totalCount: 1, edges: [{ node: { name: 'Pyotr Fyodorov' } }] });
  });

  it('orders names by their folded form', async () => {
    const order = await sql<{ name: string }>`
      select name from (values ('ёж'), ('еда'), ('Ежевика')) as v(name)
       order by fold_text(name)`.execute(database.db);
    expect(order.rows.map((r) => r.name)).toEqual(['еда', 'ёж', 'Ежевика']);
  });
});
