// Authentication end to end: sessions and refresh-token rotation, revocation, password and
// profile changes, token forgery of every kind, and login throttling.
import { createHash, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { signUpUser, startTestApp, TEST_JWT_SECRET, unique, type TestApp } from './helpers/app.js';
import { workerDatabaseUrl } from './helpers/db.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const SESSION = `accessToken accessTokenExpiresAt refreshToken refreshTokenExpiresAt user { id email }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on AuthPayload { ${SESSION} }
  ... on Error { code message } ... on RateLimitedError { retryAfterSeconds } } }`;
const REFRESH = `mutation($t: String!) { refreshSession(input: { refreshToken: $t }) { __typename ... on AuthPayload { ${SESSION} } ... on Error { code message } } }`;

type Tokens = { accessToken: string; refreshToken: string; user: { id: string; email: string } };
type Result<K extends string, T> = Record<K, T & { __typename: string; code?: string; message?: string; retryAfterSeconds?: number }>;

async function logIn(app: TestApp, email: string, password: string, headers: Record<string, string> = {}) {
  const res = await app.gql<Result<'logIn', Tokens>>(LOG_IN, { input: { email, password } }, undefined, headers);
  return res.data.logIn;
}

async function viewerStatus(token: string): Promise<number> {
  return (await t.gql('{ viewer { id } }', {}, token)).status;
}

/** `count` wrong-password logins at once, each its own request (one password check per request). */
async function concurrentWrongGuesses(app: TestApp | TestApp[], email: string, count: number): Promise<(string | undefined)[]> {
  const apps = Array.isArray(app) ? app : [app];
  const results = await Promise.all(Array.from({ length: count }, (_, i) => logIn(apps[i % apps.length], email, `wrong password ${i}`)));
  return results.map((r) => r.code);
}

describe('sessions', () => {
  it('logIn returns an access token, a refresh token and the user', async () => {
    const user = await signUpUser(t);
    const session = await logIn(t, user.email, user.password);
    expect(session.__typename).toBe('AuthPayload');
    expect(session.refreshToken).toMatch(/^[\w-]{40,}$/);
    expect(session.user.id).toBe(user.id);
    expect(await viewerStatus(session.accessToken)).toBe(200);
  });

  it('rotates refresh tokens, and reuse of an old one revokes the whole session', async () => {
    const user = await signUpUser(t);
    const first = await logIn(t, user.email, user.password);
    const rotated = (await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: first.refreshToken })).data.refreshSession;
    expect(rotated.__typename).toBe('AuthPayload');
    expect(rotated.refreshToken).not.toBe(first.refreshToken);
    expect(await viewerStatus(rotated.accessToken)).toBe(200);

    const replay = (await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: first.refreshToken })).data.refreshSession;
    expect(replay).toMatchObject({ __typename: 'UnauthenticatedError', code: 'UNAUTHENTICATED' });
    expect(replay.message).toMatch(/already used/);
    // The thief's (or the owner's) newer tokens of that session are dead too.
    expect(await viewerStatus(rotated.accessToken)).toBe(401);
    expect((await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: rotated.refreshToken })).data.refreshSession.code).toBe(
      'UNAUTHENTICATED',
    );
    // Other sessions of the same user are untouched.
    const other = await logIn(t, user.email, user.password);
    expect(await viewerStatus(other.accessToken)).toBe(200);
  });

  it('lets only one of two concurrent uses of a refresh token win', async () => {
    const user = await signUpUser(t);
    const session = await logIn(t, user.email, user.password);
    const results = await Promise.all([0, 1].map(() => t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: session.refreshToken })));
    const kinds = results.map((r) => r.data.refreshSession.__typename).sort();
    expect(kinds).toContain('UnauthenticatedError');
  });

  it('refuses an unknown refresh token', async () => {
    const res = await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: 'x'.repeat(43) });
    expect(res.data.refreshSession.code).toBe('UNAUTHENTICATED');
  });

  it('logOut ends this session at once, and only this one', async () => {
    const user = await signUpUser(t);
    const a = await logIn(t, user.email, user.password);
    const b = await logIn(t, user.email, user.password);
    const out = await t.gql<{ logOut: { loggedOut: boolean } }>('mutation { logOut { loggedOut } }', {}, a.accessToken);
    expect(out.data.logOut.loggedOut).toBe(true);
    expect(await viewerStatus(a.accessToken)).toBe(401);
    expect((await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: a.refreshToken })).data.refreshSession.code).toBe(
      'UNAUTHENTICATED',
    );
    expect(await viewerStatus(b.accessToken)).toBe(200);
  });

  it('logOutEverywhere ends every session', async () => {
    const user = await signUpUser(t);
    const a = await logIn(t, user.email, user.password);
    const b = await logIn(t, user.email, user.password);
    await t.gql('mutation { logOutEverywhere { loggedOut } }', {}, a.accessToken);
    expect(await viewerStatus(a.accessToken)).toBe(401);
    expect(await viewerStatus(b.accessToken)).toBe(401);
    expect(await viewerStatus(user.token)).toBe(401);
    expect((await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: b.refreshToken })).data.refreshSession.code).toBe(
      'UNAUTHENTICATED',
    );
  });
});

describe('refresh racing logout', () => {
  type Race = { rotated: Result<'refreshSession', Tokens>['refreshSession']; loggedOut: boolean };

  // Every statement shape of these paths once, so that the first forced race does not spend its
  // wait on Prisma compiling queries (seconds on a busy 2-core machine) instead of on the lock.
  beforeAll(async () => {
    const user = await signUpUser(t);
    const session = await logIn(t, user.email, user.password);
    const rotated = (await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: session.refreshToken })).data.refreshSession;
    await t.gql('mutation { logOut { loggedOut } }', {}, rotated.accessToken);
    await t.gql('mutation { logOutEverywhere { loggedOut } }', {}, user.token);
  });

  /**
   * Refreshes `session` while `logOut` runs. On PostgreSQL the test holds the session's row locked
   * until both requests are waiting on the database, so each run tries the interleaving that used
   * to leak a live session (PGlite runs one transaction at a time, so there they simply overlap).
   */
  async function race(session: Tokens, logOut: () => Promise<boolean>): Promise<Race> {
    const forced = inject('testDb').mode === 'postgres';
    const holder = forced ? new pg.Client({ connectionString: await workerDatabaseUrl() }) : undefined;
    try {
      if (holder) {
        await holder.connect();
        await holder.query('BEGIN');
        const tokenHash = createHash('sha256').update(session.refreshToken).digest('hex');
        await holder.query('SELECT 1 FROM refresh_sessions WHERE token_hash = $1 FOR UPDATE', [tokenHash]);
      }
      const rotating = t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: session.refreshToken });
      const loggingOut = logOut();
      if (holder) {
        await waitForLockWaiters(holder, 2);
        await holder.query('COMMIT');
      }
      const [rotated, loggedOut] = await Promise.all([rotating, loggingOut]);
      return { rotated: rotated.data.refreshSession, loggedOut };
    } finally {
      await holder?.end();
    }
  }

  async function waitForLockWaiters(client: pg.Client, count: number): Promise<void> {
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline) {
      // The client is inside its own transaction, where pg_stat_activity is a snapshot unless cleared.
      await client.query('SELECT pg_stat_clear_snapshot()');
      const { rows } = await client.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`,
      );
      if (rows[0].n >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  async function expectAllDead(session: Tokens, { rotated }: Race) {
    const tokens = rotated.__typename === 'AuthPayload' ? [session, rotated] : [session];
    for (const { accessToken, refreshToken } of tokens) {
      const viewer = await t.gql('{ viewer { id } }', {}, accessToken);
      expect(viewer.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect((await t.gql<Result<'refreshSession', Tokens>>(REFRESH, { t: refreshToken })).data.refreshSession.code).toBe(
        'UNAUTHENTICATED',
      );
    }
  }

  it('leaves no live token behind when refreshSession and logOut run at once', async () => {
    const user = await signUpUser(t);
    for (let i = 0; i < 20; i++) {
      const session = await logIn(t, user.email, user.password);
      const outcome = await race(session, async () => {
        const res = await t.gql<{ logOut: { loggedOut: boolean } }>('mutation { logOut { loggedOut } }', {}, session.accessToken);
        expect(res.errors).toBeUndefined();
        return res.data.logOut.loggedOut;
      });
      expect(outcome.loggedOut).toBe(true);
      await expectAllDead(session, outcome);
    }
  });

  it('leaves no live token behind when refreshSession and logOutEverywhere run at once', async () => {
    const user = await signUpUser(t);
    for (let i = 0; i < 20; i++) {
      const session = await logIn(t, user.email, user.password);
      const outcome = await race(session, async () => {
        const res = await t.gql<{ logOutEverywhere: { loggedOut: boolean } }>(
          'mutation { logOutEverywhere { loggedOut } }',
          {},
          session.accessToken,
        );
        expect(res.errors).toBeUndefined();
        return res.data.logOutEverywhere.loggedOut;
      });
      expect(outcome.loggedOut).toBe(true);
      await expectAllDead(session, outcome);
    }
  });
});

describe('account changes', () => {
  const CHANGE = `mutation($input: ChangePasswordInput!) { changePassword(input: $input) { __typename ... on AuthPayload { accessToken refreshToken }
    ... on Error { code } ... on ValidationError { fieldErrors { field message } } } }`;

  it('changePassword checks the current password, ends other sessions and keeps this one going', async () => {
    const user = await signUpUser(t);
    const other = await logIn(t, user.email, user.password);
    const wrong = await t.gql<Result<'changePassword', { fieldErrors: { field: string }[] }>>(
      CHANGE,
      { input: { currentPassword: 'not my password', newPassword: 'a brand new password' } },
      user.token,
    );
    expect(wrong.data.changePassword.fieldErrors).toEqual([{ field: 'currentPassword', message: 'is not your current password' }]);

    const changed = await t.gql<Result<'changePassword', Tokens>>(
      CHANGE,
      { input: { currentPassword: user.password, newPassword: 'a brand new password' } },
      user.token,
    );
    expect(changed.data.changePassword.__typename).toBe('AuthPayload');
    expect(await viewerStatus(changed.data.changePassword.accessToken)).toBe(200);
    expect(await viewerStatus(user.token)).toBe(401);
    expect(await viewerStatus(other.accessToken)).toBe(401);
    expect((await logIn(t, user.email, user.password)).code).toBe('INVALID_CREDENTIALS');
    expect((await logIn(t, user.email, 'a brand new password')).__typename).toBe('AuthPayload');
  });

  it('changePassword applies the password rules to the new one', async () => {
    const user = await signUpUser(t);
    const res = await t.gql<Result<'changePassword', { fieldErrors: { field: string }[] }>>(
      CHANGE,
      { input: { currentPassword: user.password, newPassword: 'short' } },
      user.token,
    );
    expect(res.data.changePassword.fieldErrors.map((f) => f.field)).toEqual(['newPassword']);
  });

  it('updateProfile renames, and changes the email only with the password and to a free address', async () => {
    const user = await signUpUser(t);
    const taken = await signUpUser(t);
    const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename
      ... on UpdateProfilePayload { user { name email } } ... on Error { code } ... on ValidationError { fieldErrors { field } } } }`;
    const renamed = await t.gql<{ updateProfile: { user: { name: string } } }>(UPDATE, { input: { name: '  Grace Hopper ' } }, user.token);
    expect(renamed.data.updateProfile.user.name).toBe('Grace Hopper');
    const noPassword = await t.gql<Result<'updateProfile', { fieldErrors: { field: string }[] }>>(
      UPDATE,
      { input: { email: `${unique('n')}@example.com` } },
      user.token,
    );
    expect(noPassword.data.updateProfile.fieldErrors.map((f) => f.field)).toEqual(['currentPassword']);
    const conflict = await t.gql<Result<'updateProfile', object>>(
      UPDATE,
      { input: { email: taken.email, currentPassword: user.password } },
      user.token,
    );
    expect(conflict.data.updateProfile.code).toBe('CONFLICT');
    const newEmail = `${unique('new-')}@example.com`;
    const moved = await t.gql<{ updateProfile: { user: { email: string } } }>(
      UPDATE,
      { input: { email: newEmail.toUpperCase(), currentPassword: user.password } },
      user.token,
    );
    expect(moved.data.updateProfile.user.email).toBe(newEmail);
    expect((await logIn(t, newEmail, user.password)).__typename).toBe('AuthPayload');
  });

  it('deactivateAccount stops every token at once and blocks logging in', async () => {
    const user = await signUpUser(t);
    const res = await t.gql<{ deactivateAccount: { deactivated: boolean } }>(
      'mutation($p: String!) { deactivateAccount(input: { password: $p }) { ... on DeactivateAccountPayload { deactivated } } }',
      { p: user.password },
      user.token,
    );
    expect(res.data.deactivateAccount.deactivated).toBe(true);
    expect(await viewerStatus(user.token)).toBe(401);
    expect((await logIn(t, user.email, user.password)).code).toBe('INVALID_CREDENTIALS');
  });

  it('refuses account mutations without a token with 401', async () => {
    const res = await t.gql('mutation { logOutEverywhere { loggedOut } }');
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });
});

describe('access tokens', () => {
  const secret = new TextEncoder().encode(TEST_JWT_SECRET);
  let user: Awaited<ReturnType<typeof signUpUser>>;
  let real: { sub: string; sid: string };
  beforeAll(async () => {
    user = await signUpUser(t);
    real = JSON.parse(Buffer.from(user.token.split('.')[1], 'base64url').toString()) as typeof real;
  });

  const token = (claims: Record<string, unknown>, opts: { alg?: string; key?: Uint8Array; drop?: readonly string[] } = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const payload: Record<string, unknown> = {
      sub: real.sub,
      ver: 0,
      sid: real.sid,
      iss: 'trackr',
      aud: 'trackr-api',
      iat: now,
      exp: now + 600,
      jti: randomUUID(),
      ...claims,
    };
    for (const key of opts.drop ?? []) delete payload[key];
    return new SignJWT(payload).setProtectedHeader({ alg: opts.alg ?? 'HS256' }).sign(opts.key ?? secret);
  };

  it('accepts a correctly made token (the control for the cases below)', async () => {
    const res = await t.gql<{ viewer: { id: string } }>('{ viewer { id } }', {}, await token({}));
    expect(res.data.viewer.id).toBe(user.id);
  });

  it.each([
    ['expired', { exp: Math.floor(Date.now() / 1000) - 10 }, {}],
    ['wrong audience', { aud: 'someone-else' }, {}],
    ['wrong issuer', { iss: 'evil' }, {}],
    ['another algorithm (HS512)', {}, { alg: 'HS512' }],
    ['another secret', {}, { key: new TextEncoder().encode('x'.repeat(48)) }],
    ['no token version', {}, { drop: ['ver'] }],
    ['no session', {}, { drop: ['sid'] }],
    ['no jti', {}, { drop: ['jti'] }],
    ['a stale token version', { ver: 7 }, {}],
    ['an unknown user', { sub: randomUUID() }, {}],
    ['an unknown session', { sid: randomUUID() }, {}],
  ] as const)('refuses a token with %s', async (_name, claims, opts) => {
    const res = await t.gql('{ viewer { id } }', {}, await token(claims, opts));
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
  });

  it('refuses an unsigned (alg none) token and an altered payload', async () => {
    const [, payload, signature] = user.token.split('.');
    const none = `${Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url')}.${payload}.`;
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
    const altered = `${user.token.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claims, sub: randomUUID() })).toString('base64url')}.${signature}`;
    for (const bad of [none, altered]) expect(await viewerStatus(bad)).toBe(401);
  });

  it('refuses a malformed Authorization header', async () => {
    const res = await t.gql('{ viewer { id } }', {}, undefined, { authorization: `Token ${user.token}` });
    expect(res.status).toBe(401);
  });
});

describe('login abuse', () => {
  it('throttles failed attempts per account, with a retry time, even for the right password', async () => {
    const app = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUpUser(app);
      for (let i = 0; i < 3; i++) expect((await logIn(app, user.email, 'wrong password')).code).toBe('INVALID_CREDENTIALS');
      const blocked = await logIn(app, user.email, user.password);
      expect(blocked).toMatchObject({ __typename: 'RateLimitedError', code: 'RATE_LIMITED' });
      expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
      expect(blocked.retryAfterSeconds).toBeLessThanOrEqual(900);
      // Unknown accounts are throttled the same way, so the limit reveals nothing.
      const ghost = `${unique('ghost-')}@example.com`;
      for (let i = 0; i < 3; i++) await logIn(app, ghost, 'wrong password');
      expect((await logIn(app, ghost, 'wrong password')).code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('counts a burst of concurrent wrong guesses before checking any of them', async () => {
    const app = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUpUser(app);
      const codes = await concurrentWrongGuesses(app, user.email, 10);
      expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(3);
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(7);
      expect(codes.every((c) => c === 'INVALID_CREDENTIALS' || c === 'RATE_LIMITED')).toBe(true);
    } finally {
      await app.close();
    }
  });

  it('still lets the right password in after a few failures, and starts the count again', async () => {
    const app = await startTestApp({ LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' });
    try {
      const user = await signUpUser(app);
      for (let i = 0; i < 2; i++) expect((await logIn(app, user.email, 'wrong password')).code).toBe('INVALID_CREDENTIALS');
      expect((await logIn(app, user.email, user.password)).__typename).toBe('AuthPayload');
      for (let i = 0; i < 3; i++) expect((await logIn(app, user.email, 'wrong password')).code).toBe('INVALID_CREDENTIALS');
      expect((await logIn(app, user.email, 'wrong password')).code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('does not let a stranger lock the owner out: failures count per address, and account-wide only past a looser limit', async () => {
    const app = await startTestApp({
      LOGIN_MAX_FAILURES_PER_ACCOUNT: '3',
      LOGIN_MAX_FAILURES_PER_ACCOUNT_ALL_ADDRESSES: '8',
      TRUST_PROXY: 'true',
    });
    try {
      const user = await signUpUser(app);
      const from = (ip: string) => ({ 'x-forwarded-for': ip });
      // A stranger fails from one address until refused...
      for (let i = 0; i < 3; i++)
        expect((await logIn(app, user.email, 'wrong password', from('203.0.113.9'))).code).toBe('INVALID_CREDENTIALS');
      expect((await logIn(app, user.email, 'wrong password', from('203.0.113.9'))).code).toBe('RATE_LIMITED');
      expect((await logIn(app, user.email, user.password, from('203.0.113.9'))).code).toBe('RATE_LIMITED');
      // ...while the owner, from their own address, still gets in.
      expect((await logIn(app, user.email, user.password, from('198.51.100.20'))).__typename).toBe('AuthPayload');
      // Guessing spread over addresses still meets the account-wide limit: 3 + the owner's attempt + these 4 = 8.
      for (const ip of ['192.0.2.1', '192.0.2.2']) {
        for (let i = 0; i < 2; i++) expect((await logIn(app, user.email, 'wrong password', from(ip))).code).toBe('INVALID_CREDENTIALS');
      }
      expect((await logIn(app, user.email, 'wrong password', from('192.0.2.3'))).code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('throttles attempts per client address behind a trusted proxy', async () => {
    const app = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '2' });
    try {
      const user = await signUpUser(app);
      const from = (ip: string) => ({ 'x-forwarded-for': `${ip}, 10.0.0.1` });
      for (let i = 0; i < 4; i++) expect((await logIn(app, user.email, user.password, from('203.0.113.7'))).__typename).toBe('AuthPayload');
      expect((await logIn(app, user.email, user.password, from('203.0.113.7'))).code).toBe('RATE_LIMITED');
      expect((await logIn(app, user.email, user.password, from('198.51.100.2'))).__typename).toBe('AuthPayload');
    } finally {
      await app.close();
    }
  });

  it('takes the address the trusted proxy saw, not one the client wrote into X-Forwarded-For', async () => {
    const app = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', TRUST_PROXY: 'true' });
    try {
      const user = await signUpUser(app);
      const spoofed = (real: string) => ({ 'x-forwarded-for': `${randomUUID()}, ${real}` });
      for (let i = 0; i < 4; i++)
        expect((await logIn(app, user.email, user.password, spoofed('203.0.113.7'))).__typename).toBe('AuthPayload');
      expect((await logIn(app, user.email, user.password, spoofed('203.0.113.7'))).code).toBe('RATE_LIMITED');
      expect((await logIn(app, user.email, user.password, spoofed('198.51.100.2'))).__typename).toBe('AuthPayload');
    } finally {
      await app.close();
    }
  });

  it('falls back to the socket peer when X-Forwarded-For has fewer entries than trusted proxies', async () => {
    const app = await startTestApp({ LOGIN_MAX_ATTEMPTS_PER_IP: '4', TRUST_PROXY: 'true', TRUSTED_PROXY_HOPS: '2' });
    try {
      const user = await signUpUser(app);
      // One entry behind two proxies was written by the client: every such request is the peer's.
      const alone = () => ({ 'x-forwarded-for': `198.51.100.${Math.floor(Math.random() * 250)}` });
      for (let i = 0; i < 4; i++) expect((await logIn(app, user.email, user.password, alone())).__typename).toBe('AuthPayload');
      expect((await logIn(app, user.email, user.password, alone())).code).toBe('RATE_LIMITED');
    } finally {
      await app.close();
    }
  });

  it('allows one password check per request, whatever the aliases', async () => {
    const user = await signUpUser(t);
    const res = await t.gql<Record<string, { __typename: string }>>(
      `mutation($e: String!) {
        a: logIn(input: { email: $e, password: "guess one" }) { __typename }
        b: logIn(input: { email: $e, password: "guess two" }) { __typename }
        c: logIn(input: { email: $e, password: "guess three" }) { __typename } }`,
      { e: user.email },
    );
    expect(res.data.a.__typename).toBe('InvalidCredentialsError');
    expect(res.data.b.__typename).toBe('RateLimitedError');
    expect(res.data.c.__typename).toBe('RateLimitedError');
  });

  it('does not accept batched requests', async () => {
    const body = JSON.stringify([{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    const res = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length) },
      body,
    });
    expect(res.status).toBe(400);
  });

  it('keeps answering other requests during a burst of logins (hashing runs off the event loop)', async () => {
    // Every attempt in flight counts against the account until its password proves right, so
    // twelve concurrent logins to one account need a limit of at least twelve.
    const app = await startTestApp({ BCRYPT_COST: '12', LOGIN_MAX_FAILURES_PER_ACCOUNT: '12' });
    try {
      const user = await signUpUser(app);
      const started = performance.now();
      const burst = Promise.all(Array.from({ length: 12 }, () => logIn(app, user.email, user.password)));
      await new Promise((resolve) => setTimeout(resolve, 50));
      const viewerStart = performance.now();
      expect((await app.gql('{ viewer { id } }', {}, user.token)).status).toBe(200);
      const viewerMs = performance.now() - viewerStart;
      const sessions = await burst;
      const burstMs = performance.now() - started;
      expect(sessions.every((s) => s.__typename === 'AuthPayload')).toBe(true);
      // Twelve cost-12 hashes take seconds; a viewer query stuck behind them would take most of that.
      expect(viewerMs).toBeLessThan(burstMs / 4);
    } finally {
      await app.close();
    }
  });
});

const redisUrl = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
const redisUp = await new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null }).connect().then(
  () => true,
  () => false,
);
if (!redisUp && process.env.REQUIRE_REDIS) throw new Error(`REQUIRE_REDIS is set but ${redisUrl} does not answer`);

/** Two app instances sharing one Redis key space (their own, apart from other test runs'), as replicas do. */
function replicas(env: Record<string, string>) {
  const redisPrefix = `trackr-test:${randomUUID()}:`;
  return Promise.all([startTestApp(env, { redisPrefix }), startTestApp(env, { redisPrefix })]);
}

describe.skipIf(!redisUp)('login abuse with Redis (shared by replicas)', () => {
  it('counts failures across two app instances', async () => {
    const env = { REDIS_URL: redisUrl, LOGIN_MAX_FAILURES_PER_ACCOUNT: '2' };
    const [one, two] = await replicas(env);
    try {
      const user = await signUpUser(one);
      expect((await logIn(one, user.email, 'wrong password')).code).toBe('INVALID_CREDENTIALS');
      expect((await logIn(two, user.email, 'wrong password')).code).toBe('INVALID_CREDENTIALS');
      const blocked = await logIn(one, user.email, user.password);
      expect(blocked.code).toBe('RATE_LIMITED');
      expect(blocked.retryAfterSeconds).toBeGreaterThan(0);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });

  it('counts a burst of concurrent wrong guesses across two app instances before checking any', async () => {
    const env = { REDIS_URL: redisUrl, LOGIN_MAX_FAILURES_PER_ACCOUNT: '3' };
    const [one, two] = await replicas(env);
    try {
      const user = await signUpUser(one);
      const codes = await concurrentWrongGuesses([one, two], user.email, 10);
      expect(codes.filter((c) => c === 'INVALID_CREDENTIALS').length).toBeLessThanOrEqual(3);
      expect(codes.filter((c) => c === 'RATE_LIMITED').length).toBeGreaterThanOrEqual(7);
    } finally {
      await Promise.all([one.close(), two.close()]);
    }
  });
});
