import { builder } from '../builder.js';
import { writeInput } from '../mutations/write-field.js';
import type { Context } from '../context.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../errors/domain-errors.js';
import {
  listPersistedOperations,
  type PersistedOperationRow,
} from './persisted-operation.repository.js';
import { disableDocument, ManifestError, registerDocuments } from './registry.js';

const PersistedOperationRef = builder
  .objectRef<PersistedOperationRow>('PersistedOperation')
  .implement({
    description:
      'A registered (trusted) GraphQL document that partner keys may run by its id, and that any caller may name by id.',
    fields: (t) => ({
      documentId: t.exposeString('document_id', {
        description: '`sha256:` and the SHA-256 of `body`: send it as `documentId`.',
      }),
      body: t.exposeString('body', { description: 'The document text, exactly as registered.' }),
      operationName: t.exposeString('operation_name', {
        nullable: true,
        description: 'The name of the document’s operation, when it has one.',
      }),
      clientName: t.exposeString('client_name', {
        nullable: true,
        description: 'The client application it was registered for.',
      }),
      registeredBy: t.exposeString('registered_by', {
        description: 'The key (or command) that registered it.',
      }),
      registeredAt: t.field({
        type: 'DateTime',
        description: 'When the document was registered.',
        resolve: (row) => row.registered_at,
      }),
      enabled: t.exposeBoolean('enabled', {
        description: 'Disabled documents are refused like unknown ones.',
      }),
    }),
  });

const RegisterPersistedOperationInput = builder.inputType('RegisterPersistedOperationInput', {
  description: 'A document to register.',
  fields: (t) => ({
    body: t.string({ required: true, description: 'The document text; its hash becomes its id.' }),
    documentId: t.string({
      description:
        'The id the client computed (`sha256:<hex>`); refused when it is not the hash of `body`.',
    }),
    clientName: t.string({ description: 'The client application it belongs to.' }),
  }),
});

/** Who the registry and the audit log name for this change (admins only reach here). */
function registrar(ctx: Context) {
  if (ctx.viewer.kind !== 'api-key' || ctx.viewer.role !== 'admin') {
    throw new ForbiddenError('managing persisted operations needs an admin key');
  }
  return { name: ctx.viewer.name, apiKeyId: ctx.viewer.keyId, requestId: ctx.requestId };
}

builder.queryField('persistedOperations', (t) =>
  t.field({
    type: [PersistedOperationRef],
    description: 'The persisted-operation registry, oldest first (admins only).',
    authScopes: { admin: true },
    args: {
      clientName: t.arg.string({ description: 'Only this client’s documents.' }),
      enabled: t.arg.boolean({ description: 'Only enabled (true) or disabled (false) ones.' }),
    },
    resolve: (_root, args, ctx) => listPersistedOperations(ctx.db, args),
  }),
);

builder.mutationFields((t) => ({
  registerPersistedOperation: t.field({
    type: PersistedOperationRef,
    description:
      'Registers a document (admins only) after validating it against the current schema; registering it again enables it again.',
    authScopes: { admin: true },
    errors: {
      dataField: {
        name: 'persistedOperation',
        description: 'The document’s record as it stands after the write.',
      },
    },
    args: {
      ...writeInput(RegisterPersistedOperationInput),
    },
    resolve: async (_root, { input }, ctx, info) => {
      try {
        const [row] = await registerDocuments(
          ctx.db,
          info.schema,
          [{ id: input.documentId ?? null, body: input.body, operationName: null }],
          { ...registrar(ctx), clientName: input.clientName?.trim() || null },
          // A partner could never run a document over these: refused here as at import.
          { restricted: ctx.config.restrictedLimits },
        );
        if (!row) throw new Error('expected the registered row back');
        return row;
      } catch (error) {
        if (!(error instanceof ManifestError)) throw error;
        throw new ValidationError(
          error.problems.length === 0
            ? [{ path: ['input'], message: error.message }]
            : error.problems.map((problem) => ({
                path: ['input', problem.field === 'id' ? 'documentId' : 'body'],
                message: problem.message,
              })),
        );
      }
    },
  }),
  disablePersistedOperation: t.field({
    type: PersistedOperationRef,
    description:
      'Disables a document at once (admins only): requests naming it are refused like unknown ids.',
    authScopes: { admin: true },
    errors: {
      dataField: {
        name: 'persistedOperation',
        description: 'The document’s record as it stands after the write.',
      },
    },
    args: {
      documentId: t.arg.string({
        required: true,
        description: 'The document’s id, `sha256:<hex>`.',
      }),
    },
    resolve: async (_root, { documentId }, ctx) => {
      const row = await disableDocument(ctx.db, documentId, registrar(ctx));
      if (!row) throw new NotFoundError('PersistedOperation', documentId, ['documentId']);
      return row;
    },
  }),
}));
