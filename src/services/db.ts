import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** What services run queries on: the client, or a transaction started by a caller. */
export type Db = PrismaClient | Prisma.TransactionClient;

/**
 * `query` (plugin-prisma's selection) with `columns` added to its `select`, for a batched read
 * that must match each row back to the key it was asked for. An `include`, or no selection at
 * all, reads every column already.
 */
export function withColumns(query: object, columns: Record<string, true>): object {
  const { select } = query as { select?: object };
  return select ? { ...query, select: { ...select, ...columns } } : query;
}

/**
 * `query` (plugin-prisma's page: cursor, skip, take and selection) with its cursor confined to the
 * list's own rows by the columns that scope the list (`{ projectId }`). Prisma reads a cursor row's
 * sort values wherever that row is, so a cursor naming a row outside the list (another project's,
 * one the viewer cannot see) would page from where that row sorts and reveal it; confined, it names
 * nothing and pages nothing, exactly like a missing row. Prisma's query compiler takes only column
 * equalities in a cursor (no AND, no relation filters). Nested lists are confined by Prisma itself.
 */
export function cursorWithin(query: object, scope: Record<string, string>): object {
  const { cursor } = query as { cursor?: { id: string } };
  return cursor ? { ...query, cursor: { ...cursor, ...scope } } : query;
}
