import { chmod, readdir, stat } from 'node:fs/promises';
import path from 'node:path';

/** Every entry under `directory` (itself included) whose mode lets group or others in. */
export async function looseEntries(directory: string): Promise<string[]> {
  const loose: string[] = [];
  const visit = async (entry: string) => {
    const info = await stat(entry);
    if (info.mode & 0o077) loose.push(`${(info.mode & 0o777).toString(8)} ${entry}`);
    if (info.isDirectory())
      for (const name of await readdir(entry)) await visit(path.join(entry, name));
  };
  await visit(directory);
  return loose;
}

/** Opens `directory` and everything in it to everyone, as a careless copy would. */
export async function loosen(directory: string): Promise<void> {
  await chmod(directory, 0o777);
  for (const entry of await readdir(directory, { withFileTypes: true })) {
    const entryPath = path.join(directory, entry.name);
    if (entry.isDirectory()) await loosen(entryPath);
    else if (entry.isFile()) await chmod(entryPath, 0o666);
  }
}
