import type { ExecutionResult } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { prepareStatement } from '../db/prepared-statements.js';
import { compileOperation } from './compile.js';

/**
 * Answers a read with one compiled statement when every field it selects declares its SQL
 * (see compile.ts); otherwise, and whenever that statement fails, the operation executes on
 * the loader path, which answers with the same JSON and raises the errors with their paths.
 * Registered before the execution time limit, which then bounds both paths.
 */
export function compiledReadsPlugin(): Plugin {
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const ctx = args.contextValue as Context;
        const statement = compileOperation(
          args.schema,
          args.document,
          args.operationName,
          args.variableValues,
          ctx,
        );
        if (statement) {
          try {
            const query = statement.compile(ctx.db);
            prepareStatement(query.sql);
            const { rows } = await ctx.db.executeQuery(query);
            const [row] = rows;
            if (row) return { data: row.data } as ExecutionResult;
          } catch (error) {
            ctx.logger.debug('compiled read failed; answering on the loader path', {
              error: error instanceof Error ? error.message : String(error),
            });
          }
        }
        return executeFn(args);
      });
    },
  };
}
