import type { CliMain } from '../../src/cli.js';

/** What a command wrote and how it exited. */
export interface CommandRun {
  code: number;
  /** Its standard output, line by line. */
  out: string[];
  /** Its standard error as written. */
  err: string;
}

/** A command's `main` run in-process with `env` added to this process's environment. */
export async function runCommand(
  main: CliMain,
  args: string[],
  env: Record<string, string>,
): Promise<CommandRun> {
  const out: string[] = [];
  let err = '';
  const code = await main(args, {
    env: { ...process.env, ...env },
    out: (text) => out.push(...text.split('\n')),
    err: (text) => (err += `${text}\n`),
  });
  return { code, out, err };
}
