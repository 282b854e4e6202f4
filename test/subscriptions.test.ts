// Subscriptions in one process, where the relay and the hub can be looked at: events are relayed
// only after commit (a late commit gets a later id, a rollback nothing), a relay that dies after
// publishing leaves its events to the next under the same ids, thousands of subscribe/unsubscribe
// cycles and abrupt disconnects leave nothing behind, limits refuse clearly; @defer and @stream.
import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import pg from 'pg';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { serveWebSockets } from '../src/graphql/websocket.js';
import { MemoryBus } from '../src/events/bus.js';
import { EventHub } from '../src/events/hub.js';
import type { PublishedEvent } from '../src/events/outbox.js';
import { Relay } from '../src/events/relay.js';
import { createPool } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { createEmptyDatabase } from './helpers/db.js';
import { newIssue, rawIdOf, updateIssue } from './helpers/issues.js';
import { sse, until, ws, wsClient, type Stream } from './helpers/realtime.js';

const ACTIVITY = `subscription($p: ID!, $s: ID) { projectActivity(projectId: $p, since: $s) {
  __typename ... on Activity { eventId } ... on IssueCreated { issue { key } } ... on IssueUpdated { changedFields } } }`;

// The embedded database is one session behind one connection: no second transaction can be held
// open beside the app's, and no second relay can run beside its own.
const onPostgres = inject('testDb').mode === 'postgres';

let t: TestApp;
let server: Server;
let url: string;
let webSockets: { close(reason: string): Promise<void> };
let owner: SignedUp;
let project: { id: string; key: string };

beforeAll(async () => {
  t = await startTestApp(
    {
      MAX_SUBSCRIPTIONS_PER_USER: '3',
      MAX_SUBSCRIPTIONS_PER_CONNECTION: '2',
      OUTBOX_POLL_MS: '100',
      ...(onPostgres ? { DATABASE_POOL_SIZE: '8' } : {}),
    },
    { realtime: true },
  );
  server = createServer(t.app.requestListener);
  webSockets = serveWebSockets(server, t.app, t.realtime!);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  owner = await signUpUser(t, 'Owner');
  project = await createProjectAs(t, owner.token);
}, 60_000);

afterAll(async () => {
  await webSockets.close('test over');
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await t.close();
});

const stats = () => t.realtime!.stats();
type Activity = { __typename: string; eventId: string; issue?: { key: string } | null; changedFields?: string[] };
const activities = (stream: Stream) => stream.results.filter((r) => r.data).map((r) => r.data.projectActivity as Activity);
const codes = (stream: Stream) => stream.results.flatMap((r) => r.errors ?? []).map((e) => e.extensions?.code);

/** Writes an outbox row in a transaction left open: commit or roll it back later. */
async function openTransactionWithEvent(issueId: string) {
  const client = new pg.Client({ connectionString: t.config.databaseUrl });
  await client.connect();
  await client.query('BEGIN');
  await client.query(`INSERT INTO outbox_events (type, project_id, issue_id) VALUES ('ISSUE_CREATED', $1, $2)`, [
    rawIdOf(project.id),
    issueId,
  ]);
  return {
    end: async (how: 'COMMIT' | 'ROLLBACK') => {
      await client.query(how);
      await client.end();
    },
  };
}

describe.runIf(onPostgres)('relaying', () => {
  it('publishes only after commit: a late commit gets a later event id, a rollback publishes nothing', async () => {
    const stream = sse(url, ACTIVITY, { p: project.id }, owner.token);
    await until(() => stats().listeners === 1, 'the subscription');
    const late = await openTransactionWithEvent(randomUUID());
    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'Committed first' });
    await until(() => activities(stream).length === 1, 'the first event');
    expect(activities(stream)[0]).toMatchObject({ __typename: 'IssueCreated', issue: { key: issue.key } });

    await late.end('COMMIT');
    await until(() => activities(stream).length === 2, 'the late event');
    // The row inserted first but committed second: relayed second, with the later id.
    expect(activities(stream)[1]).toMatchObject({ __typename: 'IssueCreated', issue: null });
    expect(BigInt(activities(stream)[1].eventId)).toBeGreaterThan(BigInt(activities(stream)[0].eventId));

    const phantom = await openTransactionWithEvent(randomUUID());
    await phantom.end('ROLLBACK');
    await updateIssue(t, owner.token, { id: issue.id, title: 'After the rollback' });
    await until(() => activities(stream).length === 3, 'the update');
    expect(activities(stream)[2]).toMatchObject({ __typename: 'IssueUpdated', changedFields: ['title'] });
    stream.close();
    await until(() => stats().listeners === 0, 'the cleanup');
  });

  it('survives PostgreSQL ending its connection in the middle of a pass, and relays again afterwards', async () => {
    const stream = sse(url, ACTIVITY, { p: project.id }, owner.token);
    await until(() => stats().listeners === 1, 'the subscription');
    // Hold the outbox table so that the relay's next pass waits inside its transaction, then end that
    // connection from the server side, as a PostgreSQL restart does.
    const blocker = new pg.Client({ connectionString: t.config.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE outbox_events IN ACCESS EXCLUSIVE MODE');
    const waitingPass = async () =>
      (
        await t.db.pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'trackr-relay' AND wait_event_type = 'Lock'`,
        )
      ).rows;
    await until(async () => (await waitingPass()).length === 1, 'a relay pass waiting on the lock');
    await t.db.pool.query('SELECT pg_terminate_backend($1)', [(await waitingPass())[0].pid]);
    await blocker.query('COMMIT');
    await blocker.end();

    const issue = await newIssue(t, owner.token, { projectId: project.id, title: 'After the lost connection' });
    await until(() => activities(stream).some((a) => a.issue?.key === issue.key), 'the event after the lost connection');
    stream.close();
    await until(() => stats().listeners === 0, 'the cleanup');
  });

  it('LISTENs again after PostgreSQL ends its listening connection, rather than falling back to polling for good', async () => {
    const db = await createEmptyDatabase();
    const pool = createPool(db.url, { poolSize: 2, connectTimeoutMs: 10_000 });
    const published: string[] = [];
    const bus = new MemoryBus();
    bus.publish = (events) => {
      published.push(...events.map((e) => e.projectId));
      return Promise.resolve();
    };
    // A poll too slow to matter: only notifications can deliver within the test's waits.
    const relay = new Relay({ pool, bus, logger: createLogger('silent'), listenUrl: db.url, pollMs: 60_000, retentionHours: 24 });
    const listeners = async () =>
      (
        await pool.query<{ pid: number }>(
          `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND application_name = 'trackr-relay' AND query LIKE 'LISTEN%'`,
        )
      ).rows;
    const write = (projectId: string) =>
      pool.query(`INSERT INTO outbox_events (type, project_id) VALUES ('ISSUE_CREATED', $1)`, [projectId]);
    try {
      await migrate(pool);
      await relay.start();
      const before = randomUUID();
      await write(before);
      await until(() => published.includes(before), 'the event before the loss', 10_000);

      const [lost] = await listeners();
      await pool.query('SELECT pg_terminate_backend($1)', [lost.pid]);
      const during = randomUUID();
      await write(during);
      await until(async () => (await listeners()).some((l) => l.pid !== lost.pid), 'a new listening connection', 10_000);
      const after = randomUUID();
      await write(after);
      await until(() => published.includes(during) && published.includes(after), 'the events during and after the loss', 10_000);
    } finally {
      await relay.close();
      await pool.end();
      await db.drop();
    }
  });

  it('leaves the events of a relay that died after publishing to the next relay, under the same ids', async () => {
    const db = await createEmptyDatabase();
    const pool = createPool(db.url, { poolSize: 2, connectTimeoutMs: 10_000 });
    try {
      await migrate(pool);
      const projectId = randomUUID();
      for (const type of ['ISSUE_CREATED', 'ISSUE_UPDATED', 'ISSUE_ARCHIVED'])
        await pool.query('INSERT INTO outbox_events (type, project_id) VALUES ($1, $2)', [type, projectId]);
      const logger = createLogger(process.env.TEST_LOG_LEVEL ?? 'silent');
      // The first relay sends each batch, then dies before marking it published.
      const sentByFirst: PublishedEvent[] = [];
      const dying = new MemoryBus();
      dying.publish = (events) => {
        sentByFirst.push(...events);
        return Promise.reject(new Error('killed'));
      };
      const first = new Relay({ pool, bus: dying, logger, pollMs: 100, retentionHours: 24 });
      await first.start();
      await until(() => sentByFirst.length >= 3, 'the first relay');
      await first.close();
      const { rows: unpublished } = await pool.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL');
      expect(unpublished).toHaveLength(3);

      const bus = new MemoryBus();
      const hub = new EventHub(() => t.realtime!.loaders(projectId));
      const delivered: string[] = [];
      hub.listen(projectId, { deliver: ({ event }) => void delivered.push(`${event.seq} ${event.type}`), end: () => {} });
      bus.onEvent((event) => hub.dispatch(event));
      // What the first relay sent reached the hub too: the second relay's copies are dropped there.
      for (const event of sentByFirst.slice(0, 3)) hub.dispatch(event);
      const second = new Relay({ pool, bus, logger, pollMs: 100, retentionHours: 24 });
      await second.start();
      await until(
        async () => (await pool.query('SELECT 1 FROM outbox_events WHERE published_at IS NULL')).rowCount === 0,
        'the second relay',
      );
      await second.close();
      expect(delivered).toEqual(sentByFirst.slice(0, 3).map((e) => `${e.seq} ${e.type}`));
      expect(delivered.map((line) => line.split(' ')[1])).toEqual(['ISSUE_CREATED', 'ISSUE_UPDATED', 'ISSUE_ARCHIVED']);
    } finally {
      await pool.end();
      await db.drop();
    }
  });
});

describe('resources and limits', () => {
  it('leaves no listener or subscription behind after 1,000 SSE subscribe/disconnect cycles and 200 WebSocket ones', async () => {
    const cycle = async () => {
      const controller = new AbortController();
      const res = await fetch(`${url}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${owner.token}` },
        body: JSON.stringify({ query: ACTIVITY, variables: { p: project.id } }),
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      // Abrupt: the connection goes away without a word.
      controller.abort();
    };
    for (let round = 0; round < 1000 / 3; round++) await Promise.all([cycle(), cycle(), cycle()].slice(0, round === 333 ? 1 : 3));
    await until(
      () => stats().subscriptions === 0 && stats().listeners === 0,
      () => `SSE cleanup: ${JSON.stringify(stats())}`,
    );

    for (let round = 0; round < 200; round++) {
      const socket = new WebSocket(url.replace('http', 'ws') + '/graphql', 'graphql-transport-ws');
      const acked = new Promise((resolve) => socket.once('message', resolve));
      await new Promise((resolve) => socket.once('open', resolve));
      socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${owner.token}` } }));
      await acked;
      socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: ACTIVITY, variables: { p: project.id } } }));
      await until(() => stats().subscriptions === 1, 'the WebSocket subscription');
      socket.terminate();
    }
    await until(
      () => stats().subscriptions === 0 && stats().listeners === 0,
      () => `WebSocket cleanup: ${JSON.stringify(stats())}`,
    );
    expect(stats()).toEqual({ listeners: 0, projects: 0, subscriptions: 0, redisSubscriptions: 0 });
  }, 300_000);

  it('refuses subscriptions past the per-user and per-connection limits with RATE_LIMITED', async () => {
    const open = [0, 1, 2].map(() => sse(url, ACTIVITY, { p: project.id }, owner.token));
    await until(() => stats().subscriptions === 3, 'three subscriptions');
    const fourth = sse(url, ACTIVITY, { p: project.id }, owner.token);
    await fourth.ended;
    expect(codes(fourth)).toEqual(['RATE_LIMITED']);
    for (const stream of open) stream.close();
    await until(() => stats().subscriptions === 0, 'the cleanup');

    const client = wsClient(url, owner.token);
    const streams = [0, 1, 2].map(() => ws(client, ACTIVITY, { p: project.id }));
    await streams[2].ended;
    expect(codes(streams[2])).toEqual(['RATE_LIMITED']);
    expect(streams[0].isEnded() || streams[1].isEnded(), JSON.stringify(streams.map((s) => s.results))).toBe(false);
    await client.dispose();
    await until(() => stats().subscriptions === 0, 'the WebSocket cleanup');
  });
});

describe('@defer and @stream', () => {
  const QUERY = `query { viewer { name ... @defer(label: "later") { projects(first: 5) { edges @stream(initialCount: 0) { node { key } } } } } }`;

  it('delivers the deferred and streamed parts over multipart HTTP', async () => {
    const res = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'multipart/mixed', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    expect(res.headers.get('content-type')).toMatch(/^multipart\/mixed/);
    const body = await res.text();
    const parts = body
      .split(/\r?\n---/)
      .map((part) => part.slice(part.indexOf('{')))
      .filter((part) => part.startsWith('{'))
      .map(
        (part) =>
          JSON.parse(part) as { data?: unknown; incremental?: { items?: unknown[]; data?: unknown; label?: string }[]; hasNext: boolean },
      );
    expect(parts[0]).toMatchObject({ data: { viewer: { name: 'Owner' } }, hasNext: true });
    const incremental = parts.flatMap((p) => p.incremental ?? []);
    expect(incremental.some((i) => i.label === 'later')).toBe(true);
    expect(incremental.flatMap((i) => i.items ?? [])).toContainEqual({ node: { key: project.key } });
    expect(parts[parts.length - 1].hasNext).toBe(false);
  });

  it('delivers them over SSE', async () => {
    const res = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'text/event-stream', authorization: `Bearer ${owner.token}` },
      body: JSON.stringify({ query: QUERY }),
    });
    const events = (await res.text())
      .split('\n\n')
      .filter((chunk) => chunk.startsWith('event: next'))
      .map((chunk) => JSON.parse(chunk.slice(chunk.indexOf('data:') + 5)) as { hasNext?: boolean; incremental?: unknown[] });
    expect(events.length).toBeGreaterThan(1);
    expect(events[0]).toMatchObject({ data: { viewer: { name: 'Owner' } }, hasNext: true });
    expect(events.slice(1).some((e) => e.incremental?.length)).toBe(true);
  });
});
