// Environment parsed and validated once. A bad or missing variable stops start-up with a message
// naming it; production refuses weak secrets.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const MIN_SECRET_BYTES = 32;
const DEFAULT_CORS_ORIGINS = ['http://localhost:5173', 'http://localhost:3000'];

const csv = z.string().transform((s) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter(Boolean),
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().min(1).default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\//, 'must be a postgresql:// URL')
    .optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  DATABASE_CONNECT_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(5000),
  DATABASE_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(0).default(5000),
  DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  DATABASE_JIT: z.enum(['true', 'false']).default('false'),
  DATABASE_MAX_PREPARED_STATEMENTS: z.coerce.number().int().min(0).default(200),
  JWT_SECRET: z.string().optional(),
  JWT_ISSUER: z.string().min(1).default('trackr'),
  JWT_AUDIENCE: z.string().min(1).default('trackr-api'),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(1800),
  REFRESH_TOKEN_TTL_DAYS: z.coerce.number().int().min(1).max(365).default(30),
  BCRYPT_COST: z.coerce.number().int().min(10, 'must be at least 10').max(15).default(12),
  CORS_ORIGINS: csv.pipe(z.array(z.url({ protocol: /^https?$/ }))).optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  REDIS_URL: z
    .string()
    .regex(/^rediss?:\/\//, 'must be a redis:// URL')
    .optional(),
  GRAPHIQL: z.enum(['true', 'false']).optional(),
  MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(1_000_000),
  SHUTDOWN_TIMEOUT_MS: z.coerce.number().int().min(0).default(10_000),
  HTTP_HEADERS_TIMEOUT_MS: z.coerce.number().int().min(1000).max(120_000).default(15_000),
  HTTP_REQUEST_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(30_000),
  HTTP_KEEP_ALIVE_TIMEOUT_MS: z.coerce.number().int().min(1000).max(600_000).default(65_000),
  HTTP_MAX_CONNECTIONS: z.coerce.number().int().min(1).optional(),
  LOGIN_MAX_FAILURES_PER_ACCOUNT: z.coerce.number().int().min(1).default(10),
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: z.coerce.number().int().min(1).default(100),
  LOGIN_MAX_ATTEMPTS_PER_IP: z.coerce.number().int().min(1).default(100),
  LOGIN_WINDOW_SECONDS: z.coerce.number().int().min(1).default(900),
  TRUST_PROXY: z.enum(['true', 'false']).default('false'),
  TRUSTED_PROXY_HOPS: z.coerce.number().int().min(1).max(10).optional(),
  QUERY_MAX_COST: z.coerce.number().int().min(1).default(25_000),
  QUERY_MAX_DEPTH: z.coerce.number().int().min(1).default(15),
  QUERY_MAX_BREADTH: z.coerce.number().int().min(1).default(300),
  QUERY_MAX_ALIASES: z.coerce.number().int().min(0).default(60),
  QUERY_MAX_ROOT_FIELDS: z.coerce.number().int().min(1).default(60),
  INPUT_MAX_LIST_LENGTH: z.coerce.number().int().min(1).default(100),
  FILTER_MAX_CONDITIONS: z.coerce.number().int().min(1).default(50),
  SEARCH_MAX_LENGTH: z.coerce.number().int().min(1).default(256),
  RATE_BUDGET_PER_USER: z.coerce.number().int().min(0).default(300_000),
  RATE_BUDGET_PER_ADDRESS: z.coerce.number().int().min(0).default(100_000),
  RATE_BUDGET_WINDOW_SECONDS: z.coerce.number().int().min(1).default(60),
  EMAIL_LOOKUPS_PER_WINDOW: z.coerce.number().int().min(1).default(30),
  EMAIL_LOOKUP_WINDOW_SECONDS: z.coerce.number().int().min(1).default(3600),
  INTROSPECTION: z.enum(['true', 'false']).optional(),
  TRUSTED_DOCUMENTS: z.enum(['off', 'allowed', 'required']).default('off'),
  TRUSTED_DOCUMENTS_MANIFEST: z.string().min(1).optional(),
  // Realtime (src/events, src/graphql/subscriptions.ts)
  OUTBOX_RETENTION_HOURS: z.coerce.number().int().min(1).max(720).default(24),
  OUTBOX_POLL_MS: z.coerce.number().int().min(50).max(60_000).default(1000),
  REALTIME_CHANNEL_PREFIX: z.string().min(1).max(100).default('trackr:'),
  MAX_SUBSCRIPTIONS_PER_CONNECTION: z.coerce.number().int().min(1).default(20),
  MAX_SUBSCRIPTIONS_PER_USER: z.coerce.number().int().min(1).default(100),
  SUBSCRIPTION_RECHECK_SECONDS: z.coerce.number().int().min(1).default(60),
  WS_KEEPALIVE_MS: z.coerce.number().int().min(1000).default(15_000),
  SESSION_CACHE_SIZE: z.coerce.number().int().min(0).default(50_000),
  SESSION_CACHE_TTL_SECONDS: z.coerce.number().int().min(1).max(3600).default(120),
  SESSION_STREAM_PING_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  RESPONSE_CACHE: z.enum(['on', 'off']).default('off'),
  RESPONSE_CACHE_TTL_MS: z.coerce.number().int().min(1).default(60_000),
  RESPONSE_CACHE_MAX_ENTRIES: z.coerce.number().int().min(1).default(10_000),
});

export type Config = {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Absent: the embedded PGlite database under dataDir. */
  databaseUrl?: string;
  dataDir: string;
  poolSize: number;
  connectTimeoutMs: number;
  /** PostgreSQL's statement_timeout on Trackr's sessions (0: none). */
  statementTimeoutMs: number;
  /** PostgreSQL's idle_in_transaction_session_timeout on Trackr's sessions (0: none). */
  idleInTransactionTimeoutMs: number;
  /** PostgreSQL's JIT compilation for Trackr's sessions (off: a JIT compilation cannot be cancelled). */
  jit: boolean;
  /** Named prepared statements one connection keeps at most (0: statements are not named). */
  maxPreparedStatements: number;
  jwt: { secret: Uint8Array; issuer: string; audience: string; accessTtlSeconds: number };
  refreshTokenTtlDays: number;
  bcryptCost: number;
  corsOrigins: string[];
  logLevel: string;
  redisUrl?: string;
  graphiql: boolean;
  maxBodyBytes: number;
  shutdownTimeoutMs: number;
  /**
   * Against slow clients: how long the headers, and the whole request (headers and body), may
   * take to arrive; how long an idle keep-alive connection stays open; how many connections at
   * most (unbounded unless set).
   */
  http: { headersTimeoutMs: number; requestTimeoutMs: number; keepAliveTimeoutMs: number; maxConnections?: number };
  /**
   * Account abuse limits, per window: failed logins per account from one client address and from
   * all addresses, login and sign-up attempts per client address, and lookups of accounts by email
   * per caller.
   */
  loginLimits: {
    perAccount: { max: number; windowSeconds: number };
    perAccountAllAddresses: { max: number; windowSeconds: number };
    perIp: { max: number; windowSeconds: number };
    emailLookups: { max: number; windowSeconds: number };
  };
  /** Take the client address from X-Forwarded-For (only behind a proxy that sets it). */
  trustProxy: boolean;
  /** How many proxies in front of us append to X-Forwarded-For: the client is that many entries from the right. */
  trustedProxyHops: number;
  /** What one GraphQL document may ask for, checked before anything runs (graphql/limits.ts). */
  queryLimits: QueryLimits;
  /** Query cost a caller may spend per window: per user, and per client address when anonymous (0: no budget). */
  rateBudget: { perUser: number; perAddress: number; windowSeconds: number };
  /** Introspection and "Did you mean" suggestions in errors: on outside production unless configured. */
  introspection: boolean;
  /**
   * Persisted operations: `allowed` also runs documents from the manifest by hash, `required` runs
   * nothing else; the manifest is codegen's persisted-documents.json (hash -> document).
   */
  trustedDocuments: { mode: 'off' | 'allowed' | 'required'; manifestPath?: string };
  /** Subscriptions: replay window, relay polling, Redis channel prefix, limits, keep-alives. */
  realtime: RealtimeConfig;
  /**
   * Live sessions known in memory (src/auth/session-state.ts): how many at most (0: every request
   * checks the database), how long one is trusted before it is re-checked, and how often the
   * revocation stream proves it is alive (and how long a ping may take before it counts as dead).
   */
  sessionCache: { maxEntries: number; ttlMs: number; pingMs: number };
  /**
   * The response cache (graphql/response-cache.ts): off unless RESPONSE_CACHE=on; how long an
   * answer is kept, and how many answers one process keeps in memory (Redis relies on the TTL).
   */
  responseCache: { enabled: boolean; ttlMs: number; maxEntries: number };
  /** Things start-up should tell the operator about (logged once the logger exists). */
  warnings: string[];
};

export type QueryLimits = {
  cost: number;
  depth: number;
  breadth: number;
  aliases: number;
  rootFields: number;
  listLength: number;
  filterConditions: number;
  searchLength: number;
};

export type RealtimeConfig = {
  retentionHours: number;
  pollMs: number;
  channelPrefix: string;
  maxPerConnection: number;
  maxPerUser: number;
  recheckSeconds: number;
  keepAliveMs: number;
};

export class ConfigError extends Error {}

/** Parses `env` (process.env by default); throws ConfigError naming every bad variable. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const parsed = envSchema.safeParse(Object.fromEntries(Object.entries(env).filter(([, v]) => v !== '')));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const dataDir = resolve(e.DATA_DIR);
  const warnings: string[] = [];
  if (e.TRUSTED_DOCUMENTS !== 'off' && !e.TRUSTED_DOCUMENTS_MANIFEST)
    throw new ConfigError(`Invalid configuration:\n  TRUSTED_DOCUMENTS_MANIFEST: required with TRUSTED_DOCUMENTS=${e.TRUSTED_DOCUMENTS}`);
  if (e.TRUSTED_PROXY_HOPS !== undefined && e.TRUST_PROXY !== 'true')
    warnings.push('TRUSTED_PROXY_HOPS is set but TRUST_PROXY is not true: X-Forwarded-For is ignored.');
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    databaseUrl: e.DATABASE_URL,
    dataDir,
    poolSize: e.DATABASE_POOL_SIZE,
    connectTimeoutMs: e.DATABASE_CONNECT_TIMEOUT_MS,
    statementTimeoutMs: e.DATABASE_STATEMENT_TIMEOUT_MS,
    idleInTransactionTimeoutMs: e.DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    jit: e.DATABASE_JIT === 'true',
    maxPreparedStatements: e.DATABASE_MAX_PREPARED_STATEMENTS,
    jwt: {
      secret: jwtSecret(e.JWT_SECRET, e.NODE_ENV, dataDir, warnings),
      issuer: e.JWT_ISSUER,
      audience: e.JWT_AUDIENCE,
      accessTtlSeconds: e.ACCESS_TOKEN_TTL_SECONDS,
    },
    refreshTokenTtlDays: e.REFRESH_TOKEN_TTL_DAYS,
    bcryptCost: e.BCRYPT_COST,
    corsOrigins: e.CORS_ORIGINS ?? DEFAULT_CORS_ORIGINS,
    logLevel: e.LOG_LEVEL,
    redisUrl: e.REDIS_URL,
    graphiql: e.GRAPHIQL ? e.GRAPHIQL === 'true' : e.NODE_ENV !== 'production',
    maxBodyBytes: e.MAX_BODY_BYTES,
    shutdownTimeoutMs: e.SHUTDOWN_TIMEOUT_MS,
    http: {
      headersTimeoutMs: e.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeoutMs: Math.max(e.HTTP_REQUEST_TIMEOUT_MS, e.HTTP_HEADERS_TIMEOUT_MS),
      keepAliveTimeoutMs: e.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      maxConnections: e.HTTP_MAX_CONNECTIONS,
    },
    loginLimits: {
      perAccount: { max: e.LOGIN_MAX_FAILURES_PER_ACCOUNT, windowSeconds: e.LOGIN_WINDOW_SECONDS },
      perAccountAllAddresses: { max: e.LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES, windowSeconds: e.LOGIN_WINDOW_SECONDS },
      perIp: { max: e.LOGIN_MAX_ATTEMPTS_PER_IP, windowSeconds: e.LOGIN_WINDOW_SECONDS },
      emailLookups: { max: e.EMAIL_LOOKUPS_PER_WINDOW, windowSeconds: e.EMAIL_LOOKUP_WINDOW_SECONDS },
    },
    trustProxy: e.TRUST_PROXY === 'true',
    trustedProxyHops: e.TRUSTED_PROXY_HOPS ?? 1,
    queryLimits: {
      cost: e.QUERY_MAX_COST,
      depth: e.QUERY_MAX_DEPTH,
      breadth: e.QUERY_MAX_BREADTH,
      aliases: e.QUERY_MAX_ALIASES,
      rootFields: e.QUERY_MAX_ROOT_FIELDS,
      listLength: e.INPUT_MAX_LIST_LENGTH,
      filterConditions: e.FILTER_MAX_CONDITIONS,
      searchLength: e.SEARCH_MAX_LENGTH,
    },
    rateBudget: { perUser: e.RATE_BUDGET_PER_USER, perAddress: e.RATE_BUDGET_PER_ADDRESS, windowSeconds: e.RATE_BUDGET_WINDOW_SECONDS },
    introspection: e.INTROSPECTION ? e.INTROSPECTION === 'true' : e.NODE_ENV !== 'production',
    trustedDocuments: {
      mode: e.TRUSTED_DOCUMENTS,
      manifestPath: e.TRUSTED_DOCUMENTS_MANIFEST ? resolve(e.TRUSTED_DOCUMENTS_MANIFEST) : undefined,
    },
    realtime: {
      retentionHours: e.OUTBOX_RETENTION_HOURS,
      pollMs: e.OUTBOX_POLL_MS,
      channelPrefix: e.REALTIME_CHANNEL_PREFIX,
      maxPerConnection: e.MAX_SUBSCRIPTIONS_PER_CONNECTION,
      maxPerUser: e.MAX_SUBSCRIPTIONS_PER_USER,
      recheckSeconds: e.SUBSCRIPTION_RECHECK_SECONDS,
      keepAliveMs: e.WS_KEEPALIVE_MS,
    },
    sessionCache: { maxEntries: e.SESSION_CACHE_SIZE, ttlMs: e.SESSION_CACHE_TTL_SECONDS * 1000, pingMs: e.SESSION_STREAM_PING_MS },
    responseCache: { enabled: e.RESPONSE_CACHE === 'on', ttlMs: e.RESPONSE_CACHE_TTL_MS, maxEntries: e.RESPONSE_CACHE_MAX_ENTRIES },
    warnings,
  };
}

/**
 * The HS256 signing secret. Production must provide a strong one; development generates one and
 * keeps it under the data directory so tokens survive restarts.
 */
function jwtSecret(given: string | undefined, env: Config['env'], dataDir: string, warnings: string[]): Uint8Array {
  if (given !== undefined) {
    const bytes = new TextEncoder().encode(given);
    if (bytes.length < MIN_SECRET_BYTES) {
      throw new ConfigError(`Invalid configuration:\n  JWT_SECRET: must be at least ${MIN_SECRET_BYTES} bytes (got ${bytes.length})`);
    }
    if (env === 'production' && new Set(given).size < 10) {
      throw new ConfigError('Invalid configuration:\n  JWT_SECRET: too weak for production (too few distinct characters)');
    }
    return bytes;
  }
  if (env === 'production') {
    throw new ConfigError(
      `Invalid configuration:\n  JWT_SECRET: required in production (at least ${MIN_SECRET_BYTES} random bytes, e.g. \`openssl rand -base64 48\`)`,
    );
  }
  const file = join(dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600 });
  }
  warnings.push(`JWT_SECRET is not set: using the development secret in ${file}. Set JWT_SECRET in production.`);
  return new TextEncoder().encode(readFileSync(file, 'utf8').trim());
}
