import { getOperationAST } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import type { Context } from '../context.js';
import type { ReplicaSet } from './replica-set.js';

/**
 * Chooses the database of each operation before it executes: a query reads where the replica
 * set says; a mutation runs wholly on the primary (the context's default), its payload's reads
 * included, and afterwards pins its caller as runWrite does. That second pin covers mutations
 * that write outside runWrite (the persisted-operation registry) and, for runWrite's, moves the
 * marker to the end of the whole operation.
 */
export function readRoutingPlugin(replicas: ReplicaSet): Plugin<Context> {
  return {
    async onExecute({ args, extendContext }) {
      const ctx = args.contextValue;
      if (getOperationAST(args.document, args.operationName)?.operation === 'mutation') {
        return { onExecuteDone: () => replicas.wrote(ctx.viewer) };
      }
      extendContext({ db: await replicas.readerFor(ctx.viewer) });
      return undefined;
    },
  };
}
