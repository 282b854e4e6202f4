// How errors leave the server. Expected failures (AppError) keep their message and get
// `extensions.code`; anything else is logged and masked, carrying only an id to find it in the logs.
import { randomUUID } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { AppError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import type { Logger } from '../logger.js';
import { cancelledStatement, isDatabaseUnavailable } from '../db/errors.js';

/** What a client is told to wait before retrying when the database is down or restarting. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

export function createErrorMasker(logger: Logger) {
  return (error: unknown): Error => {
    const original = error instanceof GraphQLError ? (error.originalError ?? undefined) : error;
    const located = error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {};
    // Bad input outside a result union (a query's arguments): the one code README gives bad input.
    if (original instanceof ValidationError) {
      return new GraphQLError(original.message, { ...located, extensions: { code: 'BAD_USER_INPUT', fieldErrors: original.issues } });
    }
    if (original instanceof AppError) {
      const http = original instanceof UnauthenticatedError ? { http: { status: 401 } } : {};
      return new GraphQLError(original.message, { ...located, extensions: { code: original.code, ...http } });
    }
    // Bad cursors and global ids, as Pothos reports them.
    if (original instanceof PothosValidationError) {
      return new GraphQLError(original.message, { ...located, extensions: { code: 'BAD_USER_INPUT' } });
    }
    // Parse, validation and argument errors written for the client by graphql-js or our scalars.
    if (error instanceof GraphQLError && (!original || original instanceof GraphQLError)) {
      const inner = original instanceof GraphQLError ? original : error;
      return new GraphQLError(inner.message, {
        ...located,
        extensions: { code: 'BAD_USER_INPUT', ...error.extensions, ...inner.extensions },
      });
    }
    const errorId = randomUUID();
    // An outage is not a bug: one line per error (no stack, which would be the same on every
    // request while it lasts), and the client is told to come back (HTTP 503, Retry-After).
    if (isDatabaseUnavailable(original ?? error)) {
      logger.warn({ errorId, path: located.path, reason: lastLine(original ?? error) }, 'database unavailable');
      return new GraphQLError('The database is unavailable; retry shortly.', {
        ...located,
        extensions: {
          code: 'DB_UNAVAILABLE',
          errorId,
          http: { status: 503, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } },
        },
      });
    }
    const cancelled = cancelledStatement(original ?? error);
    if (cancelled) {
      // Not a bug either: the statement ran past DATABASE_STATEMENT_TIMEOUT_MS, or nobody waits for it.
      logger.warn({ errorId, path: located.path, cancelled }, 'statement cancelled');
      return new GraphQLError(
        cancelled === 'timeout' ? 'The request took too long and was stopped; ask for less at once.' : 'The request was cancelled.',
        { ...located, extensions: { code: 'TIMEOUT', errorId } },
      );
    }
    logger.error({ err: original ?? error, errorId, path: located.path }, 'unexpected error');
    return new GraphQLError('Unexpected error; it has been logged.', {
      ...located,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    });
  };
}

/** The last line of an error's message: Prisma's start with the call site and end with the cause. */
function lastLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n').pop()?.trim() ?? '';
}
