import { sql } from 'kysely';
import type { Database } from '../../src/db/database.js';

/**
 * A database's data as it was when a test file received it, to put back when the file is done,
 * so the next file in the same worker can start from it instead of from a new copy (a PGlite
 * start, or a CREATE DATABASE and its checkpoint: most of a small file's time). The schema is
 * fingerprinted too: a file that leaves a table, trigger or function behind gets no reuse.
 */
export interface Pristine {
  tables: { name: string; columns: string[]; rows: string; count: string }[];
  sequences: { name: string; value: string; called: boolean }[];
  fingerprint: string;
  /** The transaction id when the data was last pristine. */
  since: string;
}

// Anything in `public` a test could add, change or leave behind, as one comparable text.
const fingerprintQuery = sql<{ fingerprint: string }>`
  select md5(coalesce(string_agg(item, ',' order by item), '')) as fingerprint from (
    select 'rel ' || c.relname || ' ' || c.relkind::text as item
      from pg_class c join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
    union all
    select 'col ' || c.relname || '.' || a.attname || ' ' || a.atttypid::text || ' ' || a.attnotnull::text
      from pg_attribute a join pg_class c on c.oid = a.attrelid
      join pg_namespace n on n.oid = c.relnamespace
      where n.nspname = 'public' and a.attnum > 0 and not a.attisdropped
    union all
    select 'trg ' || t.tgname || ' ' || t.tgenabled::text
      from pg_trigger t join pg_class c on c.oid = t.tgrelid
      join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'public'
    union all
    select 'fn ' || p.oid::regprocedure::text
      from pg_proc p join pg_namespace n on n.oid = p.pronamespace where n.nspname = 'public'
    union all
    select 'con ' || conname from pg_constraint co join pg_namespace n on n.oid = co.connamespace
      where n.nspname = 'public'
  ) items`;

async function fingerprint(db: Database): Promise<string> {
  const { rows } = await fingerprintQuery.execute(db);
  return rows[0]?.fingerprint ?? '';
}

/** The newest transaction id so far: rows written after it have a greater `xmin`. */
async function currentXid(db: Database): Promise<string> {
  const { rows } = await sql<{ xid: string }>`select txid_current()::text as xid`.execute(db);
  return rows[0]?.xid ?? '0';
}

/** A template's tables and schema, the same in every copy of it. */
export type TemplateData = Pick<Pristine, 'tables' | 'fingerprint'>;

/**
 * Reads every table's rows (as PostgreSQL's own JSON, which reads back exactly) and sequence;
 * the tables and schema are taken from `template` when the caller read them already (a copy of
 * PGlite's dump has its own sequence values: recovery moves them on past what was logged).
 */
export async function capturePristine(db: Database, template?: TemplateData): Promise<Pristine> {
  const { rows: sequences } = await sql<{ name: string; value: string; called: boolean }>`
    select sequencename as name, coalesce(last_value, start_value)::text as value,
      last_value is not null as called
    from pg_sequences where schemaname = 'public'`.execute(db);
  const data = template ?? (await captureTemplateData(db));
  return { ...data, sequences, since: await currentXid(db) };
}

/** Every table's rows and the schema's fingerprint. */
export async function captureTemplateData(db: Database): Promise<TemplateData> {
  const { rows: tableRows } = await sql<{ name: string; columns: string[] }>`
    select c.relname as name,
      array_agg(a.attname::text order by a.attnum) filter (where a.attgenerated = '') as columns
    from pg_class c
    join pg_namespace n on n.oid = c.relnamespace
    join pg_attribute a on a.attrelid = c.oid and a.attnum > 0 and not a.attisdropped
    where n.nspname = 'public' and c.relkind in ('r', 'p') and not c.relispartition
    group by c.relname
    order by c.relname`.execute(db);
  const tables = [];
  for (const table of tableRows) {
    const { rows } = await sql<{ rows: string; count: string }>`
      select coalesce(json_agg(t), '[]')::text as rows, count(*)::text as count
      from ${sql.table(table.name)} t`.execute(db);
    tables.push({ ...table, rows: rows[0]?.rows ?? '[]', count: rows[0]?.count ?? '0' });
  }
  return { tables, fingerprint: await fingerprint(db) };
}

/**
 * The tables whose rows differ from pristine: a row written since `since` (inserted or
 * updated: its xmin is newer), or fewer rows (deleted). Test databases never wrap xids around.
 */
async function changedTables(db: Database, pristine: Pristine): Promise<Pristine['tables']> {
  const probes = pristine.tables.map(
    (table, index) => sql`select ${index}::int as index where
      (select count(*) from ${sql.table(table.name)}) <> ${table.count}::bigint
      or exists (select from ${sql.table(table.name)}
        where xmin::text::bigint > ${pristine.since}::bigint)`,
  );
  const { rows } = await sql<{ index: number }>`${sql.join(probes, sql` union all `)}`.execute(db);
  return rows.flatMap(({ index }) => pristine.tables[index] ?? []);
}

/**
 * Puts back the tables a test changed, and every sequence, in one transaction; false when the
 * schema itself was changed (the caller then discards the database). Triggers are off meanwhile
 * (session_replication_role), so neither the audit trail nor the change feed records the
 * restore, and foreign keys impose no order.
 */
export async function restorePristine(db: Database, pristine: Pristine): Promise<boolean> {
  if ((await fingerprint(db)) !== pristine.fingerprint) return false;
  const changed = await changedTables(db, pristine);
  await db.transaction().execute(async (trx) => {
    await sql`set local session_replication_role = replica`.execute(trx);
    // Truncated, not deleted from: the rows go back in their first order, as a fresh copy of
    // the template has them (a delete leaves space a later insert may fill out of order). The
    // cascade empties the tables that refer to them too; they differ from pristine now, so the
    // second look finds them.
    if (changed.length > 0) {
      const names = changed.map((table) => sql.table(table.name));
      await sql`truncate ${sql.join(names)} cascade`.execute(trx);
    }
    for (const table of await changedTables(trx, pristine)) {
      if (table.rows === '[]') continue;
      const columns = sql.join(table.columns.map((column) => sql.ref(column)));
      await sql`insert into ${sql.table(table.name)} (${columns}) overriding system value
        select ${columns} from json_populate_recordset(null::${sql.table(table.name)}, ${table.rows}::json)`.execute(
        trx,
      );
    }
    const sequences = pristine.sequences.map(
      (sequence) =>
        sql`setval(${`public."${sequence.name}"`}::regclass, ${sequence.value}::bigint, ${sequence.called})`,
    );
    if (sequences.length > 0) await sql`select ${sql.join(sequences)}`.execute(trx);
  });
  pristine.since = await currentXid(db);
  return true;
}
