// No N+1: the number of SQL statements for a nested read must not grow with the page size.
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';

const statements: string[] = [];
// The embedded database keeps each request's session check in the database (PGlite's one shared
// session delivers notifications on any connection, so nothing in memory may vouch for a session):
// one statement more per authenticated request there than on PostgreSQL.
const sessionCheck = inject('testDb').mode === 'embedded' ? 1 : 0;
let t: TestApp;
let owner: SignedUp;

beforeAll(async () => {
  t = await startTestApp({}, { onQuery: (sql) => statements.push(sql) });
  owner = await signUpUser(t);
  const colleague = await signUpUser(t);
  for (let p = 0; p < 3; p++) {
    const project = await createProjectAs(t, owner.token);
    await t.gql(
      'mutation($i: AddProjectMemberInput!) { addProjectMember(input: $i) { __typename } }',
      { i: { projectId: project.id, userId: colleague.id } },
      owner.token,
    );
    const labels: string[] = [];
    for (const name of ['bug', 'feature']) {
      const res = await t.gql<{ createLabel: { label: { id: string } } }>(
        'mutation($i: CreateLabelInput!) { createLabel(input: $i) { ... on LabelPayload { label { id } } } }',
        { i: { projectId: project.id, name } },
        owner.token,
      );
      labels.push(res.data.createLabel.label.id);
    }
    for (let batch = 0; batch < 10; batch++) {
      await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          t.gql(
            'mutation($i: CreateIssueInput!) { createIssue(input: $i) { __typename } }',
            {
              i: {
                projectId: project.id,
                title: `Issue ${batch * 10 + i}`,
                assigneeId: i % 2 ? colleague.id : owner.id,
                labelIds: labels.slice(0, 1 + (i % 2)),
              },
            },
            owner.token,
          ),
        ),
      );
    }
  }
}, 180_000);
afterAll(() => t.close());

/** Runs `query` and returns the statements it sent, checking it answered without errors. */
async function count(query: string, variables: Record<string, unknown>): Promise<{ statements: number; data: unknown }> {
  statements.length = 0;
  const res = await t.gql(query, variables, owner.token);
  expect(res.errors).toBeUndefined();
  if (process.env.SHOW_SQL)
    console.log(
      statements.length,
      statements.map((s) => s.slice(0, 120)),
    );
  return { statements: statements.length, data: res.data };
}

const NESTED = `query($n: Int!) { viewer { projects(first: 3) { edges { node { key owner { name } viewerCan { update }
  issues(first: $n) { totalCount edges { node { key title assignee { name } reporter { name } labels { name } project { key } viewerCan { update } } } } } } } } }`;

describe('SQL statements per request', () => {
  it('stay the same for projects -> issues -> assignee, reporter, labels, project with 2 or 100 issues per page', async () => {
    const small = await count(NESTED, { n: 2 });
    const large = await count(NESTED, { n: 100 });
    const issues = (data: unknown) =>
      (data as { viewer: { projects: { edges: { node: { issues: { edges: unknown[] } } }[] } } }).viewer.projects.edges.reduce(
        (sum, e) => sum + e.node.issues.edges.length,
        0,
      );
    expect(issues(small.data)).toBe(6);
    expect(issues(large.data)).toBe(300);
    expect(large.statements).toBe(small.statements);
    expect(small.statements).toBeLessThanOrEqual(6);
  });

  it('stay the same for the filtered issue list with 2 or 100 per page', async () => {
    const query = `query($n: Int!) { issues(first: $n, filter: { assigneeId: { isNull: false } }, orderBy: [{ field: PRIORITY, direction: DESC }]) {
      totalCount edges { node { key assignee { name } reporter { name } labels { name color } project { key name } parent { key } viewerCan { update delete } } } } }`;
    const small = await count(query, { n: 2 });
    const large = await count(query, { n: 100 });
    expect(large.statements).toBe(small.statements);
  });

  it("stay the same for a project's issues after a cursor at a deep page, forwards and backwards: cursor issue, then one joined statement", async () => {
    const first = await t.gql<{ viewer: { projects: { edges: { node: { id: string; issues: { pageInfo: { endCursor: string } } } }[] } } }>(
      '{ viewer { projects(first: 1) { edges { node { id issues(first: 40) { pageInfo { endCursor } } } } } } }',
      {},
      owner.token,
    );
    const { id, issues } = first.data.viewer.projects.edges[0].node;
    const deep = issues.pageInfo.endCursor;
    const keys = (data: unknown) =>
      (data as { project: { issues: { edges: { node: { key: string } }[] } } }).project.issues.edges.map((e) => e.node.key);
    const forward = `query($id: ID!, $n: Int!, $after: String!) { project(id: $id) { issues(first: $n, after: $after) {
      pageInfo { hasNextPage hasPreviousPage endCursor } edges { cursor node { key assignee { name } labels { name } } } } } }`;
    const small = await count(forward, { id, n: 5, after: deep });
    const large = await count(forward, { id, n: 50, after: deep });
    expect(keys(large.data).slice(0, 5)).toEqual(keys(small.data));
    expect(keys(large.data)).toHaveLength(50);
    expect(large.statements).toBe(small.statements);
    // The cursor's issue (its sort values), then the project with the page joined in one statement
    // (with the session check, 3 per request; main had 8 here: Prisma's cursor split the page).
    expect(small.statements).toBeLessThanOrEqual(2 + sessionCheck);

    const backward = `query($id: ID!, $n: Int!, $before: String!) { project(id: $id) { issues(last: $n, before: $before) {
      edges { node { key assignee { name } labels { name } } } } } }`;
    const smallBack = await count(backward, { id, n: 5, before: deep });
    const largeBack = await count(backward, { id, n: 50, before: deep });
    expect(keys(largeBack.data).slice(-5)).toEqual(keys(smallBack.data));
    expect(keys(largeBack.data)).toHaveLength(39);
    expect(largeBack.statements).toBe(smallBack.statements);
    expect(smallBack.statements).toBeLessThanOrEqual(2 + sessionCheck);
  });

  it('stay the same for members and labels of a project', async () => {
    const projects = await t.gql<{ viewer: { projects: { edges: { node: { id: string } }[] } } }>(
      '{ viewer { projects(first: 1) { edges { node { id } } } } }',
      {},
      owner.token,
    );
    const id = projects.data.viewer.projects.edges[0].node.id;
    const query = `query($id: ID!, $n: Int!) { project(id: $id) { members(first: $n) { edges { node { role user { name } } } } labels(first: $n) { edges { node { name } } } } }`;
    const small = await count(query, { id, n: 1 });
    const large = await count(query, { id, n: 100 });
    expect(large.statements).toBe(small.statements);
  });
  it('stay the same for an issue with 2 or 8 threads of 1 or 5 replies, placeholders included', async () => {
    const projects = await t.gql<{ viewer: { projects: { edges: { node: { id: string } }[] } } }>(
      '{ viewer { projects(first: 1) { edges { node { id } } } } }',
      {},
      owner.token,
    );
    const created = await t.gql<{ createIssue: { issue: { id: string } } }>(
      'mutation($i: CreateIssueInput!) { createIssue(input: $i) { ... on IssuePayload { issue { id } } } }',
      { i: { projectId: projects.data.viewer.projects.edges[0].node.id, title: 'Much discussed' } },
      owner.token,
    );
    const issueId = created.data.createIssue.issue.id;
    const comment = async (body: string, parentId?: string) => {
      const res = await t.gql<{ addComment: { comment: { id: string } } }>(
        'mutation($i: AddCommentInput!) { addComment(input: $i) { ... on CommentPayload { comment { id } } } }',
        { i: { issueId, body, parentId } },
        owner.token,
      );
      return res.data.addComment.comment.id;
    };
    for (let thread = 0; thread < 8; thread++) {
      const root = await comment(`Thread ${thread}`);
      await Promise.all(Array.from({ length: 5 }, (_, r) => comment(`Reply ${thread}.${r}`, root)));
      if (thread % 2 === 0) {
        await t.gql('mutation($i: CommentIdInput!) { deleteComment(input: $i) { __typename } }', { i: { id: root } }, owner.token);
      }
    }
    const query = `query($id: ID!, $threads: Int!, $replies: Int!) { issue(id: $id) { key comments(first: $threads) { totalCount
      edges { node { body deleted createdAt author { name } parent { id } replies(first: $replies) { totalCount
        edges { node { body deleted author { name } parent { id body } } } } } } } } }`;
    const small = await count(query, { id: issueId, threads: 2, replies: 1 });
    const large = await count(query, { id: issueId, threads: 8, replies: 5 });
    type Threads = { issue: { comments: { totalCount: number; edges: { node: { deleted: boolean; replies: { edges: unknown[] } } }[] } } };
    const { comments } = (large.data as Threads).issue;
    expect(comments.totalCount).toBe(8);
    expect(comments.edges.map((e) => e.node.deleted)).toEqual([true, false, true, false, true, false, true, false]);
    expect(comments.edges.every((e) => e.node.replies.edges.length === 5)).toBe(true);
    expect(large.statements).toBe(small.statements);
    // Session check, then one query: Prisma joins the threads, replies, authors, parents and counts.
    expect(small.statements).toBeLessThanOrEqual(2);
  });
});

describe('SQL statements per mutation (the benchmark shapes)', () => {
  it('createIssue and updateIssue', async () => {
    const projects = await t.gql<{ viewer: { projects: { edges: { node: { id: string } }[] } } }>(
      '{ viewer { projects(first: 1) { edges { node { id } } } } }',
      {},
      owner.token,
    );
    const projectId = projects.data.viewer.projects.edges[0].node.id;
    const created = await count(
      'mutation($p: ID!, $t: String!) { createIssue(input: { projectId: $p, title: $t, priority: HIGH }) { __typename ... on IssuePayload { issue { id key title status priority project { key } } } ... on Error { code message } } }',
      { p: projectId, t: 'Counted' },
    );
    const issue = (created.data as { createIssue: { issue: { id: string } } }).createIssue.issue;
    const updated = await count(
      'mutation($id: ID!, $t: String!) { updateIssue(input: { id: $id, title: $t }) { __typename ... on IssuePayload { issue { key title status priority } } ... on Error { code message } } }',
      { id: issue.id, t: 'Counted again' },
    );
    expect((updated.data as { updateIssue: { issue: { title: string } } }).updateIssue.issue.title).toBe('Counted again');
    // createIssue: BEGIN, counter (and role), the issue with its history row (one statement), the
    // payload, the outbox row, COMMIT. Main had 7 (the history row was a statement of its own).
    expect(created.statements).toBeLessThanOrEqual(6 + sessionCheck);
    expect(updated.statements).toBeLessThanOrEqual(9);
  });
});
