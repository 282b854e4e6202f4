// Error hygiene: malformed input of every kind is the client's error (BAD_USER_INPUT or
// VALIDATION_FAILED), never an internal one; nothing of the parser, the database or the stack
// reaches a client; an unexpected error is masked with the request id its one log line carries.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { migrate } from '../src/db/migrate.js';
import { createEmptyDatabase } from './helpers/db.js';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';

let t: TestApp;
let user: SignedUp;
let project: { id: string; key: string };
beforeAll(async () => {
  t = await startTestApp();
  user = await signUpUser(t);
  project = await createProjectAs(t, user.token);
});
afterAll(() => t.close());

type Errors = { message: string; extensions?: Record<string, unknown> }[];
// GRAPHQL_VALIDATION_FAILED: a bad value written into the document itself, refused while validating it.
const CLIENT_CODES = ['BAD_USER_INPUT', 'VALIDATION_FAILED', 'GRAPHQL_VALIDATION_FAILED'];
const LEAKS = /stack|prisma|postgres|sql|select |insert |\.ts:|node_modules|at position|Unexpected token|invalid byte sequence/i;

/** The one error or union failure the answer carries: its code must be a client one, and it must leak nothing. */
function expectClientError(body: { data?: unknown; errors?: Errors }, label: string) {
  const unionFailure = /"code":"(\w+)"/.exec(JSON.stringify(body.data ?? null))?.[1];
  const code = body.errors?.[0]?.extensions?.code ?? unionFailure;
  expect(CLIENT_CODES, `${label}: ${JSON.stringify(body)}`).toContain(code);
  expect(JSON.stringify(body), label).not.toMatch(LEAKS);
}

describe('NUL characters', () => {
  const NUL = 'bad\u0000text';

  it('are refused in every kind of text input, before any statement runs', async () => {
    const issue = await t.gql<{ createIssue: { issue: { id: string } } }>(
      'mutation($input: CreateIssueInput!) { createIssue(input: $input) { ... on IssuePayload { issue { id } } } }',
      { input: { projectId: project.id, title: 'fine' } },
      user.token,
    );
    const issueId = issue.data.createIssue.issue.id;
    const cases: [string, string, Record<string, unknown>][] = [
      [
        'createIssue title',
        'mutation($input: CreateIssueInput!) { createIssue(input: $input) { __typename ... on Error { code } } }',
        { input: { projectId: project.id, title: NUL } },
      ],
      [
        'createIssue description',
        'mutation($input: CreateIssueInput!) { createIssue(input: $input) { __typename ... on Error { code } } }',
        { input: { projectId: project.id, title: 'ok', description: NUL } },
      ],
      [
        'updateIssue title',
        'mutation($input: UpdateIssueInput!) { updateIssue(input: $input) { __typename ... on Error { code } } }',
        { input: { id: issueId, title: NUL } },
      ],
      [
        'addComment',
        'mutation($input: AddCommentInput!) { addComment(input: $input) { __typename ... on Error { code } } }',
        { input: { issueId, body: NUL } },
      ],
      [
        'createProject',
        'mutation($input: CreateProjectInput!) { createProject(input: $input) { __typename ... on Error { code } } }',
        { input: { key: 'NULX', name: NUL } },
      ],
      [
        'updateProfile',
        'mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { __typename ... on Error { code } } }',
        { input: { name: NUL } },
      ],
      ['issueByKey', 'query($k: String!) { issueByKey(key: $k) { id } }', { k: `${project.key}-1\u0000` }],
      ['searchIssues', 'query($q: String!) { searchIssues(query: $q, first: 5) { edges { rank } } }', { q: NUL }],
      [
        'project filter search',
        'query($s: String) { viewer { projects(first: 5, filter: { search: $s }) { edges { node { id } } } } }',
        { s: NUL },
      ],
      [
        'logIn',
        'mutation($input: LogInInput!) { logIn(input: $input) { __typename ... on Error { code } } }',
        { input: { email: 'a@example.com', password: NUL } },
      ],
    ];
    for (const [label, query, variables] of cases) {
      const res = await t.gql(query, variables, user.token);
      expectClientError(res, label);
      expect(res.errors?.[0].message, label).toMatch(/NUL/);
    }
    // Written into the document instead of a variable: the same.
    const literal = await t.gql(`{ issueByKey(key: "${project.key}-1\\u0000") { id } }`, {}, user.token);
    expectClientError(literal, 'literal');
  });
});

describe('impossible dates', () => {
  const CREATE = 'mutation($input: CreateIssueInput!) { createIssue(input: $input) { __typename ... on Error { code } } }';
  const LIST = 'query($f: IssueFilter) { issues(first: 5, filter: $f) { edges { node { id } } } }';

  it('are refused in Date and DateTime inputs, in variables and in the document', async () => {
    for (const dueDate of ['0000-01-01', '2026-13-01', '2026-02-30', '2026-2-3', '10000-01-01', '2026-02-29']) {
      expectClientError(await t.gql(CREATE, { input: { projectId: project.id, title: 'd', dueDate } }, user.token), dueDate);
    }
    for (const at of [
      '0000-01-01T00:00:00Z',
      '2026-13-01T00:00:00Z',
      '2026-02-30T00:00:00Z',
      '2026-01-01T24:00:00Z',
      '2026-01-01T10:00:00',
      '0001-01-01T00:30:00+01:00',
    ]) {
      expectClientError(await t.gql(LIST, { f: { createdAt: { gt: at } } }, user.token), at);
    }
    expectClientError(
      await t.gql(`{ issues(first: 5, filter: { createdAt: { lt: "0000-06-01T00:00:00Z" } }) { edges { node { id } } } }`, {}, user.token),
      'literal',
    );
    // Real dates still pass, leap days included.
    const fine = await t.gql(CREATE, { input: { projectId: project.id, title: 'leap', dueDate: '2028-02-29' } }, user.token);
    expect(JSON.stringify(fine.data)).toContain('IssuePayload');
    expect((await t.gql(LIST, { f: { createdAt: { gt: '2026-11-26T09:30:00.123+02:00' } } }, user.token)).errors).toBeUndefined();
  });
});

describe('malformed requests', () => {
  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const response = await t.app.fetch('http://trackr.test/graphql', { method: 'POST', headers, body });
    return { status: response.status, body: (await response.json()) as { data?: unknown; errors?: Errors } };
  }

  it('invalid JSON, a body that is not an object, no query, a wrong content type: client errors, no parser internals', async () => {
    for (const [label, body] of [
      ['invalid JSON', '{ "query": '],
      ['not an object', '42'],
      ['null', 'null'],
      ['no query', '{}'],
      ['query not a string', '{ "query": 1 }'],
      ['variables not an object', '{ "query": "{ __typename }", "variables": 3 }'],
      ['unparsable document', '{ "query": "{ viewer { " }'],
    ]) {
      const res = await post(body);
      expect(res.status, label).toBeLessThan(500);
      expect(res.body.errors?.[0].extensions?.code, label).toMatch(/BAD_USER_INPUT|GRAPHQL_PARSE_FAILED|GRAPHQL_VALIDATION_FAILED/);
      expect(JSON.stringify(res.body), label).not.toMatch(LEAKS);
      expect(res.body.errors?.[0].extensions, label).not.toHaveProperty('originalError');
    }
    const wrongType = await post('query=%7B__typename%7D', { 'content-type': 'application/x-www-form-urlencoded' });
    expect(wrongType.status).toBe(415);
    expect(wrongType.body.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });
});

describe('unexpected errors', () => {
  it('are masked: a message, INTERNAL_SERVER_ERROR and the request id of their one log line', async () => {
    // A database whose users table lacks a column the code reads: a real failure nobody expected.
    const broken = await createEmptyDatabase();
    const pool = new pg.Pool({ connectionString: broken.url, max: 1 });
    const logs: string[] = [];
    let app: TestApp | undefined;
    try {
      await migrate(pool);
      app = await startTestApp({ DATABASE_URL: broken.url, LOG_LEVEL: 'error' }, { logs });
      const victim = await signUpUser(app);
      await pool.query('ALTER TABLE users RENAME COLUMN name TO full_name');
      const response = await app.app.fetch('http://trackr.test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${victim.token}`, 'x-request-id': 'req-hygiene-1' },
        body: JSON.stringify({ query: '{ viewer { name } }' }),
      });
      const body = (await response.json()) as { errors: Errors };
      expect(body.errors).toHaveLength(1);
      expect(body.errors[0].message).toBe('Unexpected error; it has been logged.');
      expect(body.errors[0].extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR', requestId: 'req-hygiene-1' });
      expect(JSON.stringify(body)).not.toMatch(LEAKS);
      const errorLines = logs
        .map((line) => JSON.parse(line) as { level: number; requestId?: string; msg: string })
        .filter((l) => l.level >= 50);
      expect(errorLines).toHaveLength(1);
      expect(errorLines[0]).toMatchObject({ requestId: 'req-hygiene-1', msg: 'unexpected error' });
    } finally {
      await app?.close();
      await pool.end();
      await broken.drop();
    }
  });
});
