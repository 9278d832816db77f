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

  // Domains reach each other through the refs in src/refs.ts only (a list of one domain's
  // records under another's is declared by the listed domain, on the parent's ref), share
  // visibility through src/visibility/, and a write across two of them is wired in
  // src/schema.ts (a briefing's body and its claims' quote spans).
  it('do not import from each other', () => {
    expect(sidewaysImports()).toEqual([]);
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
