import { builder } from '../builder.js';
import { writeInput } from '../mutations/write-field.js';
import { MarkingEnum } from '../common/enums.js';
import { databaseIdOf } from '../common/global-id.js';
import { ROLES, type Role } from '../db/types.js';
import { NotFoundError } from '../errors/domain-errors.js';
import { Issues } from '../mutations/validate.js';
import { runWrite } from '../mutations/write.js';
import {
  findApiKeysByIds,
  listApiKeys,
  revokeApiKey,
  type ApiKeyRow,
} from './api-key.repository.js';
import { issueApiKey } from './api-keys.js';

export const RoleEnum = builder.enumType('Role', {
  description: 'What an API key may do.',
  values: {
    partner: {
      value: 'partner',
      description: 'Runs registered (persisted) operations only; reads up to its clearance.',
    },
    analyst: {
      value: 'analyst',
      description: 'Runs any read operation; reads up to its clearance.',
    },
    editor: {
      value: 'editor',
      description: 'Reads, including drafts, and writes briefings, claims, sources and actors.',
    },
    admin: { value: 'admin', description: 'Everything an editor does, plus managing API keys.' },
  } as const satisfies Record<Role, { value: Role; description: string }>,
});

export const ApiKeyRef = builder.loadableNodeRef<ApiKeyRow, number, number>('ApiKey', {
  id: { resolve: (row) => row.id, parse: (id) => Number(id) },
  // Only admins see keys; for anyone else every key loads as null.
  load: async (ids, ctx) =>
    ctx.viewer.kind === 'api-key' && ctx.viewer.role === 'admin'
      ? findApiKeysByIds(ctx.db, ids)
      : [],
  sort: (row) => row.id,
});

ApiKeyRef.implement({
  description:
    'An API key’s record. The key itself is shown once, when it is created; only its hash is stored.',
  fields: (t) => ({
    name: t.exposeString('name', { description: 'Who holds it, as named in the audit log.' }),
    role: t.field({ type: RoleEnum, description: 'What the key may do.', resolve: (k) => k.role }),
    clearance: t.field({
      type: MarkingEnum,
      description: 'Highest TLP marking it may read.',
      resolve: (k) => k.clearance,
    }),
    prefix: t.string({
      description: 'First characters of the key, to recognise it.',
      resolve: (k) => k.key_prefix,
    }),
    createdBy: t.exposeString('created_by', { description: 'Who created the key.' }),
    createdAt: t.field({
      type: 'DateTime',
      description: 'When the key was created.',
      resolve: (k) => k.created_at,
    }),
    expiresAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When the key stops working; null for never.',
      resolve: (k) => k.expires_at,
    }),
    revokedAt: t.field({
      type: 'DateTime',
      nullable: true,
      description: 'When an admin revoked the key; null while it is not revoked.',
      resolve: (k) => k.revoked_at,
    }),
  }),
});

/** What the audit log keeps of a key: everything but its hash. */
function withoutHash(row: ApiKeyRow): Omit<ApiKeyRow, 'key_hash'> {
  return Object.fromEntries(
    Object.entries(row).filter(([column]) => column !== 'key_hash'),
  ) as Omit<ApiKeyRow, 'key_hash'>;
}

const CreatedApiKeyRef = builder.objectRef<{ key: string; id: number }>('CreatedApiKey').implement({
  description: 'A new key: store `key` now, it cannot be shown again.',
  fields: (t) => ({
    key: t.exposeString('key', { description: 'The secret, for `Authorization: Bearer <key>`.' }),
    apiKey: t.field({
      type: ApiKeyRef,
      description: 'The key’s record (never its secret).',
      resolve: (created) => created.id,
    }),
  }),
});

export const CreateApiKeyInput = builder.inputType('CreateApiKeyInput', {
  description: 'A new API key.',
  fields: (t) => ({
    name: t.string({ required: true, description: 'Who will hold it (1 to 200 characters).' }),
    role: t.field({ type: RoleEnum, required: true, description: 'What the key may do.' }),
    clearance: t.field({ type: MarkingEnum, description: 'Default CLEAR.' }),
    expiresAt: t.field({
      type: 'DateTime',
      description: 'When it stops working; never, when omitted.',
    }),
  }),
});

builder.queryField('apiKeys', (t) =>
  t.field({
    type: [ApiKeyRef],
    description: 'Every API key, oldest first (admins only).',
    authScopes: { admin: true },
    resolve: (_root, _args, ctx) => listApiKeys(ctx.db),
  }),
);

builder.mutationFields((t) => ({
  createApiKey: t.field({
    type: CreatedApiKeyRef,
    description: 'Issues an API key (admins only). The key is in the result, once.',
    authScopes: { admin: true },
    errors: {
      dataField: {
        name: 'created',
        description: 'The new key, with its secret (shown this once).',
      },
    },
    args: {
      ...writeInput(CreateApiKeyInput),
    },
    resolve: async (_root, { input }, ctx) => {
      let key = '';
      const id = await runWrite(
        ctx,
        { operation: 'createApiKey', role: 'admin', input },
        async ({ trx, audit, viewer }) => {
          const issues = new Issues();
          const name = issues.text(['input', 'name'], input.name, { max: 200 }) ?? '';
          if (input.expiresAt && input.expiresAt <= new Date())
            issues.add(
              ['input', 'expiresAt'],
              `expected a future instant, got ${input.expiresAt.toISOString()}`,
            );
          if (!(ROLES as readonly string[]).includes(input.role))
            issues.add(['input', 'role'], `unknown role ${input.role}`);
          issues.throwIfAny();
          const issued = await issueApiKey(trx, {
            name,
            role: input.role,
            clearance: input.clearance ?? 'CLEAR',
            expiresAt: input.expiresAt ?? null,
            createdBy: viewer.name,
          });
          key = issued.key;
          await audit({
            action: 'api-key.create',
            entityType: 'ApiKey',
            entityId: issued.row.id,
            before: null,
            after: withoutHash(issued.row),
          });
          return issued.row.id;
        },
      );
      return { key, id };
    },
  }),
  revokeApiKey: t.field({
    type: ApiKeyRef,
    description: 'Revokes an API key at once (admins only); requests with it then get HTTP 401.',
    authScopes: { admin: true },
    errors: {
      dataField: { name: 'apiKey', description: 'The key’s record as it stands after the write.' },
    },
    args: {
      id: t.arg.id({ required: true, description: 'The key’s global id (never its secret).' }),
    },
    resolve: (_root, { id }, ctx) =>
      runWrite(
        ctx,
        { operation: 'revokeApiKey', role: 'admin', input: { id } },
        async ({ trx, audit }) => {
          const keyId = databaseIdOf(id, 'ApiKey');
          const row = keyId === null ? undefined : await revokeApiKey(trx, keyId);
          if (!row) throw new NotFoundError('ApiKey', id, ['id']);
          await audit({
            action: 'api-key.revoke',
            entityType: 'ApiKey',
            entityId: row.id,
            before: null,
            after: withoutHash(row),
          });
          return row.id;
        },
      ),
  }),
}));
