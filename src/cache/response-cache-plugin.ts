import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';

/**
 * What Yoga ran for one request the cache front may store. The front cannot tell by itself:
 * a registered document or an APQ hash names an operation without its text.
 */
export interface CacheProbe {
  queries: number;
  /** Mutations and subscriptions; one of them makes the response unstorable. */
  others: number;
}

/** The server-context property the cache front puts its probe in. */
export const CACHE_PROBE = 'responseCacheProbe';

function probeOf(context: unknown): CacheProbe | undefined {
  // The server context is the prototype (or the base) of the GraphQL context.
  return (context as Record<string, CacheProbe | undefined>)[CACHE_PROBE];
}

/** Records the kind of every operation executed for a request the cache front is watching. */
export function responseCachePlugin(): Plugin {
  return {
    onExecute({ args }) {
      const probe = probeOf(args.contextValue);
      if (!probe) return;
      const operation = getOperationAST(args.document, args.operationName)?.operation;
      if (operation === 'query') probe.queries += 1;
      else probe.others += 1;
    },
    onSubscribe({ args }) {
      const probe = probeOf(args.contextValue);
      if (probe) probe.others += 1;
    },
  };
}
