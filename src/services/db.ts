import type { Prisma, PrismaClient } from '../generated/prisma/client.js';

/** What services run queries on: the client, or a transaction started by a caller. */
export type Db = PrismaClient | Prisma.TransactionClient;
