// Projects and members (issue #4) end to end through app.fetch, with real tokens for each role and
// for outsiders (signed-up users who are not members).
//
// Permission matrix: what each role may do in a project. Denied members get a ForbiddenError
// (code FORBIDDEN) and nothing changes; outsiders get a NotFoundError (code NOT_FOUND) identical to
// the one for a project id that does not exist, and lookups give them null.
//
// | action                                          | OWNER | ADMIN | MEMBER | VIEWER | outsider  |
// |-------------------------------------------------|-------|-------|--------|--------|-----------|
// | read: project, projectByKey, node, members, ... |  yes  |  yes  |  yes   |  yes   | null      |
// | createIssue                                     |  yes  |  yes  |  yes   | FORBID | NOT_FOUND |
// | updateProject, archiveProject, unarchiveProject |  yes  |  yes  | FORBID | FORBID | NOT_FOUND |
// | add/changeRole/remove members, createLabel      |  yes  |  yes¹ | FORBID | FORBID | NOT_FOUND |
// | deleteProject, transferProjectOwnership         |  yes  | FORBID| FORBID | FORBID | NOT_FOUND |
// | leaveProject                                    |  yes² |  yes  |  yes   |  yes   | NOT_FOUND |
//
// ¹ Admins cannot add owners, grant OWNER, or change or remove an owner (FORBIDDEN).
// ² Not the last owner (CONFLICT); once another owner exists, `project.owner` moves to them.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { signUpUser, startTestApp, unique, uniqueKey, type GqlResponse, type SignedUp, type TestApp } from './helpers/app.js';
import {
  addMember,
  archiveProject,
  changeRole,
  createIssue,
  createLabel,
  createProject,
  createTeam,
  deleteProject,
  globalId,
  leaveProject,
  ok,
  type Outcome,
  projectState,
  removeMember,
  type Role,
  roleIn,
  ROLES,
  type Team,
  transferOwnership,
  unarchiveProject,
  updateProject,
} from './helpers/projects.js';

let t: TestApp;
beforeAll(async () => {
  t = await startTestApp();
});
afterAll(() => t.close());

const RANK: Record<Role, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3, OWNER: 4 };

/** The error outcome of a denied write, minus details that legitimately differ. */
const errorOf = (outcome: Outcome) => ({ __typename: outcome.__typename, code: outcome.code, message: outcome.message });

function expectForbidden(outcome: Outcome, label: string) {
  expect(outcome, label).toMatchObject({ __typename: 'ForbiddenError', code: 'FORBIDDEN' });
  expect(outcome.message, label).toBeTruthy();
}

function expectBadInput(res: GqlResponse<unknown>, label: string) {
  expect(res.errors ?? [], `${label} should fail, got ${JSON.stringify(res.data)}`).not.toHaveLength(0);
  const [error] = res.errors!;
  expect(error.extensions?.code, `${label}: ${JSON.stringify(error)}`).toBe('BAD_USER_INPUT');
  expect(error.message, label).not.toMatch(/unexpected/i);
}

const PROJECT_BY_ID = 'query($id: ID!) { project(id: $id) { id key } }';
const PROJECT_BY_KEY = 'query($key: String!) { projectByKey(key: $key) { id key } }';
const NODE = 'query($id: ID!) { node(id: $id) { __typename id } }';
const NODES = 'query($ids: [ID!]!) { nodes(ids: $ids) { __typename id } }';

type ProjectList = {
  edges: { cursor: string; node: { id: string; key: string; name: string } }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
};
const LIST_FIELDS = 'edges { cursor node { id key name } } pageInfo { hasNextPage hasPreviousPage startCursor endCursor }';

/** `projects(...)` and `viewer.projects(...)` with the same arguments; asserts they agree. */
async function listProjects(token: string, args: Record<string, unknown> = {}): Promise<ProjectList> {
  const vars = '$first: Int, $after: String, $last: Int, $before: String, $filter: ProjectFilter, $orderBy: ProjectOrder';
  const call = 'first: $first, after: $after, last: $last, before: $before, filter: $filter, orderBy: $orderBy';
  const res = await t.gql<{ projects: ProjectList; viewer: { projects: ProjectList } }>(
    `query(${vars}) { projects(${call}) { ${LIST_FIELDS} } viewer { projects(${call}) { ${LIST_FIELDS} } } }`,
    { first: 100, ...args },
    token,
  );
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(res.data.viewer.projects.edges).toEqual(res.data.projects.edges);
  return res.data.projects;
}

const keysOf = (list: ProjectList) => list.edges.map((e) => e.node.key);

async function lookup(token: string, project: { id: string; key: string }) {
  const byId = await t.gql<{ project: { id: string } | null }>(PROJECT_BY_ID, { id: project.id }, token);
  const byKey = await t.gql<{ projectByKey: { id: string } | null }>(PROJECT_BY_KEY, { key: project.key }, token);
  const node = await t.gql<{ node: { id: string } | null }>(NODE, { id: project.id }, token);
  for (const res of [byId, byKey, node]) expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return { byId: byId.data.project, byKey: byKey.data.projectByKey, node: node.data.node };
}

// ---- the permission matrix ---------------------------------------------------------------------

type Action = {
  name: string;
  /** The weakest role allowed to do it. */
  min: Role;
  success: string;
  /** Runs once before any attempt; `spare` is a signed-up user the action may involve. */
  setup?: (team: Team, spare: SignedUp) => Promise<void>;
  attempt: (token: string, projectId: string, team: Team, spare: SignedUp) => Promise<Outcome>;
  /** Undoes a successful attempt so the next allowed role can try the same thing. */
  reset?: (team: Team, spare: SignedUp) => Promise<void>;
};

const ACTIONS: Action[] = [
  {
    name: 'createIssue',
    min: 'MEMBER',
    success: 'IssuePayload',
    attempt: (token, projectId) => createIssue(t, token, { projectId, title: 'Matrix issue' }),
  },
  {
    name: 'updateProject',
    min: 'ADMIN',
    success: 'ProjectPayload',
    attempt: (token, id) => updateProject(t, token, { id, name: unique('Renamed ') }),
  },
  {
    name: 'archiveProject',
    min: 'ADMIN',
    success: 'ProjectPayload',
    attempt: (token, id) => archiveProject(t, token, id),
    reset: async (team) => void ok(await unarchiveProject(t, team.owner.token, team.project.id), 'ProjectPayload'),
  },
  {
    name: 'unarchiveProject',
    min: 'ADMIN',
    success: 'ProjectPayload',
    setup: async (team) => void ok(await archiveProject(t, team.owner.token, team.project.id), 'ProjectPayload'),
    attempt: (token, id) => unarchiveProject(t, token, id),
    reset: async (team) => void ok(await archiveProject(t, team.owner.token, team.project.id), 'ProjectPayload'),
  },
  {
    name: 'addProjectMember',
    min: 'ADMIN',
    success: 'ProjectMemberPayload',
    attempt: (token, projectId, _team, spare) => addMember(t, token, projectId, spare.id),
    reset: async (team, spare) => void ok(await removeMember(t, team.owner.token, team.project.id, spare.id), 'RemoveProjectMemberPayload'),
  },
  {
    name: 'changeProjectMemberRole',
    min: 'ADMIN',
    success: 'ProjectMemberPayload',
    setup: async (team, spare) =>
      void ok(await addMember(t, team.owner.token, team.project.id, spare.id, 'VIEWER'), 'ProjectMemberPayload'),
    attempt: (token, projectId, _team, spare) => changeRole(t, token, projectId, spare.id, 'MEMBER'),
    reset: async (team, spare) =>
      void ok(await changeRole(t, team.owner.token, team.project.id, spare.id, 'VIEWER'), 'ProjectMemberPayload'),
  },
  {
    name: 'removeProjectMember',
    min: 'ADMIN',
    success: 'RemoveProjectMemberPayload',
    setup: async (team, spare) =>
      void ok(await addMember(t, team.owner.token, team.project.id, spare.id, 'VIEWER'), 'ProjectMemberPayload'),
    attempt: (token, projectId, _team, spare) => removeMember(t, token, projectId, spare.id),
    reset: async (team, spare) =>
      void ok(await addMember(t, team.owner.token, team.project.id, spare.id, 'VIEWER'), 'ProjectMemberPayload'),
  },
  {
    name: 'createLabel',
    min: 'ADMIN',
    success: 'LabelPayload',
    attempt: (token, projectId) => createLabel(t, token, projectId, unique('label-')),
  },
  {
    name: 'transferProjectOwnership',
    min: 'OWNER',
    success: 'ProjectPayload',
    setup: async (team, spare) =>
      void ok(await addMember(t, team.owner.token, team.project.id, spare.id, 'MEMBER'), 'ProjectMemberPayload'),
    attempt: (token, projectId, _team, spare) => transferOwnership(t, token, projectId, spare.id),
  },
  {
    name: 'deleteProject',
    min: 'OWNER',
    success: 'DeletePayload',
    attempt: (token, id) => deleteProject(t, token, id),
  },
];

describe('permission matrix', () => {
  for (const action of ACTIONS) {
    const denied = ROLES.filter((role) => RANK[role] < RANK[action.min]);
    const allowed = ROLES.filter((role) => RANK[role] >= RANK[action.min]).reverse(); // weakest first
    it(`${action.name}: allowed for ${allowed.join(', ')}; FORBIDDEN for ${denied.join(', ') || 'nobody'}; NOT_FOUND for outsiders`, async () => {
      const team = await createTeam(t);
      const spare = await signUpUser(t, 'Spare');
      await action.setup?.(team, spare);
      const before = await projectState(t, team.owner.token, team.project.id);

      for (const role of denied) {
        expectForbidden(await action.attempt(team.byRole[role].token, team.project.id, team, spare), `${action.name} as ${role}`);
      }
      const hidden = await action.attempt(team.outsider.token, team.project.id, team, spare);
      const missing = await action.attempt(team.outsider.token, globalId('Project'), team, spare);
      expect(hidden, `${action.name} as outsider`).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
      expect(errorOf(hidden)).toEqual(errorOf(missing));
      // A member with a made-up project id gets the very same answer as the outsider.
      expect(errorOf(await action.attempt(team.member.token, globalId('Project'), team, spare))).toEqual(errorOf(missing));

      expect(await projectState(t, team.owner.token, team.project.id), 'nothing changed').toEqual(before);

      for (const role of allowed) {
        ok(await action.attempt(team.byRole[role].token, team.project.id, team, spare), action.success);
        if (role !== allowed.at(-1)) await action.reset?.(team, spare);
      }
    });
  }

  it('reports each role its viewerRole and viewerCan; outsiders see no project at all', async () => {
    const team = await createTeam(t);
    const expected: Record<Role, Record<string, boolean>> = {
      OWNER: { createIssue: true, update: true, administer: true, delete: true, transferOwnership: true, leave: true },
      ADMIN: { createIssue: true, update: true, administer: true, delete: false, transferOwnership: false, leave: true },
      MEMBER: { createIssue: true, update: false, administer: false, delete: false, transferOwnership: false, leave: true },
      VIEWER: { createIssue: false, update: false, administer: false, delete: false, transferOwnership: false, leave: true },
    };
    const query = `query($id: ID!, $key: String!) {
      project(id: $id) { id viewerRole viewerCan { createIssue update administer delete transferOwnership leave }
        owner { id } members(first: 10) { edges { node { role } } } issues(first: 5) { totalCount } }
      projectByKey(key: $key) { id viewerRole } }`;
    type Res = {
      project: {
        id: string;
        viewerRole: Role;
        viewerCan: Record<string, boolean>;
        owner: { id: string };
        members: { edges: unknown[] };
        issues: { totalCount: number };
      } | null;
      projectByKey: { id: string; viewerRole: Role } | null;
    };
    ok(await createIssue(t, team.member.token, { projectId: team.project.id, title: 'Readable by all' }), 'IssuePayload');
    for (const role of ROLES) {
      const res = await t.gql<Res>(query, { id: team.project.id, key: team.project.key }, team.byRole[role].token);
      expect(res.errors).toBeUndefined();
      expect(res.data.project, role).toMatchObject({
        id: team.project.id,
        viewerRole: role,
        viewerCan: expected[role],
        owner: { id: team.owner.id },
        issues: { totalCount: 1 },
      });
      expect(res.data.project?.members.edges, role).toHaveLength(4);
      expect(res.data.projectByKey, role).toEqual({ id: team.project.id, viewerRole: role });
    }
    const outsider = await t.gql<Res>(query, { id: team.project.id, key: team.project.key }, team.outsider.token);
    expect(outsider.errors).toBeUndefined();
    expect(outsider.data).toEqual({ project: null, projectByKey: null });
  });
});

// ---- project lifecycle -------------------------------------------------------------------------

describe('createProject and updateProject', () => {
  it('creates a project with an upper-cased key, owned by its creator, who is its only (OWNER) member', async () => {
    const owner = await signUpUser(t);
    const key = uniqueKey();
    const created = ok(await createProject(t, owner.token, { key: key.toLowerCase(), name: '  Website  ' }), 'ProjectPayload');
    expect(created.project).toMatchObject({ key, name: 'Website', description: '', archivedAt: null, owner: { id: owner.id } });
    const state = await projectState(t, owner.token, created.project.id);
    expect(state?.members.edges).toEqual([{ node: { role: 'OWNER', user: { id: owner.id } } }]);
    expect(await roleIn(t, owner.token, created.project.id)).toBe('OWNER');
  });

  it('changes only the fields given, trims the name, and rejects bad input without changing anything', async () => {
    const team = await createTeam(t);
    const id = team.project.id;
    const renamed = ok(await updateProject(t, team.admin.token, { id, name: '  Renamed  ' }), 'ProjectPayload');
    expect(renamed.project).toMatchObject({ name: 'Renamed', description: '' });
    const described = ok(await updateProject(t, team.owner.token, { id, description: 'What it is for' }), 'ProjectPayload');
    expect(described.project).toMatchObject({ name: 'Renamed', description: 'What it is for', key: team.project.key });

    const before = await projectState(t, team.owner.token, id);
    const cases: [string, Record<string, unknown>, string][] = [
      ['nothing to change', {}, 'name'],
      ['blank name', { name: '   ' }, 'name'],
      ['name too long', { name: 'x'.repeat(101) }, 'name'],
      ['description too long', { description: 'x'.repeat(10_001) }, 'description'],
      ['null name', { name: null }, 'name'],
    ];
    for (const [label, input, field] of cases) {
      const res = await updateProject(t, team.admin.token, { id, ...input });
      expect(res, label).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
      expect(
        res.fieldErrors?.map((f) => f.field),
        label,
      ).toContain(field);
    }
    expect(await projectState(t, team.owner.token, id)).toEqual(before);
  });
});

describe('archiveProject and unarchiveProject', () => {
  it('takes an archived project out of default lists for every member, but it stays readable and listable on request', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const archived = ok(await archiveProject(t, team.admin.token, project.id), 'ProjectPayload');
    expect(archived.project.archivedAt).not.toBeNull();

    for (const role of ROLES) {
      const token = team.byRole[role].token;
      expect(keysOf(await listProjects(token)), role).not.toContain(project.key);
      expect(keysOf(await listProjects(token, { filter: { archived: false } })), role).not.toContain(project.key);
      expect(keysOf(await listProjects(token, { filter: { archived: true } })), role).toContain(project.key);
      expect((await lookup(token, project)).byId, role).toEqual({ id: project.id, key: project.key });
      expect((await projectState(t, token, project.id))?.archivedAt, role).toBe(archived.project.archivedAt);
    }
    expect(keysOf(await listProjects(team.outsider.token, { filter: { archived: true } }))).not.toContain(project.key);

    const back = ok(await unarchiveProject(t, team.owner.token, project.id), 'ProjectPayload');
    expect(back.project.archivedAt).toBeNull();
    expect(keysOf(await listProjects(team.viewer.token))).toContain(project.key);
    expect(keysOf(await listProjects(team.viewer.token, { filter: { archived: true } }))).not.toContain(project.key);
  });
});

describe('deleteProject', () => {
  it('hides the project, its issues, members and labels from everyone, and keeps its key taken', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const issue = ok(await createIssue(t, team.member.token, { projectId: project.id, title: 'Doomed' }), 'IssuePayload').issue;
    const label = ok(await createLabel(t, team.admin.token, project.id, 'bug'), 'LabelPayload').label;
    const members = await t.gql<{ project: { members: { edges: { node: { id: string } }[] } } }>(
      'query($id: ID!) { project(id: $id) { members(first: 10) { edges { node { id } } } } }',
      { id: project.id },
      team.owner.token,
    );
    const memberIds = members.data.project.members.edges.map((e) => e.node.id);
    expect(memberIds).toHaveLength(4);

    const deleted = ok(await deleteProject(t, team.owner.token, project.id), 'DeletePayload');
    expect(deleted.deletedId).toBe(project.id);

    for (const role of ROLES) {
      const token = team.byRole[role].token;
      expect(await lookup(token, project), role).toEqual({ byId: null, byKey: null, node: null });
      const ids = [project.id, issue.id, label.id, ...memberIds];
      const nodes = await t.gql<{ nodes: unknown[] }>(NODES, { ids }, token);
      expect(nodes.errors).toBeUndefined();
      expect(nodes.data.nodes, role).toEqual(ids.map(() => null));
      const reads = await t.gql<{ issueByKey: unknown; issue: unknown; issues: { totalCount: number; edges: { node: { id: string } }[] } }>(
        'query($key: String!, $id: ID!) { issueByKey(key: $key) { id } issue(id: $id) { id } issues(first: 100) { totalCount edges { node { id } } } }',
        { key: issue.key, id: issue.id },
        token,
      );
      expect(reads.errors).toBeUndefined();
      expect(reads.data.issueByKey, role).toBeNull();
      expect(reads.data.issue, role).toBeNull();
      expect(
        reads.data.issues.edges.map((e) => e.node.id),
        role,
      ).not.toContain(issue.id);
      expect(reads.data.issues.totalCount, role).toBe(0);
      expect(keysOf(await listProjects(token)), role).not.toContain(project.key);
      expect(keysOf(await listProjects(token, { filter: { archived: true } })), role).not.toContain(project.key);
    }

    // Every write now answers as for a project that never existed, the owner's included.
    const missing = await deleteProject(t, team.owner.token, globalId('Project'));
    expect(errorOf(await deleteProject(t, team.owner.token, project.id))).toEqual(errorOf(missing));
    const missingIssue = await createIssue(t, team.member.token, { projectId: globalId('Project'), title: 'x' });
    expect(errorOf(await createIssue(t, team.member.token, { projectId: project.id, title: 'x' }))).toEqual(errorOf(missingIssue));

    for (const who of [team.owner, team.outsider]) {
      const again = await createProject(t, who.token, { key: project.key, name: 'Second life' });
      expect(again, 'key stays taken').toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    }
  });
});

describe('transferProjectOwnership', () => {
  it('makes a member the OWNER and project.owner, and the previous owner an ADMIN', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const moved = ok(await transferOwnership(t, team.owner.token, project.id, team.viewer.id), 'ProjectPayload');
    expect(moved.project.owner.id).toBe(team.viewer.id);
    expect(await roleIn(t, team.viewer.token, project.id)).toBe('OWNER');
    expect(await roleIn(t, team.owner.token, project.id)).toBe('ADMIN');
    expect((await projectState(t, team.admin.token, project.id))?.owner.id).toBe(team.viewer.id);

    // The previous owner keeps admin rights only; the new one has all of them.
    expectForbidden(await deleteProject(t, team.owner.token, project.id), 'former owner deletes');
    expectForbidden(await transferOwnership(t, team.owner.token, project.id, team.owner.id), 'former owner takes it back');
    ok(await updateProject(t, team.owner.token, { id: project.id, name: 'Still admin' }), 'ProjectPayload');
    ok(await transferOwnership(t, team.viewer.token, project.id, team.owner.id), 'ProjectPayload');
    expect(await roleIn(t, team.owner.token, project.id)).toBe('OWNER');
    expect(await roleIn(t, team.viewer.token, project.id)).toBe('ADMIN');
  });

  it('refuses a new owner who is not a member, or the owner themself, with a ValidationError and no change', async () => {
    const team = await createTeam(t);
    const before = await projectState(t, team.owner.token, team.project.id);
    for (const [label, newOwnerId] of [
      ['outsider', team.outsider.id],
      ['unknown user', globalId('User')],
      ['themself', team.owner.id],
    ] as const) {
      const res = await transferOwnership(t, team.owner.token, team.project.id, newOwnerId);
      expect(res, label).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
      expect(
        res.fieldErrors?.map((f) => f.field),
        label,
      ).toEqual(['newOwnerId']);
    }
    expect(await projectState(t, team.owner.token, team.project.id)).toEqual(before);
    expect(await roleIn(t, team.outsider.token, team.project.id)).toBeNull();
  });
});

// ---- members -----------------------------------------------------------------------------------

describe('addProjectMember', () => {
  it('adds by user id or by email in any case, as MEMBER by default, and the new member sees the project', async () => {
    const team = await createTeam(t);
    const [byId, byEmail, asViewer] = await Promise.all([signUpUser(t), signUpUser(t), signUpUser(t)]);
    const first = ok(await addMember(t, team.admin.token, team.project.id, byId.id), 'ProjectMemberPayload');
    expect(first.member).toMatchObject({ role: 'MEMBER', user: { id: byId.id }, project: { id: team.project.id } });
    const second = ok(
      await addMember(t, team.admin.token, team.project.id, { email: `  ${byEmail.email.toUpperCase()} ` }),
      'ProjectMemberPayload',
    );
    expect(second.member).toMatchObject({ role: 'MEMBER', user: { id: byEmail.id } });
    const third = ok(await addMember(t, team.admin.token, team.project.id, { email: asViewer.email }, 'VIEWER'), 'ProjectMemberPayload');
    expect(third.member.role).toBe('VIEWER');

    expect(await roleIn(t, byId.token, team.project.id)).toBe('MEMBER');
    expect(await roleIn(t, asViewer.token, team.project.id)).toBe('VIEWER');
    expect(keysOf(await listProjects(byEmail.token))).toEqual([team.project.key]);
    ok(await createIssue(t, byEmail.token, { projectId: team.project.id, title: 'Now I can' }), 'IssuePayload');
  });

  it('refuses duplicates (CONFLICT), unknown or deactivated users (NOT_FOUND), bad input, and admins adding owners', async () => {
    const team = await createTeam(t);
    const id = team.project.id;
    for (const who of [team.member.id, { email: team.viewer.email.toUpperCase() }, team.owner.id]) {
      expect(await addMember(t, team.admin.token, id, who), JSON.stringify(who)).toMatchObject({
        __typename: 'ConflictError',
        code: 'CONFLICT',
      });
    }
    expect(await addMember(t, team.admin.token, id, { email: `${unique('nobody-')}@example.com` })).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    expect(await addMember(t, team.admin.token, id, globalId('User'))).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });

    const gone = await signUpUser(t);
    const deactivated = await t.gql<{ deactivateAccount: { __typename: string } }>(
      'mutation($input: DeactivateAccountInput!) { deactivateAccount(input: $input) { __typename } }',
      { input: { password: gone.password } },
      gone.token,
    );
    expect(deactivated.data.deactivateAccount.__typename).toBe('DeactivateAccountPayload');
    expect(await addMember(t, team.admin.token, id, { email: gone.email })).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });

    const newcomer = await signUpUser(t);
    const both = await mutateAdd({ projectId: id, userId: newcomer.id, email: newcomer.email }, team.owner.token);
    expect(both).toMatchObject({ __typename: 'ValidationError', code: 'VALIDATION_FAILED' });
    expect(await mutateAdd({ projectId: id }, team.owner.token)).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
    });
    expect(await addMember(t, team.owner.token, id, { email: 'not-an-email' })).toMatchObject({
      __typename: 'ValidationError',
      code: 'VALIDATION_FAILED',
    });

    const before = await projectState(t, team.owner.token, id);
    expectForbidden(await addMember(t, team.admin.token, id, newcomer.id, 'OWNER'), 'admin adds an owner');
    expect(await projectState(t, team.owner.token, id)).toEqual(before);
    expect(ok(await addMember(t, team.owner.token, id, newcomer.id, 'OWNER'), 'ProjectMemberPayload').member.role).toBe('OWNER');
  });
});

/** addProjectMember with a raw input, for the combinations the typed helper does not allow. */
async function mutateAdd(input: Record<string, unknown>, token: string): Promise<Outcome> {
  const res = await t.gql<{ addProjectMember: Outcome }>(
    'mutation($input: AddProjectMemberInput!) { addProjectMember(input: $input) { __typename ... on Error { code message } } }',
    { input },
    token,
  );
  expect(res.errors).toBeUndefined();
  return res.data.addProjectMember;
}

describe('changeProjectMemberRole', () => {
  it('lets admins change non-owners, but not touch owners nor grant OWNER', async () => {
    const team = await createTeam(t);
    const id = team.project.id;
    expect(ok(await changeRole(t, team.admin.token, id, team.member.id, 'VIEWER'), 'ProjectMemberPayload').member).toMatchObject({
      role: 'VIEWER',
      user: { id: team.member.id },
    });
    expect(await roleIn(t, team.member.token, id)).toBe('VIEWER');
    ok(await changeRole(t, team.admin.token, id, team.viewer.id, 'ADMIN'), 'ProjectMemberPayload');
    expect(await roleIn(t, team.viewer.token, id)).toBe('ADMIN');

    const before = await projectState(t, team.owner.token, id);
    expectForbidden(await changeRole(t, team.admin.token, id, team.owner.id, 'MEMBER'), 'admin demotes the owner');
    expectForbidden(await changeRole(t, team.admin.token, id, team.member.id, 'OWNER'), 'admin grants OWNER');
    expectForbidden(await changeRole(t, team.admin.token, id, team.admin.id, 'OWNER'), 'admin promotes themself');
    expect(await projectState(t, team.owner.token, id)).toEqual(before);

    expect(await changeRole(t, team.admin.token, id, team.outsider.id, 'MEMBER')).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });

  it('never demotes the last owner (CONFLICT); with two owners the primary owner moves to the one who stays', async () => {
    const team = await createTeam(t);
    const id = team.project.id;
    const before = await projectState(t, team.owner.token, id);
    expect(await changeRole(t, team.owner.token, id, team.owner.id, 'ADMIN')).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
    });
    expect(await projectState(t, team.owner.token, id)).toEqual(before);

    ok(await changeRole(t, team.owner.token, id, team.admin.id, 'OWNER'), 'ProjectMemberPayload');
    expect(await roleIn(t, team.admin.token, id)).toBe('OWNER');
    ok(await changeRole(t, team.admin.token, id, team.owner.id, 'MEMBER'), 'ProjectMemberPayload');
    expect(await roleIn(t, team.owner.token, id)).toBe('MEMBER');
    expect((await projectState(t, team.member.token, id))?.owner.id).toBe(team.admin.id);
    expect(await changeRole(t, team.admin.token, id, team.admin.id, 'VIEWER')).toMatchObject({
      __typename: 'ConflictError',
      code: 'CONFLICT',
    });
  });
});

describe('removeProjectMember', () => {
  it('removes a member, unassigns their open issues in that project only, and the project vanishes for them', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const elsewhere = await sharedProject(team.owner, team.member);
    const open = ok(
      await createIssue(t, team.owner.token, { projectId: project.id, title: 'Open', assigneeId: team.member.id, status: 'IN_PROGRESS' }),
      'IssuePayload',
    ).issue;
    const done = ok(
      await createIssue(t, team.owner.token, { projectId: project.id, title: 'Done', assigneeId: team.member.id, status: 'DONE' }),
      'IssuePayload',
    ).issue;
    const other = ok(
      await createIssue(t, team.owner.token, { projectId: elsewhere.id, title: 'Other project', assigneeId: team.member.id }),
      'IssuePayload',
    ).issue;

    const removed = ok(await removeMember(t, team.admin.token, project.id, team.member.id), 'RemoveProjectMemberPayload');
    expect(removed).toMatchObject({ projectId: project.id, userId: team.member.id });

    const assignees = await t.gql<{ nodes: ({ assignee: { id: string } | null } | null)[] }>(
      'query($ids: [ID!]!) { nodes(ids: $ids) { ... on Issue { assignee { id } } } }',
      { ids: [open.id, done.id, other.id] },
      team.owner.token,
    );
    expect(assignees.data.nodes).toEqual([{ assignee: null }, { assignee: { id: team.member.id } }, { assignee: { id: team.member.id } }]);

    expect(await lookup(team.member.token, project)).toEqual({ byId: null, byKey: null, node: null });
    expect(keysOf(await listProjects(team.member.token))).toEqual([elsewhere.key]);
    const missingId = globalId('Project');
    expect(errorOf(await createIssue(t, team.member.token, { projectId: project.id, title: 'x' }))).toEqual(
      errorOf(await createIssue(t, team.member.token, { projectId: missingId, title: 'x' })),
    );
    expect(errorOf(await leaveProject(t, team.member.token, project.id))).toEqual(
      errorOf(await leaveProject(t, team.member.token, missingId)),
    );
    expect((await projectState(t, team.owner.token, project.id))?.members.edges.map((e) => e.node.user.id)).not.toContain(team.member.id);

    expect(await removeMember(t, team.admin.token, project.id, team.member.id)).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
    expect(await removeMember(t, team.admin.token, project.id, team.outsider.id)).toMatchObject({
      __typename: 'NotFoundError',
      code: 'NOT_FOUND',
    });
  });

  it('does not let an admin remove an owner, nor anyone remove the last owner', async () => {
    const team = await createTeam(t);
    const id = team.project.id;
    const before = await projectState(t, team.owner.token, id);
    expectForbidden(await removeMember(t, team.admin.token, id, team.owner.id), 'admin removes the owner');
    expect(await removeMember(t, team.owner.token, id, team.owner.id)).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(await projectState(t, team.owner.token, id)).toEqual(before);

    ok(await changeRole(t, team.owner.token, id, team.admin.id, 'OWNER'), 'ProjectMemberPayload');
    ok(await removeMember(t, team.admin.token, id, team.owner.id), 'RemoveProjectMemberPayload');
    expect(await roleIn(t, team.owner.token, id)).toBeNull();
    expect((await projectState(t, team.admin.token, id))?.owner.id).toBe(team.admin.id);
  });
});

/** A second project of `owner`'s that `member` belongs to as MEMBER. */
async function sharedProject(owner: SignedUp, member: SignedUp) {
  const key = uniqueKey();
  const project = ok(await createProject(t, owner.token, { key, name: `Other ${key}` }), 'ProjectPayload').project;
  ok(await addMember(t, owner.token, project.id, member.id), 'ProjectMemberPayload');
  return project;
}

describe('leaveProject', () => {
  it('lets admins, members and viewers leave; the project is gone for them afterwards', async () => {
    const team = await createTeam(t);
    const { project } = team;
    for (const role of ['ADMIN', 'MEMBER', 'VIEWER'] as const) {
      const user = team.byRole[role];
      const left = ok(await leaveProject(t, user.token, project.id), 'RemoveProjectMemberPayload');
      expect(left, role).toEqual({ __typename: 'RemoveProjectMemberPayload', projectId: project.id, userId: user.id });
      expect(await lookup(user.token, project), role).toEqual({ byId: null, byKey: null, node: null });
      expect(keysOf(await listProjects(user.token)), role).toEqual([]);
    }
    expect((await projectState(t, team.owner.token, project.id))?.members.edges).toEqual([
      { node: { role: 'OWNER', user: { id: team.owner.id } } },
    ]);
    const hidden = await leaveProject(t, team.outsider.token, project.id);
    expect(hidden).toMatchObject({ __typename: 'NotFoundError', code: 'NOT_FOUND' });
    expect(errorOf(hidden)).toEqual(errorOf(await leaveProject(t, team.outsider.token, globalId('Project'))));
  });

  it('keeps the last owner in (CONFLICT) until another owner exists, then moves project.owner to them', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const before = await projectState(t, team.owner.token, project.id);
    const refused = await leaveProject(t, team.owner.token, project.id);
    expect(refused).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
    expect(await projectState(t, team.owner.token, project.id)).toEqual(before);

    ok(await changeRole(t, team.owner.token, project.id, team.admin.id, 'OWNER'), 'ProjectMemberPayload');
    ok(await leaveProject(t, team.owner.token, project.id), 'RemoveProjectMemberPayload');
    expect(await roleIn(t, team.owner.token, project.id)).toBeNull();
    const after = await projectState(t, team.viewer.token, project.id);
    expect(after?.owner.id).toBe(team.admin.id);
    expect(after?.members.edges.map((e) => e.node.role)).toEqual(['OWNER', 'MEMBER', 'VIEWER']);
    expect(await leaveProject(t, team.admin.token, project.id)).toMatchObject({ __typename: 'ConflictError', code: 'CONFLICT' });
  });
});

// ---- concurrent membership changes ---------------------------------------------------------------

describe('concurrent membership changes', () => {
  // Whatever order the server runs these in, the outcome is one success and one typed error; a
  // database error must never leak out as INTERNAL_SERVER_ERROR.
  const typenames = (outcomes: Outcome[]) => outcomes.map((o) => o.__typename).sort();

  it('a double leave succeeds once and answers NOT_FOUND to the other', async () => {
    const team = await createTeam(t);
    const outcomes = await Promise.all([
      leaveProject(t, team.member.token, team.project.id),
      leaveProject(t, team.member.token, team.project.id),
    ]);
    expect(typenames(outcomes)).toEqual(['NotFoundError', 'RemoveProjectMemberPayload']);
  });

  it('leaving while being removed succeeds once and answers NOT_FOUND to the other', async () => {
    const team = await createTeam(t);
    const outcomes = await Promise.all([
      removeMember(t, team.admin.token, team.project.id, team.member.id),
      leaveProject(t, team.member.token, team.project.id),
    ]);
    expect(outcomes.map((o) => o.__typename)).toContain('RemoveProjectMemberPayload');
    expect(outcomes.filter((o) => o.__typename !== 'RemoveProjectMemberPayload').map((o) => o.code)).toEqual(['NOT_FOUND']);
    expect(await roleIn(t, team.member.token, team.project.id)).toBeNull();
  });

  it('two transfers at once: the first wins, the second finds its sender an ADMIN (FORBIDDEN)', async () => {
    const team = await createTeam(t);
    const outcomes = await Promise.all([
      transferOwnership(t, team.owner.token, team.project.id, team.admin.id),
      transferOwnership(t, team.owner.token, team.project.id, team.member.id),
    ]);
    expect(typenames(outcomes)).toEqual(['ForbiddenError', 'ProjectPayload']);
    const state = await projectState(t, team.viewer.token, team.project.id);
    const owners = state?.members.edges.filter((e) => e.node.role === 'OWNER').map((e) => e.node.user.id);
    expect(owners).toEqual([state?.owner.id]);
    expect(await roleIn(t, team.owner.token, team.project.id)).toBe('ADMIN');
  });

  it('two owners leaving at once: one goes, the last one stays (CONFLICT)', async () => {
    const team = await createTeam(t);
    ok(await changeRole(t, team.owner.token, team.project.id, team.admin.id, 'OWNER'), 'ProjectMemberPayload');
    const outcomes = await Promise.all([
      leaveProject(t, team.owner.token, team.project.id),
      leaveProject(t, team.admin.token, team.project.id),
    ]);
    expect(typenames(outcomes)).toEqual(['ConflictError', 'RemoveProjectMemberPayload']);
    const state = await projectState(t, team.viewer.token, team.project.id);
    expect(state?.members.edges.filter((e) => e.node.role === 'OWNER').map((e) => e.node.user.id)).toEqual([state?.owner.id]);
  });
});

// ---- reads -------------------------------------------------------------------------------------

describe('reading projects', () => {
  it('finds a project by id and by key in any case', async () => {
    const team = await createTeam(t);
    for (const key of [team.project.key, team.project.key.toLowerCase(), ` ${team.project.key.toLowerCase()} `]) {
      const res = await t.gql<{ projectByKey: { id: string } | null }>(PROJECT_BY_KEY, { key }, team.viewer.token);
      expect(res.data.projectByKey, key).toEqual({ id: team.project.id, key: team.project.key });
    }
    expect((await lookup(team.viewer.token, team.project)).byId).toEqual({ id: team.project.id, key: team.project.key });
    const none = await t.gql<{ projectByKey: null }>(PROJECT_BY_KEY, { key: uniqueKey() }, team.viewer.token);
    expect(none.data.projectByKey).toBeNull();
  });

  it('searches by name or key prefix, orders by name, and pages forwards and backwards without skip or repeat', async () => {
    const user = await signUpUser(t);
    const tag = unique('Zeta');
    const names = ['Delta', 'Alpha', 'Golf', 'Charlie', 'Echo', 'Bravo', 'Foxtrot'];
    const created: Record<string, string> = {};
    for (const name of names) {
      const key = uniqueKey();
      ok(await createProject(t, user.token, { key, name: `${tag} ${name}` }), 'ProjectPayload');
      created[name] = key;
    }
    const other = ok(await createProject(t, user.token, { key: uniqueKey(), name: 'Unrelated' }), 'ProjectPayload').project;
    const expected = [...names].sort().map((n) => created[n]);
    const filter = { search: tag.toLowerCase() };
    const orderBy = { field: 'NAME', direction: 'ASC' };

    expect(keysOf(await listProjects(user.token, { filter, orderBy }))).toEqual(expected);
    expect(keysOf(await listProjects(user.token, { filter: { search: created.Echo.toLowerCase() } }))).toEqual([created.Echo]);
    expect(keysOf(await listProjects(user.token, { filter: { search: 'unrel' } }))).toEqual([other.key]);
    expect(keysOf(await listProjects(user.token, { filter, orderBy: { field: 'NAME', direction: 'DESC' } }))).toEqual(
      [...expected].reverse(),
    );

    const forward: string[] = [];
    let after: string | null = null;
    for (let page = 0; page < 10; page++) {
      const list = await listProjects(user.token, { filter, orderBy, first: 3, after });
      forward.push(...keysOf(list));
      expect(list.edges.length).toBeLessThanOrEqual(3);
      if (!list.pageInfo.hasNextPage) break;
      after = list.pageInfo.endCursor;
    }
    expect(forward).toEqual(expected);

    const backward: string[] = [];
    let before: string | null = null;
    for (let page = 0; page < 10; page++) {
      const list = await listProjects(user.token, { filter, orderBy, first: undefined, last: 2, before });
      backward.unshift(...keysOf(list));
      expect(list.edges.length).toBeLessThanOrEqual(2);
      if (!list.pageInfo.hasPreviousPage) break;
      before = list.pageInfo.startCursor;
    }
    expect(backward).toEqual(expected);
  });

  it('treats % and _ in a search as plain characters', async () => {
    const user = await signUpUser(t);
    const tag = unique('Wild');
    const percent = ok(await createProject(t, user.token, { key: uniqueKey(), name: `${tag} 100% done` }), 'ProjectPayload').project;
    const underscore = ok(await createProject(t, user.token, { key: uniqueKey(), name: `${tag} snake_case` }), 'ProjectPayload').project;
    ok(await createProject(t, user.token, { key: uniqueKey(), name: `${tag} plain` }), 'ProjectPayload');
    expect(keysOf(await listProjects(user.token, { filter: { search: '%' } })), '%').toEqual([percent.key]);
    expect(keysOf(await listProjects(user.token, { filter: { search: '_' } })), '_').toEqual([underscore.key]);
    expect(keysOf(await listProjects(user.token, { filter: { search: `${tag} 100%` } }))).toEqual([percent.key]);
  });

  it('lists members owners first, then by role, and pages through them', async () => {
    const team = await createTeam(t);
    const second = await signUpUser(t, 'Second owner');
    ok(await addMember(t, team.owner.token, team.project.id, second.id, 'OWNER'), 'ProjectMemberPayload');
    const expected = [
      ['OWNER', team.owner.id],
      ['OWNER', second.id],
      ['ADMIN', team.admin.id],
      ['MEMBER', team.member.id],
      ['VIEWER', team.viewer.id],
    ];
    type Members = {
      project: {
        members: { edges: { node: { role: Role; user: { id: string } } }[]; pageInfo: { hasNextPage: boolean; endCursor: string } };
      };
    };
    const query =
      'query($id: ID!, $after: String) { project(id: $id) { members(first: 2, after: $after) { edges { node { role user { id } } } pageInfo { hasNextPage endCursor } } } }';
    const seen: string[][] = [];
    let after: string | null = null;
    for (let page = 0; page < 5; page++) {
      const res: GqlResponse<Members> = await t.gql<Members>(query, { id: team.project.id, after }, team.viewer.token);
      expect(res.errors).toBeUndefined();
      seen.push(...res.data.project.members.edges.map((e) => [e.node.role, e.node.user.id]));
      if (!res.data.project.members.pageInfo.hasNextPage) break;
      after = res.data.project.members.pageInfo.endCursor;
    }
    expect(seen).toEqual(expected);
  });
});

// ---- never reveal --------------------------------------------------------------------------------

describe('outsiders', () => {
  it('cannot tell a hidden project, member or label from a missing one', async () => {
    const team = await createTeam(t);
    const label = ok(await createLabel(t, team.admin.token, team.project.id, 'secret'), 'LabelPayload').label;
    const members = await t.gql<{ project: { members: { edges: { node: { id: string } }[] } } }>(
      'query($id: ID!) { project(id: $id) { members(first: 1) { edges { node { id } } } } }',
      { id: team.project.id },
      team.member.token,
    );
    const memberId = members.data.project.members.edges[0].node.id;
    const hidden = [team.project.id, memberId, label.id];
    const missing = [globalId('Project'), globalId('ProjectMember'), globalId('Label')];

    // Members see them all.
    const visible = await t.gql<{ nodes: ({ __typename: string } | null)[] }>(NODES, { ids: hidden }, team.viewer.token);
    expect(visible.data.nodes.map((n) => n?.__typename)).toEqual(['Project', 'ProjectMember', 'Label']);

    for (const ids of [hidden, missing]) {
      const res = await t.gql<{ nodes: unknown[] }>(NODES, { ids }, team.outsider.token);
      expect(res.errors).toBeUndefined();
      expect(res.data.nodes).toEqual([null, null, null]);
      for (const id of ids) {
        const one = await t.gql<{ node: unknown }>(NODE, { id }, team.outsider.token);
        expect(one).toMatchObject({ status: 200, data: { node: null } });
        expect(one.errors).toBeUndefined();
      }
    }
    expect(await lookup(team.outsider.token, team.project)).toEqual({ byId: null, byKey: null, node: null });
    expect(keysOf(await listProjects(team.outsider.token))).toEqual([]);
  });

  it("see only shared projects in another user's projects", async () => {
    const team = await createTeam(t);
    const privateOne = ok(await createProject(t, team.member.token, { key: uniqueKey(), name: 'Private' }), 'ProjectPayload').project;
    const query = `query($id: ID!) { node(id: $id) { ... on User { id projects(first: 100) { edges { node { key } } } } } }`;
    type Res = { node: { id: string; projects: { edges: { node: { key: string } }[] } } | null };
    const keys = async (token: string) => {
      const res = await t.gql<Res>(query, { id: team.member.id }, token);
      expect(res.errors).toBeUndefined();
      return res.data.node?.projects.edges.map((e) => e.node.key);
    };
    expect(await keys(team.outsider.token)).toEqual([]);
    expect(await keys(team.viewer.token)).toEqual([team.project.key]);
    expect((await keys(team.member.token))?.sort()).toEqual([team.project.key, privateOne.key].sort());
  });
});

// ---- bad input -----------------------------------------------------------------------------------

describe('malformed and foreign global ids', () => {
  it('answer BAD_USER_INPUT, never INTERNAL_SERVER_ERROR', async () => {
    const team = await createTeam(t);
    const { project } = team;
    const userId = team.member.id;
    const garbage = 'not-a-global-id';
    const token = team.owner.token;

    expectBadInput(await t.gql(PROJECT_BY_ID, { id: userId }, token), 'project(id: <User id>)');
    expectBadInput(await t.gql(PROJECT_BY_ID, { id: garbage }, token), 'project(id: garbage)');
    const update = 'mutation($input: UpdateProjectInput!) { updateProject(input: $input) { __typename } }';
    expectBadInput(await t.gql(update, { input: { id: userId, name: 'x' } }, token), 'updateProject(<User id>)');
    expectBadInput(await t.gql(update, { input: { id: garbage, name: 'x' } }, token), 'updateProject(garbage)');
    const archive = 'mutation($input: ProjectIdInput!) { archiveProject(input: $input) { __typename } }';
    expectBadInput(await t.gql(archive, { input: { id: userId } }, token), 'archiveProject(<User id>)');
    const add = 'mutation($input: AddProjectMemberInput!) { addProjectMember(input: $input) { __typename } }';
    expectBadInput(
      await t.gql(add, { input: { projectId: project.id, userId: project.id } }, token),
      'addProjectMember(userId: <Project id>)',
    );
    expectBadInput(await t.gql(add, { input: { projectId: userId, userId } }, token), 'addProjectMember(projectId: <User id>)');
    const change = 'mutation($input: ChangeProjectMemberRoleInput!) { changeProjectMemberRole(input: $input) { __typename } }';
    expectBadInput(
      await t.gql(change, { input: { projectId: project.id, userId: garbage, role: 'VIEWER' } }, token),
      'changeProjectMemberRole(userId: garbage)',
    );
    const remove = 'mutation($input: RemoveProjectMemberInput!) { removeProjectMember(input: $input) { __typename } }';
    expectBadInput(
      await t.gql(remove, { input: { projectId: project.id, userId: project.id } }, token),
      'removeProjectMember(userId: <Project id>)',
    );
    const transfer = 'mutation($input: TransferProjectOwnershipInput!) { transferProjectOwnership(input: $input) { __typename } }';
    expectBadInput(
      await t.gql(transfer, { input: { projectId: userId, newOwnerId: userId } }, token),
      'transferProjectOwnership(projectId: <User id>)',
    );
    expectBadInput(
      await t.gql(transfer, { input: { projectId: project.id, newOwnerId: garbage } }, token),
      'transferProjectOwnership(newOwnerId: garbage)',
    );

    // node() accepts any type, but not garbage.
    expectBadInput(await t.gql(NODE, { id: garbage }, token), 'node(garbage)');

    // A well-formed global id whose raw part is not a UUID is malformed too: the same answer everywhere.
    const odd = globalId('Project', 'not-a-uuid');
    expectBadInput(await t.gql(PROJECT_BY_ID, { id: odd }, token), 'project(id: <not a uuid>)');
    expectBadInput(await t.gql(NODE, { id: odd }, token), 'node(<not a uuid>)');
    expectBadInput(await t.gql(archive, { input: { id: odd } }, token), 'archiveProject(<not a uuid>)');
    expectBadInput(
      await t.gql(change, { input: { projectId: odd, userId, role: 'VIEWER' } }, token),
      'changeProjectMemberRole(<not a uuid>)',
    );
    expectBadInput(await t.gql(remove, { input: { projectId: odd, userId } }, token), 'removeProjectMember(<not a uuid>)');
    expectBadInput(
      await t.gql(transfer, { input: { projectId: odd, newOwnerId: userId } }, token),
      'transferProjectOwnership(<not a uuid>)',
    );
    const leave = 'mutation($input: LeaveProjectInput!) { leaveProject(input: $input) { __typename } }';
    expectBadInput(await t.gql(leave, { input: { projectId: odd } }, token), 'leaveProject(<not a uuid>)');
    expectBadInput(
      await t.gql(add, { input: { projectId: project.id, userId: globalId('User', 'not-a-uuid') } }, token),
      'addProjectMember(userId: <not a uuid>)',
    );
    expect(await projectState(t, token, project.id)).toMatchObject({ name: `Project ${project.key}`, archivedAt: null });
  });

  it('transferProjectOwnership takes only a User id as newOwnerId', async () => {
    const team = await createTeam(t);
    const transfer = 'mutation($input: TransferProjectOwnershipInput!) { transferProjectOwnership(input: $input) { __typename } }';
    for (const newOwnerId of [team.project.id, globalId('Label')]) {
      expectBadInput(
        await t.gql(transfer, { input: { projectId: team.project.id, newOwnerId } }, team.owner.token),
        `newOwnerId: ${newOwnerId}`,
      );
    }
  });
});
