import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import { prepareStatement } from '../db/prepared-statements.js';
import { compileOperation } from './compile.js';
import { createPlanCache } from './plan-cache.js';
import { rawJsonResult } from './raw-result.js';

/**
 * Answers a read with one compiled statement when every field it selects declares its SQL
 * (see compile.ts); otherwise, and whenever that statement fails, the operation executes on
 * the loader path, which answers with the same JSON and raises the errors with their paths.
 * Registered before the execution time limit, which then bounds both paths.
 */
export function compiledReadsPlugin(): Plugin {
  const plans = createPlanCache();
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn((args) => {
        const ctx = args.contextValue as Context;
        const plan = plans.planFor(
          args.schema,
          args.document,
          args.operationName,
          ctx.visibility,
          args.variableValues ?? undefined,
          (variables) => {
            const compiled =
              compileOperation(
                args.schema,
                args.document,
                args.operationName,
                variables,
                ctx,
              )?.compile(ctx.db) ?? null;
            if (compiled) prepareStatement(compiled.sql);
            return compiled;
          },
        );
        // Without a plan, graphql-js answers as it would have: synchronously when no resolver
        // waits (`{ __typename }`), which spares the time limit its timer.
        if (!plan) return executeFn(args);
        return ctx.db.executeQuery(plan).then(
          ({ rows: [row] }) => (row ? rawJsonResult(row.body) : executeFn(args)),
          (error: unknown) => {
            ctx.logger.debug('compiled read failed; answering on the loader path', {
              error: error instanceof Error ? error.message : String(error),
            });
            return executeFn(args);
          },
        );
      });
    },
  };
}
