import type { ExecutionResult } from 'graphql';

/**
 * The compiled statement's answer: the whole response body, `{"data":…}`, as PostgreSQL wrote
 * it. Parsing that JSON only for Yoga to write it out again cost most of a large read's Node CPU
 * and heap (a Q1x2 answer is ~200 KB), so the text goes out as it is; `data` is parsed only if
 * something reads it. The body comes whole from PostgreSQL rather than wrapped here: a wrapped
 * string is a rope that Node copies flat before writing, one more ~200 KB string per answer.
 */
const RAW_BODY = Symbol('compiled response body');

/** What the statement writes around the `data` object. */
const BODY_PREFIX = '{"data":';
const BODY_SUFFIX = '}';

type RawJsonResult = ExecutionResult & {
  [RAW_BODY]: string;
  /** Yoga's regular result processor writes the result with this when it is present. */
  stringify: (result: ExecutionResult) => string;
};

export function rawJsonResult(bodyText: string): ExecutionResult {
  let parsed: ExecutionResult['data'];
  const result: RawJsonResult = {
    [RAW_BODY]: bodyText,
    get data() {
      parsed ??= (JSON.parse(bodyText) as ExecutionResult).data;
      return parsed;
    },
    // A plugin that added errors or extensions gets them written the ordinary way.
    stringify: (written) => (written === result ? bodyText : JSON.stringify(written)),
  };
  return result;
}

/** The length of a compiled answer's `data` JSON text; undefined for any other result. */
export function rawJsonLength(result: ExecutionResult): number | undefined {
  return RAW_BODY in result
    ? (result as RawJsonResult)[RAW_BODY].length - BODY_PREFIX.length - BODY_SUFFIX.length
    : undefined;
}
