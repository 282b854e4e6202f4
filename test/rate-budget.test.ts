// Rate budgets: query cost per user (per address when anonymous) per window, HTTP 429 with
// Retry-After past it, in memory and in Redis (shared by replicas); and the mutations that look
// accounts up by email are rationed.
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, unique, type TestApp } from './helpers/app.js';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// Costs 1 (viewer) + 10 × (edges, node, key) + 1 = 32 or so: a handful of these spends 100.
const PROJECTS = '{ viewer { projects(first: 10) { edges { node { key } } } } }';

type Body = {
  errors?: { message: string; extensions?: { code?: string; retryAfterSeconds?: number } }[];
  extensions?: { cost?: { requested: number } };
};

async function post(t: TestApp, query: string, { token, ip }: { token?: string; ip?: string } = {}) {
  const response = await t.app.fetch('http://trackr.test/graphql', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(ip ? { 'x-forwarded-for': ip } : {}),
    },
    body: JSON.stringify({ query }),
  });
  return { status: response.status, retryAfter: response.headers.get('retry-after'), body: (await response.json()) as Body };
}

/** Sends `query` until it is refused (at most `max` times); the refusal. */
async function spendUntilRefused(t: TestApp, query: string, who: { token?: string; ip?: string }, max = 20) {
  for (let i = 0; i < max; i++) {
    const res = await post(t, query, who);
    if (res.status !== 200) return { ...res, accepted: i };
  }
  throw new Error(`not refused after ${max} requests`);
}

function expectRateLimited(res: Awaited<ReturnType<typeof post>>) {
  expect(res.status).toBe(429);
  expect(res.body.errors?.[0].extensions?.code).toBe('RATE_LIMITED');
  expect(res.body.errors?.[0].message).toMatch(/Rate budget exceeded: 100 cost units per 60 s/);
  expect(Number(res.retryAfter)).toBeGreaterThanOrEqual(1);
  expect(Number(res.retryAfter)).toBeLessThanOrEqual(60);
}

describe.each([
  ['memory', {}],
  ['Redis', { REDIS_URL }],
])('cost budgets (%s)', (_name, env: Record<string, string>) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ ...env, RATE_BUDGET_PER_USER: '100', RATE_BUDGET_PER_ADDRESS: '100', TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  it('refuses a user past their budget with 429 and Retry-After; other users keep theirs', async () => {
    // Signing up is anonymous: each from its own address, so the address budgets stay untouched.
    const greedy = await signUpUser(t);
    const modest = await signUpUser(t);
    const refused = await spendUntilRefused(t, PROJECTS, { token: greedy.token });
    expectRateLimited(refused);
    expect(refused.accepted).toBeGreaterThanOrEqual(2);
    expect(refused.accepted).toBeLessThanOrEqual(4);
    // The budget is the user's on every address.
    expectRateLimited(await post(t, PROJECTS, { token: greedy.token, ip: '198.51.100.7' }));
    expect((await post(t, PROJECTS, { token: modest.token })).status).toBe(200);
  });

  it('budgets anonymous callers per client address', async () => {
    const refused = await spendUntilRefused(t, '{ a: __typename b: __typename c: __typename }', { ip: '203.0.113.9' }, 200);
    expectRateLimited(refused);
    expect((await post(t, '{ __typename }', { ip: '203.0.113.10' })).status).toBe(200);
  });
});

describe('cost budgets across replicas (Redis)', () => {
  it('one budget, whichever replica serves the request', async () => {
    const prefix = `trackr-test:${randomBytes(6).toString('hex')}:`;
    const env = { REDIS_URL, RATE_BUDGET_PER_USER: '100' };
    const [a, b] = [await startTestApp(env, { redisPrefix: prefix }), await startTestApp(env, { redisPrefix: prefix })];
    try {
      const user = await signUpUser(a);
      for (let i = 0; i < 2; i++) expect((await post(a, PROJECTS, { token: user.token })).status).toBe(200);
      const refused = await spendUntilRefused(b, PROJECTS, { token: user.token }, 3);
      expect(refused.accepted).toBeLessThanOrEqual(2);
      expectRateLimited(refused);
    } finally {
      await a.close();
      await b.close();
    }
  });
});

describe('cost budgets when Redis is away', () => {
  it('let requests through rather than failing them', async () => {
    // Nothing listens on port 1: every count fails after ioredis' retries.
    const t = await startTestApp({ REDIS_URL: 'redis://127.0.0.1:1', RATE_BUDGET_PER_ADDRESS: '1' });
    try {
      for (let i = 0; i < 2; i++) {
        const res = await post(t, '{ __typename }');
        expect(res.status).toBe(200);
        expect(res.body.errors).toBeUndefined();
      }
    } finally {
      await t.close().catch(() => undefined);
    }
  });
});

describe('email lookups are rationed', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ EMAIL_LOOKUPS_PER_WINDOW: '3', TRUST_PROXY: 'true' });
  });
  afterAll(() => t.close());

  const ADD = `mutation($input: AddProjectMemberInput!) { addProjectMember(input: $input) {
    __typename ... on Error { code message } ... on RateLimitedError { retryAfterSeconds } } }`;

  it('addProjectMember by email: the same answer for unknown and inactive accounts, then RATE_LIMITED', async () => {
    const admin = await signUpUser(t);
    const project = await createProjectAs(t, admin.token);
    const answers: { __typename: string; code?: string; message?: string }[] = [];
    for (const email of [`${unique('nobody-')}@example.com`, `${unique('nobody-')}@example.com`, `${unique('nobody-')}@example.com`]) {
      const res = await t.gql<{ addProjectMember: (typeof answers)[number] }>(
        ADD,
        { input: { projectId: project.id, email } },
        admin.token,
      );
      answers.push(res.data.addProjectMember);
    }
    expect(new Set(answers.map((a) => JSON.stringify(a))).size).toBe(1);
    expect(answers[0].code).toBe('NOT_FOUND');
    const fourth = await t.gql<{ addProjectMember: { __typename: string; code: string } }>(
      ADD,
      { input: { projectId: project.id, email: `${unique('nobody-')}@example.com` } },
      admin.token,
    );
    expect(fourth.data.addProjectMember.code).toBe('RATE_LIMITED');
    // Adding by id looks nobody up by email: not rationed.
    const other = await signUpUser(t);
    const byId = await t.gql<{ addProjectMember: { __typename: string } }>(
      ADD,
      { input: { projectId: project.id, userId: other.id } },
      admin.token,
    );
    expect(byId.data.addProjectMember.__typename).toBe('ProjectMemberPayload');
  });

  it('signUp from one address, and updateProfile email changes per user', async () => {
    const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) { __typename ... on Error { code } } }`;
    const codes: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.gql<{ signUp: { __typename: string; code?: string } }>(
        SIGN_UP,
        { input: { email: `${unique('enum-')}@example.com`, name: 'E', password: 'correct horse battery staple' } },
        undefined,
        { 'x-forwarded-for': '192.0.2.44' },
      );
      codes.push(res.data.signUp.code ?? res.data.signUp.__typename);
    }
    expect(codes).toEqual(['AuthPayload', 'AuthPayload', 'AuthPayload', 'RATE_LIMITED']);

    const user = await signUpUser(t);
    const UPDATE = `mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename ... on Error { code } } }`;
    const results: string[] = [];
    for (let i = 0; i < 4; i++) {
      const res = await t.gql<{ updateProfile: { __typename: string; code?: string } }>(
        UPDATE,
        { input: { email: `${unique('taken-')}@example.com`, currentPassword: user.password } },
        user.token,
      );
      results.push(res.data.updateProfile.code ?? res.data.updateProfile.__typename);
    }
    expect(results).toEqual(['UpdateProfilePayload', 'UpdateProfilePayload', 'UpdateProfilePayload', 'RATE_LIMITED']);
  });
});
