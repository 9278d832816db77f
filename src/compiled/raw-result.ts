import type { ExecutionResult } from 'graphql';

/**
 * The compiled statement's answer as PostgreSQL wrote it. Parsing that JSON only for Yoga to
 * write it out again cost most of a large read's Node CPU and heap (a Q1x2 answer is ~200 KB),
 * so the text goes into the response as it is; `data` is parsed only if something reads it.
 */
const RAW_TEXT = Symbol('compiled JSON text');

type RawJsonResult = ExecutionResult & {
  [RAW_TEXT]: string;
  /** Yoga's regular result processor writes the result with this when it is present. */
  stringify: (result: ExecutionResult) => string;
};

export function rawJsonResult(dataText: string): ExecutionResult {
  let parsed: ExecutionResult['data'];
  const result: RawJsonResult = {
    [RAW_TEXT]: dataText,
    get data() {
      parsed ??= JSON.parse(dataText) as ExecutionResult['data'];
      return parsed;
    },
    // A plugin that added errors or extensions gets them written the ordinary way.
    stringify: (written) => (written === result ? `{"data":${dataText}}` : JSON.stringify(written)),
  };
  return result;
}

/** The length of a compiled answer's JSON text; undefined for any other result. */
export function rawJsonLength(result: ExecutionResult): number | undefined {
  return RAW_TEXT in result ? (result as RawJsonResult)[RAW_TEXT].length : undefined;
}
