// Every input bounded and priced before anything runs: filter conditions, search texts, id lists,
// aliases and root fields; the cost in `extensions`; limits from the configuration; and the
// queries real clients send (GraphiQL's default query, the benchmark's operations) still pass.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRAPHIQL_DEFAULT_QUERY } from '../src/app.js';
import { gid, OPERATIONS, type Ctx } from '../bench/operations.js';
import { rawIdOf } from './helpers/issues.js';
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

type Cost = { requested: number; limit: number };
const LIST = 'query($filter: IssueFilter) { issues(first: 5, filter: $filter) { edges { node { key } } } }';
const statusIs = { status: { in: ['TODO'] } };
const codeOf = (res: { errors?: { extensions?: { code?: string } }[] }) => res.errors?.[0]?.extensions?.code;

describe('filters', () => {
  it('refuses a filter with more conditions than the limit, counting and/or/not trees', async () => {
    const wide = await t.gql(LIST, { filter: { or: Array.from({ length: 60 }, () => statusIs) } }, user.token);
    expect(codeOf(wide)).toBe('BAD_USER_INPUT');
    expect(wide.errors?.[0].message).toMatch(/at most 50/);
    expect(wide.data).toBeFalsy();

    // 26 nested nots, each with a condition: 52 conditions though no list is long.
    let deep: Record<string, unknown> = statusIs;
    for (let i = 0; i < 25; i++) deep = { ...statusIs, not: deep };
    const nested = await t.gql(
      `{ issues(first: 5, filter: ${JSON.stringify(deep)
        .replace(/"(\w+)":/g, '$1:')
        .replace(/"TODO"/g, 'TODO')}) { edges { node { key } } } }`,
      {},
      user.token,
    );
    expect(codeOf(nested)).toBe('BAD_USER_INPUT');
    expect(nested.errors?.[0].message).toMatch(/conditions/);

    const fine = await t.gql(LIST, { filter: { or: Array.from({ length: 10 }, () => statusIs) } }, user.token);
    expect(fine.errors).toBeUndefined();
  });

  it('prices each filter condition into the query cost', async () => {
    const plain = await costOf(LIST, {}, user.token);
    const filtered = await costOf(LIST, { filter: { and: [statusIs, { archived: false }] } }, user.token);
    // and: 2 nested filters + 2 conditions = 4 conditions at 10 each.
    expect(filtered.requested - plain.requested).toBe(40);
  });

  it('refuses search texts longer than the limit, in the project filter and in searchIssues', async () => {
    const long = 'x'.repeat(257);
    const projects = await t.gql(
      'query($s: String) { viewer { projects(first: 5, filter: { search: $s }) { edges { node { key } } } } }',
      { s: long },
      user.token,
    );
    expect(codeOf(projects)).toBe('BAD_USER_INPUT');
    const search = await t.gql(
      'query($q: String!) { searchIssues(query: $q, first: 5) { edges { rank } } }',
      { q: 'y'.repeat(20_000) },
      user.token,
    );
    expect(codeOf(search)).toBe('BAD_USER_INPUT');
    expect(search.errors?.[0].message).toMatch(/searchIssues\(query:\) takes at most 256 characters/);
  });
});

describe('id lists', () => {
  const ids = (n: number, type: string) => Array.from({ length: n }, () => gid(type, randomUUID()));

  it('refuses more than 100 ids in nodes, updateIssues, label lists and filter lists', async () => {
    const cases: [string, Record<string, unknown>][] = [
      ['query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(101, 'Issue') }],
      [
        'mutation($input: UpdateIssuesInput!) { updateIssues(input: $input) { __typename } }',
        { input: { ids: ids(101, 'Issue'), status: 'DONE' } },
      ],
      [
        'mutation($input: UpdateIssuesInput!) { updateIssues(input: $input) { __typename } }',
        { input: { ids: ids(1, 'Issue'), addedLabelIds: ids(101, 'Label') } },
      ],
      [
        'mutation($input: CreateIssueInput!) { createIssue(input: $input) { __typename } }',
        { input: { projectId: project.id, title: 'Too many labels', labelIds: ids(101, 'Label') } },
      ],
      [LIST, { filter: { assigneeId: { in: ids(101, 'User') } } }],
      [LIST, { filter: { labelIds: { every: ids(101, 'Label') } } }],
    ];
    for (const [query, variables] of cases) {
      const res = await t.gql(query, variables, user.token);
      expect(codeOf(res), query).toBe('BAD_USER_INPUT');
      expect(res.errors?.[0].message, query).toMatch(/takes at most 100 items \(got 101\)/);
    }
    // 10,000 ids are refused as cheaply, before any is decoded.
    const huge = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(10_000, 'Issue') }, user.token);
    expect(huge.errors?.[0].message).toMatch(/nodes\(ids:\) takes at most 100 items/);
    const fine = await t.gql('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(100, 'Issue') }, user.token);
    expect(fine.errors).toBeUndefined();
  });
});

describe('document shape', () => {
  it('refuses more aliases than the limit, counting those inside fragments where they are spread', async () => {
    const max = t.config.queryLimits.aliases;
    const aliases = (n: number) => Array.from({ length: n }, (_, i) => `a${i}: __typename`).join(' ');
    const many = await t.gql(`{ viewer { ${aliases(max + 1)} } }`, {}, user.token);
    expect(codeOf(many)).toBe('QUERY_TOO_COMPLEX');
    expect(many.errors?.[0].message).toMatch(new RegExp(`aliases: ${max + 1} .* at most ${max}`));
    // Half the limit in a fragment, spread twice under an aliased field: one over.
    const spread = await t.gql(`{ viewer { ...F } v2: viewer { ...F } } fragment F on User { ${aliases(max / 2)} }`, {}, user.token);
    expect(codeOf(spread)).toBe('QUERY_TOO_COMPLEX');
    const fine = await t.gql(`{ viewer { ${aliases(max)} } }`, {}, user.token);
    expect(fine.errors).toBeUndefined();
  });

  it('refuses more root fields than the limit', async () => {
    const roots = (n: number) => Array.from({ length: n }, (_, i) => (i === 0 ? 'viewer { id }' : `v${i}: viewer { id }`)).join(' ');
    const max = t.config.queryLimits.rootFields;
    const many = await t.gql(`{ ${roots(max + 1)} }`, {}, user.token);
    expect(many.errors?.map((e) => e.extensions?.code)).toContain('QUERY_TOO_COMPLEX');
    expect(many.errors?.map((e) => e.message).join()).toMatch(new RegExp(`root fields: ${max + 1} .* at most ${max}`));
  });

  it('refuses the whole request when an argument cannot be priced, so no field runs unpriced', async () => {
    // A malformed global id beside a query over the limit: neither runs.
    const res = await raw(
      'query($n: Int!) { node(id: "not-a-global-id") { id } viewer { projects(first: $n) { edges { node { issues(first: $n) { edges { node { comments(first: $n) { edges { node { body } } } } } } } } } } }',
      { n: 100 },
      user.token,
    );
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    expect(res.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
  });

  it('returns the computed cost and the limit in extensions on every executed response', async () => {
    const cost = await costOf('{ viewer { projects(first: 10) { edges { node { key } } } } }', {}, user.token);
    expect(Object.keys(cost).sort()).toEqual(['limit', 'requested']);
    expect(cost.limit).toBe(25_000);
    expect(cost.requested).toBeGreaterThanOrEqual(10);
    const anonymous = await costOf('{ __typename }', {});
    expect(anonymous.requested).toBeGreaterThanOrEqual(1);
    // A refused query says what it would have cost.
    const refused = await raw(
      'query($n: Int!) { viewer { projects(first: $n) { edges { node { issues(first: $n) { edges { node { comments(first: $n) { edges { node { body } } } } } } } } } } }',
      { n: 100 },
      user.token,
    );
    expect(refused.errors?.[0].extensions?.code).toBe('QUERY_TOO_COMPLEX');
    expect(refused.extensions?.cost.requested).toBeGreaterThan(25_000);
  });
});

describe('configuration', () => {
  it('takes every limit from the environment', async () => {
    const strict = await startTestApp({
      QUERY_MAX_COST: '50',
      QUERY_MAX_ALIASES: '1',
      QUERY_MAX_ROOT_FIELDS: '1',
      INPUT_MAX_LIST_LENGTH: '2',
      FILTER_MAX_CONDITIONS: '2',
      SEARCH_MAX_LENGTH: '3',
    });
    try {
      const token = user.token;
      const check = async (query: string, variables: Record<string, unknown>, pattern: RegExp) => {
        const res = await strict.gql(query, variables, token);
        expect(res.errors?.[0].message, query).toMatch(pattern);
      };
      await check('{ viewer { projects(first: 100) { edges { node { key } } } } }', {}, /exceeds 50/);
      await check('{ viewer { a: id b: id } }', {}, /at most 1$/);
      await check('{ viewer { id } v: viewer { id } }', {}, /root fields: 2/);
      await check('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: ids(3, 'Issue') }, /at most 2 items/);
      await check(LIST, { filter: { and: [statusIs, statusIs] } }, /has 4 conditions; .* at most 2/);
      await check('query($q: String!) { searchIssues(query: $q, first: 5) { edges { rank } } }', { q: 'abcd' }, /at most 3 characters/);
    } finally {
      await strict.close();
    }
  });
});

describe('what real clients send still passes', () => {
  it("GraphiQL's default query", async () => {
    for (const operationName of ['SignUp', 'Me']) {
      const res = await raw(GRAPHIQL_DEFAULT_QUERY, {}, user.token, operationName);
      expect(res.errors, operationName).toBeUndefined();
      expect(res.extensions?.cost.requested, operationName).toBeLessThan(25_000);
    }
  });

  it("the benchmark's operations", async () => {
    const created = await t.gql<{ createIssue: { issue: { id: string; key: string } } }>(
      'mutation($input: CreateIssueInput!) { createIssue(input: $input) { ... on IssuePayload { issue { id key } } } }',
      { input: { projectId: project.id, title: 'Bench-like' } },
      user.token,
    );
    const issue = created.data.createIssue.issue;
    const firstPage = await t.gql<{ issues: { pageInfo: { endCursor: string } } }>(
      '{ issues(first: 1) { pageInfo { endCursor } } }',
      {},
      user.token,
    );
    const ctx: Ctx = {
      token: user.token,
      viewerId: rawIdOf(user.id),
      viewerEmail: user.email,
      password: user.password,
      bigProjectId: rawIdOf(project.id),
      bigKey: project.key,
      mutProjectId: rawIdOf(project.id),
      issueId: rawIdOf(issue.id),
      issueKey: issue.key,
      mutIssueIds: [rawIdOf(issue.id)],
      page50After: { trackr: firstPage.data.issues.pageInfo.endCursor },
    };
    for (const op of OPERATIONS) {
      const request = op.request('trackr', ctx, 0);
      const response = await t.app.fetch(`http://trackr.test${request.path}`, {
        method: 'POST',
        headers: request.headers,
        body: request.body,
      });
      const body = (await response.json()) as { errors?: { extensions?: { code?: string } }[]; extensions?: { cost?: Cost } };
      expect(body.errors, `${op.name}: ${JSON.stringify(body.errors)}`).toBeUndefined();
      expect(body.extensions?.cost?.requested, op.name).toBeLessThan(25_000);
    }
  });
});

const ids = (n: number, type: string) => Array.from({ length: n }, () => gid(type, randomUUID()));

type RawBody = { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[]; extensions?: { cost: Cost } };

async function raw(query: string, variables: Record<string, unknown>, token?: string, operationName?: string): Promise<RawBody> {
  const response = await t.app.fetch('http://trackr.test/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables, operationName }),
  });
  return (await response.json()) as RawBody;
}

async function costOf(query: string, variables: Record<string, unknown>, token?: string): Promise<Cost> {
  const body = await raw(query, variables, token);
  expect(body.errors).toBeUndefined();
  return body.extensions!.cost;
}
