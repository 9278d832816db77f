import path from 'node:path';
import { inject } from 'vitest';

/**
 * The JavaScript the run compiled from a repository file (`src/server.ts` →
 * `…/src/server.js`), for starting it as a process of its own without tsx.
 */
export function compiled(repoPath: string): string {
  return path.join(inject('testBuild'), repoPath.replace(/\.ts$/, '.js'));
}
