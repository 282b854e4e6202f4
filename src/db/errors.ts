// Translates database constraint failures into domain errors, so a race that slips past a
// service's own checks still gets a clear answer instead of a masked 500.
import { ConflictError } from '../domain/errors.js';

type KnownRequestError = { code: string; meta?: Record<string, unknown> };

function isKnownRequestError(error: unknown): error is KnownRequestError {
  return typeof error === 'object' && error !== null && typeof (error as { code?: unknown }).code === 'string' && (error as { code: string }).code.startsWith('P');
}

/** True when `error` is a unique-constraint violation (optionally on one of `fields`). */
export function isUniqueViolation(error: unknown, field?: string): boolean {
  if (!isKnownRequestError(error) || error.code !== 'P2002') return false;
  if (!field) return true;
  // Depending on the driver, meta names the constraint's fields or its index (users_email_key).
  return JSON.stringify(error.meta ?? {}).includes(field);
}

/** Runs `work`, turning a unique violation into ConflictError(message). */
export async function uniqueOrConflict<T>(work: () => Promise<T>, message: string, field?: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isUniqueViolation(error, field)) throw new ConflictError(message);
    throw error;
  }
}
