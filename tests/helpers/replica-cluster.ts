import { execFile } from 'node:child_process';
import { access, appendFile, chown, mkdtemp, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { freePort } from './server-process.js';

const run = promisify(execFile);

/** PostgreSQL 15, as production runs (Debian's packaged binaries). */
export const POSTGRES_BIN = '/usr/lib/postgresql/15/bin';

/**
 * Why this machine cannot build the topology, or null when it can: the binaries must be there
 * and the test must run as root, to run them as the `postgres` OS user (which the PostgreSQL
 * pass does).
 */
export async function replicaClusterUnavailable(): Promise<string | null> {
  if (process.getuid?.() !== 0) return 'not running as root (PostgreSQL runs as user postgres)';
  try {
    await access(path.join(POSTGRES_BIN, 'initdb'));
  } catch {
    return `no PostgreSQL 15 binaries in ${POSTGRES_BIN}`;
  }
  return null;
}

export interface ReplicaCluster {
  /** postgres://… of the primary's `postgres` database. */
  primaryUrl: string;
  /** The same database on the streaming replica. */
  replicaUrl: string;
  stopReplica(): Promise<void>;
  /** Stops both servers and removes their directories. Safe to call twice. */
  remove(): Promise<void>;
}

/** Runs a PostgreSQL binary as the `postgres` OS user (the servers refuse to run as root). */
async function asPostgres(binary: string, args: string[]): Promise<void> {
  try {
    await run('runuser', ['-u', 'postgres', '--', path.join(POSTGRES_BIN, binary), ...args]);
  } catch (error) {
    const { stderr } = error as { stderr?: string };
    throw new Error(`${binary} ${args.join(' ')} failed: ${stderr ?? String(error)}`, {
      cause: error,
    });
  }
}

/** Settings appended to a server's postgresql.conf: loopback only, no Unix socket, no fsync. */
function settings(port: number, extra: Record<string, string> = {}): string {
  const lines = {
    listen_addresses: `'127.0.0.1'`,
    port: String(port),
    unix_socket_directories: `''`,
    // A throwaway cluster: durability is not what the test is about, speed is.
    fsync: 'off',
    full_page_writes: 'off',
    ...extra,
  };
  return `\n${Object.entries(lines)
    .map(([name, value]) => `${name} = ${value}`)
    .join('\n')}\n`;
}

/**
 * A primary and a streaming replica of it, each on a free port, in a temporary directory owned
 * by `postgres`: `initdb`, then `prepare` runs against the primary (migrate, seed, keys), then
 * `pg_basebackup -R` copies it and the replica starts streaming. `applyDelayMs` holds every
 * commit back on the replica that long (recovery_min_apply_delay), so a read sent there right
 * after a write is reliably stale. Never the machine's shared cluster.
 */
export async function createReplicaCluster(options: {
  applyDelayMs: number;
  prepare: (primaryUrl: string) => Promise<void>;
}): Promise<ReplicaCluster> {
  const dir = await mkdtemp(path.join(os.tmpdir(), 'briefgraph-replicas-'));
  const { stdout: uid } = await run('id', ['-u', 'postgres']);
  const { stdout: gid } = await run('id', ['-g', 'postgres']);
  await chown(dir, Number(uid), Number(gid));
  const primaryDir = path.join(dir, 'primary');
  const replicaDir = path.join(dir, 'replica');
  const started: string[] = [];
  const stop = async (dataDir: string) => {
    if (!started.includes(dataDir)) return;
    started.splice(started.indexOf(dataDir), 1);
    await asPostgres('pg_ctl', ['-D', dataDir, '-m', 'immediate', '-w', 'stop']).catch(
      () => undefined,
    );
  };
  const remove = async () => {
    await stop(replicaDir);
    await stop(primaryDir);
    await rm(dir, { recursive: true, force: true });
  };
  const start = async (dataDir: string, log: string) => {
    await asPostgres('pg_ctl', [
      '-D',
      dataDir,
      '-l',
      path.join(dir, log),
      '-w',
      '-t',
      '30',
      'start',
    ]);
    started.push(dataDir);
  };
  try {
    const [primaryPort, replicaPort] = [await freePort(), await freePort()];
    // initdb's default pg_hba.conf already trusts replication connections from 127.0.0.1.
    await asPostgres('initdb', [
      '-D',
      primaryDir,
      '-U',
      'postgres',
      '--auth=trust',
      '-N',
      '-E',
      'UTF8',
      '--locale=C.UTF-8',
    ]);
    await appendFile(primaryDir + '/postgresql.conf', settings(primaryPort));
    await start(primaryDir, 'primary.log');
    const primaryUrl = `postgres://postgres@127.0.0.1:${primaryPort}/postgres`;
    await options.prepare(primaryUrl);
    await asPostgres('pg_basebackup', [
      ...['-h', '127.0.0.1', '-p', String(primaryPort), '-U', 'postgres'],
      ...['-D', replicaDir, '-R', '-X', 'stream', '-c', 'fast', '-N'],
    ]);
    await appendFile(
      replicaDir + '/postgresql.conf',
      settings(replicaPort, { recovery_min_apply_delay: `'${options.applyDelayMs}ms'` }),
    );
    await start(replicaDir, 'replica.log');
    return {
      primaryUrl,
      replicaUrl: `postgres://postgres@127.0.0.1:${replicaPort}/postgres`,
      async stopReplica() {
        if (!started.includes(replicaDir)) return;
        started.splice(started.indexOf(replicaDir), 1);
        await asPostgres('pg_ctl', ['-D', replicaDir, '-m', 'fast', '-w', 'stop']);
      },
      remove,
    };
  } catch (error) {
    await remove();
    throw error;
  }
}
