// `npm run chaos`: a bounded chaos run on loopback. It creates its own throwaway PostgreSQL cluster
// (never the machine's), starts two Trackr replicas on it, and runs a steady mixed load of real
// operations while it restarts PostgreSQL (fast, then immediate), sends hostile queries from a
// second account, and SIGTERMs one replica (then starts it again). Every acknowledged write is
// recorded and checked against the database at the end: lost or duplicated writes fail the run.
//
//   CHAOS_SECONDS (default 120, at most 180): how long the load runs.
//   CHAOS_WORKERS (default 8): concurrent honest clients.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { createWriteStream, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { freePort, startThrowawayPostgres, type ThrowawayPostgres } from './throwaway-postgres.js';

const SECONDS = Math.min(Number(process.env.CHAOS_SECONDS ?? 120), 180);
const WORKERS = Number(process.env.CHAOS_WORKERS ?? 8);
const JWT_SECRET = `chaos-${randomUUID()}-${randomUUID()}`;
const logDir = mkdtempSync(join(tmpdir(), 'trackr-chaos-'));

type Replica = { name: string; url: string; port: number; child: ChildProcess; exited: Promise<number | null> };
type Phase = 'steady' | 'restart-fast' | 'restart-immediate' | 'hostile' | 'sigterm';
type Sample = { phase: Phase; status: number; code: string; ms: number; honest: boolean };

const samples: Sample[] = [];
let phase: Phase = 'steady';
let running = true;
const started = Date.now();
const elapsed = () => ((Date.now() - started) / 1000).toFixed(1);
const say = (message: string) => console.log(`[chaos ${elapsed()}s] ${message}`);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function startReplica(name: string, databaseUrl: string, port?: number): Promise<Replica> {
  const chosen = port ?? (await freePort());
  const log = createWriteStream(join(logDir, `${name}.log`), { flags: 'a' });
  // node itself (tsx as a loader, not as a wrapper process), so SIGTERM reaches the server's own handler.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '/tmp',
      NODE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(chosen),
      DATABASE_URL: databaseUrl,
      DATABASE_POOL_SIZE: '8',
      DATABASE_CONNECT_TIMEOUT_MS: '2000',
      DATABASE_STATEMENT_TIMEOUT_MS: '2000',
      JWT_SECRET,
      BCRYPT_COST: '10',
      LOG_LEVEL: 'warn',
      LOGIN_MAX_ATTEMPTS_PER_IP: '1000000',
      SHUTDOWN_TIMEOUT_MS: '15000',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    log.write(chunk);
  });
  child.stderr?.on('data', (chunk: Buffer) => log.write(chunk));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const url = `http://127.0.0.1:${chosen}/graphql`;
  const deadline = Date.now() + 60_000;
  // LOG_LEVEL warn hides the "listening" line: poll /ready instead.
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`${name} exited: ${output}`);
    const ready = await fetch(`http://127.0.0.1:${chosen}/ready`).then(
      (res) => res.ok,
      () => false,
    );
    if (ready) return { name, url, port: chosen, child, exited };
    await sleep(200);
  }
  throw new Error(`${name} did not become ready`);
}

type Gql = { status: number; code: string; data?: Record<string, unknown>; ms: number; sentAt: number };

async function gql(url: string, query: string, variables: Record<string, unknown>, token?: string, honest = true): Promise<Gql> {
  const t0 = performance.now();
  const sentAt = Date.now();
  let result: Gql;
  try {
    const res = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
      signal: AbortSignal.timeout(15_000),
    });
    const text = await res.text();
    let body: { data?: Record<string, unknown>; errors?: { extensions?: { code?: string } }[] } = {};
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = {};
    }
    const payloadCode = Object.values(body.data ?? {}).find(
      (v): v is { code: string } => typeof (v as { code?: unknown } | null)?.code === 'string',
    )?.code;
    result = { status: res.status, code: body.errors?.[0]?.extensions?.code ?? payloadCode ?? 'OK', data: body.data, ms: 0, sentAt };
  } catch (error) {
    result = { status: 0, code: (error as Error).name === 'TimeoutError' ? 'CLIENT_TIMEOUT' : 'CONNECTION_ERROR', ms: 0, sentAt };
  }
  result.ms = performance.now() - t0;
  samples.push({ phase, status: result.status, code: result.code, ms: result.ms, honest });
  return result;
}

const SIGN_UP = `mutation($i: SignUpInput!) { signUp(input: $i) { ... on AuthPayload { accessToken user { id } } ... on Error { code } } }`;
const CREATE_PROJECT = `mutation($i: CreateProjectInput!) { createProject(input: $i) { ... on ProjectPayload { project { id } } ... on Error { code } } }`;
const CREATE_ISSUE = `mutation($i: CreateIssueInput!) { createIssue(input: $i) { ... on IssuePayload { issue { id } } ... on Error { code } } }`;
const ADD_COMMENT = `mutation($i: AddCommentInput!) { addComment(input: $i) { ... on CommentPayload { comment { id } } ... on Error { code } } }`;
const LIST = `query($id: ID!) { project(id: $id) { issues(first: 20) { totalCount edges { node { id key title assignee { name } } } } } }`;

type Account = { token: string; projectId: string };
const replicas: Replica[] = [];
const live = () => replicas.filter((r) => r.child.exitCode === null && !stopping.has(r.name));
const stopping = new Set<string>();
let turn = 0;
const pick = () => {
  const candidates = live();
  return candidates[turn++ % candidates.length] ?? replicas[0];
};

/** Retries an operation across replicas until it is acknowledged (or the run ends): unknown outcomes reuse the idempotency key. */
async function untilAcknowledged(send: (url: string) => Promise<Gql>, accept: (r: Gql) => boolean): Promise<Gql | undefined> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = await send(pick().url);
    if (accept(result)) return result;
    if (!running && attempt > 20) return undefined;
    await sleep(result.status === 503 || result.status === 0 ? 250 : 50);
  }
  return undefined;
}

const acked = { issues: new Set<string>(), comments: new Set<string>() };
/** Each restart: when it began, when PostgreSQL accepted connections again, and when the first write sent after that was acknowledged. */
const recoveryMarks: { label: string; began: number; back?: number; recoveredAt?: number }[] = [];
const markRecovered = (write: Gql) => {
  for (const mark of recoveryMarks) {
    if (mark.back !== undefined && mark.recoveredAt === undefined && write.sentAt >= mark.back) mark.recoveredAt = Date.now();
  }
};

async function honestWorker(account: Account): Promise<void> {
  const issueIds: string[] = [];
  while (running) {
    const roll = Math.random();
    if (roll < 0.35) {
      const title = `chaos-issue-${randomUUID()}`;
      const key = randomUUID();
      const ok = await untilAcknowledged(
        (url) => gql(url, CREATE_ISSUE, { i: { projectId: account.projectId, title, idempotencyKey: key } }, account.token),
        (r) => Boolean((r.data?.createIssue as { issue?: { id: string } } | undefined)?.issue),
      );
      if (ok) {
        acked.issues.add(title);
        issueIds.push((ok.data!.createIssue as { issue: { id: string } }).issue.id);
        markRecovered(ok);
      }
    } else if (roll < 0.55 && issueIds.length) {
      const body = `chaos-comment-${randomUUID()}`;
      const key = randomUUID();
      const issueId = issueIds[Math.floor(Math.random() * issueIds.length)];
      const ok = await untilAcknowledged(
        (url) => gql(url, ADD_COMMENT, { i: { issueId, body, idempotencyKey: key } }, account.token),
        (r) => Boolean((r.data?.addComment as { comment?: unknown } | undefined)?.comment),
      );
      if (ok) acked.comments.add(body);
    } else {
      const r = await gql(pick().url, LIST, { id: account.projectId }, account.token);
      if (r.status === 503 || r.status === 0) await sleep(250);
    }
  }
}

/** A second account's hostile queries: huge filters, long searches, deep nesting, abandoned requests. */
async function hostileWorker(account: Account, until: number): Promise<void> {
  const or = Array.from({ length: 400 }, (_, i) => ({ search: `needle-${i}-${'x'.repeat(50)}` }));
  const queries: [string, Record<string, unknown>][] = [
    ['query($f: IssueFilter) { issues(first: 100, filter: $f) { totalCount edges { node { id } } } }', { f: { or } }],
    ['query($q: String!) { searchIssues(query: $q, first: 100) { edges { node { id } } } }', { q: 'a '.repeat(120) }],
    [
      'query($id: ID!) { project(id: $id) { issues(first: 100) { edges { node { comments(first: 100) { edges { node { replies(first: 100) { totalCount } } } } } } } } }',
      { id: account.projectId },
    ],
    [
      '{ viewer { projects(first: 100) { edges { node { issues(first: 100) { totalCount } members(first: 100) { edges { node { id } } } } } } } }',
      {},
    ],
  ];
  let n = 0;
  while (running && Date.now() < until) {
    const [query, variables] = queries[n++ % queries.length];
    if (n % 5 === 0) {
      // Walk away from a request mid-flight: its statement must be cancelled, not left running.
      const controller = new AbortController();
      const request = fetch(pick().url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${account.token}` },
        body: JSON.stringify({ query, variables }),
        signal: controller.signal,
      }).catch(() => undefined);
      await sleep(50);
      controller.abort();
      await request;
      continue;
    }
    await gql(pick().url, query, variables, account.token, false);
  }
}

async function account(name: string): Promise<Account> {
  const email = `${name}-${randomUUID()}@chaos.test`;
  const up = await untilAcknowledged(
    (url) => gql(url, SIGN_UP, { i: { email, name, password: 'correct horse battery staple' } }),
    (r) => Boolean((r.data?.signUp as { accessToken?: string } | undefined)?.accessToken),
  );
  const token = (up!.data!.signUp as { accessToken: string }).accessToken;
  const key = `C${randomUUID().replace(/-/g, '').slice(0, 8).toUpperCase()}`;
  const project = await untilAcknowledged(
    (url) => gql(url, CREATE_PROJECT, { i: { key, name: `${name}'s project`, idempotencyKey: key } }, token),
    (r) => Boolean((r.data?.createProject as { project?: unknown } | undefined)?.project),
  );
  return { token, projectId: (project!.data!.createProject as { project: { id: string } }).project.id };
}

async function restartDatabase(cluster: ThrowawayPostgres, mode: 'fast' | 'immediate'): Promise<void> {
  phase = mode === 'fast' ? 'restart-fast' : 'restart-immediate';
  const mark: (typeof recoveryMarks)[number] = { label: `pg_ctl restart -m ${mode}`, began: Date.now() };
  recoveryMarks.push(mark);
  say(`restarting PostgreSQL (-m ${mode})`);
  await cluster.restart(mode);
  mark.back = Date.now();
  say('PostgreSQL is back');
  await sleep(3000);
  phase = 'steady';
}

async function sigtermReplica(databaseUrl: string): Promise<number> {
  const victim = replicas[1];
  phase = 'sigterm';
  stopping.add(victim.name);
  say(`SIGTERM ${victim.name}`);
  victim.child.kill('SIGTERM');
  const code = await victim.exited;
  say(`${victim.name} exited with ${String(code)}; starting it again`);
  replicas[1] = await startReplica(victim.name, databaseUrl, victim.port);
  stopping.delete(victim.name);
  say(`${victim.name} is ready again`);
  phase = 'steady';
  return code ?? -1;
}

function p99(values: number[]): number {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * 0.99))];
}

async function verify(
  url: string,
): Promise<{ lostIssues: number; duplicatedIssues: number; lostComments: number; duplicatedComments: number }> {
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  try {
    const count = async (table: 'issues' | 'comments', column: 'title' | 'body', values: Set<string>) => {
      const { rows } = await pool.query<{ value: string; n: number }>(
        `SELECT ${column} AS value, count(*)::int AS n FROM ${table} WHERE ${column} LIKE 'chaos-%' GROUP BY ${column}`,
      );
      const found = new Map(rows.map((row) => [row.value, row.n]));
      return {
        lost: [...values].filter((value) => !found.has(value)).length,
        duplicated: rows.filter((row) => row.n > 1).length,
      };
    };
    const issues = await count('issues', 'title', acked.issues);
    const comments = await count('comments', 'body', acked.comments);
    return {
      lostIssues: issues.lost,
      duplicatedIssues: issues.duplicated,
      lostComments: comments.lost,
      duplicatedComments: comments.duplicated,
    };
  } finally {
    await pool.end();
  }
}

async function main(): Promise<number> {
  say(`throwaway cluster, two replicas, ${SECONDS} s of load, ${WORKERS} honest workers; logs in ${logDir}`);
  const cluster = await startThrowawayPostgres({ max_connections: '60' });
  try {
    const pool = new pg.Pool({ connectionString: cluster.url, max: 1 });
    await migrate(pool);
    await pool.end();
    replicas.push(await startReplica('replica-a', cluster.url), await startReplica('replica-b', cluster.url));
    const honest = await Promise.all(Array.from({ length: WORKERS }, (_, i) => account(`honest${i}`)));
    const mallory = await account('mallory');
    say('load starts');
    const loadStarted = Date.now();
    const load = honest.map((a) => honestWorker(a));
    const at = (fraction: number) => loadStarted + SECONDS * 1000 * fraction;
    const waitUntil = async (time: number) => {
      while (Date.now() < time) await sleep(100);
    };

    await waitUntil(at(0.1));
    await restartDatabase(cluster, 'fast');
    await waitUntil(at(0.2));
    await restartDatabase(cluster, 'immediate');
    await waitUntil(at(0.3));
    phase = 'hostile';
    say('hostile phase');
    const hostileEnd = at(0.5);
    await Promise.all([0, 1, 2, 3].map(() => hostileWorker(mallory, hostileEnd)));
    phase = 'steady';
    say('hostile phase over');
    await waitUntil(at(0.55));
    const replicaExit = await sigtermReplica(cluster.url);
    await waitUntil(at(1));
    running = false;
    say('load stops; waiting for retries to settle');
    await Promise.all(load);
    for (const replica of replicas) {
      replica.child.kill('SIGTERM');
      await replica.exited;
    }
    const check = await verify(cluster.url);
    return report(check, replicaExit);
  } finally {
    running = false;
    for (const replica of replicas) if (replica.child.exitCode === null) replica.child.kill('SIGKILL');
    await cluster.destroy();
  }
}

function report(check: Awaited<ReturnType<typeof verify>>, replicaExit: number): number {
  const byCode = new Map<string, number>();
  for (const s of samples) byCode.set(`${s.status} ${s.code}`, (byCode.get(`${s.status} ${s.code}`) ?? 0) + 1);
  const honestIn = (p: Phase) => samples.filter((s) => s.honest && s.phase === p && s.status === 200).map((s) => s.ms);
  const lines = [
    '',
    '== Trackr chaos run ==',
    `requests sent: ${samples.length} (honest ${samples.filter((s) => s.honest).length}, hostile ${samples.filter((s) => !s.honest).length})`,
    `requests served (HTTP 200): ${samples.filter((s) => s.status === 200).length}`,
    'by status and code:',
    ...[...byCode.entries()].sort((a, b) => b[1] - a[1]).map(([key, n]) => `  ${key.padEnd(34)} ${n}`),
    'database restarts: outage (restart began -> accepting again), recovery (accepting again -> first write sent after it acknowledged):',
    ...recoveryMarks.map(
      (m) =>
        `  ${m.label.padEnd(28)} outage ${(((m.back ?? m.began) - m.began) / 1000).toFixed(2)} s, recovery ${m.recoveredAt && m.back ? `${((m.recoveredAt - m.back) / 1000).toFixed(2)} s` : 'never'}`,
    ),
    `replica SIGTERM: exit code ${replicaExit}`,
    `acknowledged writes: ${acked.issues.size} issues, ${acked.comments.size} comments`,
    `lost: ${check.lostIssues} issues, ${check.lostComments} comments`,
    `duplicated: ${check.duplicatedIssues} issues, ${check.duplicatedComments} comments`,
    `honest p99 (ms, HTTP 200): steady ${p99(honestIn('steady')).toFixed(0)}, hostile phase ${p99(honestIn('hostile')).toFixed(0)}`,
  ];
  console.log(lines.join('\n'));
  const failed = check.lostIssues + check.lostComments + check.duplicatedIssues + check.duplicatedComments > 0 || replicaExit !== 0;
  console.log(failed ? 'RESULT: FAIL' : 'RESULT: PASS (nothing lost, nothing duplicated)');
  return failed ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
