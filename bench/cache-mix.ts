// The response cache on a realistic mix: 50 users, each a closed-loop client doing 90% reads of
// the benchmark's shapes (viewer, issue by id, issue by key, project page, viewer's projects with
// issues, filtered list page 1) and 10% writes (updateIssue, createIssue, addComment), against
// one Trackr process with RESPONSE_CACHE=on and =off, interleaved; reports req/s and the hit rate.
//
//   npx tsx bench/cache-mix.ts [--seconds=15] [--rounds=2] [--writes=0.1] [--redis]
//
// It makes its own database (trackr_cache_mix_<random>, dropped at the end) on DATABASE_URL's
// server (default postgresql://postgres@127.0.0.1:5432/postgres) and its data through the API:
// 5 projects of 10 members each (every user in one project), 40 issues per project.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import pg from 'pg';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SECONDS = Number(arg('seconds', '15'));
const ROUNDS = Number(arg('rounds', '2'));
const REDIS = process.argv.includes('--redis');
/** The share of writes (the rest are reads). */
const WRITES = Number(arg('writes', '0.1'));
const ADMIN_URL = process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const USERS = 50;
const PROJECTS = 5;
const ISSUES_PER_PROJECT = 40;
const PORT = 4400 + Math.floor(Math.random() * 500);

type Json = { data?: Record<string, unknown>; errors?: unknown[]; extensions?: { responseCache?: { hit?: boolean } } };
type User = { id: string; token: string; projectId: string; projectKey: string; issueIds: string[]; issueKeys: string[] };

async function gql(query: string, variables: Record<string, unknown>, token?: string): Promise<Json> {
  const response = await fetch(`http://127.0.0.1:${PORT}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  return (await response.json()) as Json;
}

function must(json: Json, what: string): Record<string, unknown> {
  if (json.errors || !json.data) throw new Error(`${what}: ${JSON.stringify(json.errors ?? json)}`);
  return json.data;
}

async function startServer(databaseUrl: string, cache: boolean): Promise<ChildProcess> {
  // node itself (not npx), so that SIGTERM reaches the server and not only a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: databaseUrl,
      PORT: String(PORT),
      JWT_SECRET: 'cache-mix-secret-that-is-long-enough-0123456789abcdef',
      BCRYPT_COST: '10',
      LOG_LEVEL: 'warn',
      GRAPHIQL: 'false',
      RATE_BUDGET_PER_USER: '0',
      RATE_BUDGET_PER_ADDRESS: '0',
      LOGIN_MAX_ATTEMPTS_PER_IP: '100000',
      EMAIL_LOOKUPS_PER_WINDOW: '100000',
      RESPONSE_CACHE: cache ? 'on' : 'off',
      ...(REDIS
        ? { REDIS_URL: 'redis://127.0.0.1:6379', REALTIME_CHANNEL_PREFIX: `cache-mix-${randomBytes(4).toString('hex')}:` }
        : { REDIS_URL: '' }),
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  for (let i = 0; i < 200; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${PORT}/ready`)).ok) return child;
    } catch {
      /* not yet */
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error('server did not start');
}

async function stop(child: ChildProcess): Promise<void> {
  child.kill('SIGTERM');
  await once(child, 'exit');
}

async function setUp(): Promise<User[]> {
  const users: User[] = [];
  for (let i = 0; i < USERS; i++) {
    const data = must(
      await gql(`mutation($input: SignUpInput!) { signUp(input: $input) { ... on AuthPayload { accessToken user { id } } } }`, {
        input: { email: `mix${i}-${randomBytes(3).toString('hex')}@bench.test`, name: `Mix User ${i}`, password: 'correct horse battery' },
      }),
      'signUp',
    ).signUp as { accessToken: string; user: { id: string } };
    users.push({ id: data.user.id, token: data.accessToken, projectId: '', projectKey: '', issueIds: [], issueKeys: [] });
  }
  const perProject = USERS / PROJECTS;
  for (let p = 0; p < PROJECTS; p++) {
    const team = users.slice(p * perProject, (p + 1) * perProject);
    const owner = team[0];
    const key = `MIX${p}`;
    const project = must(
      await gql(
        `mutation($input: CreateProjectInput!) { createProject(input: $input) { ... on ProjectPayload { project { id } } } }`,
        { input: { key, name: `Mix ${p}` } },
        owner.token,
      ),
      'createProject',
    ).createProject as { project: { id: string } };
    for (const member of team.slice(1)) {
      must(
        await gql(
          `mutation($input: AddProjectMemberInput!) { addProjectMember(input: $input) { __typename } }`,
          { input: { projectId: project.project.id, userId: member.id, role: 'MEMBER' } },
          owner.token,
        ),
        'addProjectMember',
      );
    }
    const ids: string[] = [];
    const keys: string[] = [];
    for (let i = 0; i < ISSUES_PER_PROJECT; i++) {
      const created = must(
        await gql(
          `mutation($input: CreateIssueInput!) { createIssue(input: $input) { ... on IssuePayload { issue { id key } } } }`,
          {
            input: {
              projectId: project.project.id,
              title: `Issue ${i}`,
              assigneeId: team[i % team.length].id,
              status: i % 3 === 0 ? 'IN_PROGRESS' : 'TODO',
            },
          },
          team[i % team.length].token,
        ),
        'createIssue',
      ).createIssue as { issue: { id: string; key: string } };
      ids.push(created.issue.id);
      keys.push(created.issue.key);
    }
    for (const member of team) Object.assign(member, { projectId: project.project.id, projectKey: key, issueIds: ids, issueKeys: keys });
  }
  return users;
}

const ISSUE = 'fragment I on Issue { key title status priority assignee { name } reporter { name } labels { name } }';
const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)];

/** One request of the mix for `user`: 90% reads, 10% writes. */
function nextRequest(user: User): [string, Record<string, unknown>, boolean] {
  // Reads take [0, 0.9) of the scale, writes [0.9, 1): map the wanted share of writes onto it.
  const u = Math.random();
  const r = u < 1 - WRITES ? (u / (1 - WRITES)) * 0.9 : 0.9 + ((u - (1 - WRITES)) / WRITES) * 0.1;
  if (r < 0.15) return ['{ viewer { email name } }', {}, false];
  if (r < 0.35) return [`query($id: ID!) { issue(id: $id) { ...I } } ${ISSUE}`, { id: pick(user.issueIds.slice(0, 10)) }, false];
  if (r < 0.5)
    return [`query($key: String!) { issueByKey(key: $key) { ...I } } ${ISSUE}`, { key: pick(user.issueKeys.slice(0, 10)) }, false];
  if (r < 0.65)
    return [
      `query($key: String!) { projectByKey(key: $key) { key name owner { name } issues(first: 20) { edges { node { ...I } } } } } ${ISSUE}`,
      { key: user.projectKey },
      false,
    ];
  if (r < 0.78)
    return [
      'query($p: Int!, $n: Int!) { viewer { projects(first: $p) { edges { node { key name issues(first: $n) { edges { node { key title status assignee { name } } } } } } } } }',
      { p: 10, n: 5 },
      false,
    ];
  if (r < 0.9)
    return [
      'query($p: ID!) { issues(first: 20, filter: { projectId: $p, status: { in: [TODO, IN_PROGRESS] } }, orderBy: [{ field: PRIORITY, direction: DESC }, { field: CREATED_AT, direction: DESC }]) { edges { node { key title status priority assignee { name } } } } }',
      { p: user.projectId },
      false,
    ];
  if (r < 0.95)
    return [
      `mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename } }`,
      { input: { id: pick(user.issueIds), title: `Retitled ${randomBytes(3).toString('hex')}` } },
      true,
    ];
  if (r < 0.975)
    return [
      `mutation($input: AddCommentInput!) { addComment(input: $input) { __typename } }`,
      { input: { issueId: pick(user.issueIds), body: 'a comment' } },
      true,
    ];
  return [
    `mutation($input: CreateIssueInput!) { createIssue(input: $input) { __typename } }`,
    { input: { projectId: user.projectId, title: 'mix issue' } },
    true,
  ];
}

async function runMix(users: User[]): Promise<{ rps: number; reads: number; hits: number; errors: number }> {
  const deadline = Date.now() + SECONDS * 1000;
  let requests = 0;
  let reads = 0;
  let hits = 0;
  let errors = 0;
  await Promise.all(
    users.map(async (user) => {
      while (Date.now() < deadline) {
        const [query, variables, write] = nextRequest(user);
        const json = await gql(query, variables, user.token);
        requests += 1;
        if (json.errors) errors += 1;
        if (!write) {
          reads += 1;
          if (json.extensions?.responseCache?.hit) hits += 1;
        }
      }
    }),
  );
  return { rps: requests / SECONDS, reads, hits, errors };
}

async function main(): Promise<void> {
  const dbName = `trackr_cache_mix_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`CREATE DATABASE ${dbName}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${dbName}`;
  try {
    let server = await startServer(url.toString(), false);
    const users = await setUp();
    await stop(server);
    const rows: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      for (const cache of round % 2 === 0 ? [false, true] : [true, false]) {
        server = await startServer(url.toString(), cache);
        // A short warm-up (JIT, pools), not counted.
        await Promise.all(users.slice(0, 10).map((u) => gql('{ viewer { name } }', {}, u.token)));
        const result = await runMix(users);
        await stop(server);
        const line = `round ${round + 1}, cache ${cache ? 'on ' : 'off'}: ${result.rps.toFixed(0)} req/s, reads ${result.reads}, hit rate ${result.reads ? ((100 * result.hits) / result.reads).toFixed(1) : '0'}%, errors ${result.errors}`;
        console.log(line);
        rows.push(line);
      }
    }
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`);
    await admin.end();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
