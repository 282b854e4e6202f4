// Page sizes: every connection takes first/last between 1 and 100 (default 20). Pothos would
// silently clamp larger values; asking for 1000 and getting 100 hides bugs, so it is an error.
import { GraphQLError } from 'graphql';
import { UUID } from '../services/projects.js';

export const MAX_PAGE_SIZE = 100;

/** The id inside a cursor of ours (base64 of `GPC:S:<id>`, as Pothos writes them); undefined if none. */
export function idOfCursor(cursor: string | null | undefined): string | undefined {
  if (cursor == null) return undefined;
  return /^GPC:S:(.*)$/s.exec(Buffer.from(cursor, 'base64').toString('utf8'))?.[1];
}

type PageArgs = { first?: number | null; last?: number | null; after?: string | null; before?: string | null };

/**
 * Used as each connection's `maxSize`: validates first/last and the cursors, and returns the limit.
 * Every connection pages by a UUID `id` (Pothos cursor `GPC:S:<id>`); a forged cursor holding
 * anything else would reach the database and come back as a masked internal error.
 */
export function pageSize(args: PageArgs): number {
  for (const name of ['after', 'before'] as const) {
    const cursor = args[name];
    if (cursor == null) continue;
    const id = idOfCursor(cursor);
    if (id === undefined || !UUID.test(id)) throw new GraphQLError(`"${name}" is not a cursor of this list`, { extensions: { code: 'BAD_USER_INPUT' } });
  }
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`"${name}" must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return MAX_PAGE_SIZE;
}
