// Bounds on what a client may send, checked on the real argument values of every selected field
// (variables included) while the query is priced, so before any resolver runs. One walk over the
// arguments covers every list, every text and every filter of every field, present or future.
import { GraphQLError } from 'graphql';
import type { QueryLimits } from '../config.js';

/** Filter fields that combine filters rather than state a condition. */
const COMBINATORS = new Set(['and', 'or', 'not']);

export function badInput(message: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/**
 * Refuses lists longer than `listLength`, `search` texts longer than `searchLength` and any text
 * containing NUL (PostgreSQL cannot store U+0000 in text, so it would fail deep inside a write).
 * This is the one place NUL is refused: every text input of every field passes here first.
 */
export function checkInputs(path: string, value: unknown, limits: QueryLimits): void {
  if (typeof value === 'string') {
    if (value.includes('\u0000')) throw badInput(`${path} must not contain NUL characters (\\u0000)`);
    return;
  }
  if (value === null || typeof value !== 'object' || value instanceof Date) return;
  if (Array.isArray(value)) {
    if (value.length > limits.listLength) throw badInput(`${path} takes at most ${limits.listLength} items (got ${value.length})`);
    value.forEach((item, i) => checkInputs(`${path}[${i}]`, item, limits));
    return;
  }
  for (const [key, item] of Object.entries(value)) {
    if (key === 'search' && typeof item === 'string') checkText(`${path}.search`, item, limits);
    checkInputs(`${path}.${key}`, item, limits);
  }
}

/** A text that drives a search: at most `searchLength` characters (a search box, not a document). */
export function checkText(path: string, text: string, limits: QueryLimits): void {
  if (text.length > limits.searchLength) throw badInput(`${path} takes at most ${limits.searchLength} characters (got ${text.length})`);
}

/**
 * The number of conditions in a filter, and/or/not trees included: each field that states a
 * condition counts one, and each nested filter counts one plus its own conditions.
 */
export function filterConditions(filter: unknown): number {
  if (filter === null || typeof filter !== 'object') return 0;
  let count = 0;
  for (const [key, value] of Object.entries(filter)) {
    if (value == null) continue;
    if (!COMBINATORS.has(key)) count += 1;
    else for (const nested of Array.isArray(value) ? value : [value]) count += 1 + filterConditions(nested);
  }
  return count;
}

/** Refuses a filter with more than `filterConditions` conditions; answers how many it has. */
export function checkFilter(path: string, filter: unknown, limits: QueryLimits): number {
  const conditions = filterConditions(filter);
  if (conditions > limits.filterConditions) {
    throw badInput(`${path} has ${conditions} conditions; a filter may have at most ${limits.filterConditions} (and/or/not included)`);
  }
  return conditions;
}
