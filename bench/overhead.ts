// What Trackr (B) costs on top of its own stack (E, bench/servers/ceiling): Node CPU per request of
// each read, both answered in THIS process through fetch (no HTTP: the node:http layer is the same
// for both), one request at a time, B and E alternating per operation and round (the order swapped
// every round), CPU from process.cpuUsage() (all threads: yoga, Pothos, Prisma, pg, and the few
// microseconds of this loop, the same for both), median over the rounds. Robust to a shared machine:
// CPU time, not wall time. B runs with the benchmark's settings (bench/servers.ts: rate budgets off,
// log level warn). Answers of B and E are checked equal (the operations' normalisers) first.
// Uses its own quick-size database (created once, then reused), no ports.
//
//   flock /work/briefs/bench.lock npx tsx bench/overhead.ts [--rounds=15] [--count=100] [--ops=projectPage,filteredPage50]
//   [--only=trackr|ceiling]  one server only (for `node --cpu-prof`: NODE_OPTIONS=--cpu-prof)
import { isDeepStrictEqual } from 'node:util';
import pg from 'pg';
import { BENCH_PASSWORD, BIG_KEY, KIND, prepareDataset, QUICK, uid, VIEWER_EMAIL, withDb } from './dataset.js';
import { startInProcess } from './in-process.js';
import { createCeiling } from './servers/ceiling/app.js';
import { filteredPage, filteredRequest, OPERATIONS, performs, type Ctx, type HttpRequest, type Server } from './operations.js';

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

async function main(): Promise<void> {
  await prepareDataset(adminUrl, dbName, QUICK, log);
  const url = withDb(adminUrl, dbName);
  const trackr = await startInProcess(url, 'overhead', {
    RATE_BUDGET_PER_USER: '0',
    RATE_BUDGET_PER_ADDRESS: '0',
    ACCESS_TOKEN_TTL_SECONDS: '86400',
  });
  const ceiling = createCeiling(url, 10);
  const fetchers: Record<string, (url: string, init: RequestInit) => Promise<Response> | Response> = {
    trackr: (u, init) => trackr.app.fetch(u, init),
    ceiling: (u, init) => ceiling.yoga.fetch(u, init),
  };
  const send = (server: Server): Send => {
    const f = fetchers[server];
    return async (req) => {
      const res = await f(`http://bench.test${req.path}`, { method: 'POST', headers: req.headers, body: req.body });
      return (await res.json()) as unknown;
    };
  };
  try {
    const ctx = await discover(url);
    const login = (await trackr.gql('mutation($i: LogInInput!) { logIn(input: $i) { ... on AuthPayload { accessToken } } }', {
      i: { email: VIEWER_EMAIL, password: BENCH_PASSWORD },
    })) as { logIn: { accessToken: string } };
    ctx.token = login.logIn.accessToken;
    // Page 49's end cursor, per server, walking the pages (each is its own cursor format).
    for (const server of SERVERS) {
      let after: string | null = null;
      for (let page = 1; page < 50; page++) after = filteredPage(server, await send(server)(filteredRequest(server, ctx, after))).endCursor;
      ctx.page50After[server] = after!;
    }
    // Same answers from both (also warms plans and the JIT).
    for (const op of READS) {
      const answers = await Promise.all(SERVERS.map(async (s) => op.canonical(s, await send(s)(op.request(s, ctx, 0)))));
      if (answers.length === 2 && !isDeepStrictEqual(answers[0], answers[1])) throw new Error(`${op.name}: B and E answer differently`);
      for (const s of SERVERS) for (let i = 0; i < 30; i++) await send(s)(op.request(s, ctx, i % op.slots(ctx)));
    }
    const samples = new Map<string, number[]>();
    for (let round = 0; round < rounds; round++) {
      for (const op of READS) {
        const order = round % 2 ? [...SERVERS].reverse() : SERVERS;
        for (const server of order) {
          const go = send(server);
          const slots = op.slots(ctx);
          const requests = Array.from({ length: slots }, (_, i) => op.request(server, ctx, i));
          const before = process.cpuUsage();
          for (let i = 0; i < count; i++) await go(requests[i % slots]);
          const used = process.cpuUsage(before);
          const key = `${op.name} ${server}`;
          samples.set(key, [...(samples.get(key) ?? []), (used.user + used.system) / 1000 / count]);
        }
      }
      log(`round ${round + 1}/${rounds} done`);
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    console.log(
      `Node CPU ms per request, median of ${rounds} rounds of ${count} sequential requests (in-process, ${new Date().toISOString()})`,
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
    await trackr.close();
    await ceiling.close();
  }
}

/** The ids the operations need (as bench/run.ts finds them). */
async function discover(url: string): Promise<Ctx> {
  const db = new pg.Client({ connectionString: url });
  await db.connect();
  try {
    const [issue] = (
      await db.query<{ id: string }>(
        `SELECT i.id FROM issues i JOIN projects p ON p.id = i.project_id WHERE p.key = 'P5' AND i.assignee_id IS NOT NULL
         ORDER BY (SELECT count(*) FROM issue_labels il WHERE il.issue_id = i.id) DESC, i.number LIMIT 1`,
      )
    ).rows;
    const [keyed] = (
      await db.query<{ key: string }>(
        `SELECT p.key || '-' || i.number AS key FROM issues i JOIN projects p ON p.id = i.project_id
         WHERE p.key = $1 AND i.number >= 777 AND i.assignee_id IS NOT NULL AND EXISTS (SELECT 1 FROM issue_labels il WHERE il.issue_id = i.id)
         ORDER BY i.number LIMIT 1`,
        [BIG_KEY],
      )
    ).rows;
    if (!issue || !keyed) throw new Error('dataset: expected rows missing');
    return {
      token: '',
      viewerId: uid(KIND.user, 0),
      viewerEmail: VIEWER_EMAIL,
      password: BENCH_PASSWORD,
      bigProjectId: uid(KIND.project, 1),
      bigKey: BIG_KEY,
      mutProjectId: uid(KIND.project, 0),
      issueId: issue.id,
      issueKey: keyed.key,
      mutIssueIds: [],
      page50After: {},
    };
  } finally {
    await db.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
