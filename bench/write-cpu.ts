// Node CPU per mutation: `createIssue` and `updateIssue` (the benchmark's shapes) sent one at a time
// through app.fetch in this process, CPU time from process.cpuUsage() (all threads of the process:
// Trackr, Prisma, pg) divided by the count. Run it on two builds in alternation to compare them
// (bench/NOTES.md "Leaner writes"). Writes to the MUT project of an existing bench database.
//
//   npx tsx bench/write-cpu.ts --database-url=postgresql://postgres@127.0.0.1:5432/lists_bench --count=500
import { createApp } from '../src/app.js';
import { LoginThrottle } from '../src/auth/login-throttle.js';
import { createRateLimiter } from '../src/auth/rate-limit.js';
import { TokenService } from '../src/auth/tokens.js';
import { sessionCheck } from '../src/auth/viewer.js';
import { loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { createLogger } from '../src/logger.js';
import { BENCH_PASSWORD, MUT_KEY, VIEWER_EMAIL } from './dataset.js';

const args = new Map(process.argv.slice(2).map((a) => [a.replace(/^--/, '').split('=')[0], a.split('=').slice(1).join('=') || 'true']));
const url = args.get('database-url') ?? 'postgresql://postgres@127.0.0.1:5432/lists_bench';
const count = Number(args.get('count') ?? 500);
const tag = args.get('tag') ?? 'run';

const CREATE = `mutation($p: ID!, $t: String!) { createIssue(input: { projectId: $p, title: $t, priority: HIGH }) {
  __typename ... on IssuePayload { issue { id key title status priority project { key } } } ... on Error { code message } } }`;
const UPDATE = `mutation($id: ID!, $t: String!) { updateIssue(input: { id: $id, title: $t }) {
  __typename ... on IssuePayload { issue { key title status priority } } ... on Error { code message } } }`;

async function main(): Promise<void> {
  const config = loadConfig({
    NODE_ENV: 'production',
    DATABASE_URL: url,
    JWT_SECRET: 'bench-write-cpu-secret-that-is-long-enough-0123456789',
    LOG_LEVEL: 'warn',
    GRAPHIQL: 'false',
  });
  const logger = createLogger(config.logLevel);
  const db = await openDatabase(config, logger);
  const rateLimiter = createRateLimiter(undefined);
  const app = await createApp({
    prisma: db.prisma,
    config,
    tokens: new TokenService(config.jwt),
    sessionIsLive: sessionCheck(db),
    throttle: new LoginThrottle(rateLimiter, config.loginLimits),
    logger,
    isReady: async () => true,
  });
  const gql = async (query: string, variables: Record<string, unknown>, token?: string) => {
    const response = await app.fetch('http://bench.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await response.json()) as { data?: Record<string, Record<string, unknown>>; errors?: unknown[] };
    if (body.errors) throw new Error(JSON.stringify(body.errors));
    return body.data!;
  };
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
    await rateLimiter.close();
    await db.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
