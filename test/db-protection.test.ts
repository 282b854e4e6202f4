// The database protects itself from Trackr's own requests: session limits live on the app's
// connections, a statement past its timeout is stopped, a request whose client goes away has its
// statement cancelled, and each connection keeps a bounded number of prepared statements.
import { createServer, type Server } from 'node:http';
import { connect, createServer as createTcpServer, type Socket } from 'node:net';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { cancelStatementsOnDisconnect, cancelWithRequest } from '../src/db/session-guards.js';
import { createProjectAs, signUpUser, startTestApp, type TestApp } from './helpers/app.js';
import { workerDatabaseUrl } from './helpers/db.js';
import { rawIdOf } from './helpers/issues.js';

const UPDATE_ISSUE = `mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename } }`;

// PGlite (the embedded fallback) has one session for every connection and cannot cancel: the
// guards apply to a real server only.
const onPostgres = inject('testDb').mode === 'postgres';

let admin: pg.Client;
beforeAll(async () => {
  if (!onPostgres) return;
  admin = new pg.Client({ connectionString: await workerDatabaseUrl() });
  await admin.connect();
});
afterAll(() => admin?.end());

/** An issue of a fresh project, and the owner's token. */
async function anIssue(t: TestApp): Promise<{ id: string; token: string }> {
  const owner = await signUpUser(t, 'Owner');
  const project = await createProjectAs(t, owner.token);
  const res = await t.gql<{ createIssue: { issue: { id: string } } }>(
    `mutation($input: CreateIssueInput!) { createIssue(input: $input) { ... on IssuePayload { issue { id } } } }`,
    { input: { projectId: project.id, title: 'Locked' } },
    owner.token,
  );
  return { id: res.data.createIssue.issue.id, token: owner.token };
}

/** Holds a row lock on the issue (from a connection of the test's own) until release() is called. */
async function lockIssue(issueId: string): Promise<{ release(): Promise<void> }> {
  const holder = new pg.Client({ connectionString: await workerDatabaseUrl() });
  await holder.connect();
  await holder.query('BEGIN');
  await holder.query('SELECT 1 FROM issues WHERE id = $1 FOR UPDATE', [rawIdOf(issueId)]);
  return {
    async release() {
      await holder.query('ROLLBACK');
      await holder.end();
    },
  };
}

/** Backends of the app waiting for a lock on this database. */
async function waitingAppBackends(): Promise<number> {
  const { rows } = await admin.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
     WHERE application_name = 'trackr' AND datname = current_database() AND wait_event_type = 'Lock'`,
  );
  return rows[0].n;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return false;
}

describe.runIf(onPostgres)('session limits', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '700', DATABASE_IDLE_IN_TRANSACTION_TIMEOUT_MS: '4321' });
  });
  afterAll(() => t.close());

  it('are set on the app’s connections, for its own SQL and for Prisma’s, JIT off', async () => {
    const shown = async (setting: string) => (await t.db.pool.query<Record<string, string>>(`SHOW ${setting}`)).rows[0][setting];
    expect(await shown('statement_timeout')).toBe('700ms');
    expect(await shown('idle_in_transaction_session_timeout')).toBe('4321ms');
    expect(await shown('jit')).toBe('off');
    const [prisma] = await t.db.prisma.$queryRawUnsafe<{ statement_timeout: string }[]>('SHOW statement_timeout');
    expect(prisma.statement_timeout).toBe('700ms');
  });

  it('stop a statement that runs past the timeout: the request gets TIMEOUT instead of waiting', async () => {
    const issue = await anIssue(t);
    const lock = await lockIssue(issue.id);
    // Without a timeout the update would wait for the lock; released after 15 s so the test ends either way.
    const safety = setTimeout(() => void lock.release(), 15_000);
    try {
      const res = await t.gql(UPDATE_ISSUE, { input: { id: issue.id, title: 'Blocked' } }, issue.token);
      expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['TIMEOUT']);
      expect(res.errors?.[0].message).not.toMatch(/statement|canceling|lock/);
    } finally {
      clearTimeout(safety);
      await lock.release().catch(() => {});
    }
  });
});

describe.runIf(onPostgres)('a client that goes away', () => {
  let t: TestApp;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    // No statement timeout here: only the cancellation can end the wait.
    t = await startTestApp({ DATABASE_STATEMENT_TIMEOUT_MS: '0' });
    server = createServer(cancelStatementsOnDisconnect(t.app.requestListener));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const address = server.address();
    url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}/graphql`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await t.close();
  });

  it('has its running statement cancelled', async () => {
    const issue = await anIssue(t);
    const lock = await lockIssue(issue.id);
    try {
      const controller = new AbortController();
      const request = fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${issue.token}` },
        body: JSON.stringify({ query: UPDATE_ISSUE, variables: { input: { id: issue.id, title: 'Abandoned' } } }),
        signal: controller.signal,
      }).catch((error: unknown) => error);
      expect(await until(async () => (await waitingAppBackends()) === 1)).toBe(true);
      controller.abort();
      await request;
      // The app's backend stops waiting while the lock is still held: its statement was cancelled.
      expect(await until(async () => (await waitingAppBackends()) === 0)).toBe(true);
    } finally {
      await lock.release();
    }
    // Nothing was written, and the app's connections still work.
    const { rows } = await admin.query<{ title: string }>('SELECT title FROM issues WHERE id = $1', [rawIdOf(issue.id)]);
    expect(rows[0].title).toBe('Locked');
    expect((await t.gql('{ viewer { id } }', {}, issue.token)).errors).toBeUndefined();
  });
});

describe.runIf(onPostgres)('a cancel that arrives after its statement has finished', () => {
  // A proxy in front of PostgreSQL that holds back every connection after the first (the pool's
  // one) for a while: the cancel request then reaches the server only after the statement it was
  // meant for has finished and the connection has gone back to the pool.
  const CANCEL_DELAY_MS = 600;
  let proxy: ReturnType<typeof createTcpServer>;
  let pool: pg.Pool;
  let server: Server;
  let url: string;
  beforeAll(async () => {
    const target = new URL(await workerDatabaseUrl());
    let connections = 0;
    proxy = createTcpServer({ allowHalfOpen: true }, (client: Socket) => {
      const delay = connections++ === 0 ? 0 : CANCEL_DELAY_MS;
      const upstream = connect(Number(target.port || 5432), target.hostname);
      client.on('error', () => upstream.destroy());
      upstream.on('error', () => client.destroy());
      client.on('data', (chunk) => setTimeout(() => upstream.write(chunk), delay));
      client.on('end', () => setTimeout(() => upstream.end(), delay));
      upstream.pipe(client);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    const address = proxy.address();
    const port = typeof address === 'object' && address ? address.port : 0;
    pool = new pg.Pool({ connectionString: `postgresql://postgres@127.0.0.1:${port}${target.pathname}`, max: 1 });
    cancelWithRequest(pool);
    await pool.query('SELECT 1');
    server = createServer(
      cancelStatementsOnDisconnect((_req, res) => {
        void pool.query('SELECT pg_sleep(0.2)').then(
          () => res.end('done'),
          () => res.end('failed'),
        );
      }),
    );
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const httpAddress = server.address();
    url = `http://127.0.0.1:${typeof httpAddress === 'object' && httpAddress ? httpAddress.port : 0}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await pool.end();
    await new Promise((resolve) => proxy.close(resolve));
  });

  it('does not cancel the next statement on that connection', async () => {
    const controller = new AbortController();
    const abandoned = fetch(url, { signal: controller.signal }).catch((error: unknown) => error);
    await new Promise((resolve) => setTimeout(resolve, 100));
    controller.abort();
    await abandoned;
    // The abandoned statement ends at ~200 ms; this one starts right after, on the same backend,
    // and is still running when the cancel arrives at ~700 ms.
    await new Promise((resolve) => setTimeout(resolve, 150));
    await expect(pool.query('SELECT pg_sleep(0.8)')).resolves.toBeTruthy();
  }, 15_000);
});

describe.runIf(onPostgres)('prepared statements', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ DATABASE_POOL_SIZE: '1', DATABASE_MAX_PREPARED_STATEMENTS: '8' });
  });
  afterAll(() => t.close());

  it('are bounded per connection however many filter shapes clients send', async () => {
    const user = await signUpUser(t, 'Shapes');
    for (let branches = 1; branches <= 12; branches++) {
      const or = Array.from({ length: branches }, (_, i) => ({
        status: { notIn: ['DONE'] },
        createdAt: { gt: `202${i % 10}-01-01T00:00:00Z` },
      }));
      const res = await t.gql(
        'query($f: IssueFilter) { issues(first: 5, filter: $f) { edges { node { id } } } }',
        { f: { or } },
        user.token,
      );
      expect(res.errors).toBeUndefined();
    }
    // The pool has one connection: this runs on the one that served every request above.
    const { rows } = await t.db.pool.query<{ named: number }>(
      `SELECT count(*)::int AS named FROM pg_prepared_statements WHERE name LIKE 'trackr_%'`,
    );
    expect(rows[0].named).toBeGreaterThan(0);
    expect(rows[0].named).toBeLessThanOrEqual(8);
  });
});
