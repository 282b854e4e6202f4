// Node CPU per mutation: `createIssue` and `updateIssue` (the benchmark's shapes) sent one at a time
// through app.fetch in this process, CPU time from process.cpuUsage() (all threads of the process:
// Trackr, Prisma, pg) divided by the count. Run it on two builds in alternation to compare them
// (bench/NOTES.md "Leaner writes"). Writes to the MUT project of an existing bench database.
//
//   npx tsx bench/write-cpu.ts --database-url=postgresql://postgres@127.0.0.1:5432/lists_bench --count=500
import { BENCH_PASSWORD, MUT_KEY, VIEWER_EMAIL } from './dataset.js';
import { startInProcess } from './in-process.js';

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const url = args.get('database-url') ?? 'postgresql://postgres@127.0.0.1:5432/lists_bench';
const count = Number(args.get('count') ?? 500);
const tag = args.get('tag') ?? 'run';

const CREATE = `mutation($p: ID!, $t: String!) { createIssue(input: { projectId: $p, title: $t, priority: HIGH }) {
  __typename ... on IssuePayload { issue { id key title status priority project { key } } } ... on Error { code message } } }`;
const UPDATE = `mutation($id: ID!, $t: String!) { updateIssue(input: { id: $id, title: $t }) {
  __typename ... on IssuePayload { issue { key title status priority } } ... on Error { code message } } }`;

async function main(): Promise<void> {
  const trackr = await startInProcess(url, 'write-cpu');
  const { gql } = trackr;
  try {
    const login = (await gql('mutation($i: LogInInput!) { logIn(input: $i) { ... on AuthPayload { accessToken } } }', {
      i: { email: VIEWER_EMAIL, password: BENCH_PASSWORD },
    })) as { logIn: { accessToken: string } };
    const token = login.logIn.accessToken;
    const mut = (await gql('query($k: String!) { projectByKey(key: $k) { id } }', { k: MUT_KEY }, token)) as {
      projectByKey: { id: string };
    };
    const projectId = mut.projectByKey.id;
    const created: string[] = [];
    const create = async (i: number) => {
      const r = (await gql(CREATE, { p: projectId, t: `cpu ${tag} ${i}` }, token)) as {
        createIssue: { __typename: string; issue: { id: string } };
      };
      if (r.createIssue.__typename !== 'IssuePayload') throw new Error(JSON.stringify(r));
      created.push(r.createIssue.issue.id);
    };
    const update = async (i: number) => {
      const r = (await gql(UPDATE, { id: created[i % created.length], t: `cpu ${tag} ${i} again` }, token)) as {
        updateIssue: { __typename: string };
      };
      if (r.updateIssue.__typename !== 'IssuePayload') throw new Error(JSON.stringify(r));
    };
    // Warm-up (plans, caches, JIT), then measure.
    for (let i = 0; i < 50; i++) await create(-i - 1);
    for (let i = 0; i < 50; i++) await update(i);
    const measure = async (work: (i: number) => Promise<void>) => {
      const cpu = process.cpuUsage();
      const started = performance.now();
      for (let i = 0; i < count; i++) await work(i);
      const used = process.cpuUsage(cpu);
      return { cpuMs: (used.user + used.system) / 1000 / count, wallMs: (performance.now() - started) / count };
    };
    const c = await measure(create);
    const u = await measure(update);
    console.log(
      `${tag}: createIssue ${c.cpuMs.toFixed(3)} ms CPU (${c.wallMs.toFixed(2)} ms wall), updateIssue ${u.cpuMs.toFixed(3)} ms CPU (${u.wallMs.toFixed(2)} ms wall), ${count} each`,
    );
  } finally {
    await trackr.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
