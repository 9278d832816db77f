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
 * reach each other through the refs in src/refs.ts only; remove an entry when its import goes,
 * and add none.
 */
const KNOWN_SIDEWAYS = [
  // A record's visibility depends on another domain's records (a claim on its subject actor,
  // an audit entry on the records it names): candidates for db/visibility.ts.
  'audit/audit.repository.ts → actors/actor.repository.ts',
  'audit/audit.repository.ts → actors/actor-relationship.repository.ts',
  'audit/audit.repository.ts → briefings/briefing.repository.ts',
  'audit/audit.repository.ts → claims/claim.repository.ts',
  'audit/audit.repository.ts → sources/source.repository.ts',
  'briefings/briefing.repository.ts → actors/actor.repository.ts',
  'claims/claim.repository.ts → actors/actor.repository.ts',
  // The same import, moved with a claim's object actors out of claim.repository.ts (issue 13).
  'claims/claim-objects.repository.ts → actors/actor.repository.ts',
  'claims/claim.repository.ts → actors/actor-relationship.repository.ts',
  // One domain's records listed per parent of another (a briefing's sources, an actor's
  // claims): to go with the shared listings of issue 11, point 5.
  'actors/actor.schema.ts → briefings/briefing.repository.ts',
  'actors/actor.schema.ts → claims/claim.schema.ts',
  'actors/actor-relationship.schema.ts → claims/claim.schema.ts',
  'briefings/briefing.schema.ts → actors/actor.repository.ts',
  'briefings/briefing.schema.ts → claims/claim.schema.ts',
  'briefings/briefing.schema.ts → sources/source.repository.ts',
  'claims/claim.schema.ts → sources/source.repository.ts',
  'sources/source.schema.ts → claims/citation.schema.ts',
  'sources/source.schema.ts → claims/citation.repository.ts',
  // A write that spans domains is one transaction in one service (adding a claim checks its
  // briefing's text and locks its actors and sources): services call the other domains'
  // repositories, downward in the layering, never their schema or mutations.
  'actors/actor-relationship.service.ts → claims/claim.repository.ts',
  'briefings/briefing.service.ts → claims/claim.repository.ts',
  'briefings/briefing.service.ts → sources/source.repository.ts',
  'claims/citation.service.ts → sources/source.repository.ts',
  'claims/claim.service.ts → actors/actor.repository.ts',
  'claims/claim.service.ts → briefings/briefing.service.ts',
  'claims/claim.service.ts → briefings/briefing.repository.ts',
  'claims/claim.service.ts → sources/source.repository.ts',
  'embargo/publish.service.ts → actors/actor.repository.ts',
  'embargo/publish.service.ts → actors/actor-relationship.repository.ts',
  'embargo/publish.service.ts → sources/source.repository.ts',
  // Search ranks every domain's records, and a hit must pass that domain's own builder of
  // visible rows (clearance, embargo, merged actors), as audit entries do.
  'search/search.repository.ts → actors/actor.repository.ts',
  'search/search.repository.ts → briefings/briefing.repository.ts',
  'search/search.repository.ts → claims/claim.repository.ts',
  'search/search.repository.ts → sources/source.repository.ts',
  // The change feed decides, per change, who may see the record through each domain's own
  // builder of visible rows, as search hits and audit entries do.
  'sync/change.repository.ts → actors/actor.repository.ts',
  'sync/change.repository.ts → actors/actor-relationship.repository.ts',
  'sync/change.repository.ts → briefings/briefing.repository.ts',
  'sync/change.repository.ts → claims/claim.repository.ts',
  'sync/change.repository.ts → sources/source.repository.ts',
  // The caller of a request, which every layer reads (builder, context, hardening, mutations).
  'persisted/persisted-plugin.ts → auth/viewer.ts',
  'sync/audiences.ts → auth/viewer.ts',
];

function sidewaysImports(): string[] {
  const folderOf = (module: string) => module.split('/')[0] ?? '';
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
});
