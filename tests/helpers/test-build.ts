import path from 'node:path';
import { inject } from 'vitest';

/**
 * The JavaScript the run compiled from a repository file (`src/server.ts` →
 * `…/src/server.js`), for starting it as a process of its own without tsx.
 */
export function compiled(repoPath: string): string {
  return path.join(inject('testBuild'), repoPath.replace(/\.ts$/, '.js'));
}

/**
 * Node flags for every process a test starts. PGlite's WebAssembly then runs on V8's baseline
 * compiler only: optimising its hot functions in the background cost a server process about
 * 1.5 s of CPU while it started, more than the few queries a test sends would win back. It
 * changes how fast the code runs, never what it does.
 */
export const TEST_NODE_FLAGS: readonly string[] = ['--liftoff-only'];
