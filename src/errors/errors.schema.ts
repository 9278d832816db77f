import { builder } from '../builder.js';
import {
  ConflictError,
  ForbiddenError,
  NotFoundError,
  ValidationError,
  type ValidationIssue,
} from './domain-errors.js';

export const ErrorInterface = builder.interfaceRef<Error>('Error').implement({
  description:
    'A typed error a mutation can return instead of its result. A failed mutation changes nothing.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'What went wrong, for people.' }),
  }),
});

const ValidationIssueRef = builder.objectRef<ValidationIssue>('ValidationIssue').implement({
  description: 'One problem with the input.',
  fields: (t) => ({
    path: t.stringList({
      description:
        'Where in the input, e.g. `["input", "quantity", "min"]` (list indexes as strings).',
      resolve: (issue) => issue.path.map(String),
    }),
    message: t.exposeString('message', { description: 'What was expected and what came.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input breaks shape or domain rules; every problem is listed with its path.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ValidationError,
  fields: (t) => ({
    issues: t.field({
      type: [ValidationIssueRef],
      description: 'Every problem found in the input, each with its path.',
      resolve: (error) => error.issues,
    }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'A referenced record does not exist or is not visible to you.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof NotFoundError,
  fields: (t) => ({
    entity: t.exposeString('entity', { description: 'Which kind of record, e.g. `Actor`.' }),
    reference: t.exposeString('reference', { description: 'The id or slug that was not found.' }),
    path: t.stringList({
      description: 'Where in the input it was named.',
      resolve: (error) => error.path.map(String),
    }),
  }),
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description:
    'The write clashes with the current state (a stale `expectedVersion`, a taken slug, a reused idempotency key).',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ConflictError,
  fields: (t) => ({
    currentVersion: t.int({
      nullable: true,
      description:
        'The record’s current version, when the conflict is a stale one: re-read and retry.',
      resolve: (error) => error.currentVersion,
    }),
  }),
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'Your API key’s role does not allow this.',
  interfaces: [ErrorInterface],
  isTypeOf: (value) => value instanceof ForbiddenError,
  fields: () => ({}),
});
