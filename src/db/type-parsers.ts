import pg from 'pg';

const { types } = pg;

/**
 * Per-pool type parsers. int8 ids fit well inside 2^53 here, and numbers make dataloader keys
 * match exactly; `date` stays a 'YYYY-MM-DD' string so no time zone can shift a valid-time day.
 */
const parsers: Partial<Record<number, (value: string) => unknown>> = {
  [types.builtins.INT8]: (value) => Number(value),
  [types.builtins.NUMERIC]: (value) => Number(value),
  [types.builtins.DATE]: (value) => value,
};

export const typeParsers = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    parsers[oid] ?? types.getTypeParser(oid, format)) as typeof types.getTypeParser,
};
