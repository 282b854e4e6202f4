// Process entry: config, database, migrations, HTTP server, graceful shutdown.
// `tsx src/main.ts migrate` (or `node dist/src/main.js migrate`) only applies migrations.
import { createServer } from 'node:http';
import { setFlagsFromString } from 'node:v8';
import { ConfigError, loadConfig } from './config.js';
import { createLogger } from './logger.js';
import { DatabaseUnavailableError, openDatabase } from './db/client.js';
import { migrate, MigrationError } from './db/migrate.js';
import { cancelStatementsOnDisconnect } from './db/session-guards.js';
import { drainable } from './http-drain.js';
import { closePasswordWorkers } from './auth/passwords.js';
import { TokenService } from './auth/tokens.js';
import { LoginThrottle } from './auth/login-throttle.js';
import { createRateLimiter } from './auth/rate-limit.js';
import { createApp } from './app.js';
import { startRealtime } from './events/realtime.js';
import { startRevocations } from './events/revocations.js';
import { serveWebSockets } from './graphql/websocket.js';
import { createResponseCacheStore } from './graphql/response-cache.js';

// Prisma's query compiler is WebAssembly that runs once per query shape (its plans are cached).
// V8's optimising tier would still recompile it in the background into ~60 MB of machine code;
// the baseline tier is enough. Set before the first query, when the module is compiled.
setFlagsFromString('--liftoff-only');
// V8 lets the old generation grow up to 4× its live size between full collections; under load that
// was a third of the process' memory. Growing by 2× at most: peak RSS under the benchmark's project
// page 320 → 229 MB at the same req/s (bench/NOTES.md). An operator's own `--heap-growing-percent` wins.
if (![...process.execArgv, process.env.NODE_OPTIONS ?? ''].some((arg) => arg.includes('--heap-growing-percent'))) {
  setFlagsFromString('--heap-growing-percent=100');
}

async function main(): Promise<void> {
  const started = performance.now();
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  for (const warning of config.warnings) logger.warn(warning);

  const db = await openDatabase(
    { ...config, onQuery: logger.isLevelEnabled('trace') ? (sql) => logger.trace({ sql }, 'sql') : undefined },
    logger,
  );
  logger.info({ database: db.description }, 'database connected');
  const result = await migrate(db.pool, (message) => logger.info(message));
  logger.info({ applied: result.applied, alreadyApplied: result.alreadyApplied }, 'migrations up to date');
  if (process.argv[2] === 'migrate') {
    await db.close();
    return;
  }

  const rateLimiter = createRateLimiter(config.redisUrl);
  const realtime = await startRealtime({ db, config: config.realtime, logger, redisUrl: config.redisUrl, databaseUrl: config.databaseUrl });
  const revocations = await startRevocations(db, config.sessionCache, logger);
  const responseCache = config.responseCache.enabled ? createResponseCacheStore(config, logger) : undefined;
  const app = await createApp({
    realtime,
    responseCache,
    prisma: db.prisma,
    config,
    tokens: new TokenService(config.jwt),
    sessionIsLive: revocations.sessionIsLive,
    revocations,
    throttle: new LoginThrottle(rateLimiter, config.loginLimits),
    logger,
    isReady: db.isReachable,
  });
  const server = createServer(
    {
      headersTimeout: config.http.headersTimeoutMs,
      requestTimeout: config.http.requestTimeoutMs,
      keepAliveTimeout: config.http.keepAliveTimeoutMs,
      // Node looks for expired requests only this often (30 s by default), which would let a slow
      // client hold a connection for up to 30 s past its timeout.
      connectionsCheckingInterval: Math.min(1000, config.http.headersTimeoutMs / 2),
    },
    cancelStatementsOnDisconnect(app.requestListener),
  );
  if (config.http.maxConnections) server.maxConnections = config.http.maxConnections;
  const connections = drainable(server);
  const webSockets = serveWebSockets(server, app, realtime);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.host, resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  logger.info(
    {
      url: `http://${config.host === '0.0.0.0' ? 'localhost' : config.host}:${port}/graphql`,
      startupMs: Math.round(performance.now() - started),
    },
    'Trackr is listening',
  );

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal, inFlight: connections.inFlight }, 'shutting down: no new connections, finishing in-flight requests');
    const force = setTimeout(() => {
      logger.warn({ inFlight: connections.inFlight }, 'in-flight requests did not finish in time; closing connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    force.unref();
    // Draining starts first, so every response still to come says `Connection: close`; open streams
    // would keep the server from closing: end them with a reason clients can act on.
    const drained = connections.drain();
    await webSockets.close('The server is shutting down; reconnect to resume with your last eventId');
    await drained;
    // Only now: the last request may still have needed the database.
    await revocations.close();
    await db.close();
    await rateLimiter.close();
    await responseCache?.close();
    await closePasswordWorkers();
    logger.info('stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  // Expected start-up failures get one clear line; anything else its stack.
  const known = error instanceof ConfigError || error instanceof DatabaseUnavailableError || error instanceof MigrationError;
  console.error(known ? `Trackr cannot start: ${error.message}` : error);
  process.exit(1);
});
