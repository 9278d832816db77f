import type { InputFieldMap, InputObjectRef, InputShapeFromFields } from '@pothos/core';
import type { GraphQLResolveInfo } from 'graphql';
import { builder } from '../builder.js';
import type { Types } from '../common/list-args.js';
import type { Context } from '../context.js';
import { runWrite, type Write } from './write.js';

const IDEMPOTENCY_KEY_DESCRIPTION =
  'Retries with the same key within 24 h return the first result and write nothing.';

export interface WriteFieldOptions<Args extends InputFieldMap> {
  role: 'editor' | 'admin';
  /** The name of the payload's success field, e.g. `actor` in `CreateActorSuccess.actor`. */
  result: string;
  /** The mutation's own arguments; the helper adds `idempotencyKey`. */
  args: Args;
  /** The work, inside the write's transaction; returns the id of the record to answer with. */
  run: (args: InputShapeFromFields<Args>, write: Write) => Promise<number>;
}

/** `id` and `expectedVersion`: the record a write changes, at the version the caller read. */
export function atVersion() {
  return builder.args((t) => ({
    id: t.id({ required: true, description: 'The record’s global id.' }),
    expectedVersion: t.int({
      required: true,
      description:
        'The `version` you read. If the record has changed since, nothing is written and a ConflictError names the current version.',
    }),
  }));
}

/** `input`: what a write is to store, of its input type, refused whole when any of it is wrong. */
export function writeInput<Input extends object>(type: InputObjectRef<Types, Input>) {
  return builder.args((t) => ({
    input: t.field({
      type,
      required: true,
      description:
        'What to write; every problem with it comes back in a ValidationError, and nothing is written.',
    }),
  }));
}

/**
 * What the idempotency record hashes: the arguments without the key. A lone `input` stands for
 * itself, as the mutations hashed it before this helper, so stored keys keep matching.
 */
function request(args: Record<string, unknown>): unknown {
  const rest = Object.fromEntries(
    Object.entries(args).filter(([name]) => name !== 'idempotencyKey'),
  );
  const names = Object.keys(rest);
  return names.length === 1 && names[0] === 'input' ? rest['input'] : rest;
}

/**
 * The set-up every write mutation shares, spread into its `t.field({ type, description, ... })`:
 * the role's auth scope, the typed error union, the `idempotencyKey` argument, and `runWrite`
 * (one transaction, idempotency, audit) named after the field.
 */
export function writeField<Args extends InputFieldMap>(options: WriteFieldOptions<Args>) {
  return {
    authScopes: options.role === 'admin' ? { admin: true } : { editor: true },
    errors: {
      dataField: { name: options.result, description: 'The record as it stands after the write.' },
    },
    args: {
      ...options.args,
      // A fresh argument per field: Pothos refs run their first-use hooks once.
      ...builder.args((t) => ({
        idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
      })),
    },
    resolve: (
      _root: unknown,
      args: InputShapeFromFields<Args> & { idempotencyKey?: string | null },
      ctx: Context,
      info: GraphQLResolveInfo,
    ) =>
      runWrite(
        ctx,
        {
          operation: info.fieldName,
          role: options.role,
          idempotencyKey: args.idempotencyKey,
          input: request(args),
        },
        (write) => options.run(args, write),
      ),
  };
}
