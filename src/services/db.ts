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
