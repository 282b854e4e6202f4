// Slow clients against the real server process: a client that trickles its headers (slowloris) or
// its body is answered 408 and disconnected soon after the configured timeouts, while requests of
// ordinary clients go on being served, and a subscription stream, whose request arrived long ago,
// is not cut by the request timeout.
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEmptyDatabase, type EmptyDatabase } from './helpers/db.js';
import { gql, sse, startServer, until, type Server } from './helpers/realtime.js';

const HEADERS_TIMEOUT_MS = 1000;
const REQUEST_TIMEOUT_MS = 2000;

let db: EmptyDatabase;
let server: Server;

beforeAll(async () => {
  db = await createEmptyDatabase();
  server = await startServer({
    DATABASE_URL: db.url,
    HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
    HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
    EMAIL_LOOKUPS_PER_WINDOW: '100000',
  });
}, 120_000);

afterAll(async () => {
  await server?.stop();
  await db?.drop();
});

type Trickle = { socket: Socket; received: () => string; closedAfterMs: Promise<number> };

/** Opens a raw connection, sends `first`, then one more chunk from `next` every 200 ms until the server hangs up. */
function trickle(first: string, next: () => string): Trickle {
  const { port, hostname } = new URL(server.url);
  const socket = connect(Number(port), hostname);
  let received = '';
  const started = Date.now();
  socket.on('data', (chunk) => (received += chunk.toString()));
  socket.on('error', () => {});
  socket.write(first);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(next());
  }, 200);
  const closedAfterMs = new Promise<number>((resolve) =>
    socket.on('close', () => {
      clearInterval(timer);
      resolve(Date.now() - started);
    }),
  );
  return { socket, received: () => received, closedAfterMs };
}

/** Fails the test instead of hanging when the server never hangs up (the default timeouts are 66 s and 300 s). */
const within = (ms: number, closed: Promise<number>) =>
  Promise.race([
    closed,
    new Promise<number>((_, reject) => setTimeout(() => reject(new Error(`connection still open after ${ms} ms`)), ms)),
  ]);

describe('slow clients', () => {
  it('answers 408 and closes a connection whose headers never finish (slowloris), while serving others', async () => {
    const slow = Array.from({ length: 20 }, (_, i) => trickle(`POST /graphql HTTP/1.1\r\nHost: x\r\n`, () => `X-Slow-${i}: a\r\n`));
    // Ordinary clients are still served while the slow ones hold their connections.
    const ok = await gql<{ __typename: string }>(server.url, '{ __typename }');
    expect(ok.data.__typename).toBe('Query');
    const closedAfter = await Promise.all(slow.map((s) => within(HEADERS_TIMEOUT_MS + 4000, s.closedAfterMs)));
    for (const ms of closedAfter) expect(ms).toBeGreaterThanOrEqual(HEADERS_TIMEOUT_MS - 50);
    expect(slow[0].received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  }, 30_000);

  it('answers 408 and closes a connection whose body trickles in past the request timeout', async () => {
    const body = JSON.stringify({ query: '{ __typename }' }).padEnd(400, ' ');
    let sent = 0;
    const slow = trickle(
      `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
      () => body.charAt(sent++) || ' ',
    );
    const closedAfter = await within(REQUEST_TIMEOUT_MS + 4000, slow.closedAfterMs);
    expect(closedAfter).toBeGreaterThanOrEqual(REQUEST_TIMEOUT_MS - 50);
    expect(slow.received()).toMatch(/^HTTP\/1\.1 408 Request Timeout/);
  }, 30_000);

  it('leaves a subscription stream open past the request timeout: only receiving the request is timed', async () => {
    const signUp = await gql<{ signUp: { accessToken: string } }>(
      server.url,
      'mutation($i: SignUpInput!) { signUp(input: $i) { ... on AuthPayload { accessToken } } }',
      { i: { email: `slow-${Date.now()}@example.com`, name: 'Slow', password: 'correct horse battery staple' } },
    );
    const token = signUp.data.signUp.accessToken;
    const created = await gql<{ createProject: { project: { id: string } } }>(
      server.url,
      'mutation { createProject(input: { key: "SLOW", name: "Slow" }) { ... on ProjectPayload { project { id } } } }',
      {},
      token,
    );
    const projectId = created.data.createProject.project.id;
    const stream = sse(server.url, 'subscription($p: ID!) { projectActivity(projectId: $p) { __typename } }', { p: projectId }, token);
    await new Promise((resolve) => setTimeout(resolve, REQUEST_TIMEOUT_MS + 1500));
    expect(stream.isEnded()).toBe(false);
    await gql(
      server.url,
      'mutation($i: CreateIssueInput!) { createIssue(input: $i) { __typename } }',
      { i: { projectId, title: 'After the timeout' } },
      token,
    );
    await until(
      () => stream.results.some((r) => (r.data.projectActivity as { __typename: string } | undefined)?.__typename === 'IssueCreated'),
      'the event',
    );
    stream.close();
  }, 30_000);
});
