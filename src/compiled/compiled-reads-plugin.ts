import type { DocumentNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { CompiledQuery } from 'kysely';
import type { Context } from '../context.js';
import { prepareStatement } from '../db/prepared-statements.js';
import type { Visibility } from '../db/visibility.js';
import { compileOperation } from './compile.js';
import { rawJsonResult } from './raw-result.js';

/** Compiled statements kept per process; the oldest goes first (Map keeps insertion order). */
const MAX_CACHED_PLANS = 500;

/** Keys longer than this (large variables) are compiled every time instead of kept. */
const MAX_KEY_LENGTH = 4096;

/**
 * What a compiled statement depends on: the document (Yoga hands out one parsed document per
 * query text), the operation, what the caller may see and the variables' values. The same key
 * always compiles to the same text and parameters, so the statement is built once per key.
 */
function planKey(
  documentId: number,
  operationName: string | null | undefined,
  visibility: Visibility,
  variables: unknown,
): string {
  return JSON.stringify([
    documentId,
    operationName ?? null,
    visibility.markings,
    visibility.briefingStatuses,
    visibility.embargoed,
    variables ?? null,
  ]);
}

/**
 * Answers a read with one compiled statement when every field it selects declares its SQL
 * (see compile.ts); otherwise, and whenever that statement fails, the operation executes on
 * the loader path, which answers with the same JSON and raises the errors with their paths.
 * Registered before the execution time limit, which then bounds both paths.
 */
export function compiledReadsPlugin(): Plugin {
  const documentIds = new WeakMap<DocumentNode, number>();
  let documents = 0;
  const documentId = (document: DocumentNode) => {
    let id = documentIds.get(document);
    if (id === undefined) {
      documents += 1;
      id = documents;
      documentIds.set(document, id);
    }
    return id;
  };
  // null: the operation does not compile (it runs on the loader path).
  const plans = new Map<string, CompiledQuery<{ data: string }> | null>();
  return {
    onExecute({ executeFn, setExecuteFn }) {
      setExecuteFn(async (args) => {
        const ctx = args.contextValue as Context;
        const key = planKey(
          documentId(args.document),
          args.operationName,
          ctx.visibility,
          args.variableValues,
        );
        let plan = plans.get(key);
        if (plan === undefined) {
          plan =
            compileOperation(
              args.schema,
              args.document,
              args.operationName,
              args.variableValues,
              ctx,
            )?.compile(ctx.db) ?? null;
          if (plans.size >= MAX_CACHED_PLANS) {
            const oldest = plans.keys().next();
            if (!oldest.done) plans.delete(oldest.value);
          }
          if (key.length <= MAX_KEY_LENGTH) plans.set(key, plan);
          if (plan) prepareStatement(plan.sql);
        }
        if (plan) {
          try {
            const { rows } = await ctx.db.executeQuery(plan);
            const [row] = rows;
            if (row) return rawJsonResult(row.data);
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
