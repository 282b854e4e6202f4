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
