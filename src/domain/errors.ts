// Expected failures. Services throw these; the GraphQL layer turns them into typed result-union
// members (where a field lists them) or into top-level errors with `extensions.code`.
import { z } from 'zod';
import type { Issue } from '../generated/prisma/client.js';

export type ErrorCode =
  'VALIDATION_FAILED' | 'NOT_FOUND' | 'FORBIDDEN' | 'CONFLICT' | 'UNAUTHENTICATED' | 'INVALID_CREDENTIALS' | 'RATE_LIMITED';

export abstract class AppError extends Error {
  abstract readonly code: ErrorCode;
}

export type FieldIssue = { field: string; message: string };

export class ValidationError extends AppError {
  readonly code = 'VALIDATION_FAILED';
  constructor(readonly issues: FieldIssue[]) {
    super(`Invalid input: ${issues.map((i) => `${i.field}: ${i.message}`).join('; ')}`);
  }
  static field(field: string, message: string): ValidationError {
    return new ValidationError([{ field, message }]);
  }
}

export class NotFoundError extends AppError {
  readonly code = 'NOT_FOUND';
  constructor(
    readonly resource: string,
    what?: string,
  ) {
    super(what ? `${resource} ${what} was not found` : `${resource} was not found`);
  }
}

export class ForbiddenError extends AppError {
  readonly code = 'FORBIDDEN';
}

export class ConflictError extends AppError {
  readonly code = 'CONFLICT';
  /** For a stale `expectedVersion`: the issue as it is now, so the client can merge and retry. */
  constructor(
    message: string,
    readonly currentIssue?: Issue,
  ) {
    super(message);
  }
}

export class UnauthenticatedError extends AppError {
  readonly code = 'UNAUTHENTICATED';
  constructor(message = 'You must be logged in to do this') {
    super(message);
  }
}

export class InvalidCredentialsError extends AppError {
  readonly code = 'INVALID_CREDENTIALS';
  constructor() {
    super('The email or password is incorrect');
  }
}

export class RateLimitedError extends AppError {
  readonly code = 'RATE_LIMITED';
  constructor(
    readonly retryAfterSeconds: number,
    message = `Too many attempts; retry in ${retryAfterSeconds} s`,
  ) {
    super(message);
  }
}

/** Parses `input` with `schema` or throws a ValidationError listing every bad field. */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  throw new ValidationError(result.error.issues.map((issue) => ({ field: issue.path.join('.') || 'input', message: issue.message })));
}

/**
 * An optional input field that cannot be cleared: absent leaves it as it is (or takes its default),
 * null is refused with a field error. GraphQL lets a client send null for any optional field.
 */
export function unclearable<S extends z.ZodType>(schema: S) {
  return schema.nullish().transform((value, ctx) => {
    if (value !== null) return value;
    ctx.addIssue({ code: 'custom', message: 'must not be null' });
    return z.NEVER;
  });
}
