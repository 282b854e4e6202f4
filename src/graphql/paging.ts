// Connection arguments, checked and translated in one place. Every connection takes first/last
// between 1 and 100 (default 20): Pothos would silently clamp larger values, and asking for 1000 and
// getting 100 hides bugs, so it is an error. Cursors are plugin-prisma's, over a UUID `id`.
import { decodeBase64, encodeBase64 } from '@pothos/core';
import { parsePrismaCursor } from '@pothos/plugin-prisma';
import { GraphQLError } from 'graphql';
import { isUuid } from '../domain/ids.js';
import type { IssuePageRequest } from '../services/issues.js';
import type { SearchCursor, SearchPageRequest } from '../services/search.js';

export const MAX_PAGE_SIZE = 100;
/** The page size when neither first nor last is given. */
export const DEFAULT_PAGE_SIZE = 20;

type PageArgs = { first?: number | null; last?: number | null; after?: string | null; before?: string | null };

const badInput = (message: string) => new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });

/** The row id a cursor of ours names; BAD_USER_INPUT for anything else (a forged cursor must not reach the database). */
function cursorId(cursor: string, name: string): string {
  let id: unknown;
  try {
    id = parsePrismaCursor(cursor);
  } catch {
    id = undefined;
  }
  if (typeof id !== 'string' || !isUuid(id)) throw badInput(`"${name}" is not a cursor of this list`);
  return id;
}

/** Used as each connection's `maxSize`: validates first/last and the cursors, and returns the limit. */
export function pageSize(args: PageArgs): number {
  for (const name of ['after', 'before'] as const) {
    const cursor = args[name];
    if (cursor != null) cursorId(cursor, name);
  }
  return checkedSizes(args);
}

/** Checks first/last against MAX_PAGE_SIZE; returns the limit. */
function checkedSizes(args: PageArgs): number {
  for (const name of ['first', 'last'] as const) {
    const value = args[name];
    if (value != null && (value < 1 || value > MAX_PAGE_SIZE)) {
      throw badInput(`"${name}" must be between 1 and ${MAX_PAGE_SIZE}, got ${value}`);
    }
  }
  return MAX_PAGE_SIZE;
}

/** Where a page starts, from a connection's arguments: after `after`, or backwards before `before` (or from the end with `last`). */
export function pageStart(args: PageArgs): { cursorId?: string; backward: boolean } {
  const cursor = args.after ?? args.before;
  return {
    cursorId: cursor == null ? undefined : cursorId(cursor, args.after != null ? 'after' : 'before'),
    backward: args.before != null || args.last != null,
  };
}

/**
 * Splits the query plugin-prisma hands a prismaConnection resolver into the page it asks for (its
 * cursor, skip and signed take) and the selection to load, so services receive a plain page request.
 */
export function splitPage<Q extends object>(query: Q): { page: IssuePageRequest; selection: Omit<Q, 'cursor' | 'skip' | 'take'> } {
  const { cursor, skip: _skip, take, ...selection } = query as Q & { cursor?: { id: string }; skip?: number; take: number };
  return { page: { cursorId: cursor?.id, backward: take < 0, take: Math.abs(take) }, selection };
}

// Search hits are ordered by (rank, id), so their cursor carries both: `IssueSearch:<rank>:<uuid>`
// in base64, like the relay plugin's own cursors. The rank is ts_rank's real, printed so that it
// reads back to the same value.
const SEARCH_CURSOR = /^IssueSearch:(-?[0-9]+(?:\.[0-9]+)?(?:e-?[0-9]+)?):([0-9a-f-]{36})$/;

/** The cursor of a search hit. */
export const searchCursor = ({ rank, id }: SearchCursor): string => encodeBase64(`IssueSearch:${rank}:${id}`);

/** The rank and id a search cursor names; BAD_USER_INPUT for anything else. */
function parseSearchCursor(cursor: string, name: string): SearchCursor {
  let match: RegExpExecArray | null;
  try {
    match = SEARCH_CURSOR.exec(decodeBase64(cursor));
  } catch {
    match = null;
  }
  const rank = Number(match?.[1]);
  if (!match || !Number.isFinite(rank) || !isUuid(match[2])) throw badInput(`"${name}" is not a cursor of this list`);
  return { rank, id: match[2] };
}

/** A search connection's page: the same size rules as every connection, search cursors instead of ids. */
export function searchPage(args: PageArgs): SearchPageRequest {
  checkedSizes(args);
  const backward = args.before != null || args.last != null;
  const cursor = args.after ?? args.before;
  return {
    cursor: cursor == null ? undefined : parseSearchCursor(cursor, args.after != null ? 'after' : 'before'),
    backward,
    take: (backward ? args.last : args.first) ?? args.first ?? args.last ?? DEFAULT_PAGE_SIZE,
  };
}

/** A search page as a Relay connection; the side not read from says whether the cursor had anything beyond it. */
export function searchConnection<T extends { rank: number; issue: { id: string } }>(
  page: { hits: T[]; more: boolean },
  request: SearchPageRequest,
) {
  const edges = page.hits.map((hit) => ({ ...hit, node: hit.issue, cursor: searchCursor({ rank: hit.rank, id: hit.issue.id }) }));
  return {
    edges,
    pageInfo: {
      hasNextPage: request.backward ? request.cursor != null : page.more,
      hasPreviousPage: request.backward ? page.more : request.cursor != null,
      startCursor: edges[0]?.cursor ?? null,
      endCursor: edges[edges.length - 1]?.cursor ?? null,
    },
  };
}
