// Translates database constraint failures into domain errors, so a race that slips past a
// service's own checks still gets a clear answer instead of a masked 500.
import { ConflictError } from '../domain/errors.js';

type KnownRequestError = { code: string; meta?: Record<string, unknown> };

function isKnownRequestError(error: unknown): error is KnownRequestError {
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    (error as { code: string }).code.startsWith('P')
  );
}

/**
 * True when `error` is a unique-constraint violation, and with `column` only when that index is on
 * exactly that one column: matching loosely would take users_email_key for a violation on `key`.
 */
export function isUniqueViolation(error: unknown, column?: string): boolean {
  if (!isKnownRequestError(error) || error.code !== 'P2002') return false;
  if (!column) return true;
  const { fields, index, table } = violatedConstraint(error.meta ?? {});
  if (fields) return fields.length === 1 && fields[0] === column;
  if (index === undefined) return false;
  // PostgreSQL names an unnamed unique index <table>_<columns>_key; our migrations keep that naming.
  if (table !== undefined) return index === `${table}_${column}_key`;
  return index.endsWith(`_${column}_key`);
}

type Constraint = { fields?: string[]; index?: string; table?: string };

/**
 * The violated constraint as the driver reported it: driver adapters (adapter-pg) put it under
 * driverAdapterError.cause.constraint as `fields` or `index`; the native engine puts it in `target`.
 */
function violatedConstraint(meta: Record<string, unknown>): Constraint {
  const cause = record(record(meta.driverAdapterError)?.cause);
  if (cause) {
    const constraint = record(cause.constraint);
    return {
      fields: stringList(constraint?.fields),
      index: typeof constraint?.index === 'string' ? constraint.index : undefined,
      table: typeof cause.table === 'string' ? cause.table : undefined,
    };
  }
  if (typeof meta.target === 'string') return { index: meta.target };
  return { fields: stringList(meta.target) };
}

const record = (value: unknown): Record<string, unknown> | undefined =>
  typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : undefined;

/** A list of column names, unquoted (PostgreSQL quotes some in its error detail). */
const stringList = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((v) => typeof v === 'string') ? value.map((v: string) => v.replace(/^"(.*)"$/, '$1')) : undefined;

/** Runs `work`, turning a unique violation (on exactly `column`, when given) into ConflictError(message). */
export async function uniqueOrConflict<T>(work: () => Promise<T>, message: string, column?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, column)) throw new ConflictError(message);
    throw error;
  }
}

// What an unreachable, restarting or saturated database looks like, by the layer that reports it:
// Node's socket codes, PostgreSQL's SQLSTATEs (class 08 connection exceptions, 57P01-57P03 shutdown
// and start-up, 53300 too many connections), adapter-pg's error kinds, Prisma's codes (P1001 can't
// reach, P1008 timed out, P1017 connection closed, P2024 pool timeout, P2028 transaction could not
// start or was cut off, P2037 too many connections) and pg-pool's own messages, which carry no code.
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01',
  '57P02',
  '57P03',
  '53300',
  'P1001',
  'P1002',
  'P1008',
  'P1017',
  'P2024',
  'P2028',
  'P2037',
]);
const UNAVAILABLE_KINDS = new Set(['DatabaseNotReachable', 'ConnectionClosed', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_MESSAGES =
  /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|Connection is closed|Can't reach database server|Cannot use a pool after calling end|terminating connection due to administrator command|the database system is (starting up|shutting down|in recovery mode)|Unable to start a transaction in the given time/i;

/**
 * True when `error` (or anything in its cause chain) says the database cannot be reached or cannot
 * take the request right now, as opposed to refusing this particular request: the caller should
 * retry later, and the error is the outage's, not a bug.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const fields of errorChain(error)) {
    const codes = [fields.code, fields.originalCode].filter((code): code is string => typeof code === 'string');
    if (codes.some((code) => UNAVAILABLE_CODES.has(code) || code.startsWith('08'))) return true;
    if (typeof fields.kind === 'string' && UNAVAILABLE_KINDS.has(fields.kind)) return true;
    if (typeof fields.message === 'string' && UNAVAILABLE_MESSAGES.test(fields.message)) return true;
  }
  return false;
}

/**
 * Why PostgreSQL cancelled the statement behind `error` (SQLSTATE 57014), if it did: its
 * statement_timeout ran out, or we cancelled it because the request's client went away.
 */
export function cancelledStatement(error: unknown): 'timeout' | 'client gone' | undefined {
  for (const fields of errorChain(error)) {
    if (fields.code === '57014' || fields.originalCode === '57014') {
      const message = `${String(fields.message)} ${String(fields.originalMessage)}`;
      return message.includes('statement timeout') ? 'timeout' : 'client gone';
    }
  }
  return undefined;
}

type ErrorFields = {
  code?: unknown;
  kind?: unknown;
  originalCode?: unknown;
  message?: unknown;
  originalMessage?: unknown;
  cause?: unknown;
  meta?: unknown;
};

/** `error` and what it wraps (causes, Prisma's driver adapter error), each once, nearest first. */
function* errorChain(error: unknown): Generator<ErrorFields> {
  const seen = new Set<unknown>();
  const pending = [error];
  while (pending.length) {
    const item = pending.pop();
    if (typeof item !== 'object' || item === null || seen.has(item)) continue;
    seen.add(item);
    const fields = item as ErrorFields;
    yield fields;
    pending.push(fields.cause, record(fields.meta)?.driverAdapterError);
  }
}
