import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// A dependency nobody imports still costs install time, audit noise and a supply-chain risk;
// this fails when one is left behind after the code that used it is gone.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

interface Manifest {
  scripts?: Record<string, string>;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function manifest(file: string): Manifest {
  return JSON.parse(readFileSync(file, 'utf8')) as Manifest;
}

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const file = path.join(directory, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' ? [] : filesUnder(file);
    return /\.(ts|js|mjs)$/.test(entry.name) ? [file] : [];
  });
}

/** Package names imported (statically or dynamically) by the files, `node:` builtins aside. */
function importedPackages(files: string[]): Set<string> {
  const found = new Set<string>();
  const specifier = /(?:from\s+|import\s*\(\s*|import\s+)['"]([^'".][^'"]*)['"]/g;
  for (const file of files) {
    for (const match of readFileSync(file, 'utf8').matchAll(specifier)) {
      const name = match[1] ?? '';
      if (name.startsWith('node:')) continue;
      const parts = name.split('/');
      found.add(parts.slice(0, name.startsWith('@') ? 2 : 1).join('/'));
    }
  }
  return found;
}

/** Packages a used package asks its host to install (e.g. graphql for Pothos). */
function peersOf(used: Iterable<string>): Set<string> {
  const peers = new Set<string>();
  for (const name of used) {
    try {
      const own = manifest(path.join(ROOT, 'node_modules', name, 'package.json'));
      for (const peer of Object.keys(own.peerDependencies ?? {})) peers.add(peer);
    } catch {
      // Not installed at the root (a bench-only package, say): it has no peers here.
    }
  }
  return peers;
}

const root = manifest(path.join(ROOT, 'package.json'));
const scripts =
  Object.values(root.scripts ?? {}).join('\n') + readFileSync(path.join(ROOT, '.ci/run'), 'utf8');
const runtimeImports = importedPackages(
  ['src', 'migrations'].flatMap((dir) => filesUnder(path.join(ROOT, dir))),
);
const allImports = new Set([
  ...runtimeImports,
  ...importedPackages([
    ...filesUnder(path.join(ROOT, 'tests')),
    ...readdirSync(ROOT)
      .filter((name) => /\.(ts|js)$/.test(name))
      .map((name) => path.join(ROOT, name)),
  ]),
]);
const peers = peersOf(allImports);

/** Used: imported, a peer of something imported, run by a script, or its @types. */
function isUsed(name: string, imports: Set<string>): boolean {
  const typed = name.startsWith('@types/') ? name.slice('@types/'.length) : null;
  return (
    imports.has(name) ||
    peers.has(name) ||
    new RegExp(`(^|[\\s/])${name.replace(/[/@.-]/g, '\\$&')}(\\s|$)`, 'm').test(scripts) ||
    (typed !== null && (typed === 'node' || imports.has(typed)))
  );
}

describe('dependencies', () => {
  it('lists only runtime dependencies that src/ or migrations/ use', () => {
    const unused = Object.keys(root.dependencies ?? {}).filter(
      (name) => !isUsed(name, runtimeImports),
    );
    expect(unused).toEqual([]);
  });

  it('lists only development dependencies that tests, configs or scripts use', () => {
    const unused = Object.keys(root.devDependencies ?? {}).filter(
      (name) => !isUsed(name, allImports),
    );
    expect(unused).toEqual([]);
  });
});
