// The first flow end to end through app.fetch: sign up, log in, projects, issues, and the HTTP
// behaviour around them (CORS, health, limits, error codes).
import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, unique, uniqueKey, type TestApp } from './helpers/app.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const SIGN_UP = `mutation($input: SignUpInput!) { signUp(input: $input) {
  __typename ... on AuthPayload { accessToken accessTokenExpiresAt user { id name email } }
  ... on Error { code message } ... on ValidationError { fieldErrors { field message } } } }`;
const LOG_IN = `mutation($input: LogInInput!) { logIn(input: $input) {
  __typename ... on AuthPayload { accessToken user { id email } } ... on Error { code message } } }`;
const CREATE_ISSUE = `mutation($input: CreateIssueInput!) { createIssue(input: $input) {
  __typename ... on IssuePayload { issue { id key number title status priority reporter { id } assignee { id } project { key } } }
  ... on Error { code message } ... on ValidationError { fieldErrors { field message } } } }`;

describe('accounts', () => {
  it('signs up, returns a 30-minute token, and the token identifies the viewer', async () => {
    const email = `${unique('Mixed.Case-')}@Example.com`;
    const res = await t.gql<{ signUp: { __typename: string; accessToken: string; accessTokenExpiresAt: string; user: { email: string } } }>(
      SIGN_UP,
      { input: { email, name: 'Ada', password: 'correct horse battery' } },
    );
    expect(res.data.signUp.__typename).toBe('AuthPayload');
    expect(res.data.signUp.user.email).toBe(email.toLowerCase());
    const ttl = Date.parse(res.data.signUp.accessTokenExpiresAt) - Date.now();
    expect(ttl).toBeGreaterThan(29 * 60_000);
    expect(ttl).toBeLessThanOrEqual(30 * 60_000);
    const me = await t.gql<{ viewer: { email: string } }>('{ viewer { email } }', {}, res.data.signUp.accessToken);
    expect(me.data.viewer.email).toBe(email.toLowerCase());
  });

  it('refuses a duplicate email whatever its case, and bad input field by field', async () => {
    const user = await signUpUser(t);
    const dup = await t.gql<{ signUp: { code: string } }>(SIGN_UP, {
      input: { email: user.email.toUpperCase(), name: 'X', password: 'another password' },
    });
    expect(dup.data.signUp.code).toBe('CONFLICT');
    const bad = await t.gql<{ signUp: { code: string; fieldErrors: { field: string }[] } }>(SIGN_UP, {
      input: { email: 'not-an-email', name: '', password: 'short' },
    });
    expect(bad.data.signUp.code).toBe('VALIDATION_FAILED');
    expect(bad.data.signUp.fieldErrors.map((f) => f.field).sort()).toEqual(['email', 'name', 'password']);
    const long = await t.gql<{ signUp: { fieldErrors: { message: string }[] } }>(SIGN_UP, {
      input: { email: `${unique('l')}@example.com`, name: 'L', password: 'é'.repeat(40) },
    });
    expect(long.data.signUp.fieldErrors[0].message).toMatch(/72 bytes/);
  });

  it('logs in with the right password only; unknown email and wrong password look the same', async () => {
    const user = await signUpUser(t);
    const ok = await t.gql<{ logIn: { accessToken: string; user: { id: string } } }>(LOG_IN, {
      input: { email: user.email, password: user.password },
    });
    expect(ok.data.logIn.user.id).toBe(user.id);
    const wrong = await t.gql<{ logIn: unknown }>(LOG_IN, { input: { email: user.email, password: 'wrong password!' } });
    const unknown = await t.gql<{ logIn: unknown }>(LOG_IN, {
      input: { email: `${unique('nobody-')}@example.com`, password: 'wrong password!' },
    });
    expect(wrong.data.logIn).toEqual({
      __typename: 'InvalidCredentialsError',
      code: 'INVALID_CREDENTIALS',
      message: 'The email or password is incorrect',
    });
    expect(unknown.data.logIn).toEqual(wrong.data.logIn);
  });

  it('answers a forged or malformed token with 401 UNAUTHENTICATED', async () => {
    const user = await signUpUser(t);
    const [header, payload] = user.token.split('.');
    const forged = `${header}.${payload}.${'A'.repeat(43)}`;
    for (const token of [forged, 'not-a-jwt']) {
      const res = await t.gql('{ viewer { id } }', {}, token);
      expect(res.status).toBe(401);
      expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }
    const anonymous = await t.gql<{ viewer: null }>('{ viewer { id } }');
    expect(anonymous.status).toBe(200);
    expect(anonymous.data.viewer).toBeNull();
  });
});

describe('projects and issues', () => {
  it('creates a project and numbered issues, and lists them under the viewer', async () => {
    const owner = await signUpUser(t);
    const project = await createProjectAs(t, owner.token);
    const first = await t.gql<{ createIssue: { issue: { key: string; number: number; status: string; reporter: { id: string } } } }>(
      CREATE_ISSUE,
      { input: { projectId: project.id, title: 'First', priority: 'HIGH' } },
      owner.token,
    );
    expect(first.data.createIssue.issue).toMatchObject({ key: `${project.key}-1`, number: 1, status: 'TODO', reporter: { id: owner.id } });
    const second = await t.gql<{ createIssue: { issue: { key: string } } }>(
      CREATE_ISSUE,
      { input: { projectId: project.id, title: 'Second', assigneeId: owner.id } },
      owner.token,
    );
    expect(second.data.createIssue.issue.key).toBe(`${project.key}-2`);

    const list = await t.gql<{
      viewer: {
        projects: {
          edges: { node: { key: string; viewerRole: string; issues: { totalCount: number; edges: { node: { key: string } }[] } } }[];
        };
      };
    }>(
      `{ viewer { projects(first: 10) { edges { node { key viewerRole issues(first: 10) { totalCount edges { node { key } } } } } } } }`,
      {},
      owner.token,
    );
    const node = list.data.viewer.projects.edges.map((e) => e.node).find((n) => n.key === project.key)!;
    expect(node.viewerRole).toBe('OWNER');
    expect(node.issues.totalCount).toBe(2);
    expect(node.issues.edges.map((e) => e.node.key)).toEqual([`${project.key}-2`, `${project.key}-1`]);

    const byKey = await t.gql<{ issueByKey: { title: string } }>(
      'query($k: String!) { issueByKey(key: $k) { title } }',
      { k: `${project.key.toLowerCase()}-1` },
      owner.token,
    );
    expect(byKey.data.issueByKey.title).toBe('First');
  });

  it('validates project keys and refuses a taken one', async () => {
    const owner = await signUpUser(t);
    const project = await createProjectAs(t, owner.token);
    const mutation = `mutation($input: CreateProjectInput!) { createProject(input: $input) { __typename ... on Error { code } } }`;
    const taken = await t.gql<{ createProject: { code: string } }>(mutation, { input: { key: project.key, name: 'Again' } }, owner.token);
    expect(taken.data.createProject.code).toBe('CONFLICT');
    for (const key of ['A', '1ABC', 'WAY-TOO-LONG-KEY', 'A B']) {
      const bad = await t.gql<{ createProject: { code: string } }>(mutation, { input: { key, name: 'Bad' } }, owner.token);
      expect(bad.data.createProject.code, key).toBe('VALIDATION_FAILED');
    }
  });

  it('hides a project and its issues from outsiders exactly like missing ones', async () => {
    const owner = await signUpUser(t);
    const outsider = await signUpUser(t);
    const project = await createProjectAs(t, owner.token);
    await t.gql(CREATE_ISSUE, { input: { projectId: project.id, title: 'Secret' } }, owner.token);

    const hidden = await t.gql<{ createIssue: { code: string; message: string } }>(
      CREATE_ISSUE,
      { input: { projectId: project.id, title: 'x' } },
      outsider.token,
    );
    const missingId = Buffer.from('Project:00000000-0000-4000-8000-000000000000').toString('base64');
    const missing = await t.gql<{ createIssue: { code: string; message: string } }>(
      CREATE_ISSUE,
      { input: { projectId: missingId, title: 'x' } },
      outsider.token,
    );
    expect(hidden.data.createIssue.code).toBe('NOT_FOUND');
    expect(hidden.data.createIssue).toEqual(missing.data.createIssue);

    const byKey = await t.gql<{ issueByKey: null }>(
      'query($k: String!) { issueByKey(key: $k) { title } }',
      { k: `${project.key}-1` },
      outsider.token,
    );
    expect(byKey.data.issueByKey).toBeNull();
    const node = await t.gql<{ node: null }>('query($id: ID!) { node(id: $id) { id } }', { id: project.id }, outsider.token);
    expect(node.data.node).toBeNull();
    const own = await t.gql<{ node: { id: string } }>('query($id: ID!) { node(id: $id) { id } }', { id: project.id }, owner.token);
    expect(own.data.node.id).toBe(project.id);
    const mine = await t.gql<{ viewer: { projects: { edges: unknown[] } } }>(
      '{ viewer { projects(first: 100) { edges { node { id } } } } }',
      {},
      outsider.token,
    );
    expect(mine.data.viewer.projects.edges).toEqual([]);
  });

  it('refuses anonymous writes with 401 and changes nothing', async () => {
    const owner = await signUpUser(t);
    const project = await createProjectAs(t, owner.token);
    const res = await t.gql(CREATE_ISSUE, { input: { projectId: project.id, title: 'anon' } });
    expect(res.status).toBe(401);
    expect(res.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(await t.db.prisma.issue.count({ where: { projectId: Buffer.from(project.id, 'base64').toString().split(':')[1] } })).toBe(0);
  });

  it('numbers concurrently created issues 1..n with no gap or duplicate', async () => {
    const owner = await signUpUser(t);
    const project = await createProjectAs(t, owner.token, uniqueKey());
    const results = await Promise.all(
      Array.from({ length: 25 }, (_, i) =>
        t.gql<{ createIssue: { issue: { number: number } } }>(
          CREATE_ISSUE,
          { input: { projectId: project.id, title: `Race ${i}` } },
          owner.token,
        ),
      ),
    );
    const numbers = results.map((r) => r.data.createIssue.issue.number).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });
});

describe('HTTP', () => {
  it('answers /health and /ready', async () => {
    expect((await t.app.fetch('http://trackr.test/health')).status).toBe(200);
    expect((await t.app.fetch('http://trackr.test/ready')).status).toBe(200);
  });

  it('allows the configured origins only, never reflecting others', async () => {
    const preflight = (origin: string) =>
      t.app.fetch('http://trackr.test/graphql', {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type,authorization' },
      });
    const allowed = await preflight('http://localhost:5173');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('http://localhost:5173');
    for (const origin of ['https://evil.example', 'null']) {
      const refused = await preflight(origin);
      expect(refused.headers.get('access-control-allow-origin'), origin).toBeNull();
      expect(refused.headers.get('access-control-allow-credentials'), origin).toBeNull();
    }
  });

  it('refuses a body over the limit with 413 and echoes a request id', async () => {
    const big = JSON.stringify({ query: `{ viewer { id } }`, padding: 'x'.repeat(t.config.maxBodyBytes) });
    const res = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) },
      body: big,
    });
    expect(res.status).toBe(413);
    const traced = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-request-id': 'trace-123' },
      body: JSON.stringify({ query: '{ viewer { id } }' }),
    });
    expect(traced.headers.get('x-request-id')).toBe('trace-123');
  });

  it('over a real socket, refuses a body without Content-Length (411) or over the limit (413) before reading it', async () => {
    const server = createServer(t.app.requestListener);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    /** Sends raw bytes and returns the status line of the answer. */
    const send = (head: string, body: string) =>
      new Promise<string>((resolve, reject) => {
        const socket = connect(port, '127.0.0.1', () => socket.end(`${head}\r\n\r\n${body}`));
        let answer = '';
        socket.on('data', (chunk: Buffer) => (answer += chunk.toString()));
        socket.on('close', () => resolve(answer.split('\r\n')[0]));
        socket.on('error', reject);
      });
    const request = (headers: string) =>
      `POST /graphql HTTP/1.1\r\nHost: trackr.test\r\nContent-Type: application/json\r\nConnection: close\r\n${headers}`;
    const query = JSON.stringify({ query: '{ viewer { id } }' });
    try {
      const chunk = (s: string) => `${Buffer.byteLength(s).toString(16)}\r\n${s}\r\n`;
      expect(await send(request('Transfer-Encoding: chunked'), `${chunk(query)}0\r\n\r\n`)).toBe('HTTP/1.1 411 Length Required');
      const big = 'x'.repeat(t.config.maxBodyBytes + 1);
      expect(await send(request(`Content-Length: ${big.length}`), big)).toBe('HTTP/1.1 413 Payload Too Large');
      expect(await send(request(`Content-Length: ${Buffer.byteLength(query)}`), query)).toBe('HTTP/1.1 200 OK');
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });

  it('gives parse and validation errors a code', async () => {
    const invalid = await t.gql('{ viewer { nope } }');
    expect(invalid.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const unparsable = await t.gql('{ viewer { ');
    expect(unparsable.errors?.[0].extensions?.code).toBe('GRAPHQL_PARSE_FAILED');
  });
});
