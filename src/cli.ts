import { realpathSync } from 'node:fs';
import { pathToFileURL } from 'node:url';

/** Where a command reads its settings and writes its lines: the process, or a test's capture. */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  out(line: string): void;
  err(line: string): void;
}

export const processIo: CliIo = {
  env: process.env,
  out: (line) => console.log(line),
  err: (line) => console.error(line),
};

/** A command line that cannot run: printed with the command's usage, exit code 2. */
export class UsageError extends Error {}

/** A command's entry point: arguments after the command name in, exit code out. */
export type CliMain = (args: string[], io?: CliIo) => Promise<number>;

/** `run` as a command: a UsageError it throws is printed with `usage` and exits with code 2. */
export function command(
  usage: string,
  run: (args: string[], io: CliIo) => Promise<number>,
): CliMain {
  return async (args, io = processIo) => {
    try {
      return await run(args, io);
    } catch (error) {
      if (!(error instanceof UsageError)) throw error;
      io.err(`${error.message}\n\n${usage}`);
      return 2;
    }
  };
}

/**
 * Runs `main` when the file at `moduleUrl` is the program (`tsx src/auth/apikey-cli.ts …`), and
 * does nothing when a test imports it to call `main` in-process. The script path is resolved
 * through symlinks, as Node resolves the module's own URL.
 */
export async function runAsProgram(moduleUrl: string, main: CliMain): Promise<void> {
  const script = process.argv[1];
  if (!script || pathToFileURL(realpathSync(script)).href !== moduleUrl) return;
  process.exitCode = await main(process.argv.slice(2));
}
