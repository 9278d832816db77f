import { createGraphQLError, type Plugin } from 'graphql-yoga';

/**
 * Answers an execution that runs past `timeoutMs` with a TIMEOUT error. The statements it
 * started are cancelled by PostgreSQL's statement_timeout (see bootstrap), not by this.
 */
export function executionTimeoutPlugin(timeoutMs: number): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        let timer: NodeJS.Timeout | undefined;
        const timedOut = new Promise<never>((_resolve, reject) => {
          timer = setTimeout(
            () =>
              reject(
                createGraphQLError(`execution exceeded the time limit of ${timeoutMs} ms`, {
                  extensions: { code: 'TIMEOUT', http: { status: 503 } },
                }),
              ),
            timeoutMs,
          );
        });
        try {
          return await Promise.race([executeFn(args), timedOut]);
        } finally {
          clearTimeout(timer);
        }
      });
    },
  };
}
