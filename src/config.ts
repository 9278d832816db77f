import path from 'node:path';

export interface Config {
  port: number;
  host: string;
  /** PostgreSQL 15+; when absent the embedded database in `dataDir` is used. */
  databaseUrl: string | null;
  dataDir: string;
  databasePoolMax: number;
  /** Seed the sample briefing into an empty database at start. */
  seed: boolean;
  logLevel: 'debug' | 'info' | 'warn' | 'error' | 'silent';
}

const LOG_LEVELS = ['debug', 'info', 'warn', 'error', 'silent'] as const;

function integer(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined || value === '') return fallback;
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
    throw new Error(
      `expected ${name} to be an integer in ${min}..${max}, got ${JSON.stringify(value)}`,
    );
  }
  return parsed;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const logLevel = env.LOG_LEVEL ?? 'info';
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    throw new Error(
      `expected LOG_LEVEL to be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`,
    );
  }
  const seed = env.SEED ?? 'true';
  if (seed !== 'true' && seed !== 'false') {
    throw new Error(`expected SEED to be true or false, got ${JSON.stringify(seed)}`);
  }
  return {
    port: integer('PORT', env.PORT, 4000, 0, 65535),
    host: env.HOST || '0.0.0.0',
    databaseUrl: env.DATABASE_URL || null,
    dataDir: path.resolve(env.DATA_DIR || '.data'),
    databasePoolMax: integer('DATABASE_POOL_MAX', env.DATABASE_POOL_MAX, 10, 1, 1000),
    seed: seed === 'true',
    logLevel: logLevel as Config['logLevel'],
  };
}
