import { describe, expect, it } from 'vitest';
import { findCycles, readImportGraph } from './import-graph.js';

describe('imports in src/', () => {
  it('form no cycle (imports flow HTTP → yoga → schema → services → repositories → SQL)', () => {
    const cycles = findCycles(readImportGraph()).map((cycle) => cycle.join(' → '));
    expect(cycles).toEqual([]);
  });

  it('are all read: the graph sees imports, re-exports, type-only and dynamic imports', () => {
    const graph = readImportGraph();
    expect(graph.get('db/open.ts')).toContain('db/embedded.ts');
    expect(graph.get('db/executor.ts')).toContain('db/types.ts');
    expect(graph.get('db/types.ts')).toContain('db/tables.generated.ts');
    expect(graph.get('schema.ts')).toContain('claims/claim.schema.ts');
  });
});

describe('findCycles', () => {
  it('names one cycle per tangle, from its first module back to it', () => {
    const graph = new Map([
      ['a.ts', ['b.ts']],
      ['b.ts', ['c.ts', 'd.ts']],
      ['c.ts', ['a.ts']],
      ['d.ts', ['d.ts']],
      ['e.ts', ['a.ts']],
    ]);
    expect(findCycles(graph)).toEqual(
      expect.arrayContaining([
        ['a.ts', 'b.ts', 'c.ts', 'a.ts'],
        ['d.ts', 'd.ts'],
      ]),
    );
    expect(findCycles(graph)).toHaveLength(2);
  });

  it('finds none in a layered graph', () => {
    const graph = new Map([
      ['a.ts', ['b.ts', 'c.ts']],
      ['b.ts', ['c.ts']],
      ['c.ts', []],
    ]);
    expect(findCycles(graph)).toEqual([]);
  });
});
