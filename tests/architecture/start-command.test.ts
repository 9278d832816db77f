import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// The server's node flags (its memory settings) live in `npm start`; the container and the
// benchmark must run the same command, or production and the measured server drift apart.

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const start = (
  JSON.parse(readFileSync(`${ROOT}/package.json`, 'utf8')) as { scripts: { start: string } }
).scripts.start;

describe('the start command', () => {
  it('fixes V8’s old-generation growth, which otherwise keeps large answers’ garbage as RSS', () => {
    expect(start).toBe('node --heap-growing-percent=100 dist/src/server.js');
  });

  it('is the container’s command', () => {
    const cmd = /^CMD (\[.*\])$/m.exec(readFileSync(`${ROOT}/Dockerfile`, 'utf8'))?.[1];
    expect(JSON.parse(cmd ?? 'null')).toEqual(start.split(' '));
  });
});
