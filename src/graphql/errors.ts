// How errors leave the server. Expected failures (AppError) keep their message and get
// `extensions.code`; anything else is logged (one line) and masked, carrying only the request id
// that the log line carries too. Client errors keep their message and code, nothing else of the
// parser's: no original error, no stack.
import { randomUUID } from 'node:crypto';
import { PothosValidationError } from '@pothos/core';
import { GraphQLError } from 'graphql';
import { AppError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import { currentRequestId } from '../http/request-scope.js';
import { withoutSuggestions } from './privacy.js';
import type { Logger } from '../logger.js';
import { cancelledStatement, isDatabaseUnavailable } from '../db/errors.js';

/** What a client is told to wait before retrying when the database is down or restarting. */
export const DATABASE_RETRY_AFTER_SECONDS = 2;

// yoga's code for a malformed request (invalid JSON, missing query): bad input like any other.
const CLIENT_CODES: Record<string, string> = { BAD_REQUEST: 'BAD_USER_INPUT' };

/** A client error as the client sees it: its message (without schema hints unless allowed), code and HTTP status. */
function clientError(error: GraphQLError, inner: GraphQLError, suggestions: boolean): GraphQLError {
  // originalError: yoga's copy of the JSON parser's message; the rest are internals too.
  const { originalError: _parser, stacktrace: _stack, ...extensions } = { ...error.extensions, ...inner.extensions };
  const code = typeof extensions.code === 'string' ? (CLIENT_CODES[extensions.code] ?? extensions.code) : 'BAD_USER_INPUT';
  return new GraphQLError(suggestions ? inner.message : withoutSuggestions(inner.message), {
    nodes: error.nodes,
    path: error.path,
    extensions: { ...extensions, code },
  });
}

export function createErrorMasker(logger: Logger, { suggestions }: { suggestions: boolean } = { suggestions: true }) {
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
      return clientError(error, original instanceof GraphQLError ? original : error, suggestions);
    }
    const requestId = currentRequestId() ?? randomUUID();
    // An outage is not a bug: one line per error (no stack, which would be the same on every
    // request while it lasts), and the client is told to come back (HTTP 503, Retry-After).
    if (isDatabaseUnavailable(original ?? error)) {
      logger.warn({ requestId, path: located.path, reason: lastLine(original ?? error) }, 'database unavailable');
      return new GraphQLError('The database is unavailable; retry shortly.', {
        ...located,
        extensions: {
          code: 'DB_UNAVAILABLE',
          requestId,
          http: { status: 503, headers: { 'Retry-After': String(DATABASE_RETRY_AFTER_SECONDS) } },
        },
      });
    }
    const cancelled = cancelledStatement(original ?? error);
    if (cancelled) {
      // Not a bug either: the statement ran past DATABASE_STATEMENT_TIMEOUT_MS, or nobody waits for it.
      logger.warn({ requestId, path: located.path, cancelled }, 'statement cancelled');
      return new GraphQLError(
        cancelled === 'timeout' ? 'The request took too long and was stopped; ask for less at once.' : 'The request was cancelled.',
        { ...located, extensions: { code: 'TIMEOUT', requestId } },
      );
    }
    logger.error({ err: original ?? error, requestId, path: located.path }, 'unexpected error');
    return new GraphQLError('Unexpected error; it has been logged.', {
      ...located,
      extensions: { code: 'INTERNAL_SERVER_ERROR', requestId },
    });
  };
}

/** The last line of an error's message: Prisma's start with the call site and end with the cause. */
function lastLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.trim().split('\n').pop()?.trim() ?? '';
}
