// One way to reach the database: a pg pool (embedded PGlite or a real server) wrapped by Prisma's
// adapter-pg. The pool is ours so that start-up can check it and shutdown can drain it.
import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import { PrismaClient } from '../generated/prisma/client.js';
import { EMBEDDED_POOL_SIZE, startEmbedded } from './embedded.js';
import { boundPreparedStatements, cancelWithRequest, sessionOptions, type SessionLimits } from './session-guards.js';

export type { PrismaClient };

export type Database = {
  prisma: PrismaClient;
  pool: pg.Pool;
  /** Whether statements are named and prepared once per connection (not on PGlite). */
  preparedStatements: boolean;
  /** Where the data lives, for logs (no credentials). */
  description: string;
  /**
   * A new, unconnected client outside the pool for a long-lived LISTEN, named `applicationName`
   * (told apart in pg_stat_activity and by the benchmark's statement count). Absent on the embedded
   * database, which serves every connection from one session.
   */
  openListener?: (applicationName: string) => pg.Client;
  /** True when a trivial statement gets an answer (for /ready); never throws. */
  isReachable: () => Promise<boolean>;
  close(): Promise<void>;
};

export class DatabaseUnavailableError extends Error {}

type DatabaseOptions = Pick<Config, 'databaseUrl' | 'dataDir' | 'poolSize' | 'connectTimeoutMs'> &
  Partial<Pick<Config, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs' | 'jit' | 'maxPreparedStatements'>> & {
    /** Called with the text of every SQL statement sent (trace logging, statement-count tests). */
    onQuery?: (sql: string) => void;
  };

/** Opens the configured database and proves it answers; throws DatabaseUnavailableError if not. */
export async function openDatabase(options: DatabaseOptions, logger: Logger): Promise<Database> {
  const embedded = options.databaseUrl ? undefined : await startEmbedded(join(options.dataDir, 'pglite'), EMBEDDED_POOL_SIZE + 1);
  const url = options.databaseUrl ?? embedded!.url;
  const description = embedded ? `embedded PGlite in ${join(options.dataDir, 'pglite')}` : redactUrl(url);
  // PGlite serves every connection from one session and cannot cancel a statement: the session
  // guards are for a real server.
  const pool = embedded
    ? createPool(url, { poolSize: EMBEDDED_POOL_SIZE, connectTimeoutMs: options.connectTimeoutMs })
    : createPool(url, options, { genericPlans: true });
  if (!embedded) {
    cancelWithRequest(pool);
    if (options.maxPreparedStatements) boundPreparedStatements(pool, options.maxPreparedStatements);
  }
  // Every idle connection reports a restart of the server: one line each, no stack.
  pool.on('error', (error) => logger.warn({ reason: error.message }, 'idle database connection closed'));
  if (options.onQuery) observeQueries(pool, options.onQuery);
  const close = async () => {
    await pool.end();
    await embedded?.stop();
  };
  let version: string;
  try {
    version = (await pool.query<{ version: string }>('SELECT version()')).rows[0].version;
  } catch (error) {
    await close().catch(() => {});
    throw new DatabaseUnavailableError(`Cannot reach the database at ${description}: ${(error as Error).message}`);
  }
  // PGlite serves every connection from one session, where names prepared by two connections
  // would collide; it gains nothing from them anyway.
  const prepared = !version.includes('PGlite') && options.maxPreparedStatements !== 0;
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, prepared ? { statementNameGenerator: preparedStatementName } : {}),
    // A transaction waits for a connection as long as any query does (Prisma's own default is 2 s):
    // the embedded database has one connection, so a burst of writes queues behind each other.
    transactionOptions: { maxWait: options.connectTimeoutMs },
  });
  return {
    prisma,
    pool,
    preparedStatements: prepared,
    description,
    // PGlite (embedded, or behind its socket in tests) serves every connection from one session: a
    // notification may come out on whichever connection, never reliably on the listener's.
    openListener: version.includes('PGlite')
      ? undefined
      : // keepAlive: a peer that vanished is noticed by the kernel too, not only by the stream's own pings.
        (applicationName) =>
          new pg.Client({
            connectionString: url,
            application_name: applicationName,
            keepAlive: true,
            connectionTimeoutMillis: options.connectTimeoutMs,
          }),
    isReachable: () =>
      pool.query('SELECT 1').then(
        () => true,
        () => false,
      ),
    async close() {
      await prisma.$disconnect();
      await close();
    },
  };
}

/**
 * Names each distinct SQL text, so that every pooled connection parses and plans it once and
 * then only binds and executes it (Prisma's SQL for a given query shape is stable).
 */
function preparedStatementName(query: { sql: string }): string {
  let name = statementNames.get(query.sql);
  if (name === undefined) {
    name = `trackr_${createHash('sha1').update(query.sql).digest('base64url')}`;
    // Bounded: filters combine into many shapes, and an evicted name is only recomputed.
    if (statementNames.size >= 5_000) statementNames.clear();
    statementNames.set(query.sql, name);
  }
  return name;
}
const statementNames = new Map<string, string>();

/**
 * `genericPlans`: PostgreSQL plans each prepared statement once instead of on every execution. By
 * default it keeps re-planning Prisma's nested statements (planning cost as much as running them);
 * our statements are key and index lookups with LIMITs, whose plan does not depend on the values.
 */
export function createPool(
  url: string,
  options: Pick<Config, 'poolSize' | 'connectTimeoutMs'> & Partial<SessionLimits>,
  { genericPlans = false } = {},
): pg.Pool {
  return new pg.Pool({
    connectionString: url,
    max: options.poolSize,
    connectionTimeoutMillis: options.connectTimeoutMs,
    idleTimeoutMillis: 30_000,
    application_name: 'trackr',
    // A session sets its limits from its start-up packet, so they cost no statement.
    options: sessionOptions(options, { genericPlans }) || undefined,
  });
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '(unparseable database URL)';
  }
}

type QueryFn = (...args: unknown[]) => unknown;

/** Reports each statement a pooled connection sends, whoever sends it (Prisma or our own SQL). */
function observeQueries(pool: pg.Pool, onQuery: (sql: string) => void): void {
  pool.on('connect', (client) => {
    const query = client.query.bind(client) as QueryFn;
    (client as unknown as { query: QueryFn }).query = (...args: unknown[]) => {
      const first = args[0];
      onQuery(typeof first === 'string' ? first : ((first as { text?: string } | undefined)?.text ?? ''));
      return query(...args);
    };
  });
}
