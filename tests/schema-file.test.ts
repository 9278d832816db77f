import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { printableSchema, printableSchemaText } from '../src/schema.js';

describe('schema.graphql', () => {
  it('matches the Pothos schema (run `npm run schema` after changing it)', () => {
    const committed = readFileSync(new URL('../schema.graphql', import.meta.url), 'utf8');
    expect(committed).toBe(printableSchemaText());
  });

  it('describes every type and field, since GraphiQL’s docs are the analysts’ manual', () => {
    const schema = printableSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (
        type.name.startsWith('__') ||
        ['String', 'Int', 'Float', 'Boolean', 'ID'].includes(type.name)
      )
        continue;
      if (!type.description) missing.push(type.name);
    }
    expect(missing).toEqual([]);
  });
});
