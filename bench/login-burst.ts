// Measures a login burst: login rate against the machine's bcrypt ceiling, the server's event-loop
// delay, and the latency of viewer queries answered meanwhile.
// usage: npx tsx bench/login-burst.ts [logins=200]   (DATABASE_URL optional; BCRYPT_COST default 12)
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { availableParallelism, tmpdir } from 'node:os';
import { mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { createApp } from '../src/app.js';
import { LoginThrottle } from '../src/auth/login-throttle.js';
import { sessionCheck } from '../src/auth/viewer.js';
import { closePasswordWorkers, hashPassword } from '../src/auth/passwords.js';
import { MemoryRateLimiter } from '../src/auth/rate-limit.js';
import { TokenService } from '../src/auth/tokens.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { signUp } from '../src/services/users.js';

const logins = Number(process.argv[2] ?? 200);
const config = loadConfig({
  ...process.env,
  LOG_LEVEL: 'silent',
  GRAPHIQL: 'false',
  LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
  // Logins in flight count against the account until they succeed; the burst is all one account.
  LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000',
  // The account-wide count keeps every attempt for its window, right passwords included.
  LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: '1000000',
  DATA_DIR: process.env.DATABASE_URL ? undefined : mkdtempSync(join(tmpdir(), 'trackr-burst-')),
});
const logger = createLogger('silent');
const db = await openDatabase(config, logger);
await migrate(db.pool);
const tokens = new TokenService(config.jwt);
const limiter = new MemoryRateLimiter();
const throttle = new LoginThrottle(limiter, config.loginLimits);
const app = await createApp({ prisma: db.prisma, config, tokens, sessionIsLive: sessionCheck(db), throttle, logger });
const server = createServer(app.requestListener);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

const email = `burst-${Date.now()}@example.com`;
const password = 'correct horse battery staple';
const session = await signUp({ prisma: db.prisma, tokens, throttle, config }, { email, name: 'Burst', password }, { ip: '127.0.0.1' });

// The ceiling: as many hashes at once as there are cores, i.e. what the cores really do in parallel
// (the first round warms the pool up). One hash alone is reported too.
const cores = availableParallelism();
const hashRound = () => Promise.all(Array.from({ length: cores }, () => hashPassword(password, config.bcryptCost)));
await hashRound();
const soloStarted = performance.now();
await hashPassword(password, config.bcryptCost);
const hashMs = performance.now() - soloStarted;
const rounds = 4;
const ceilingStarted = performance.now();
for (let i = 0; i < rounds; i++) await hashRound();
const ceiling = (rounds * cores * 1000) / (performance.now() - ceilingStarted);

const delay = monitorEventLoopDelay({ resolution: 5 });
delay.enable();
const result = await new Promise<{ burstMs: number; ok: number; viewerMs: number[] }>((resolve, reject) => {
  const worker = new Worker(new URL('./login-burst-client.mjs', import.meta.url), {
    workerData: { url, email, password, token: session.accessToken.token, logins },
  });
  worker.once('message', resolve);
  worker.once('error', reject);
});
delay.disable();

const pct = (values: number[], p: number) =>
  [...values].sort((a, b) => a - b)[Math.min(values.length - 1, Math.floor((p / 100) * values.length))];
const ms = (ns: number) => (ns / 1e6).toFixed(1);
const rate = (result.ok * 1000) / result.burstMs;
console.log(
  `bcrypt cost ${config.bcryptCost}: ${hashMs.toFixed(0)} ms per hash alone; ceiling with ${cores} hashes at a time: ${ceiling.toFixed(1)} hashes/s (${((cores * 1000) / hashMs).toFixed(1)} if the cores scaled perfectly)`,
);
console.log(
  `${result.ok}/${logins} logins in ${(result.burstMs / 1000).toFixed(2)} s: ${rate.toFixed(1)} logins/s = ${((rate / ceiling) * 100).toFixed(0)}% of the ceiling`,
);
console.log(
  `event-loop delay during the burst: p50 ${ms(delay.percentile(50))} ms, p99 ${ms(delay.percentile(99))} ms, max ${ms(delay.max)} ms`,
);
console.log(
  `viewer queries meanwhile: ${result.viewerMs.length}, p50 ${pct(result.viewerMs, 50).toFixed(1)} ms, p99 ${pct(result.viewerMs, 99).toFixed(1)} ms, max ${Math.max(...result.viewerMs).toFixed(1)} ms`,
);

server.close();
await limiter.close();
await db.close();
await closePasswordWorkers();
