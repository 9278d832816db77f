import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.js';

// README's Configuration and Limits tables promise their defaults; each must also be accepted
// when an operator writes it down explicitly (TRUSTED_MAX_COST's 20,000,000 once was refused).

/** `VARIABLE` → default as README's tables write it (`A` / `B` rows give two of each). */
function documentedDefaults(): Map<string, string> {
  const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
  const defaults = new Map<string, string>();
  for (const line of readme.split('\n')) {
    const cells = line.split('|').map((cell) => cell.trim());
    const names = [...(cells[1] ?? '').matchAll(/`([A-Z][A-Z0-9_]+)`/g)].map((m) => m[1] ?? '');
    const values = [...(cells[2] ?? '').matchAll(/`([^`]+)`/g)].map((m) => m[1] ?? '');
    if (names.length === 0 || names.length !== values.length) continue;
    names.forEach((name, index) => defaults.set(name, values[index] ?? ''));
  }
  return defaults;
}

describe('configuration defaults', () => {
  const defaults = documentedDefaults();
  const numeric = [...defaults].filter(([, value]) => /^[0-9]+$/.test(value));

  it('documents every limit with a number', () => {
    expect(numeric.length).toBeGreaterThan(25);
    expect(defaults.get('TRUSTED_MAX_COST')).toBe('20000000');
  });

  it.each(numeric)('accepts %s=%s set explicitly, and it is the default', (name, value) => {
    const implicit = loadConfig({});
    const explicit = loadConfig({ [name]: value });
    expect(explicit).toEqual(implicit);
  });

  it('accepts a trusted cost limit above 10,000,000', () => {
    expect(loadConfig({ TRUSTED_MAX_COST: '50000000' }).trustedLimits.cost).toBe(50_000_000);
  });

  it('serves metrics only when METRICS_PORT is set, on loopback unless told otherwise', () => {
    expect(loadConfig({}).metrics).toBeNull();
    expect(loadConfig({ METRICS_PORT: '9464' }).metrics).toEqual({
      port: 9464,
      host: '127.0.0.1',
    });
    expect(() => loadConfig({ SHUTDOWN_TIMEOUT_MS: '-1' })).toThrow(/SHUTDOWN_TIMEOUT_MS/);
  });

  it('traces only when OTEL_TRACING is on, under OTEL_SERVICE_NAME or briefgraph', () => {
    expect(loadConfig({}).tracing).toBeNull();
    expect(loadConfig({ OTEL_TRACING: 'off', OTEL_SERVICE_NAME: 'x' }).tracing).toBeNull();
    expect(loadConfig({ OTEL_TRACING: 'on' }).tracing).toEqual({ serviceName: 'briefgraph' });
    expect(loadConfig({ OTEL_TRACING: 'on', OTEL_SERVICE_NAME: 'api-eu' }).tracing).toEqual({
      serviceName: 'api-eu',
    });
    expect(() => loadConfig({ OTEL_TRACING: 'yes' })).toThrow(/OTEL_TRACING/);
  });

  it('carries subscriptions through SUBSCRIPTIONS_REDIS_URL, else REDIS_URL, within their limits', () => {
    expect(loadConfig({}).subscriptions).toEqual({
      redisUrl: null,
      maxPerCaller: 20,
      maxPerProcess: 1000,
    });
    expect(loadConfig({ REDIS_URL: 'redis://cache:6379' }).subscriptions.redisUrl).toBe(
      'redis://cache:6379',
    );
    expect(
      loadConfig({
        REDIS_URL: 'redis://cache:6379',
        SUBSCRIPTIONS_REDIS_URL: 'redis://events:6379',
      }).subscriptions.redisUrl,
    ).toBe('redis://events:6379');
    expect(() => loadConfig({ SUBSCRIPTIONS_MAX_PER_CALLER: '0' })).toThrow(
      'expected SUBSCRIPTIONS_MAX_PER_CALLER to be an integer in 1..100000, got "0"',
    );
    expect(() => loadConfig({ SUBSCRIPTIONS_MAX: 'many' })).toThrow(
      'expected SUBSCRIPTIONS_MAX to be an integer in 1..1000000, got "many"',
    );
  });

  it('reads replicas, the migration URL and the PgBouncer switches', () => {
    const implicit = loadConfig({});
    expect(implicit).toMatchObject({
      databaseReadUrls: [],
      databaseMigrationUrl: null,
      preparedStatements: true,
      statementTimeoutMs: 10_000,
    });
    expect(
      loadConfig({
        DATABASE_READ_URL: ' postgres://r1/db , postgres://r2/db,',
        DATABASE_MIGRATION_URL: 'postgres://direct/db',
        DATABASE_PREPARED_STATEMENTS: 'off',
        STATEMENT_TIMEOUT_MS: '0',
      }),
    ).toMatchObject({
      databaseReadUrls: ['postgres://r1/db', 'postgres://r2/db'],
      databaseMigrationUrl: 'postgres://direct/db',
      preparedStatements: false,
      statementTimeoutMs: 0,
    });
    expect(loadConfig({ DATABASE_PREPARED_STATEMENTS: 'on' })).toEqual(implicit);
    expect(() => loadConfig({ DATABASE_PREPARED_STATEMENTS: 'no' })).toThrow(
      /DATABASE_PREPARED_STATEMENTS/,
    );
    expect(() => loadConfig({ STATEMENT_TIMEOUT_MS: '50' })).toThrow(
      'expected STATEMENT_TIMEOUT_MS to be 0 or an integer in 100..3600000, got "50"',
    );
    expect(() => loadConfig({ DATABASE_REPLICA_MAX_LAG_MS: '5' })).toThrow(
      /DATABASE_REPLICA_MAX_LAG_MS/,
    );
  });
});
