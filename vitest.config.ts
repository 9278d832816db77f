import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { ProcessesFirstSequencer } from './tests/helpers/sequencer.js';

const require = createRequire(import.meta.url);

export default defineConfig({
  resolve: {
    // graphql 16 ships CommonJS and .mjs copies. Node (and so Yoga and Pothos) load the CommonJS
    // one; without this alias Vite would hand our code the .mjs one, and `instanceof
    // GraphQLError` would fail across the two copies (our errors would be masked).
    alias: { graphql: require.resolve('graphql') },
  },
  test: {
    include: ['tests/**/*.test.ts'],
    // Migrates and seeds once; each test file then starts from a copy (see the file).
    globalSetup: ['tests/helpers/global-setup.ts'],
    // Each test file gets its own database (PGlite in memory, or a PostgreSQL database when
    // TEST_DATABASE_URL is set), so files run in parallel without seeing each other; a worker
    // hands a copy on to its next file restored to the template's data (tests/helpers).
    pool: 'forks',
    // One worker per core. Against PostgreSQL one more: part of every file's work runs in
    // PostgreSQL's own processes while its worker waits, so a third worker on a 2-core machine
    // keeps both cores busy (the pass 10 % faster here). Embedded, the database runs inside the
    // workers and a third one only adds its own start-up and warm-up (12 % more CPU, no faster).
    maxWorkers: Math.max(2, availableParallelism()) + (process.env.TEST_DATABASE_URL ? 1 : 0),
    // A worker keeps its loaded modules from one file to the next instead of forking afresh and
    // importing the app again (about a second of CPU per file). Files stay independent: each
    // builds its own database and app; what modules keep is the process's, as in production.
    isolate: false,
    // PGlite's WebAssembly on V8's baseline compiler only, as in every process a test starts
    // (tests/helpers/test-build.ts): the background optimising of its hot functions cost more CPU
    // than a test file's queries won back.
    execArgv: ['--liftoff-only'],
    sequence: { sequencer: ProcessesFirstSequencer },
    // Transformed modules are kept on disk (node_modules/.experimental-vitest-cache, keyed by
    // content), so a second run, or CI's second pass, does not transform the sources again.
    experimental: { fsModuleCache: true },
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
