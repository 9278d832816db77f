/**
 * Typed values from environment variables, each checked against what it may be. A variable that
 * is unset or empty takes its default; any other value out of range stops the start with a
 * message that names the variable, what it expected and what came.
 */
export interface EnvReader {
  /** An integer in `min..max`. */
  integer(name: string, fallback: number, min: number, max: number): number;
  /** One of `allowed`. */
  oneOf<T extends string>(name: string, allowed: readonly T[], fallback: T): T;
  /** `on` or `off`, as a boolean. */
  isOn(name: string, fallback: 'on' | 'off'): boolean;
  /** A comma-separated list, trimmed, without empty items; unset: empty. */
  list(name: string): string[];
}

export function envReader(env: NodeJS.ProcessEnv): EnvReader {
  const value = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const reader: EnvReader = {
    integer(name, fallback, min, max) {
      const text = value(name);
      if (text === undefined) return fallback;
      const parsed = Number(text);
      if (!Number.isInteger(parsed) || parsed < min || parsed > max) {
        throw new Error(
          `expected ${name} to be an integer in ${min}..${max}, got ${JSON.stringify(text)}`,
        );
      }
      return parsed;
    },
    oneOf(name, allowed, fallback) {
      const text = value(name);
      if (text === undefined) return fallback;
      const found = allowed.find((option) => option === text);
      if (found === undefined) {
        throw new Error(
          `expected ${name} to be one of ${allowed.join(', ')}, got ${JSON.stringify(text)}`,
        );
      }
      return found;
    },
    isOn: (name, fallback) => reader.oneOf(name, ['on', 'off'], fallback) === 'on',
    list: (name) =>
      (env[name] ?? '')
        .split(',')
        .map((item) => item.trim())
        .filter(Boolean),
  };
  return reader;
}
