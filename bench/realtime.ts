// Realtime benchmark: delivery latency from a committed mutation to its subscribers (p50/p99) with
// 1 and with N subscribers on one replica, and the replica's memory per idle subscription.
//
//   npx tsx bench/realtime.ts [--subscribers=1000] [--events=50] [--redis] [--replicas]
//
// --replicas starts a second server on the same database and Redis: subscribers connect to the
// second, mutations go to the first, so every event crosses Redis (implies --redis).
// Starts a real server (tsx src/main.ts) on a fresh database of the PostgreSQL at BENCH_DATABASE_URL
// (default postgresql://postgres@127.0.0.1:5432/postgres), subscribes over WebSocket (graphql-ws),
// mutates over HTTP one at a time, and times each event from the moment its mutation was sent
// (the mutation's own round trip is reported beside it: the event cannot be committed before
// that is nearly over). Memory: the subscribers' server's heap and RSS after a forced full GC
// (bench/memory-probe.mjs) before and after opening the subscriptions, per subscription.
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import pg from 'pg';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import { startServer, gql, type Server } from '../test/helpers/realtime.js';

const arg = (name: string, fallback: string) => process.argv.find((a) => a.startsWith(`--${name}=`))?.split('=')[1] ?? fallback;
const SUBSCRIBERS = Number(arg('subscribers', '1000'));
const EVENTS = Number(arg('events', '50'));
const SERVER = process.env.BENCH_DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const PER_CONNECTION = 50;
const REPLICAS = process.argv.includes('--replicas');
const REDIS = REPLICAS || process.argv.includes('--redis');

/** tsx runs the script in a child node process: that child is the server to measure. */
const serverPid = (tsxPid: number) => Number(readFileSync(`/proc/${tsxPid}/task/${tsxPid}/children`, 'utf8').trim().split(/\s+/)[0]);

/** Forces a full GC in the server and reads its heap and RSS (bench/memory-probe.mjs). */
async function memory(server: Server): Promise<{ heapUsed: number; rss: number }> {
  const pid = serverPid(server.child.pid!);
  const seen = server.output().length;
  process.kill(pid, 'SIGUSR2');
  for (let i = 0; i < 500; i++) {
    const line = /\{"memoryProbe":(\{[^}]*\})\}/.exec(server.output().slice(seen));
    if (line) return JSON.parse(line[1]) as { heapUsed: number; rss: number };
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  throw new Error('no memory probe answer from the server');
}
async function waitFor(done: () => boolean, what: string, stepMs = 20): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, stepMs));
  }
}
const quantile = (sorted: number[], q: number) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

async function main() {
  const dbName = `trackr_bench_rt_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: SERVER });
  await admin.connect();
  await admin.query(`CREATE DATABASE "${dbName}"`);
  const url = new URL(SERVER);
  url.pathname = `/${dbName}`;
  const env = {
    DATABASE_URL: url.toString(),
    LOG_LEVEL: 'info',
    MAX_SUBSCRIPTIONS_PER_USER: String(SUBSCRIBERS + 10),
    MAX_SUBSCRIPTIONS_PER_CONNECTION: String(PER_CONNECTION),
    NODE_OPTIONS: `--expose-gc --import ${pathToFileURL(resolvePath('bench/memory-probe.mjs')).href}`,
    ...(REDIS ? { REDIS_URL: 'redis://127.0.0.1:6379', REALTIME_CHANNEL_PREFIX: `${dbName}:` } : {}),
  };
  const server = await startServer(env);
  // The subscribers' replica: the same server, or with --replicas a second one.
  const listening = REPLICAS ? await startServer(env) : server;
  const clients: Client[] = [];
  try {
    const signUp = await gql<{ signUp: { accessToken: string } }>(
      server.url,
      'mutation($i: SignUpInput!) { signUp(input: $i) { ... on AuthPayload { accessToken } } }',
      { i: { email: `bench-${dbName}@example.com`, name: 'Bench', password: 'correct horse battery staple' } },
    );
    const token = signUp.data.signUp.accessToken;
    const project = await gql<{ createProject: { project: { id: string } } }>(
      server.url,
      'mutation { createProject(input: { key: "RTB", name: "Realtime bench" }) { ... on ProjectPayload { project { id } } } }',
      {},
      token,
    );
    const projectId = project.data.createProject.project.id;
    const issue = await gql<{ createIssue: { issue: { id: string } } }>(
      server.url,
      'mutation($p: ID!) { createIssue(input: { projectId: $p, title: "Bench" }) { ... on IssuePayload { issue { id } } } }',
      { p: projectId },
      token,
    );
    const issueId = issue.data.createIssue.issue.id;

    for (const count of [1, SUBSCRIBERS]) {
      for (const client of clients.splice(0)) await client.dispose();
      await new Promise((resolve) => setTimeout(resolve, 500));
      const before = await memory(listening);
      const received = new Map<string, number[]>();
      let subscribed = 0;
      const acks: Promise<void>[] = [];
      for (let i = 0; i < count; i++) {
        // A connection at a time: a burst of 1,000 subscribes would queue on the pool's 10 connections.
        if (i % PER_CONNECTION === 0 && i > 0) await new Promise((resolve) => setTimeout(resolve, 200));
        if (i % PER_CONNECTION === 0) {
          clients.push(
            createClient({
              url: listening.url.replace('http', 'ws') + '/graphql',
              webSocketImpl: WebSocket,
              connectionParams: { authorization: `Bearer ${token}` },
              lazy: false,
            }),
          );
        }
        const client = clients[clients.length - 1];
        acks.push(
          new Promise<void>((resolve) => {
            client.subscribe(
              {
                query: `subscription($p: ID!) { projectActivity(projectId: $p) { ... on IssueUpdated { issue { title status assignee { name } } } } }`,
                variables: { p: projectId },
              },
              {
                next: (result) => {
                  const title = (result.data?.projectActivity as { issue?: { title: string } } | undefined)?.issue?.title;
                  if (title) (received.get(title) ?? received.set(title, []).get(title)!).push(performance.now());
                },
                error: (error) => console.error('subscription error', error),
                complete: () => {},
              },
            );
            resolve();
          }),
        );
      }
      await Promise.all(acks);
      // Wait until the server holds them all: one warm-up event must reach every subscriber.
      // (Subscribing completes on the server after the client's call returns: warm up until all are live.)
      for (let round = 0; ; round++) {
        const warm = `warm-${count}-${round}`;
        await gql(
          server.url,
          'mutation($i: UpdateIssueInput!) { updateIssue(input: $i) { __typename } }',
          { i: { id: issueId, title: warm } },
          token,
        );
        await new Promise((resolve) => setTimeout(resolve, 500));
        if ((received.get(warm)?.length ?? 0) >= count) break;
        if (round > 60) throw new Error(`only ${received.get(warm)?.length ?? 0} of ${count} subscriptions came up`);
      }
      subscribed = count;
      await new Promise((resolve) => setTimeout(resolve, 1000));
      const after = await memory(listening);

      const latencies: number[] = [];
      const roundTrips: number[] = [];
      for (let e = 0; e < EVENTS; e++) {
        const title = `e-${count}-${e}`;
        const sent = performance.now();
        await gql(
          server.url,
          'mutation($i: UpdateIssueInput!) { updateIssue(input: $i) { __typename } }',
          { i: { id: issueId, title } },
          token,
        );
        roundTrips.push(performance.now() - sent);
        await waitFor(() => (received.get(title)?.length ?? 0) >= count, title, 1);
        for (const at of received.get(title)!) latencies.push(at - sent);
      }
      latencies.sort((x, y) => x - y);
      roundTrips.sort((x, y) => x - y);
      console.log(
        JSON.stringify({
          subscribers: subscribed,
          events: EVENTS,
          deliveries: latencies.length,
          latencyMs: { p50: +quantile(latencies, 0.5).toFixed(1), p99: +quantile(latencies, 0.99).toFixed(1) },
          mutationRoundTripMs: { p50: +quantile(roundTrips, 0.5).toFixed(1) },
          replicas: REPLICAS ? 2 : 1,
          redis: REDIS,
          heapMb: { before: +(before.heapUsed / 2 ** 20).toFixed(1), after: +(after.heapUsed / 2 ** 20).toFixed(1) },
          rssMb: { before: +(before.rss / 2 ** 20).toFixed(1), after: +(after.rss / 2 ** 20).toFixed(1) },
          ...(count > 1
            ? {
                heapKbPerIdleSubscription: +((after.heapUsed - before.heapUsed) / 1024 / count).toFixed(1),
                rssKbPerIdleSubscription: +((after.rss - before.rss) / 1024 / count).toFixed(1),
              }
            : {}),
        }),
      );
    }
  } finally {
    for (const client of clients) await client.dispose();
    if (listening !== server) await listening.stop();
    await server.stop();
    await admin.query(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    await admin.end();
  }
}

await main();
