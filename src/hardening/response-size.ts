import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';
import { rawJsonLength } from '../compiled/raw-result.js';

/**
 * Whether `value`, written as JSON, would take more than `limit` bytes. It walks the value
 * instead of serialising it, and stops as soon as the count passes the limit, so measuring a
 * huge answer costs no more than measuring one of `limit` bytes. It counts UTF-16 code units
 * and no string escapes, a lower bound close enough for a backstop; counting exact bytes made
 * the walk cost as much as the rest of a large answer's request.
 */
export function jsonExceeds(value: unknown, limit: number): boolean {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    let item = pending.pop();
    if (typeof item === 'string') bytes += item.length + 2;
    else if (item === null || typeof item !== 'object') bytes += 5;
    else if (Array.isArray(item)) {
      bytes += 1 + item.length;
      for (let i = item.length - 1; i >= 0; i -= 1) pending.push(item[i]);
    } else {
      // GraphQL errors are written through their toJSON.
      const { toJSON } = item as { toJSON?: unknown };
      if (typeof toJSON === 'function') item = toJSON.call(item) as unknown;
      const fields = item as Record<string, unknown>;
      bytes += 1;
      // Execution results are plain objects: for…in reads them without copying their entries.
      for (const key in fields) {
        const inner = fields[key];
        if (inner === undefined) continue;
        bytes += key.length + 4;
        pending.push(inner);
      }
    }
    if (bytes > limit) return true;
  }
  return false;
}

/**
 * A backstop behind the cost limit and page caps: an execution result larger than
 * `maxBytes` as JSON is replaced by a RESPONSE_TOO_LARGE error before it is serialised, so
 * the server never builds or sends the huge body.
 */
export function responseSizePlugin(maxBytes: number): Plugin {
  return {
    onExecute() {
      return {
        onExecuteDone(payload) {
          return handleStreamOrSingleExecutionResult(payload, ({ result, setResult }) => {
            const raw = rawJsonLength(result);
            if (raw === undefined ? !jsonExceeds(result, maxBytes) : raw <= maxBytes) return;
            setResult({
              data: null,
              errors: [
                createGraphQLError(
                  `expected an answer of at most ${maxBytes} bytes, got more: ask for smaller pages or fewer fields`,
                  { extensions: { code: 'RESPONSE_TOO_LARGE' } },
                ),
              ],
            });
          });
        },
      };
    },
  };
}
