import { readFileSync } from 'node:fs';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** A file that starts other processes: a server, a browser, a command, the bench harness. */
const STARTS_PROCESSES =
  /['"](node:child_process|playwright-core|\.\.\/helpers\/(server-process|real-server)\.js)['"]/;

/**
 * Files that start other processes go first: they take the longest and mostly wait, so the
 * short in-process files fill the other worker meanwhile instead of one of them being the run's
 * tail. Vitest's own order (failed, then slowest last time, then largest) holds within each group.
 */
export class ProcessesFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const starts = (file: TestSpecification) =>
      STARTS_PROCESSES.test(readFileSync(file.moduleId, 'utf8'));
    return [...sorted.filter(starts), ...sorted.filter((file) => !starts(file))];
  }
}
