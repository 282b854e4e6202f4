// How errors leave the server. Expected failures (AppError) keep their message and get
// `extensions.code`; anything else is logged and masked, carrying only an id to find it in the logs.
import { randomUUID } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { AppError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import type { Logger } from '../logger.js';

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
    logger.error({ err: original ?? error, errorId, path: located.path }, 'unexpected error');
    return new GraphQLError('Unexpected error; it has been logged.', {
      ...located,
      extensions: { code: 'INTERNAL_SERVER_ERROR', errorId },
    });
  };
}
