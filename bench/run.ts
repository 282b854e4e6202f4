// The benchmark harness: `npm run bench` (--full, ≤45 min) and `npm run bench:quick` (--quick, a few
// minutes, CI: gates correctness and SQL statement counts only, never throughput).
//   1. dataset in its own database (migrated with Trackr's migrate(), loaded with COPY)
//   2. servers A (raw node:http + pg), B (Trackr, production build), Bc (the same build with the
//      response cache on; reads only), B22 and B24 (the same build on Node 22 and 24), C
//      (PostGraphile 5 on Node 22), E (the stack's own ceiling; reads only)
//   3. checking phase through a statement-counting proxy: equal canonical answers for every
//      operation, SQL statements per request, page-50 cursors, the cache gate (bench/cache-gate.ts)
//   4. timed phase, servers direct on PostgreSQL, interleaved A B Bc B22 B24 C E per operation and run
//   5. report in bench/results/
// Options: --quick | --full, --ops=a,b  --servers=raw,trackr,cached,trackr22,trackr24,peer,ceiling  --runs=N  --seconds=N  --keep-db  --check-only
//          --peer-auth (C verifies Trackr's token and checks the session per request, as A and B do; writes a partial report)
//          --database-url=postgresql://…/postgres (admin URL; default BENCH_DATABASE_URL or local)
import { randomBytes } from 'node:crypto';
import { availableParallelism } from 'node:os';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import pg from 'pg';
import { BCRYPT_COST, BIG_KEY, FULL, QUICK, discoverContext, prepareDataset, withDb, type DatasetSize } from './dataset.js';
import {
  OPERATIONS,
  SERVERS,
  SERVER_LABEL,
  isTrackr,
  performs,
  viewerProjectsRequest,
  type Ctx,
  type Operation,
  type Server,
} from './operations.js';
import { cacheGate } from './cache-gate.js';
import { CheckFailure, checkOperation, send, statementsPerRequest, walkToPage50 } from './checks.js';
import { StatementProxy } from './stmt-proxy.js';
import {
  buildTrackr,
  ensureNode24,
  ensurePeer,
  PEER_DIR,
  PEER_NODE,
  RESULTS_DIR,
  ROOT,
  SERVER_NODE,
  startServer,
  type Running,
} from './servers.js';
import { closedLoop, ensureWrk, fixedRate, hasWrk, type LoadSpec } from './load.js';
import { cpuMs, peakRssMb, PgCpu } from './metrics.js';
import { writeReport, type Cell, type Report } from './report.js';

type Mode = {
  name: 'quick' | 'full';
  size: DatasetSize;
  dbName: string;
  runs: number;
  seconds: number;
  warmSeconds: number;
  rateSeconds: number;
  connections: number;
  /** Drop the database afterwards (the quick one is cheap to rebuild; the full one is kept). */
  dropAfter: boolean;
};
// Quick: fixed-rate probes of 0.5 s (they were 1 s with three servers) keep CI's run near its old length with B22 added.
const MODES: Record<'quick' | 'full', Mode> = {
  quick: {
    name: 'quick',
    size: QUICK,
    dbName: 'trackr_bench_quick',
    runs: 1,
    seconds: 2,
    warmSeconds: 1,
    rateSeconds: 0.5,
    connections: 16,
    dropAfter: true,
  },
  full: {
    name: 'full',
    size: FULL,
    dbName: 'trackr_bench',
    runs: 3,
    seconds: 8,
    warmSeconds: 2,
    rateSeconds: 3,
    connections: 32,
    dropAfter: false,
  },
};
/** Trackr's SQL statements per request may not exceed these (quick mode fails otherwise). */
// Headroom over today's counts (reads 2-4, mutations 8-9), so that a regression (an N+1) fails CI.
const STATEMENT_BUDGET = { read: 8, mutation: 14 };
const PORTS: Record<Server, number> = { raw: 4711, trackr: 4712, cached: 4717, trackr22: 4714, trackr24: 4716, peer: 4713, ceiling: 4715 };

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const mode = MODES[args.has('full') ? 'full' : 'quick'];
const runs = Number(args.get('runs') ?? mode.runs);
const seconds = Number(args.get('seconds') ?? mode.seconds);
const servers = (args.get('servers')?.split(',') ?? [...SERVERS]) as Server[];
const unknown = servers.filter((s) => !(SERVERS as readonly string[]).includes(s));
if (unknown.length || servers.length === 0)
  throw new Error(`--servers: unknown ${unknown.join(', ') || '(none given)'}; known: ${SERVERS.join(', ')}`);
const keepDb = args.has('keep-db');
const checkOnly = args.has('check-only');
const peerAuth = args.has('peer-auth');
const ops = args.get('ops') ? OPERATIONS.filter((o) => args.get('ops')!.split(',').includes(o.name)) : OPERATIONS;
const adminUrl = args.get('database-url') ?? process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
if (!['127.0.0.1', 'localhost'].includes(new URL(adminUrl).hostname))
  throw new Error('the benchmark only talks to a local PostgreSQL (127.0.0.1)');

const started = Date.now();
const log = (m: string) => process.stderr.write(`[bench ${((Date.now() - started) / 1000).toFixed(0).padStart(4)}s] ${m}\n`);
const failures: string[] = [];

async function main(): Promise<void> {
  process.chdir(ROOT); // Trackr's migrator reads prisma/migrations relative to the working directory
  if (!ensureWrk(log)) log('load: wrk unavailable; using the Node closed-loop fallback');
  ensurePeer(log);
  if (servers.includes('trackr24')) ensureNode24(log);
  if (servers.some((s) => isTrackr(s) || s === 'cached')) buildTrackr(log);
  await prepareDataset(adminUrl, mode.dbName, mode.size, log);
  const dbUrl = withDb(adminUrl, mode.dbName);
  const monitor = new pg.Pool({ connectionString: dbUrl, max: 2 });
  monitor.on('error', () => {});
  await monitor.query(readFileSync(join(PEER_DIR, 'functions.sql'), 'utf8'));
  const jwtSecret = randomBytes(48).toString('base64');
  const ctx = await discoverContext(monitor, mode.size.mutIssues);

  // ---- checking phase: through the counting proxy ----
  const proxy = new StatementProxy(Number(new URL(adminUrl).port || 5432), new URL(adminUrl).hostname);
  const proxyPort = await proxy.listen();
  const proxied = new URL(dbUrl);
  proxied.port = String(proxyPort);
  let running = await startAll(proxied.toString(), jwtSecret, 'check');
  const statements: Report['statements'] = {};
  const nested: Report['nestedStatements'] = {};
  try {
    await logIn(ctx);
    log(`check: viewer ${ctx.viewerEmail}, big project ${BIG_KEY}, issue ${ctx.issueKey}`);
    if (ops.some((o) => o.name === 'filteredPage50')) {
      ctx.page50After = await walkToPage50(PORTS, servers, ctx);
      log('check: filtered list pages 1-49 equal on all servers; page-50 cursors taken');
    }
    for (const op of [...ops.filter((o) => !o.mutation || o.name === 'logIn'), ...ops.filter((o) => o.mutation && o.name !== 'logIn')]) {
      try {
        const serving = servers.filter((s) => performs(s, op));
        await checkOperation(op, PORTS, serving, ctx);
        statements[op.name] = {};
        for (const server of serving) {
          statements[op.name][server] = await statementsPerRequest(
            proxy,
            PORTS[server],
            (i) => op.request(server, ctx, i),
            op.name === 'logIn' ? 4 : 10,
            op.name === 'logIn' ? 1 : 2,
          );
        }
        log(
          `check: ${op.name.padEnd(15)} equal on ${serving.join(', ')}; SQL/request ${serving.map((s) => `${s} ${statements[op.name][s] ?? '?'}`).join(', ')}`,
        );
        const budget = op.mutation ? STATEMENT_BUDGET.mutation : STATEMENT_BUDGET.read;
        for (const server of servers.filter(isTrackr)) {
          const n = statements[op.name][server];
          if (n !== undefined && n > budget)
            failures.push(`${op.name}: ${SERVER_LABEL[server]} ran ${n} SQL statements per request (budget ${budget})`);
        }
      } catch (error) {
        if (!(error instanceof CheckFailure)) throw error;
        failures.push(error.message);
        log(`CHECK FAILED: ${error.message}`);
      }
    }
    if (servers.includes('cached')) {
      const reference = servers.includes('raw') ? 'raw' : servers.find(isTrackr);
      if (!reference) failures.push('cache gate: Bc needs A or B running as the reference');
      else failures.push(...(await cacheGate(ops, PORTS, reference, servers.find(isTrackr), ctx, log)));
    }
    for (const server of servers.filter((s) => s !== 'cached')) {
      const small = await statementsPerRequest(proxy, PORTS[server], () => viewerProjectsRequest(server, ctx, 2, 2), 5, 1);
      // 100 x 100 exceeds Trackr's complexity limit; 20 projects (more than the viewer has) x 100 issues does not.
      const large = await statementsPerRequest(proxy, PORTS[server], () => viewerProjectsRequest(server, ctx, 20, 100), 5, 1);
      nested[server] = { small, large };
      if (isTrackr(server) && small !== large)
        failures.push(`nested read: ${SERVER_LABEL[server]} ran ${small} SQL statements at page size 2 but ${large} at 100 (N+1)`);
    }
    log(
      `check: nested read statements at page sizes 2x2 / 20x100: ${servers
        .filter((s) => s !== 'cached')
        .map((s) => `${s} ${nested[s]?.small ?? '?'}/${nested[s]?.large ?? '?'}`)
        .join(', ')}`,
    );
  } finally {
    await Promise.all(running.map((r) => r.stop()));
    await proxy.close();
  }
  if (failures.length || checkOnly) {
    // Timing wrong answers is pointless: stop here.
    await finish(monitor, failures);
    return;
  }

  // ---- timed phase: direct connections, interleaved A B B22 B24 C E ----
  running = await startAll(dbUrl, jwtSecret, 'timed');
  let restarts = 0;
  const pgCpu = new PgCpu(monitor, mode.dbName);
  const cells: Cell[] = ops.flatMap((op) => servers.filter((s) => performs(s, op)).map((server) => ({ op: op.name, server, runs: [] })));
  const tag = `r${Date.now().toString(36)}`;
  try {
    for (let run = 1; run <= runs; run++) {
      for (const op of ops) {
        for (const server of servers.filter((s) => performs(s, op))) {
          let r = running.find((x) => x.server === server)!;
          const died = r.exited();
          if (died) {
            // A crash is a finding: record it, restart (bounded), and go on measuring the rest.
            failures.push(
              `${SERVER_LABEL[server]} died (${died}) before ${op.name} run ${run}; see bench/results/raw/${server}-timed*.log`,
            );
            log(`SERVER DIED: ${server} (${died}); restarting`);
            if (++restarts > 3) throw new Error('too many server restarts');
            r = await startServer(server, { databaseUrl: dbUrl, jwtSecret, port: PORTS[server], peerAuth }, `${server}-timed-${restarts}`);
            running = running.map((x) => (x.server === server ? r : x));
          }
          // The full server id in the tag: titles written by mutations never repeat across servers
          // (server[0] would give B and B22 the same titles on the same MUT issues).
          const spec = loadSpec(op, server, ctx, `${tag}${run}${server}`);
          await closedLoop({ ...spec, seconds: mode.warmSeconds, tag: `${spec.tag}w` });
          const nodeBefore = cpuMs(r.pid);
          const pgDone = await pgCpu.start();
          const closed = await closedLoop(spec);
          const nodeMs = cpuMs(r.pid) - nodeBefore;
          const pgMs = await pgDone();
          const latency = [];
          for (const rate of op.rates)
            latency.push(await fixedRate({ ...spec, seconds: mode.rateSeconds, tag: `${spec.tag}f${rate}` }, rate));
          const sample = {
            closed,
            latency,
            nodeCpuMsPerReq: nodeMs / closed.requests,
            pgCpuMsPerReq: pgMs / closed.requests,
            peakRssMb: peakRssMb(r.pid),
          };
          cells.find((c) => c.op === op.name && c.server === server)!.runs.push(sample);
          log(
            `run ${run}/${runs} ${op.name.padEnd(15)} ${server.padEnd(8)} ${closed.rps.toFixed(0).padStart(6)} req/s  p50 ${closed.p50Ms.toFixed(1)} p99 ${closed.p99Ms.toFixed(1)} ms  cpu node ${sample.nodeCpuMsPerReq.toFixed(2)} pg ${sample.pgCpuMsPerReq.toFixed(2)} ms/req${closed.errors ? `  ERRORS ${closed.errors}` : ''}`,
          );
          if (closed.errors) failures.push(`${op.name} on ${server}: ${closed.errors} failed requests under load`);
          // wrk sees only status codes, and Trackr refuses with typed errors inside a 200 (a throttle,
          // say): one request after the load must still get a real answer, or the cell timed refusals.
          if (isTrackr(server)) {
            const after = await send(PORTS[server], op.request(server, ctx, 0)).then(
              (json) => JSON.stringify(json),
              (error: unknown) => `failed: ${(error as Error).message}`,
            );
            if (/^failed|"errors":|"__typename":"\w+Error"/.test(after))
              failures.push(`${op.name} on ${server}: answered ${after.slice(0, 300)} after the load (timed refusals?)`);
          }
          const overload = latency.filter((l) => l.errors > 0).map((l) => `${l.errors} failed at ${l.rate}/s`);
          if (overload.length) log(`  ${op.name} on ${server}: ${overload.join(', ')} (over capacity; reported, not a failure)`);
        }
      }
    }
  } catch (error) {
    failures.push(`timed phase aborted: ${(error as Error).message}`);
    log(`timed phase aborted: ${(error as Error).message}; reporting what was measured`);
  } finally {
    await Promise.all(running.map((r) => r.stop()));
  }
  const measured = cells.filter((c) => c.runs.length > 0);
  const pgVersion = (await monitor.query<{ v: string }>(`SELECT current_setting('server_version') AS v`)).rows[0].v;
  const report: Report = {
    mode: mode.name,
    startedAt: new Date(started).toISOString(),
    finishedAt: new Date().toISOString(),
    durationSec: (Date.now() - started) / 1000,
    machine: {
      cpus: availableParallelism(),
      node: process.version,
      peerNode: spawnSync(PEER_NODE, ['-v']).stdout.toString().trim(),
      postgres: `PostgreSQL ${pgVersion}`,
      serverNode: Object.fromEntries(servers.map((s) => [s, spawnSync(SERVER_NODE[s], ['-v']).stdout.toString().trim()])),
    },
    settings: { connections: mode.connections, seconds, rateSeconds: mode.rateSeconds, runs, peerAuth },
    dataset: { ...mode.size },
    servers,
    statements,
    nestedStatements: nested,
    cells: measured,
  };
  // A run narrowed by options writes bench-<mode>-partial.*, never over the published full or quick results.
  const partial = ['ops', 'servers', 'runs', 'seconds', 'peer-auth'].some((option) => args.has(option));
  const md = await writeReport(report, RESULTS_DIR, log, `bench-${mode.name}${partial ? '-partial' : ''}`);
  process.stdout.write(md);
  await finish(monitor, failures);
}

function loadSpec(op: Operation, server: Server, ctx: Ctx, tag: string): LoadSpec {
  const slots = op.slots(ctx);
  return {
    port: PORTS[server],
    requests: Array.from({ length: slots }, (_, i) => op.request(server, ctx, i)),
    tag,
    connections: mode.connections,
    seconds,
  };
}

async function startAll(databaseUrl: string, jwtSecret: string, phase: string): Promise<Running[]> {
  const out: Running[] = [];
  for (const server of servers) {
    out.push(await startServer(server, { databaseUrl, jwtSecret, port: PORTS[server], peerAuth }, `${server}-${phase}`));
  }
  log(`${phase}: started ${servers.map((s) => SERVER_LABEL[s]).join(', ')}`);
  return out;
}

/** The session token: Trackr's logIn (A, B and B22 accept the same token; C ignores tokens). */
async function logIn(ctx: Ctx): Promise<void> {
  const op = OPERATIONS.find((o) => o.name === 'logIn')!;
  const server: Server = servers.find(isTrackr) ?? 'raw';
  const json = (await send(PORTS[server], op.request(server, ctx, 0))) as {
    data?: { logIn?: { accessToken?: string } };
    accessToken?: string;
  };
  const token = json.data?.logIn?.accessToken ?? json.accessToken;
  if (!token) throw new CheckFailure(`logIn on ${server} gave no token: ${JSON.stringify(json).slice(0, 300)}`);
  ctx.token = token;
}

async function finish(monitor: pg.Pool, problems: string[]): Promise<void> {
  await monitor.end();
  if (mode.dropAfter && !keepDb) {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(mode.dbName)} WITH (FORCE)`);
    await admin.end();
  }
  log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s (bcrypt cost ${BCRYPT_COST}, load tool ${hasWrk() ? 'wrk' : 'node'})`);
  if (problems.length) {
    process.stderr.write(`\nBENCHMARK FAILED (${problems.length}):\n${problems.map((p) => `- ${p}`).join('\n')}\n`);
    process.exitCode = 1;
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`bench: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
