import { randomUUID } from 'node:crypto';
import { openSync, readdirSync, readSync, closeSync, statSync } from 'node:fs';
import path from 'node:path';
import pg from 'pg';

/**
 * Counts the SQL statements PostgreSQL itself executes for a database, from its server log.
 *
 * `pg_stat_statements` needs `shared_preload_libraries` (a server restart, which would disturb
 * everyone else using this PostgreSQL), so instead `log_statement = 'all'` is set for the bench
 * database only (`ALTER DATABASE … SET`, applied to new sessions), and the log lines that carry
 * that database name (`log_line_prefix` has `%d`) and a `statement:` or `execute …:` message are
 * counted between two offsets of the log file. The file is found by raising a marker with
 * `RAISE LOG` and looking for it (or taken from BENCH_PG_LOG).
 */
export class StatementCounter {
  private constructor(
    readonly file: string,
    private readonly database: string,
  ) {}

  static async open(databaseUrl: string): Promise<StatementCounter | { unavailable: string }> {
    const database = decodeURIComponent(new URL(databaseUrl).pathname.slice(1));
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      const prefix =
        (await client.query<{ p: string }>('select current_setting($1) as p', ['log_line_prefix']))
          .rows[0]?.p ?? '';
      if (!prefix.includes('%d')) return { unavailable: `log_line_prefix (${prefix}) lacks %d` };
      const current = (await client.query<{ f: string | null }>('select pg_current_logfile() as f'))
        .rows[0]?.f;
      const dataDir = (await client.query<{ d: string }>('show data_directory')).rows[0]?.d ?? '';
      const candidates = [
        process.env.BENCH_PG_LOG,
        current ? path.resolve(dataDir, current) : undefined,
        ...safeList('/var/log/postgresql'),
      ].filter((f): f is string => Boolean(f));
      const marker = `bench-marker-${randomUUID()}`;
      const sizes = new Map(candidates.map((f) => [f, safeSize(f)]));
      await client.query(`do $$ begin raise log '${marker}'; end $$`);
      for (let attempt = 0; attempt < 20; attempt++) {
        for (const file of candidates) {
          if (readFrom(file, sizes.get(file) ?? 0).includes(marker)) {
            await client.query(`alter database ${database} set log_statement = 'all'`);
            return new StatementCounter(file, database);
          }
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      return { unavailable: `the server log was not found among ${candidates.join(', ')}` };
    } catch (error) {
      return { unavailable: `cannot read the server log: ${String(error)}` };
    } finally {
      await client.end();
    }
  }

  offset(): number {
    return safeSize(this.file);
  }

  /** Statements logged for the bench database since `from` (waits briefly for the log to settle). */
  async countSince(from: number): Promise<{ count: number; sample: string[] }> {
    let last = -1;
    for (let i = 0; i < 20; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      const size = safeSize(this.file);
      if (size === last) break;
      last = size;
    }
    const text = readFrom(this.file, from);
    const needle = `@${this.database} `;
    const lines = text
      .split('\n')
      .filter((line) => line.includes(needle) && /LOG:\s+(statement|execute [^:]*):/.test(line));
    return { count: lines.length, sample: lines.slice(0, 12).map((l) => l.slice(0, 300)) };
  }

  async close(databaseUrl: string): Promise<void> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    try {
      await client.query(`alter database ${this.database} reset log_statement`);
    } finally {
      await client.end();
    }
  }
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir)
      .filter((f) => f.endsWith('.log'))
      .map((f) => path.join(dir, f));
  } catch {
    return [];
  }
}

function safeSize(file: string): number {
  try {
    return statSync(file).size;
  } catch {
    return 0;
  }
}

function readFrom(file: string, from: number): string {
  try {
    const size = statSync(file).size;
    if (size <= from) return '';
    const fd = openSync(file, 'r');
    try {
      const buffer = Buffer.alloc(size - from);
      readSync(fd, buffer, 0, buffer.length, from);
      return buffer.toString('utf8');
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
