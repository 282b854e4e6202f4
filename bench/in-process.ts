// Trackr in this process, answering through app.fetch (no HTTP, no other load), for the bench
// scripts that time or explain Trackr alone (search.ts, list-plans.ts, write-cpu.ts).
import { createApp, type App } from '../src/app.js';
import { LoginThrottle } from '../src/auth/login-throttle.js';
import { createRateLimiter } from '../src/auth/rate-limit.js';
import { TokenService } from '../src/auth/tokens.js';
import { sessionCheck } from '../src/auth/viewer.js';
import { startRevocations } from '../src/events/revocations.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createLogger } from '../src/logger.js';

export type Gql = (query: string, variables: Record<string, unknown>, token?: string) => Promise<Record<string, unknown>>;
export type InProcessTrackr = { gql: Gql; app: App; close(): Promise<void> };

/**
 * Production settings on `databaseUrl` (plus `env`); `gql` throws on any GraphQL error. Sessions are
 * checked in the database on every request unless `sessionCache`, which keeps live sessions in
 * memory as main.ts does (startRevocations: one LISTEN connection, no statement per request).
 */
export async function startInProcess(
  databaseUrl: string,
  name: string,
  { env = {}, sessionCache = false }: { env?: Record<string, string>; sessionCache?: boolean } = {},
): Promise<InProcessTrackr> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: databaseUrl,
    JWT_SECRET: `bench-${name}-secret-that-is-long-enough-0123456789`,
    LOG_LEVEL: 'warn',
    GRAPHIQL: 'false',
    ...env,
  });
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  const rateLimiter = createRateLimiter(undefined);
  const revocations = sessionCache ? await startRevocations(db, config.sessionCache, logger) : undefined;
  const app = await createApp({
    prisma: db.prisma,
    config,
    tokens: new TokenService(config.jwt),
    sessionIsLive: revocations?.sessionIsLive ?? sessionCheck(db),
    revocations,
    throttle: new LoginThrottle(rateLimiter, config.loginLimits),
    logger,
    isReady: async () => true,
  });
  const gql: Gql = async (query, variables, token) => {
    const response = await app.fetch('http://bench.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, unknown>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
  return {
    gql,
    app,
    close: async () => {
      await revocations?.close();
      await rateLimiter.close();
      await db.close();
    },
  };
}
