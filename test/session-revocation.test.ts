// Sessions checked in memory, revoked everywhere: two app instances on one database (two processes'
// worth of live-session state, each with its own LISTEN connection). A session ended through one
// is refused by the other within a second; with the revocation stream down, the other checks the
// database (and refuses at once) until the stream is back.
import { connect, createServer, type AddressInfo, type Socket } from 'node:net';
import pg from 'pg';
import { SessionState } from '../src/auth/session-state.js';
import { RevocationStream } from '../src/events/revocations.js';
import { createLogger } from '../src/logger.js';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { workerDatabaseUrl } from './helpers/db.js';

const onPostgres = inject('testDb').mode === 'postgres';
/** The per-request session check's SQL (src/auth/viewer.ts). */
const isSessionCheck = (sql: string) => sql.includes('FROM refresh_sessions s JOIN users u');

type Tokens = { accessToken: string; refreshToken: string };
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { ... on AuthPayload { accessToken refreshToken } ... on Error { code } } }`;

let one: TestApp;
let two: TestApp;
let admin: pg.Client;
const twoStatements: string[] = [];

beforeAll(async () => {
  one = await startTestApp();
  two = await startTestApp({}, { onQuery: (sql) => twoStatements.push(sql) });
  admin = new pg.Client({ connectionString: await workerDatabaseUrl() });
  await admin.connect();
});

afterAll(async () => {
  await admin.end();
  await one.close();
  await two.close();
});

async function logIn(t: TestApp, user: SignedUp): Promise<Tokens> {
  const res = await t.gql<{ logIn: Tokens }>(LOG_IN, { input: { email: user.email, password: user.password } });
  return res.data.logIn;
}

const status = async (t: TestApp, token: string) => (await t.gql('{ viewer { id } }', {}, token)).status;

/** Session-check statements instance two ran for one request with `token`, and the answer's status. */
async function checkOnTwo(token: string): Promise<{ status: number; sessionChecks: number }> {
  twoStatements.length = 0;
  const answer = await status(two, token);
  return { status: answer, sessionChecks: twoStatements.filter(isSessionCheck).length };
}

/** Milliseconds until instance two refuses `token` (polling), failing after `limitMs`. */
async function refusedOnTwoWithin(token: string, limitMs = 1000): Promise<number> {
  const started = performance.now();
  while (performance.now() - started < limitMs) {
    if ((await status(two, token)) === 401) return performance.now() - started;
    // A request answered from memory never leaves the microtask queue (app.fetch, no socket):
    // let the event loop read the listener's socket, as it does between requests of a real server.
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`instance two still accepted the token ${limitMs} ms after the revocation`);
}

/** Uses `token` on instance two until it is answered from memory (no session statement). */
async function warmOnTwo(token: string): Promise<void> {
  expect((await checkOnTwo(token)).status).toBe(200);
  expect(await checkOnTwo(token)).toEqual({ status: 200, sessionChecks: 0 });
}

async function until(condition: () => boolean, limitMs = 5000): Promise<void> {
  const started = Date.now();
  while (!condition()) {
    if (Date.now() - started > limitMs) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe.skipIf(!onPostgres)('session revocation across app instances (PostgreSQL LISTEN/NOTIFY)', () => {
  it('answers a known session from memory: no session statement after the first request', async () => {
    expect(two.revocations.stream?.isConnected).toBe(true);
    const user = await signUpUser(one);
    expect(await checkOnTwo(user.token)).toEqual({ status: 200, sessionChecks: 1 });
    expect(await checkOnTwo(user.token)).toEqual({ status: 200, sessionChecks: 0 });
  });

  it('logOut on one: refused on two within a second, other sessions unaffected', async () => {
    const user = await signUpUser(one);
    const other = await logIn(one, user);
    await warmOnTwo(user.token);
    await warmOnTwo(other.accessToken);
    await one.gql('mutation { logOut { loggedOut } }', {}, user.token);
    await refusedOnTwoWithin(user.token);
    expect(await status(two, other.accessToken)).toBe(200);
  });

  it('logOutEverywhere on one: every session refused on two', async () => {
    const user = await signUpUser(one);
    const other = await logIn(one, user);
    await warmOnTwo(user.token);
    await warmOnTwo(other.accessToken);
    await one.gql('mutation { logOutEverywhere { loggedOut } }', {}, user.token);
    await refusedOnTwoWithin(user.token);
    await refusedOnTwoWithin(other.accessToken);
  });

  it('changePassword on one: the other sessions refused on two, the new token accepted', async () => {
    const user = await signUpUser(one);
    const other = await logIn(one, user);
    await warmOnTwo(other.accessToken);
    const res = await one.gql<{ changePassword: { accessToken?: string } }>(
      'mutation($input: ChangePasswordInput!) { changePassword(input: $input) { ... on AuthPayload { accessToken } ... on Error { code } } }',
      { input: { currentPassword: user.password, newPassword: 'another horse battery staple' } },
      user.token,
    );
    expect(res.data.changePassword.accessToken).toBeTruthy();
    await refusedOnTwoWithin(other.accessToken);
    expect(await status(two, user.token)).toBe(401);
    expect(await status(two, res.data.changePassword.accessToken!)).toBe(200);
  });

  it('deactivateAccount on one: refused on two', async () => {
    const user = await signUpUser(one);
    const other = await logIn(one, user);
    await warmOnTwo(other.accessToken);
    const res = await one.gql<{ deactivateAccount: { deactivated?: boolean } }>(
      'mutation($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { ... on DeactivateAccountPayload { deactivated } ... on Error { code } } }',
      { input: { password: user.password } },
      user.token,
    );
    expect(res.data.deactivateAccount.deactivated).toBe(true);
    await refusedOnTwoWithin(other.accessToken);
  });

  it('refuses at once on the instance that ended the session (it waits for its own notification before answering)', async () => {
    const user = await signUpUser(one);
    await warmOnTwo(user.token);
    expect(await status(one, user.token)).toBe(200);
    expect(await status(one, user.token)).toBe(200);
    await one.gql('mutation { logOut { loggedOut } }', {}, user.token);
    expect(await status(one, user.token)).toBe(401);
  });

  it('with the stream dropped, checks the database (revocations still refused), then recovers', async () => {
    const user = await signUpUser(one);
    const kept = await logIn(one, user);
    await warmOnTwo(user.token);
    await warmOnTwo(kept.accessToken);
    const stream = two.revocations.stream!;
    const pid = stream.backendPid;
    expect(pid).toBeTypeOf('number');
    await admin.query('SELECT pg_terminate_backend($1)', [pid]);
    await until(() => !stream.isConnected);

    // Down: nothing from memory. The logout's notification is lost for two (nobody is listening)...
    expect(await checkOnTwo(kept.accessToken)).toEqual({ status: 200, sessionChecks: 1 });
    await one.gql('mutation { logOut { loggedOut } }', {}, user.token);
    expect(await checkOnTwo(user.token)).toEqual({ status: 401, sessionChecks: 1 });

    // ...so once back, two must not trust what it knew before the drop.
    await until(() => stream.isConnected);
    expect(stream.backendPid).not.toBe(pid);
    expect(await checkOnTwo(user.token)).toEqual({ status: 401, sessionChecks: 1 });
    expect((await checkOnTwo(kept.accessToken)).status).toBe(200);
    expect(await checkOnTwo(kept.accessToken)).toEqual({ status: 200, sessionChecks: 0 });
    // And revocations reach it again.
    await one.gql('mutation { logOut { loggedOut } }', {}, kept.accessToken);
    await refusedOnTwoWithin(kept.accessToken);
  });

  it('treats a listener whose pings stop coming back as disconnected, and reconnects', async () => {
    // A stream of its own, through a proxy that can go silent without closing anything (a dead
    // network path: no error, no end, nothing delivered).
    const proxy = await silenceableProxy(new URL(await workerDatabaseUrl()));
    const state = new SessionState({ maxEntries: 100, ttlMs: 60_000 });
    const url = new URL(await workerDatabaseUrl());
    url.host = `127.0.0.1:${proxy.port}`;
    const stream = new RevocationStream({
      connect: () =>
        new pg.Client({ connectionString: url.toString(), application_name: 'trackr-sessions', connectionTimeoutMillis: 2000 }),
      state,
      logger: createLogger('silent'),
      pingMs: 200,
    });
    try {
      await stream.start();
      expect(state.isConnected).toBe(true);
      proxy.silence();
      const started = Date.now();
      await until(() => !state.isConnected, 2000);
      expect(Date.now() - started).toBeLessThan(1000);
      proxy.speak();
      await until(() => state.isConnected, 5000);
      await stream.sync();
    } finally {
      await stream.close();
      await proxy.close();
    }
  });
});

/** A TCP proxy to PostgreSQL that can stop passing bytes (both ways) and start again. */
async function silenceableProxy(target: URL) {
  let silent = false;
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = connect(Number(target.port || 5432), target.hostname);
    sockets.add(client).add(upstream);
    client.on('data', (chunk) => silent || upstream.write(chunk));
    upstream.on('data', (chunk) => silent || client.write(chunk));
    const close = () => {
      client.destroy();
      upstream.destroy();
    };
    client.on('close', close).on('error', close);
    upstream.on('close', close).on('error', close);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as AddressInfo).port,
    silence: () => (silent = true),
    speak: () => (silent = false),
    close: async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

describe.runIf(!onPostgres)('on the embedded PGlite database', () => {
  it('has no stream and checks every session in the database, so a logout is refused at once', async () => {
    expect(two.revocations.stream).toBeUndefined();
    const user = await signUpUser(one);
    expect(await checkOnTwo(user.token)).toEqual({ status: 200, sessionChecks: 1 });
    expect(await checkOnTwo(user.token)).toEqual({ status: 200, sessionChecks: 1 });
    await one.gql('mutation { logOut { loggedOut } }', {}, user.token);
    expect(await checkOnTwo(user.token)).toEqual({ status: 401, sessionChecks: 1 });
  });
});

describe.skipIf(!onPostgres)('revocation latency across instances', () => {
  it('measures commit → refused on the other instance (50 tries)', async () => {
    const latencies: number[] = [];
    for (let i = 0; i < 50; i++) {
      const user = await signUpUser(one);
      await warmOnTwo(user.token);
      // The revocation commits on a connection of its own: nothing of instance one's is involved.
      const { rows } = await admin.query<{ id: string }>(
        `UPDATE refresh_sessions SET revoked_at = now() WHERE user_id = $1 AND revoked_at IS NULL RETURNING id`,
        [user.id.length === 36 ? user.id : await rawUserId(user.token)],
      );
      expect(rows.length).toBe(1);
      latencies.push(await refusedOnTwoWithin(user.token));
    }
    latencies.sort((a, b) => a - b);
    const p50 = latencies[Math.floor(latencies.length / 2)];
    const max = latencies[latencies.length - 1];
    console.log(`revocation latency commit → refused on the other instance: p50 ${p50.toFixed(1)} ms, max ${max.toFixed(1)} ms (50 tries)`);
    expect(max).toBeLessThan(1000);
  });
});

/** The user's row id, from its access token's `sub`. */
async function rawUserId(token: string): Promise<string> {
  return (await one.tokens.verify(token)).userId;
}
