// A real app on the worker's database, called through app.fetch with real tokens.
import { randomBytes } from 'node:crypto';
import { createApp, type App } from '../../src/app.js';
import { TokenService } from '../../src/auth/tokens.js';
import { LoginThrottle } from '../../src/auth/login-throttle.js';
import { createRateLimiter } from '../../src/auth/rate-limit.js';
import { loadConfig, type Config } from '../../src/config.js';
import { openDatabase, type Database } from '../../src/db/client.js';
import { createLogger } from '../../src/logger.js';
import { inject } from 'vitest';
import { EMBEDDED_POOL_SIZE } from '../../src/db/embedded.js';
import { workerDatabaseUrl } from './db.js';
import { startRealtime, type Realtime } from '../../src/events/realtime.js';
import { startRevocations, type Revocations } from '../../src/events/revocations.js';
import { createResponseCacheStore } from '../../src/graphql/response-cache.js';

const REDIS_PREFIX = `trackr-test:${randomBytes(6).toString('hex')}:`;

export const TEST_JWT_SECRET = 'test-secret-that-is-long-enough-for-hs256-0123456789';

export type TestApp = {
  app: App;
  db: Database;
  config: Config;
  tokens: TokenService;
  /** The live-session state and its revocation stream (as in main.ts). */
  revocations: Revocations;
  /** Only with `{ realtime: true }`: the subscriptions' relay, hub and limits. */
  realtime?: Realtime;
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
    headers?: Record<string, string>,
  ): Promise<GqlResponse<T>>;
  close(): Promise<void>;
};

export type GqlResponse<T> = {
  status: number;
  headers: Headers;
  data: T;
  errors?: { message: string; path?: string[]; extensions?: { code?: string } }[];
};

export async function startTestApp(
  env: Record<string, string> = {},
  options: { onQuery?: (sql: string) => void; redisPrefix?: string; logs?: string[]; realtime?: boolean } = {},
): Promise<TestApp> {
  const config = loadConfig({
    NODE_ENV: 'test',
    DATABASE_URL: await workerDatabaseUrl(),
    JWT_SECRET: TEST_JWT_SECRET,
    BCRYPT_COST: '10',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    GRAPHIQL: 'false',
    // Every test request comes from the same (unknown) address; throttling tests set their own limits.
    LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
    EMAIL_LOOKUPS_PER_WINDOW: '100000',
    // A PGlite socket must be used through one connection, exactly as the app does when embedded.
    DATABASE_POOL_SIZE: inject('testDb').mode === 'embedded' ? String(EMBEDDED_POOL_SIZE) : '5',
    ...env,
  });
  const logs = options.logs;
  const logger = logs ? createLogger(config.logLevel, { write: (line: string) => void logs.push(line) }) : createLogger(config.logLevel);
  const db = await openDatabase({ ...config, onQuery: options.onQuery }, logger);
  const tokens = new TokenService(config.jwt);
  // Redis is shared with other runs and sessions: this test file's apps (replicas of one another)
  // share keys of their own.
  const rateLimiter = createRateLimiter(config.redisUrl, options.redisPrefix ?? REDIS_PREFIX);
  const throttle = new LoginThrottle(rateLimiter, config.loginLimits);
  // RESPONSE_CACHE=on: the cache invalidates from the relay's events, so the relay runs too.
  const realtime =
    options.realtime || config.responseCache.enabled
      ? await startRealtime({ db, config: config.realtime, logger, redisUrl: config.redisUrl, databaseUrl: config.databaseUrl })
      : undefined;
  const responseCache = config.responseCache.enabled
    ? createResponseCacheStore(config, logger, `${options.redisPrefix ?? REDIS_PREFIX}rc:`)
    : undefined;
  const revocations = await startRevocations(db, config.sessionCache, logger);
  const app = await createApp({
    realtime,
    responseCache,
    prisma: db.prisma,
    config,
    tokens,
    sessionIsLive: revocations.sessionIsLive,
    revocations,
    throttle,
    logger,
    isReady: db.isReachable,
  });
  return {
    app,
    db,
    config,
    tokens,
    realtime,
    revocations,
    async gql(query, variables = {}, token, headers = {}) {
      const response = await app.fetch('http://trackr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
        body: JSON.stringify({ query, variables }),
      });
      const body = (await response.json()) as { data: never; errors?: GqlResponse<never>['errors'] };
      return { status: response.status, headers: response.headers, data: body.data, errors: body.errors };
    },
    close: async () => {
      await realtime?.close('test over');
      await revocations.close();
      await responseCache?.close();
      await rateLimiter.close();
      await db.close();
    },
  };
}

export const unique = (prefix: string) => `${prefix}${randomBytes(4).toString('hex')}`;

/** A project key nobody else in this run uses: two letters plus random digits/letters. */
export const uniqueKey = () =>
  `T${randomBytes(4)
    .toString('hex')
    .toUpperCase()
    .replace(/^[0-9]/, 'X')}`.slice(0, 10);

export type SignedUp = { id: string; email: string; password: string; token: string };

export async function signUpUser(t: TestApp, name = 'Test User'): Promise<SignedUp> {
  const email = `${unique('user-')}@example.com`;
  const password = 'correct horse battery staple';
  const res = await t.gql<{ signUp: { accessToken: string; user: { id: string } } }>(
    `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken user { id } } ... on Error { code message } } }`,
    { input: { email, name, password } },
  );
  if (!res.data?.signUp?.accessToken) throw new Error(`signUp failed: ${JSON.stringify(res)}`);
  return { id: res.data.signUp.user.id, email, password, token: res.data.signUp.accessToken };
}

export async function createProjectAs(t: TestApp, token: string, key = uniqueKey()): Promise<{ id: string; key: string }> {
  const res = await t.gql<{ createProject: { project: { id: string; key: string } } }>(
    `mutation($input: CreateProjectInput!) { createProject(input: $input) { ... on ProjectPayload { project { id key } } ... on Error { code message } } }`,
    { input: { key, name: `Project ${key}` } },
    token,
  );
  if (!res.data?.createProject?.project) throw new Error(`createProject failed: ${JSON.stringify(res)}`);
  return res.data.createProject.project;
}
