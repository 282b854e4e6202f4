// Search timings: Query.searchIssues, Trackr only (server A would need its own ranking SQL and
// PostGraphile has no full-text search without a plugin, so there is nothing equal to compare).
// Loads the bench dataset (bench/dataset.ts, the same generator as run.ts) into its own database,
// runs Trackr in-process (app.fetch: no HTTP, no other load) and times sequential requests, then
// prints the plan of the ranking statement. See bench/NOTES.md "Search".
//
//   npx tsx bench/search.ts --quick            # 20k issues, BIG1 has 5,000
//   npx tsx bench/search.ts --full             # 1M issues, BIG1 has 50,000 (~2 min to load once)
//   options: --requests=200 --keep-db --database-url=postgresql://postgres@127.0.0.1:5432/postgres
import pg from 'pg';
import { BENCH_PASSWORD, BIG_KEY, FULL, prepareDataset, QUICK, VIEWER_EMAIL, withDb } from './dataset.js';
import { startInProcess } from './in-process.js';

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const full = args.has('full');
const requests = Number(args.get('requests') ?? 200);
const adminUrl = args.get('database-url') ?? process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
// Not run.ts's database: a dataset migrated by this branch must not meet another branch's harness.
const dbName = full ? 'trackr_bench_search' : 'trackr_bench_search_quick';
const log = (m: string) => process.stderr.write(`[search] ${m}\n`);

const SEARCH = `query($q: String!, $filter: IssueFilter, $first: Int) { searchIssues(query: $q, filter: $filter, first: $first) {
  edges { rank snippet node { key title status assignee { name } } } pageInfo { hasNextPage endCursor } } }`;

async function main(): Promise<void> {
  await prepareDataset(adminUrl, dbName, full ? FULL : QUICK, log);
  const url = withDb(adminUrl, dbName);
  const trackr = await startInProcess(url, 'search');
  const { gql } = trackr;
  try {
    const login = (await gql('mutation($i: LogInInput!) { logIn(input: $i) { ... on AuthPayload { accessToken } } }', {
      i: { email: VIEWER_EMAIL, password: BENCH_PASSWORD },
    })) as { logIn: { accessToken: string } };
    const token = login.logIn.accessToken;
    const big = (await gql('query($k: String!) { projectByKey(key: $k) { id } }', { k: BIG_KEY }, token)) as {
      projectByKey: { id: string };
    };
    const inBig = { projectId: big.projectByKey.id };

    // The generator's text: titles "Issue <n> of <KEY>", descriptions "Generated issue <n>", a
    // quarter of the issues have "Comment <k> on <KEY>-<n>". So "issue" matches every issue.
    const cases: { name: string; q: string; filter?: object }[] = [
      { name: `"issue" in ${BIG_KEY} (every issue matches)`, q: 'issue', filter: inBig },
      { name: `"comment" in ${BIG_KEY} (1 in 4, comments only)`, q: 'comment', filter: inBig },
      { name: `"gener" (prefix) in ${BIG_KEY}`, q: 'gener', filter: inBig },
      { name: `"issue" in ${BIG_KEY}, status IN_PROGRESS`, q: 'issue', filter: { ...inBig, status: { in: ['IN_PROGRESS'] } } },
      { name: '"issue" across all the viewer\'s projects', q: 'issue' },
      { name: `"4242" (one issue) across all projects`, q: '4242' },
    ];
    const rows: string[] = [];
    for (const c of cases) {
      const run = () => gql(SEARCH, { q: c.q, filter: c.filter, first: 20 }, token);
      for (let i = 0; i < 10; i++) await run();
      const times: number[] = [];
      let hits = 0;
      for (let i = 0; i < requests; i++) {
        const started = performance.now();
        const data = (await run()) as { searchIssues: { edges: unknown[] } };
        times.push(performance.now() - started);
        hits = data.searchIssues.edges.length;
      }
      times.sort((a, b) => a - b);
      const at = (p: number) => times[Math.min(times.length - 1, Math.floor(p * times.length))].toFixed(1);
      rows.push(`| ${c.name} | ${hits} | ${at(0.5)} | ${at(0.99)} | ${times[times.length - 1].toFixed(1)} |`);
      log(rows[rows.length - 1]);
    }
    console.log(
      `\n${full ? 'full' : 'quick'} dataset, ${requests} sequential requests per row, page 1 (first: 20), in-process app.fetch\n`,
    );
    console.log('| query | hits on page | p50 ms | p99 ms | max ms |\n| --- | --- | --- | --- | --- |');
    console.log(rows.join('\n'));

    // The ranking statement (services/search.ts, step 2) for the first row, as the service sends it.
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      const projects = await client.query<{ id: string }>(
        `SELECT p.id FROM projects p JOIN project_members m ON m.project_id = p.id JOIN users u ON u.id = m.user_id
         WHERE u.email = $1 AND p.deleted_at IS NULL AND p.key = $2`,
        [VIEWER_EMAIL, BIG_KEY],
      );
      const plan = await client.query<{ 'QUERY PLAN': string }>(
        `EXPLAIN (ANALYZE, BUFFERS)
         SELECT i.id::text AS id, ts_rank(i.search_vector, q.query) AS rank
         FROM (SELECT (CASE WHEN websearch_to_tsquery('english', $1)::text ~ '^''[^'']+''$'
                 AND right(websearch_to_tsquery('english', $1)::text, length(websearch_to_tsquery('english', $1)::text)) = websearch_to_tsquery('english', $1)::text
               THEN (websearch_to_tsquery('english', $1)::text || ':*')::tsquery ELSE websearch_to_tsquery('english', $1) END) AS query) q, issues i
         WHERE i.project_id = ANY($2::uuid[]) AND i.deleted_at IS NULL AND i.search_vector @@ q.query
         ORDER BY rank DESC, i.id DESC LIMIT 420`,
        ['issue', projects.rows.map((r) => r.id)],
      );
      console.log(`\nEXPLAIN ANALYZE, ranking statement, "issue" in ${BIG_KEY}:\n`);
      console.log(plan.rows.map((r) => r['QUERY PLAN']).join('\n'));
    } finally {
      await client.end();
    }
  } finally {
    await trackr.close();
    if (!args.has('keep-db')) {
      const admin = new pg.Client({ connectionString: adminUrl });
      await admin.connect();
      await admin.query(`DROP DATABASE IF EXISTS ${pg.escapeIdentifier(dbName)} WITH (FORCE)`);
      await admin.end();
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
