import { createGraphQLError, isPromise, type Plugin } from 'graphql-yoga';

/**
 * When each keyed request's time runs out: set when authentication starts, so the database
 * lookup of an API key and the execution share one deadline of EXECUTION_TIMEOUT_MS.
 */
export type RequestDeadlines = WeakMap<Request, number>;

/** Milliseconds left for `request`; the whole limit when no deadline was set (anonymous calls). */
export function remainingTime(
  deadlines: RequestDeadlines,
  request: Request | undefined,
  timeoutMs: number,
): number {
  const deadline = request && deadlines.get(request);
  return deadline === undefined ? timeoutMs : Math.max(0, deadline - Date.now());
}

/** Settles like `work`, or with `timedOut()` once `ms` have passed, whichever comes first. */
export async function withinTime<T>(work: Promise<T>, ms: number, timedOut: () => T): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expiry = new Promise<T>((resolve) => {
    timer = setTimeout(() => resolve(timedOut()), ms);
  });
  try {
    return await Promise.race([work, expiry]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Answers an execution that runs past the request's deadline with a TIMEOUT error. The
 * statements it started are cancelled by PostgreSQL's statement_timeout (see bootstrap), not by
 * this.
 */
export function executionTimeoutPlugin(timeoutMs: number, deadlines: RequestDeadlines): Plugin {
  return {
    onExecute({ args, executeFn, setExecuteFn }) {
      const { request } = args.contextValue as { request?: Request };
      setExecuteFn((executeArgs) => {
        const execution = executeFn(executeArgs);
        // An execution that finished inside the call (no resolver waited) is within its time.
        if (!isPromise(execution)) return execution;
        return new Promise((resolve, reject) => {
          const timer = setTimeout(
            () =>
              reject(
                createGraphQLError(`execution exceeded the time limit of ${timeoutMs} ms`, {
                  extensions: { code: 'TIMEOUT', http: { status: 503 } },
                }),
              ),
            remainingTime(deadlines, request, timeoutMs),
          );
          execution.then(
            (result) => {
              clearTimeout(timer);
              resolve(result);
            },
            (error: unknown) => {
              clearTimeout(timer);
              reject(error);
            },
          );
        });
      });
    },
  };
}
