// Plans and statement counts of the cross-project issue lists (Query.issues without a project
// filter, and "my issues") on an existing bench database, through the front door (app.fetch, real
// token). Every statement a request sends is captured with its parameters and re-run under
// EXPLAIN (ANALYZE, BUFFERS). See bench/NOTES.md "Lists that stay fast at 1M issues".
//
//   npx tsx bench/list-plans.ts --database-url=postgresql://postgres@127.0.0.1:5432/lists_bench [--migrate] [--plans]
import pg from 'pg';
import { migrate } from '../src/db/migrate.js';
import { BENCH_PASSWORD, VIEWER_EMAIL } from './dataset.js';
import { startInProcess } from './in-process.js';

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const url = args.get('database-url') ?? 'postgresql://postgres@127.0.0.1:5432/lists_bench';
const requests = Number(args.get('requests') ?? 20);

// Every statement the app sends, with its parameters, while `capturing`.
let capturing = false;
const captured: { text: string; values: unknown[] }[] = [];
// eslint-disable-next-line @typescript-eslint/unbound-method -- called with its own `this` below
const clientQuery = pg.Client.prototype.query as (this: pg.Client, ...a: unknown[]) => unknown;
pg.Client.prototype.query = function (this: pg.Client, ...a: unknown[]) {
  if (capturing) {
    const [first, second] = a as [string | { text: string; values?: unknown[] }, unknown[] | undefined];
    if (typeof first === 'string') captured.push({ text: first, values: second ?? [] });
    else captured.push({ text: first.text, values: first.values ?? [] });
  }
  return clientQuery.apply(this, a);
} as typeof pg.Client.prototype.query;

const LIST = `query($first: Int!, $after: String, $filter: IssueFilter) { issues(first: $first, after: $after, filter: $filter) {
  edges { node { key title status priority assignee { name } project { key } } } pageInfo { endCursor } } }`;

async function main(): Promise<void> {
  if (args.has('migrate')) {
    const pool = new pg.Pool({ connectionString: url });
    console.log(await migrate(pool));
    await pool.end();
  }
  const trackr = await startInProcess(url, 'list-plans');
  const { gql } = trackr;
  const explain = new pg.Client({ connectionString: url });
  await explain.connect();
  // As Trackr's own connections plan (src/db/client.ts).
  await explain.query('SET plan_cache_mode = force_generic_plan');
  try {
    const login = (await gql('mutation($i: LogInInput!) { logIn(input: $i) { ... on AuthPayload { accessToken user { id } } } }', {
      i: { email: VIEWER_EMAIL, password: BENCH_PASSWORD },
    })) as { logIn: { accessToken: string; user: { id: string } } };
    const token = login.logIn.accessToken;
    const me = login.logIn.user.id;
    type Page = { issues: { edges: { node: { key: string } }[]; pageInfo: { endCursor: string } } };
    const cases: { name: string; filter?: object; page: number }[] = [
      { name: 'issues(first: 20), no filter', page: 1 },
      { name: 'issues(first: 20), no filter, page 50', page: 50 },
      { name: 'my issues (assigneeId: me)', filter: { assigneeId: { in: [me] } }, page: 1 },
      { name: 'my issues, page 50', filter: { assigneeId: { in: [me] } }, page: 50 },
    ];
    for (const c of cases) {
      // Walk to the page, then time and capture it.
      let after: string | undefined;
      for (let p = 1; p < c.page; p++)
        after = ((await gql(LIST, { first: 20, after, filter: c.filter }, token)) as Page).issues.pageInfo.endCursor;
      const run = async () => (await gql(LIST, { first: 20, after, filter: c.filter }, token)) as Page;
      await run();
      const times: number[] = [];
      for (let i = 0; i < requests; i++) {
        const started = performance.now();
        await run();
        times.push(performance.now() - started);
      }
      times.sort((a, b) => a - b);
      captured.length = 0;
      capturing = true;
      const page = await run();
      capturing = false;
      const statements = captured.filter((s) => !/^(BEGIN|COMMIT|SET|RESET)/.test(s.text));
      console.log(
        `\n## ${c.name}: ${page.issues.edges.length} issues (${page.issues.edges[0]?.node.key} ...), ${statements.length} statements, ` +
          `p50 ${times[Math.floor(times.length / 2)].toFixed(1)} ms in-process over ${requests} requests`,
      );
      if (!args.has('plans')) continue;
      for (const s of statements.slice(1)) {
        const plan = await explain.query<{ 'QUERY PLAN': string }>(`EXPLAIN (ANALYZE, BUFFERS) ${s.text}`, s.values);
        console.log(`\n${s.text.slice(0, 200).replace(/\s+/g, ' ')}...\n`);
        console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
      }
    }
  } finally {
    await explain.end();
    await trackr.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
