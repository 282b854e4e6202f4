// PostgreSQL going away and coming back, on a throwaway cluster of our own (the shared server is
// never stopped): requests fail fast with DB_UNAVAILABLE, HTTP 503 and Retry-After, /ready is false,
// and the service recovers by itself.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { postgresBinariesAvailable, startThrowawayPostgres, type ThrowawayPostgres } from '../scripts/throwaway-postgres.js';
import { signUpUser, startTestApp, type GqlResponse, type SignedUp, type TestApp } from './helpers/app.js';

let cluster: ThrowawayPostgres;
let t: TestApp;
let ada: SignedUp;
const logs: string[] = [];

// A cluster of our own needs PostgreSQL's server binaries (initdb, pg_ctl); without them, skip.
const canRun = postgresBinariesAvailable();

beforeAll(async () => {
  if (!canRun) return;
  cluster = await startThrowawayPostgres();
  const pool = new pg.Pool({ connectionString: cluster.url, max: 1 });
  await migrate(pool);
  await pool.end();
  t = await startTestApp({ DATABASE_URL: cluster.url, DATABASE_CONNECT_TIMEOUT_MS: '2000', LOG_LEVEL: 'info' }, { logs });
  ada = await signUpUser(t, 'Ada');
}, 120_000);

afterAll(async () => {
  await t?.close();
  await cluster?.destroy();
});

const viewer = () =>
  t.gql<{ viewer: { id: string } | null }>('{ viewer { id projects(first: 5) { edges { node { id } } } } }', {}, ada.token);
const signUp = () =>
  t.gql(`mutation($i: SignUpInput!) { signUp(input: $i) { __typename } }`, {
    i: { email: `outage-${Date.now()}@example.com`, name: 'O', password: 'correct horse battery' },
  });

function expectUnavailable(res: GqlResponse<unknown>): void {
  expect(res.status).toBe(503);
  expect(res.headers.get('retry-after')).toBe('2');
  expect(res.errors?.map((e) => e.extensions?.code)).toEqual(['DB_UNAVAILABLE']);
  // Nothing about the database reaches the client.
  expect(JSON.stringify(res)).not.toMatch(/ECONNREFUSED|127\.0\.0\.1|prisma|terminat/i);
}

describe.runIf(canRun)('a database outage', () => {
  it('answers DB_UNAVAILABLE with 503 and Retry-After while PostgreSQL is down, /ready false, and recovers by itself', async () => {
    expect((await viewer()).errors).toBeUndefined();
    expect((await t.app.fetch('http://trackr.test/ready')).status).toBe(200);

    await cluster.stop('fast');
    // The token check (plain pg, in the context), a resolver's Prisma read, and a Prisma write.
    expectUnavailable(await viewer());
    expectUnavailable(await signUp());
    expectUnavailable(await t.gql('mutation { logIn(input: { email: "nobody@example.com", password: "whatever it is" }) { __typename } }'));
    expect((await t.app.fetch('http://trackr.test/ready')).status).toBe(503);
    // Liveness is not readiness: the process itself is fine.
    expect((await t.app.fetch('http://trackr.test/health')).status).toBe(200);

    await cluster.start();
    const back = await viewer();
    expect(back.errors).toBeUndefined();
    expect(back.data.viewer?.id).toBeTruthy();
    expect((await t.app.fetch('http://trackr.test/ready')).status).toBe(200);
  }, 120_000);

  it('logs one line per failed request while the database is down, with its request id and no stack', async () => {
    expect((await viewer()).errors).toBeUndefined();
    await cluster.stop('fast');
    logs.length = 0;
    try {
      const requestIds = new Set<string>();
      for (let i = 0; i < 6; i++) {
        const res = await (i % 2 ? signUp() : viewer());
        expectUnavailable(res);
        requestIds.add(res.headers.get('x-request-id')!);
      }
      const entries = logs.map((line) => JSON.parse(line) as { level: number; msg: string; requestId?: string });
      // Warnings and errors tied to a request (the pool may also say once per connection that it
      // lost one; the access log has its own info line per request).
      const perRequest = entries.filter((e) => e.requestId && e.level >= 40);
      expect(perRequest.map((e) => e.requestId).sort()).toEqual([...requestIds].sort());
      expect(perRequest.every((e) => e.msg === 'database unavailable')).toBe(true);
      expect(logs.join('\n')).not.toMatch(/"stack"|\n\s+at /);
    } finally {
      await cluster.start();
    }
  }, 120_000);

  it('answers DB_UNAVAILABLE to a request whose pooled connections were cut by a restart', async () => {
    // Warm the pool, then restart immediately (no goodbye to the connections): the first requests
    // may meet a dead connection, and must then get a 503, never an internal error.
    await Promise.all([viewer(), viewer(), viewer()]);
    await cluster.restart('immediate');
    for (let i = 0; i < 5; i++) {
      const res = await viewer();
      if (res.status !== 200) expectUnavailable(res);
      else expect(res.errors).toBeUndefined();
    }
    const settled = await viewer();
    expect(settled.status).toBe(200);
    expect(settled.errors).toBeUndefined();
  }, 120_000);
});
