// Batched lookups: node, nodes, issue, issueByKey, project and projectByKey go through per-request
// DataLoaders, so the SQL statements of a request do not grow with the number of ids or aliases,
// and visibility still decides inside the batched SQL (hidden looks exactly like missing).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type SignedUp, type TestApp } from './helpers/app.js';
import { addMember, deleteIssue, globalId, newIssue, newLabel, updateIssue } from './helpers/issues.js';

const statements: string[] = [];
let t: TestApp;
let owner: SignedUp;
let colleague: SignedUp;
let outsider: SignedUp;
let projects: { id: string; key: string }[] = [];
let issues: { id: string; key: string }[] = [];
let hiddenIssue: { id: string; key: string };
let hiddenProject: { id: string; key: string };
let deletedIssue: { id: string; key: string };

beforeAll(async () => {
  // 50 aliases prove that lookups batch; the default document limits (README "Query limits") allow fewer.
  t = await startTestApp({ QUERY_MAX_ALIASES: '100', QUERY_MAX_ROOT_FIELDS: '100' }, { onQuery: (sql) => statements.push(sql) });
  [owner, colleague, outsider] = await Promise.all([signUpUser(t, 'Owner'), signUpUser(t, 'Colleague'), signUpUser(t, 'Outsider')]);
  projects = [];
  issues = [];
  for (let p = 0; p < 3; p++) {
    const project = await createProjectAs(t, owner.token);
    projects.push(project);
    await addMember(t, owner.token, project.id, colleague.id, 'MEMBER');
    const label = await newLabel(t, owner.token, project.id, 'bug');
    for (let batch = 0; batch < 4; batch++) {
      const made = await Promise.all(
        Array.from({ length: 10 }, (_, i) =>
          newIssue(t, owner.token, {
            projectId: project.id,
            title: `Issue ${batch * 10 + i}`,
            assigneeId: i % 2 ? colleague.id : owner.id,
            labelIds: i % 3 ? [label.id] : [],
          }),
        ),
      );
      issues.push(...made.map((issue) => ({ id: issue.id, key: issue.key })));
    }
  }
  hiddenProject = await createProjectAs(t, outsider.token);
  const hidden = await newIssue(t, outsider.token, { projectId: hiddenProject.id, title: 'Not yours' });
  hiddenIssue = { id: hidden.id, key: hidden.key };
  const doomed = await newIssue(t, owner.token, { projectId: projects[0].id, title: 'Deleted' });
  deletedIssue = { id: doomed.id, key: doomed.key };
  expect((await deleteIssue(t, owner.token, doomed.id)).__typename).toBe('DeletePayload');
}, 180_000);
afterAll(() => t.close());

/** Runs `source` as the owner, checks it answered without errors, and counts its SQL statements. */
async function count(source: string, variables: Record<string, unknown> = {}): Promise<{ statements: number; data: unknown }> {
  statements.length = 0;
  const res = await t.gql(source, variables, owner.token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  if (process.env.SHOW_SQL)
    console.log(
      statements.length,
      statements.map((s) => s.slice(0, 160)),
    );
  return { statements: statements.length, data: res.data };
}

const nodesOf = (data: unknown) => (data as { nodes: NodeView[] }).nodes;

const NODE_FIELDS = `__typename id
  ... on Issue { key title assignee { name } reporter { name } labels { name } project { key } viewerCan { update } }
  ... on Project { key name owner { name } viewerRole }`;
const NODES = `query($ids: [ID!]!) { nodes(ids: $ids) { ${NODE_FIELDS} } }`;

type NodeView = { __typename: string; id: string; key: string } | null;

async function countNodes(source: string, variables: Record<string, unknown>) {
  const { statements: n, data } = await count(source, variables);
  return { statements: n, data: { nodes: nodesOf(data) } };
}

/** `n` ids, issues and projects interleaved (the second and every tenth after it a project), repeating when `n` exceeds them. */
function mixedIds(n: number): string[] {
  return Array.from({ length: n }, (_, i) => (i % 10 === 1 ? projects[((i / 10) % projects.length) | 0].id : issues[i % issues.length].id));
}

/** One aliased field per argument: `a0: field(arg: $v0) { selection } a1: …`. */
function aliased(field: string, arg: string, type: string, values: string[], selection: string) {
  const vars = values.map((_, i) => `$v${i}: ${type}`).join(', ');
  const body = values.map((_, i) => `a${i}: ${field}(${arg}: $v${i}) { ${selection} }`).join('\n');
  return { source: `query(${vars}) { ${body} }`, variables: Object.fromEntries(values.map((v, i) => [`v${i}`, v])) };
}

async function countAliased(field: string, arg: string, type: string, values: string[], selection: string) {
  const { source, variables } = aliased(field, arg, type, values, selection);
  const { statements: n, data } = await count(source, variables);
  return { statements: n, results: values.map((_, i) => (data as Record<string, NodeView>)[`a${i}`]) };
}

// Within the breadth limit (300 fields) at 50 aliases.
const ISSUE_FIELDS = 'id key assignee { name }';
const PROJECT_FIELDS = 'id key name owner { name } viewerRole';

describe('batched lookups: statements per request', () => {
  it('stay the same for nodes over 2 or 100 mixed issues and projects', async () => {
    const small = await countNodes(NODES, { ids: mixedIds(2) });
    const ids = mixedIds(100);
    const large = await countNodes(NODES, { ids });
    expect(large.data.nodes.map((n) => n?.id)).toEqual(ids);
    expect(large.data.nodes.filter((n) => n?.__typename === 'Project')).toHaveLength(10);
    expect(large.statements).toBe(small.statements);
    // Session, projects, issues (each one statement with its relations), the viewer's roles.
    expect(large.statements).toBeLessThanOrEqual(4);
  });

  it('stay the same for 2 or 50 aliased issueByKey', async () => {
    // Spread over all three projects; the first two from different ones.
    const keys = Array.from({ length: 50 }, (_, i) => issues[(i * 47) % issues.length].key);
    const small = await countAliased('issueByKey', 'key', 'String!', keys.slice(0, 2), ISSUE_FIELDS);
    const large = await countAliased('issueByKey', 'key', 'String!', keys, ISSUE_FIELDS);
    expect(large.results.map((r) => r?.key)).toEqual(keys);
    expect(large.statements).toBe(small.statements);
    // Session, the projects' ids, the issues with their relations.
    expect(large.statements).toBeLessThanOrEqual(3);
    // Keys of one project skip the projects' ids.
    const oneProject = await countAliased(
      'issueByKey',
      'key',
      'String!',
      issues.slice(0, 40).map((i) => i.key),
      ISSUE_FIELDS,
    );
    expect(oneProject.results.map((r) => r?.key)).toEqual(issues.slice(0, 40).map((i) => i.key));
    expect(oneProject.statements).toBe(large.statements - 1);
  });

  it('stay the same for 2 or 50 aliased issue(id)', async () => {
    const ids = issues.slice(0, 50).map((i) => i.id);
    const small = await countAliased('issue', 'id', 'ID!', ids.slice(0, 2), ISSUE_FIELDS);
    const large = await countAliased('issue', 'id', 'ID!', ids, ISSUE_FIELDS);
    expect(large.results.map((r) => r?.id)).toEqual(ids);
    expect(large.statements).toBe(small.statements);
    expect(large.statements).toBeLessThanOrEqual(3);
  });

  it('stay the same for aliased project(id) and projectByKey', async () => {
    for (const [field, arg, type, values] of [
      ['project', 'id', 'ID!', projects.map((p) => p.id)],
      ['projectByKey', 'key', 'String!', projects.map((p) => p.key.toLowerCase())],
    ] as const) {
      const small = await countAliased(field, arg, type, values.slice(0, 1), PROJECT_FIELDS);
      const large = await countAliased(field, arg, type, [...values, ...values, ...values], PROJECT_FIELDS);
      expect(large.results.map((r) => r?.key)).toEqual([...projects, ...projects, ...projects].map((p) => p.key));
      expect(large.statements, field).toBe(small.statements);
    }
  });

  it('stay the same for nodes over 2 or 60 users', async () => {
    const people = [owner, colleague, outsider].map((u) => u.id);
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { __typename id ... on User { name } } }`;
    const small = await count(query, { ids: people.slice(0, 2) });
    const ids = Array.from({ length: 60 }, (_, i) => people[i % 3]);
    const large = await count(query, { ids });
    expect(nodesOf(large.data).map((n) => n?.id)).toEqual(ids);
    expect(large.statements).toBe(small.statements);
  });

  it("stay the same for nodes' issues with their history", async () => {
    const query = `query($ids: [ID!]!) { nodes(ids: $ids) { ... on Issue { key history(first: 5) { edges { node { type actor { name } } } } } } }`;
    const small = await count(query, { ids: issues.slice(0, 2).map((i) => i.id) });
    const large = await count(query, { ids: issues.slice(0, 100).map((i) => i.id) });
    expect(large.statements).toBe(small.statements);
  });
});

describe('history entries that point at users and issues', () => {
  const HISTORY = `query($id: ID!) { issue(id: $id) { history(first: 100) { edges { node {
    field fromValue toValue fromUser { id name } toUser { id name } fromIssue { id key } toIssue { id key } } } } } }`;
  type Change = { field: string | null; fromValue: string | null; toValue: string | null } & Record<
    'fromUser' | 'toUser' | 'fromIssue' | 'toIssue',
    { id: string } | null
  >;
  const changesOf = async (id: string) => {
    const { statements: n, data } = await count(HISTORY, { id });
    const edges = (data as { issue: { history: { edges: { node: Change }[] } } }).issue.history.edges;
    return { statements: n, changes: edges.map((e) => e.node) };
  };
  /** An issue whose assignee and parent changed `rounds` times (2 changes each), among the owner's and colleague's. */
  async function churned(rounds: number) {
    const [project] = projects;
    const parents = [issues[0], issues[1]];
    const issue = await newIssue(t, owner.token, { projectId: project.id, title: `Churned ${rounds}` });
    for (let i = 0; i < rounds; i++) {
      const result = await updateIssue(t, owner.token, {
        id: issue.id,
        assigneeId: i % 2 ? owner.id : colleague.id,
        parentId: parents[i % 2].id,
      });
      expect(result.__typename).toBe('IssuePayload');
    }
    return issue;
  }

  it('resolve them as objects, one statement per type however long the history', async () => {
    const short = await changesOf((await churned(1)).id);
    const long = await changesOf((await churned(12)).id);
    expect(long.statements).toBe(short.statements);
    const assignments = long.changes.filter((c) => c.field === 'assigneeId');
    const parents = long.changes.filter((c) => c.field === 'parentId');
    expect(assignments).toHaveLength(12);
    expect(parents).toHaveLength(12);
    for (const change of assignments) {
      expect(change.toUser?.id).toBe(change.toValue);
      expect(change.fromUser?.id ?? null).toBe(change.fromValue);
      expect([change.fromIssue, change.toIssue]).toEqual([null, null]);
    }
    for (const change of parents) {
      expect(change.toIssue?.id).toBe(change.toValue);
      expect(change.fromIssue?.id ?? null).toBe(change.fromValue);
      expect([change.fromUser, change.toUser]).toEqual([null, null]);
    }
  });

  it('give null for a parent that was deleted since, as for any hidden issue', async () => {
    const [project] = projects;
    const parent = await newIssue(t, owner.token, { projectId: project.id, title: 'Short-lived parent' });
    const child = await newIssue(t, owner.token, { projectId: project.id, title: 'Child', parentId: parent.id });
    expect((await updateIssue(t, owner.token, { id: child.id, parentId: issues[0].id })).__typename).toBe('IssuePayload');
    expect((await deleteIssue(t, owner.token, parent.id)).__typename).toBe('DeletePayload');
    const { changes } = await changesOf(child.id);
    const moved = changes.find((c) => c.field === 'parentId' && c.fromValue === parent.id)!;
    expect(moved.fromIssue).toBeNull();
    expect(moved.toIssue?.id).toBe(issues[0].id);
  });
});

describe('batched lookups: answers', () => {
  it('give null in the slot of each missing, hidden or deleted id, in order, duplicates included', async () => {
    const ids = [
      issues[0].id,
      hiddenIssue.id,
      globalId('Issue'),
      projects[1].id,
      deletedIssue.id,
      hiddenProject.id,
      issues[0].id,
      globalId('Project'),
      issues[1].id,
    ];
    const { data } = await countNodes(NODES, { ids });
    expect(data.nodes.map((n) => n?.id ?? null)).toEqual([
      issues[0].id,
      null,
      null,
      projects[1].id,
      null,
      null,
      issues[0].id,
      null,
      issues[1].id,
    ]);
    expect(data.nodes[0]).toEqual(data.nodes[6]);
  });

  it('give the same nulls for issueByKey, issue and projectByKey whether hidden, deleted, missing or malformed', async () => {
    const keys = [
      issues[2].key,
      hiddenIssue.key,
      deletedIssue.key,
      `${projects[0].key}-9999`,
      'NOPE-1',
      'not a key',
      issues[2].key.toLowerCase(),
    ];
    const byKey = await countAliased('issueByKey', 'key', 'String!', keys, 'id key');
    expect(byKey.results).toEqual([issues[2], null, null, null, null, null, issues[2]]);
    const byId = await countAliased('issue', 'id', 'ID!', [hiddenIssue.id, issues[3].id, deletedIssue.id, globalId('Issue')], 'id key');
    expect(byId.results).toEqual([null, issues[3], null, null]);
    const projectsByKey = await countAliased('projectByKey', 'key', 'String!', [hiddenProject.key, projects[2].key, 'ZZZZZZ'], 'id key');
    expect(projectsByKey.results).toEqual([null, projects[2], null]);
  });

  it('answers an outsider with nulls only, as for ids that do not exist', async () => {
    const ids = [issues[0].id, projects[0].id, globalId('Issue'), globalId('Project')];
    const res = await t.gql<{ nodes: NodeView[] }>(NODES, { ids }, outsider.token);
    expect(res.errors).toBeUndefined();
    expect(res.data.nodes).toEqual([null, null, null, null]);
    const byKey = await t.gql<{ a: NodeView; b: NodeView }>(
      'query($a: String!, $b: String!) { a: issueByKey(key: $a) { id } b: issueByKey(key: $b) { id } }',
      { a: issues[0].key, b: hiddenIssue.key },
      outsider.token,
    );
    expect(byKey.data).toEqual({ a: null, b: { id: hiddenIssue.id } });
  });

  it('load each alias with its own selection', async () => {
    const { data } = await count(
      'query($id: ID!, $key: String!) { a: issue(id: $id) { title } b: issueByKey(key: $key) { key description project { name } } c: node(id: $id) { id } }',
      { id: issues[4].id, key: issues[4].key },
    );
    const { a, b, c } = data as { a: object; b: { project: { name: string } }; c: object };
    expect(Object.keys(a)).toEqual(['title']);
    expect(b).toEqual({ key: issues[4].key, description: '', project: { name: b.project.name } });
    expect(b.project.name).not.toBe('');
    expect(c).toEqual({ id: issues[4].id });
  });

  it('refuse more than 100 ids in nodes with BAD_USER_INPUT', async () => {
    const at = await t.gql<{ nodes: unknown[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: mixedIds(100) }, owner.token);
    expect(at.errors).toBeUndefined();
    const over = await t.gql<{ nodes: unknown[] }>('query($ids: [ID!]!) { nodes(ids: $ids) { id } }', { ids: mixedIds(101) }, owner.token);
    expect(over.errors?.map((e) => e.extensions?.code)).toEqual(['BAD_USER_INPUT']);
  });
});
