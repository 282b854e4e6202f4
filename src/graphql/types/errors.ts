// Typed error members of mutation result unions. Each carries a stable `code`.
import {
  type AppError,
  ConflictError,
  ForbiddenError,
  InvalidCredentialsError,
  NotFoundError,
  RateLimitedError,
  UnauthenticatedError,
  ValidationError,
  type FieldIssue,
} from '../../domain/errors.js';
import { builder } from '../builder.js';
import { IssueRef } from './issue.js';

const ErrorCodeEnum = builder.enumType('ErrorCode', {
  description: 'Stable, machine-readable error codes; messages may change, codes do not.',
  values: {
    VALIDATION_FAILED: { description: 'The input broke a rule; see the field errors.' },
    NOT_FOUND: { description: 'The object does not exist, or you may not see it.' },
    FORBIDDEN: { description: 'You may see the object but not do this to it.' },
    CONFLICT: { description: 'The change clashes with the current state (a duplicate, a stale version).' },
    UNAUTHENTICATED: { description: 'No valid access token was given.' },
    INVALID_CREDENTIALS: { description: 'The email or password is incorrect.' },
    RATE_LIMITED: { description: 'Too many attempts; retry later.' },
  } as const,
});

export const ErrorRef = builder.interfaceRef<AppError>('Error').implement({
  description: 'What every expected failure has in common.',
  fields: (t) => ({
    message: t.exposeString('message', { description: 'A human-readable explanation, in English.' }),
    code: t.field({
      type: ErrorCodeEnum,
      description: 'Stable and machine-readable: branch on this, not on the message.',
      resolve: (error) => error.code,
    }),
  }),
});

const FieldErrorRef = builder.objectRef<FieldIssue>('FieldError').implement({
  description: 'One input field that broke a rule.',
  fields: (t) => ({
    field: t.exposeString('field', { description: 'The input field path, dot-separated (e.g. `title`).' }),
    message: t.exposeString('message', { description: 'What is wrong with it, in English.' }),
  }),
});

builder.objectType(ValidationError, {
  name: 'ValidationError',
  description: 'The input broke one or more rules; nothing was changed.',
  interfaces: [ErrorRef],
  fields: (t) => ({
    fieldErrors: t.field({ type: [FieldErrorRef], description: 'Every field that broke a rule.', resolve: (error) => error.issues }),
  }),
});

builder.objectType(NotFoundError, {
  name: 'NotFoundError',
  description: 'The object does not exist or is not visible to you (the two look the same on purpose).',
  interfaces: [ErrorRef],
});

builder.objectType(ForbiddenError, {
  name: 'ForbiddenError',
  description: 'Your role does not allow this.',
  interfaces: [ErrorRef],
});

builder.objectType(ConflictError, {
  name: 'ConflictError',
  description: 'The change clashes with existing data (a duplicate key, a stale expectedVersion, the last owner leaving).',
  interfaces: [ErrorRef],
  fields: (t) => ({
    currentIssue: t.field({
      type: IssueRef,
      nullable: true,
      description: 'For a stale expectedVersion: the issue as it is now, to merge and retry with its version.',
      resolve: (error) => error.currentIssue ?? null,
    }),
  }),
});

builder.objectType(InvalidCredentialsError, {
  name: 'InvalidCredentialsError',
  description: 'The email or password is incorrect.',
  interfaces: [ErrorRef],
});

builder.objectType(RateLimitedError, {
  name: 'RateLimitedError',
  description: 'Too many attempts.',
  interfaces: [ErrorRef],
  fields: (t) => ({
    retryAfterSeconds: t.exposeInt('retryAfterSeconds', { description: 'Seconds to wait before trying again.' }),
  }),
});

builder.objectType(UnauthenticatedError, {
  name: 'UnauthenticatedError',
  description: 'The token given is invalid, expired or revoked; log in again.',
  interfaces: [ErrorRef],
});
