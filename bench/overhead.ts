// What Trackr (B) costs on top of its own stack (E, bench/servers/ceiling): Node CPU per request of
// each read, both answered in THIS process through fetch (no HTTP: the node:http layer is the same
// for both), one request at a time, B and E alternating per operation and round (the order swapped
// every round), CPU from process.cpuUsage() (all threads: yoga, Pothos, Prisma, pg, and the few
// microseconds of this loop, the same for both), median over the rounds. Robust to a shared machine:
// CPU time, not wall time. B runs with the benchmark's settings (bench/servers.ts: rate budgets off,
// log level warn) and main.ts' in-memory live sessions (no session statement once a session is known). Answers of B and E are checked equal (the operations' normalisers) first.
// Uses its own quick-size database (created once, then reused); no ports unless --http.
//
//   flock /work/briefs/bench.lock npx tsx bench/overhead.ts [--rounds=15] [--count=100] [--ops=projectPage,filteredPage50]
//   [--http]  B and E as the benchmark runs them instead (bench/servers.ts: B built and run from
//             dist/src/main.js, E under tsx), on ports 4712 and 4715, CPU of each server process
//             from /proc (10 ms ticks: use --count=200 or more). Needs the flock.
//   [--only=trackr|ceiling]  one server only (in-process: both are started, one is measured)
//   [--profile=file.cpuprofile]  a V8 CPU profile of the measured requests only (not start-up), to
//   compare B's and E's by share (run once with --only=trackr, once with --only=ceiling)
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { discoverContext, prepareDataset, QUICK, withDb } from './dataset.js';
import { send } from './checks.js';
import { startInProcess } from './in-process.js';
import { cpuMs } from './metrics.js';
import { buildTrackr, startServer } from './servers.js';
import { createCeiling } from './servers/ceiling/app.js';
import { filteredPage, filteredRequest, OPERATIONS, performs, type HttpRequest, type Server } from './operations.js';

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const adminUrl = args.get('admin-url') ?? process.env.BENCH_ADMIN_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const dbName = args.get('db') ?? 'trackr_overhead';
const rounds = Number(args.get('rounds') ?? 15);
const count = Number(args.get('count') ?? 100);
const only = args.get('only') as Server | undefined;
const SERVERS: Server[] = only ? [only] : ['trackr', 'ceiling'];
const READS = OPERATIONS.filter((op) => performs('ceiling', op) && (!args.has('ops') || args.get('ops')!.split(',').includes(op.name)));
const log = (m: string) => console.error(m);

type Send = (req: HttpRequest) => Promise<unknown>;
/** One server under measurement: how to send it a request, and its Node CPU so far (ms). */
type Target = { send: Send; cpuMs: () => number; close: () => Promise<void> };

const LOGIN = OPERATIONS.find((op) => op.name === 'logIn')!;
/** B's settings in the benchmark (bench/servers.ts): rate budgets off, day-long tokens. */
const BENCH_ENV = { RATE_BUDGET_PER_USER: '0', RATE_BUDGET_PER_ADDRESS: '0', ACCESS_TOKEN_TTL_SECONDS: '86400' };
const ownCpuMs = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

/** B and E in this process, answering through fetch. */
async function inProcess(url: string): Promise<Record<string, Target>> {
  const trackr = await startInProcess(url, 'overhead', { env: BENCH_ENV, sessionCache: true });
  const ceiling = createCeiling(url, 10);
  const through =
    (fetch: (url: string, init: RequestInit) => Promise<Response> | Response): Send =>
    async (req) => {
      const res = await fetch(`http://bench.test${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
      return (await res.json()) as unknown;
    };
  return {
    trackr: { send: through((u, init) => trackr.app.fetch(u, init)), cpuMs: ownCpuMs, close: () => trackr.close() },
    ceiling: { send: through((u, init) => ceiling.yoga.fetch(u, init)), cpuMs: ownCpuMs, close: () => ceiling.close() },
  };
}

/** B (dist/src/main.js, built first) and E as the benchmark runs them, on ports 4712 and 4715: their processes' CPU. */
async function overHttp(url: string): Promise<Record<string, Target>> {
  buildTrackr(log);
  const targets: Record<string, Target> = {};
  for (const [server, port] of [
    ['trackr', 4712],
    ['ceiling', 4715],
  ] as const) {
    if (!SERVERS.includes(server)) continue;
    const running = await startServer(server, { databaseUrl: url, jwtSecret: JWT_SECRET, port }, `overhead-${server}`);
    targets[server] = { send: (req) => send(port, req), cpuMs: () => cpuMs(running.pid), close: running.stop };
  }
  return targets;
}
const JWT_SECRET = 'bench-overhead-secret-that-is-long-enough-0123456789';

async function main(): Promise<void> {
  await prepareDataset(adminUrl, dbName, QUICK, log);
  const url = withDb(adminUrl, dbName);
  const targets = args.has('http') ? await overHttp(url) : await inProcess(url);
  const sendTo = (server: Server): Send => targets[server].send;
  try {
    const db = new pg.Client({ connectionString: url });
    await db.connect();
    const ctx = await discoverContext(db, QUICK.mutIssues).finally(() => db.end());
    // The token, from B; E alone reads only its subject, unverified, so a bare one does.
    if (targets.trackr) {
      const login = (await targets.trackr.send(LOGIN.request('trackr', ctx, 0))) as { data: { logIn: { accessToken: string } } };
      ctx.token = login.data.logIn.accessToken;
    } else {
      ctx.token = `e30.${Buffer.from(JSON.stringify({ sub: ctx.viewerId })).toString('base64url')}.unsigned`;
    }
    // Page 49's end cursor, per server, walking the pages (each is its own cursor format).
    for (const server of SERVERS) {
      let after: string | null = null;
      for (let page = 1; page < 50; page++)
        after = filteredPage(server, await sendTo(server)(filteredRequest(server, ctx, after))).endCursor;
      ctx.page50After[server] = after!;
    }
    // Same answers from both (also warms plans and the JIT).
    for (const op of READS) {
      const answers = await Promise.all(SERVERS.map(async (s) => op.canonical(s, await sendTo(s)(op.request(s, ctx, 0)))));
      if (answers.length === 2 && !isDeepStrictEqual(answers[0], answers[1])) throw new Error(`${op.name}: B and E answer differently`);
      for (const s of SERVERS) for (let i = 0; i < 30; i++) await sendTo(s)(op.request(s, ctx, i % op.slots(ctx)));
    }
    const samples = new Map<string, number[]>();
    const profile = args.get('profile');
    const inspector = new Session();
    if (profile) {
      inspector.connect();
      await inspector.post('Profiler.enable');
      // Every 0.2 ms (V8 defaults to 1 ms): a B-minus-E difference of a few percent needs the samples.
      await inspector.post('Profiler.setSamplingInterval', { interval: 200 });
      await inspector.post('Profiler.start');
    }
    for (let round = 0; round < rounds; round++) {
      for (const op of READS) {
        const order = round % 2 ? [...SERVERS].reverse() : SERVERS;
        for (const server of order) {
          const go = sendTo(server);
          const slots = op.slots(ctx);
          const requests = Array.from({ length: slots }, (_, i) => op.request(server, ctx, i));
          const before = targets[server].cpuMs();
          for (let i = 0; i < count; i++) await go(requests[i % slots]);
          const used = targets[server].cpuMs() - before;
          const key = `${op.name} ${server}`;
          samples.set(key, [...(samples.get(key) ?? []), used / count]);
        }
      }
      log(`round ${round + 1}/${rounds} done`);
    }
    if (profile) {
      const { profile: taken } = await inspector.post('Profiler.stop');
      writeFileSync(profile, JSON.stringify(taken));
      inspector.disconnect();
      log(`profile of the measured requests: ${profile}`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `Node CPU ms per request, median of ${rounds} rounds of ${count} sequential requests (${args.has('http') ? 'server processes over HTTP' : 'in-process'}, ${new Date().toISOString()})`,
    );
    console.log(`| operation | ${SERVERS.map((s) => (s === 'trackr' ? 'B' : 'E')).join(' | ')} |${SERVERS.length === 2 ? ' B/E |' : ''}`);
    console.log(`| --- | ${SERVERS.map(() => '--:').join(' | ')} |${SERVERS.length === 2 ? ' --: |' : ''}`);
    for (const op of READS) {
      const ms = SERVERS.map((s) => median(samples.get(`${op.name} ${s}`)!));
      console.log(
        `| ${op.name} | ${ms.map((m) => m.toFixed(3)).join(' | ')} |${ms.length === 2 ? ` ${(ms[0] / ms[1]).toFixed(2)} |` : ''}`,
      );
    }
  } finally {
    for (const target of Object.values(targets)) await target.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
