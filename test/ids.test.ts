// Ids are checked once, at the edge: wherever a client sends an id, one that is not ours (garbage,
// the wrong type for its field, or an inner id that is not a UUID) gets BAD_USER_INPUT before
// anything runs, never NOT_FOUND in one place and VALIDATION_FAILED in another.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestApp, type TestApp } from './helpers/app.js';
import { createIssue, globalId, issueOf, readIssue, setUpTeam, type Team } from './helpers/issues.js';

let t: TestApp;
let team: Team;
let issueId: string;
beforeAll(async () => {
  t = await startTestApp();
  team = await setUpTeam(t);
  issueId = issueOf(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Stays as it is' })).id;
});
afterAll(async () => {
  await t.close();
});

const BAD = {
  garbage: () => 'not-a-global-id',
  'not a UUID': (typename: string) => globalId(typename, 'not-a-uuid'),
  'wrong type': (typename: string) => globalId(typename === 'User' ? 'Label' : 'User'),
};

type Case = { name: string; typename: string; document: string; variables: (bad: string) => Record<string, unknown> };
const CASES: Case[] = [
  { name: 'issue(id)', typename: 'Issue', document: 'query($v: ID!) { issue(id: $v) { id } }', variables: (v) => ({ v }) },
  { name: 'project(id)', typename: 'Project', document: 'query($v: ID!) { project(id: $v) { id } }', variables: (v) => ({ v }) },
  {
    name: 'issues(filter.assigneeId)',
    typename: 'User',
    document: 'query($v: ID!) { issues(filter: { assigneeId: { in: [$v] } }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'issues(filter.projectId)',
    typename: 'Project',
    document: 'query($v: ID!) { issues(filter: { projectId: $v }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'issues(filter.labelIds)',
    typename: 'Label',
    document: 'query($v: ID!) { issues(filter: { labelIds: { some: [$v] } }) { totalCount } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'createIssue(projectId)',
    typename: 'Project',
    document: 'mutation($v: ID!) { createIssue(input: { projectId: $v, title: "x" }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'updateIssue(id)',
    typename: 'Issue',
    document: 'mutation($v: ID!) { updateIssue(input: { id: $v, title: "x" }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'updateIssue(assigneeId)',
    typename: 'User',
    document: 'mutation($i: ID!, $v: ID!) { updateIssue(input: { id: $i, assigneeId: $v }) { __typename } }',
    variables: (v) => ({ i: issueId, v }),
  },
  {
    name: 'updateIssue(labelIds)',
    typename: 'Label',
    document: 'mutation($i: ID!, $v: ID!) { updateIssue(input: { id: $i, labelIds: [$v] }) { __typename } }',
    variables: (v) => ({ i: issueId, v }),
  },
  {
    name: 'archiveIssue(id)',
    typename: 'Issue',
    document: 'mutation($v: ID!) { archiveIssue(input: { id: $v }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'deleteIssue(id)',
    typename: 'Issue',
    document: 'mutation($v: ID!) { deleteIssue(input: { id: $v }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'addComment(issueId)',
    typename: 'Issue',
    document: 'mutation($v: ID!) { addComment(input: { issueId: $v, body: "x" }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'addComment(parentId)',
    typename: 'Comment',
    document: 'mutation($i: ID!, $v: ID!) { addComment(input: { issueId: $i, body: "x", parentId: $v }) { __typename } }',
    variables: (v) => ({ i: issueId, v }),
  },
  {
    name: 'deleteComment(id)',
    typename: 'Comment',
    document: 'mutation($v: ID!) { deleteComment(input: { id: $v }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'updateLabel(id)',
    typename: 'Label',
    document: 'mutation($v: ID!) { updateLabel(input: { id: $v, name: "x" }) { __typename } }',
    variables: (v) => ({ v }),
  },
  {
    name: 'addProjectMember(userId)',
    typename: 'User',
    document: 'mutation($p: ID!, $v: ID!) { addProjectMember(input: { projectId: $p, userId: $v }) { __typename } }',
    variables: (v) => ({ p: team.project.id, v }),
  },
];

describe('an id that is not ours', () => {
  const cases = CASES.flatMap((c) => Object.entries(BAD).map(([kind, make]) => ({ ...c, kind, make })));
  it.each(cases)('$name, $kind: BAD_USER_INPUT', async ({ typename, document, variables, make }) => {
    const res = await t.gql(document, variables(make(typename)), team.owner.token);
    expect(
      res.errors?.map((e) => e.extensions?.code),
      JSON.stringify(res),
    ).toEqual(['BAD_USER_INPUT']);
  });

  it('changed nothing', async () => {
    expect(await readIssue(t, team.owner.token, issueId)).toMatchObject({
      title: 'Stays as it is',
      version: 1,
      assignee: null,
      labels: [],
    });
  });
});
