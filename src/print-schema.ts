import { writeFileSync } from 'node:fs';
import { printableSchemaText } from './schema.js';

// `npm run schema`: regenerates the committed contract; a test fails when it is stale.
const target = new URL('../schema.graphql', import.meta.url);
writeFileSync(target, printableSchemaText());
console.log(`wrote ${target.pathname}`);
