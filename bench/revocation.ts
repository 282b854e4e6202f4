// The in-memory session check across real processes, on PostgreSQL:
// 1. SQL statements per request (the counting proxy) for an authenticated read and a mutation, on a
//    server with the live-session state off (SESSION_CACHE_SIZE=0: the database check of every
//    request, as before) and on (the default);
// 2. revocation latency: a session revoked by a transaction of its own (commit timestamped on
//    return) until another server process refuses its token, p50/max over N tries.
// usage: npx tsx bench/revocation.ts [--tries=50]   (PG at BENCH_PG_URL or postgresql://postgres@127.0.0.1:5432/postgres)
import { spawn, type ChildProcess } from 'node:child_process';
import { decodeJwt } from 'jose';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { StatementProxy } from './stmt-proxy.js';

const admin = process.env.BENCH_PG_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const tries = Number(process.argv.find((a) => a.startsWith('--tries='))?.split('=')[1] ?? 50);
const name = `trackr_revocation_${process.pid}`;
const SECRET = 'bench-secret-that-is-long-enough-for-hs256-0123456789';
const adminUrl = new URL(admin);

async function withAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: admin });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

function dbUrl(host: string, port: number): string {
  const url = new URL(admin);
  url.hostname = host;
  url.port = String(port);
  url.pathname = `/${name}`;
  return url.toString();
}

async function startServer(port: number, databaseUrl: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      NODE_ENV: 'production',
      PORT: String(port),
      DATABASE_URL: databaseUrl,
      JWT_SECRET: SECRET,
      BCRYPT_COST: '10',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
      ...env,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 300; i++) {
    await new Promise((r) => setTimeout(r, 100));
    const ok = await fetch(`http://127.0.0.1:${port}/health`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return child;
  }
  throw new Error(`server on ${port} did not start`);
}

async function gql(port: number, query: string, variables: Record<string, unknown> = {}, token?: string) {
  const res = await fetch(`http://127.0.0.1:${port}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] } };
}

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken } ... on Error { code } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { ... on AuthPayload { accessToken } ... on Error { code } } }`;
const VIEWER = `{ viewer { id name } }`;
const CREATE_PROJECT = `mutation($input: CreateProjectInput!) { createProject(input: $input) { ... on ProjectPayload { project { id } } ... on Error { code } } }`;
const CREATE_ISSUE = `mutation($input: CreateIssueInput!) { createIssue(input: $input) { ... on IssuePayload { issue { id } } ... on Error { code message } } }`;

/** Statements per request and the median request time (sequential requests). */
async function perRequest(proxy: StatementProxy, send: (i: number) => Promise<unknown>, count = 40): Promise<[number, number]> {
  for (let i = 0; i < 2; i++) await send(i);
  const before = proxy.statements;
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    await send(i + 2);
    times.push(performance.now() - started);
  }
  await new Promise((r) => setTimeout(r, 50));
  times.sort((a, b) => a - b);
  return [(proxy.statements - before) / count, times[Math.floor(count / 2)]];
}

await withAdmin(`CREATE DATABASE "${name}"`);
const children: ChildProcess[] = [];
const proxy = new StatementProxy(Number(adminUrl.port || 5432), adminUrl.hostname);
try {
  const pool = new pg.Pool({ connectionString: dbUrl(adminUrl.hostname, Number(adminUrl.port || 5432)), max: 1 });
  await migrate(pool, () => {});
  const proxyPort = await proxy.listen();
  const proxied = dbUrl('127.0.0.1', proxyPort);
  const [off, on, other] = [4791, 4792, 4793];
  children.push(await startServer(off, proxied, { SESSION_CACHE_SIZE: '0' }));
  children.push(await startServer(on, proxied));
  children.push(await startServer(other, proxied));

  const email = `bench-${process.pid}@revocation.test`;
  const password = 'correct horse battery staple';
  const signUp = await gql(on, SIGN_UP, { input: { email, name: 'Bench', password } });
  const token = signUp.body.data!.signUp.accessToken as string;
  const project = await gql(on, CREATE_PROJECT, { input: { key: 'RVB', name: 'Revocation bench' } }, token);
  const projectId = (project.body.data!.createProject.project as { id: string }).id;

  console.log(
    'SQL statements per request (counting proxy) and median ms (sequential, through the proxy), session state off (SESSION_CACHE_SIZE=0) → on:',
  );
  for (const [label, send] of [
    ['viewer { id name }', (port: number) => () => gql(port, VIEWER, {}, token)],
    ['createIssue', (port: number) => (i: number) => gql(port, CREATE_ISSUE, { input: { projectId, title: `Issue ${port} ${i}` } }, token)],
  ] as const) {
    const before = await perRequest(proxy, send(off));
    const after = await perRequest(proxy, send(on));
    console.log(
      `  ${label.padEnd(20)} ${before[0].toFixed(1)} → ${after[0].toFixed(1)} statements, ${before[1].toFixed(2)} → ${after[1].toFixed(2)} ms`,
    );
  }

  const latencies: number[] = [];
  const revoker = new pg.Client({ connectionString: dbUrl(adminUrl.hostname, Number(adminUrl.port || 5432)) });
  await revoker.connect();
  for (let i = 0; i < tries; i++) {
    const session = (await gql(on, LOG_IN, { input: { email, password } })).body.data!.logIn.accessToken as string;
    const sid = decodeJwt(session).sid as string;
    for (let w = 0; w < 2; w++) if ((await gql(other, VIEWER, {}, session)).status !== 200) throw new Error('warm-up refused');
    await revoker.query('UPDATE refresh_sessions SET revoked_at = now() WHERE id = $1', [sid]);
    const committed = performance.now();
    for (;;) {
      if ((await gql(other, VIEWER, {}, session)).status === 401) break;
      if (performance.now() - committed > 5000) throw new Error('not refused within 5 s');
    }
    latencies.push(performance.now() - committed);
  }
  await revoker.end();
  latencies.sort((a, b) => a - b);
  const at = (q: number) => latencies[Math.min(latencies.length - 1, Math.floor(q * latencies.length))].toFixed(1);
  console.log(
    `revocation latency, commit → refused by another server process (${tries} tries; includes one HTTP round trip per poll): p50 ${at(0.5)} ms, p90 ${at(0.9)} ms, max ${at(1)} ms`,
  );
  await pool.end();
} finally {
  for (const child of children) child.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 1500));
  await proxy.close();
  await withAdmin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
}
