// The stack's own per-request floor for Q0 (bench/ANALYSIS.md): graphql-yoga 5 with its
// defaults over our schema, none of our plugins, on node:http. Not a peer of the harness; run it
// beside the others by hand:
//   npm run build && PORT=47996 NODE_ENV=production node bench/stack-floor.mjs
import { createServer } from 'node:http';
import process from 'node:process';
import { createYoga } from 'graphql-yoga';
import { schema } from '../dist/src/schema.js';

const yoga = createYoga({
  schema,
  graphqlEndpoint: '/graphql',
  landingPage: false,
  logging: false,
});
createServer(yoga).listen(Number(process.env.PORT ?? 47996), '127.0.0.1');
// Exits on SIGTERM, so `node --cpu-prof` writes its profile.
process.on('SIGTERM', () => process.exit(0));
