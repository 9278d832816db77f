import pino from 'pino';
import type { Config } from './config.js';

export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** The process's logger: also flushes what is still buffered, before the process exits. */
export interface ProcessLogger extends Logger {
  flush(): Promise<void>;
}

/**
 * One JSON object per line on stderr (pino), so log shippers need no parser of their own.
 * Lines are buffered and written asynchronously (pino's SonicBoom with `sync: false`): an access
 * line per request costs a serialisation, not a blocking write. `level` is a word, `time` ISO
 * 8601, as the lines looked before pino.
 */
export function createLogger(
  level: Config['logLevel'],
  destination: pino.DestinationStream = pino.destination({ fd: 2, sync: false }),
): ProcessLogger {
  if (level === 'silent') return SILENT;
  const log = pino(
    {
      level,
      base: null,
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
  const at =
    (method: 'debug' | 'info' | 'warn' | 'error') =>
    (message: string, fields?: Record<string, unknown>) => {
      if (fields) log[method](fields, message);
      else log[method](message);
    };
  return {
    debug: at('debug'),
    info: at('info'),
    warn: at('warn'),
    error: at('error'),
    flush: () =>
      new Promise<void>((resolve) => {
        log.flush(() => resolve());
      }),
  };
}

const ignore = () => undefined;

/** Tests make hundreds of silent loggers: none holds a stream. */
const SILENT: ProcessLogger = {
  debug: ignore,
  info: ignore,
  warn: ignore,
  error: ignore,
  flush: () => Promise.resolve(),
};

export function errorFields(error: unknown): Record<string, unknown> {
  return error instanceof Error
    ? { error: error.message, stack: error.stack }
    : { error: String(error) };
}
