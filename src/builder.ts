import SchemaBuilder from '@pothos/core';
import { GraphQLError } from 'graphql';
import DataloaderPlugin from '@pothos/plugin-dataloader';
import ErrorsPlugin from '@pothos/plugin-errors';
import RelayPlugin from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import SimpleObjectsPlugin from '@pothos/plugin-simple-objects';
import { canWrite, isAdmin } from './common/viewer.js';
import type { Context } from './context.js';
import { DOMAIN_ERRORS, ForbiddenError } from './errors/domain-errors.js';
import { decodeNodeId, encodeGlobalId } from './common/global-id.js';
import { LIST_CAPS, cappedList } from './common/list-caps.js';
import { badInput } from './errors/bad-input.js';
import { sqlField } from './compiled/sql-spec.js';

export type Scalars = {
  ID: { Input: string; Output: string | number };
  DateTime: { Input: Date; Output: Date | string };
  Date: { Input: string; Output: string };
  JSONObject: { Input: Record<string, unknown>; Output: Record<string, unknown> };
  Slug: { Input: string; Output: string };
  RelationshipType: { Input: string; Output: string };
  CountryCode: { Input: string; Output: string };
  LanguageTag: { Input: string; Output: string };
  CurrencyCode: { Input: string; Output: string };
  WikidataQid: { Input: string; Output: string };
};

export const builder = new SchemaBuilder<{
  Context: Context;
  Scalars: Scalars;
  DefaultFieldNullability: false;
  DefaultInputFieldRequiredness: false;
  DefaultEdgesNullability: false;
  DefaultNodeNullability: false;
  Connection: { totalCount: () => Promise<number> };
  AuthScopes: { editor: boolean; admin: boolean };
}>({
  // Errors wraps scope-auth, so a refused scope becomes a typed ForbiddenError in the payload.
  plugins: [ErrorsPlugin, ScopeAuthPlugin, RelayPlugin, DataloaderPlugin, SimpleObjectsPlugin],
  scopeAuth: {
    authScopes: (ctx) => ({ editor: canWrite(ctx.viewer), admin: isAdmin(ctx.viewer) }),
    // Mutations return it as a typed ForbiddenError in their payload; elsewhere it is a
    // GraphQL error with code FORBIDDEN (a plain Error would be masked).
    unauthorizedError: (_parent, _ctx, info) =>
      info.parentType.name === 'Mutation'
        ? new ForbiddenError('your API key’s role does not allow this operation')
        : new GraphQLError('your API key’s role does not allow this field', {
            extensions: { code: 'FORBIDDEN' },
          }),
  },
  defaultFieldNullability: false,
  relay: {
    clientMutationId: 'omit',
    cursorType: 'String',
    // Described once here, so every connection reads the same in GraphiQL's docs.
    edgesFieldOptions: { nullable: false, description: 'The items of this page, in order.' },
    nodeFieldOptions: { nullable: false, description: 'The item.' },
    cursorFieldOptions: {
      description: 'Opaque; pass it as `after` (or `before`) to continue from this item.',
    },
    pageInfoFieldOptions: { description: 'Whether there are more items, and the page’s ends.' },
    hasNextPageFieldOptions: { description: 'Whether items follow this page.' },
    hasPreviousPageFieldOptions: {
      description: 'Whether items precede this page (always true after an `after` cursor).',
    },
    startCursorFieldOptions: { description: 'The first item’s cursor; null for an empty page.' },
    endCursorFieldOptions: { description: 'The last item’s cursor; null for an empty page.' },
    firstArgOptions: { description: 'Items from the start (default 20, at most 100).' },
    afterArgOptions: { description: 'Continue after the item with this cursor.' },
    lastArgOptions: { description: 'Items from the end (at most 100).' },
    beforeArgOptions: { description: 'Continue before the item with this cursor.' },
    idFieldOptions: { description: 'Globally unique and opaque; `node(id:)` fetches it again.' },
    encodeGlobalID: encodeGlobalId,
    // Only node(id:) and nodes(ids:) decode through Pothos: other id arguments are plain IDs.
    decodeGlobalID: decodeNodeId,
    nodeQueryOptions: {
      description:
        'Fetches any object by its global id; null when it does not exist, INVALID_ID when the id is not of a type this answers.',
      args: { id: { description: 'A global id, as the `id` field of an object gives it.' } },
      extensions: sqlField({ kind: 'anyNode' }),
    },
    nodesQueryOptions: {
      description: `Fetches at most ${LIST_CAPS.nodes} objects by global id, in the order asked; null for each id that does not exist. An id asked for twice is loaded once and answered at both positions.`,
      args: { ids: { description: 'Global ids, as objects’ `id` fields give them.' } },
      ...cappedList(LIST_CAPS.nodes),
      resolve: (_root, args, _ctx, _info, resolveNodes) => {
        if (args.ids.length > LIST_CAPS.nodes) {
          throw badInput(
            `expected at most ${LIST_CAPS.nodes} ids, got ${args.ids.length}`,
            'BAD_USER_INPUT',
            'ids',
          );
        }
        return resolveNodes(args.ids);
      },
    },
    nodeTypeOptions: {
      description: 'An object with a globally unique, opaque id that `node(id:)` can fetch again.',
    },
    pageInfoTypeOptions: {
      description: 'Where a page sits in its list (Relay cursor connections).',
    },
  },
  errors: {
    // Every mutation (a field with `errors: {}`) may return these instead of its result.
    defaultTypes: [...DOMAIN_ERRORS],
    defaultUnionOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Payload`,
      description:
        'What a mutation returns: its success, or the typed error that stopped it (then nothing was written).',
    },
    defaultResultOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Success`,
      description: 'The mutation succeeded; its result.',
    },
  },
});

function capitalize(name: string): string {
  return name.charAt(0).toUpperCase() + name.slice(1);
}

builder.queryType({ description: 'Read access to briefings, claims, sources and actors.' });
builder.mutationType({
  description:
    'Writes, for editor and admin keys. Each mutation is one transaction: it returns its result or typed errors, and a failed one changes nothing.',
});

/** A Relay connection over `type` with `totalCount` (counted only when asked for). */
export function connectionOf<T extends Parameters<typeof builder.connectionObject>[0]['type']>(
  type: T,
  name: string,
  description: string,
) {
  return builder.connectionObject(
    {
      type,
      name: `${name}Connection`,
      description,
      fields: (t) => ({
        totalCount: t.int({
          description:
            'How many items the whole list has (every page together) under the same filter.',
          resolve: (connection) => connection.totalCount(),
        }),
      }),
    },
    {
      name: `${name}Edge`,
      description: `One ${name} in a page, with the cursor to continue after it.`,
    },
  );
}
