import { createGraphQLError, handleStreamOrSingleExecutionResult, type Plugin } from 'graphql-yoga';

/**
 * Whether `value`, written as JSON, would take more than `limit` bytes. It walks the value
 * instead of serialising it, and stops as soon as the count passes the limit, so measuring a
 * huge answer costs no more than measuring one of `limit` bytes. String escapes are not
 * counted: the figure is a lower bound, close enough for a backstop.
 */
export function jsonExceeds(value: unknown, limit: number): boolean {
  let bytes = 0;
  const pending: unknown[] = [value];
  while (pending.length > 0) {
    let item = pending.pop();
    if (item !== null && typeof item === 'object' && 'toJSON' in item) {
      const { toJSON } = item;
      if (typeof toJSON === 'function') item = toJSON.call(item) as unknown;
    }
    if (typeof item === 'string') bytes += Buffer.byteLength(item) + 2;
    else if (Array.isArray(item)) {
      bytes += 1 + item.length;
      for (let i = item.length - 1; i >= 0; i -= 1) pending.push(item[i]);
    } else if (item !== null && typeof item === 'object') {
      const entries = Object.entries(item).filter(([, inner]) => inner !== undefined);
      bytes += 1 + entries.length;
      for (const [key, inner] of entries) {
        bytes += Buffer.byteLength(key) + 3;
        pending.push(inner);
      }
    } else bytes += String(item).length;
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
            if (!jsonExceeds(result, maxBytes)) return;
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
