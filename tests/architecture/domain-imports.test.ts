import { readdirSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImportGraph, SRC } from './import-graph.js';

/**
 * A domain folder is one with its own SQL (STYLE.md: one folder per domain, each with an
 * x.repository.ts), so a new domain is checked without being listed here.
 */
const DOMAINS = new Set(
  readdirSync(SRC, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .filter((entry) =>
      readdirSync(path.join(SRC, entry.name)).some((file) => file.endsWith('.repository.ts')),
    )
    .map((entry) => entry.name),
);

/**
 * Imports from one domain folder into another that are known and not yet removed. Domains should
 * reach each other through the refs in src/refs.ts only (a list of one domain's records under
 * another's is declared by the listed domain, on the parent's ref), and share visibility through
 * src/visibility/; remove an entry when its import goes, and add none.
 */
const KNOWN_SIDEWAYS = [
  // A briefing's new body moves its claims' quote spans in the same transaction.
  'briefings/briefing.service.ts → claims/claim.repository.ts',
];

const folderOf = (module: string) => module.split('/')[0] ?? '';

function sidewaysImports(): string[] {
  return [...readImportGraph()].flatMap(([module, imports]) =>
    imports
      .filter((target) => DOMAINS.has(folderOf(module)) && DOMAINS.has(folderOf(target)))
      .filter((target) => folderOf(target) !== folderOf(module))
      .map((target) => `${module} → ${target}`),
  );
}

describe('domain folders', () => {
  it('are found by their repositories', () => {
    expect([...DOMAINS].sort()).toEqual(
      expect.arrayContaining(['actors', 'audit', 'briefings', 'claims', 'sources']),
    );
  });

  it('import from each other only where already known', () => {
    const unknown = sidewaysImports().filter((edge) => !KNOWN_SIDEWAYS.includes(edge));
    expect(unknown).toEqual([]);
  });

  it('list no known sideways import that is gone (remove the entry)', () => {
    const current = new Set(sidewaysImports());
    expect(KNOWN_SIDEWAYS.filter((edge) => !current.has(edge))).toEqual([]);
  });

  it('share visibility through src/visibility/, which imports only db/ and common/', () => {
    const below = new Set(['db', 'common', 'visibility']);
    const upward = [...readImportGraph()]
      .filter(([module]) => folderOf(module) === 'visibility')
      .flatMap(([module, imports]) =>
        imports.filter((target) => !below.has(folderOf(target))).map((t) => `${module} → ${t}`),
      );
    expect(upward).toEqual([]);
  });
});
