// Page sizes: every connection takes first/last between 1 and 100 (default 20). Pothos would
// silently clamp larger values; asking for 1000 and getting 100 hides bugs, so it is an error.
import { GraphQLError } from 'graphql';

export const MAX_PAGE_SIZE = 100;

/** Used as each connection's `maxSize`: validates first/last and returns the limit. */
export function pageSize(args: { first?: number | null; last?: number | null }): number {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw new GraphQLError(`"${name}" must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`, { extensions: { code: 'BAD_USER_INPUT' } });
    }
  }
  return MAX_PAGE_SIZE;
}
