// Helpers for test/projects.test.ts: a project with one user per role, the project and member
// mutations as small typed calls, and global ids built by hand for "missing" and "foreign" cases.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createProjectAs, signUpUser, type SignedUp, type TestApp } from './app.js';

export type Role = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';
export const ROLES: Role[] = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'];

export type FieldError = { field: string; message: string };

/** A mutation's result union member: the payload's fields, or an Error's code and message. */
export type Outcome<P = unknown> = { __typename: string; code?: string; message?: string; fieldErrors?: FieldError[] } & Partial<P>;

/** A Relay global id as the server builds them: base64 of `Type:rawId`. */
export const globalId = (typename: string, raw: string = randomUUID()) => Buffer.from(`${typename}:${raw}`).toString('base64');

/** The raw id inside a global id. */
export const rawIdOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

const ERROR_FIELDS = '... on Error { code message } ... on ValidationError { fieldErrors { field message } }';

/** Runs `field(input: $input)` and returns its union member; top-level errors fail the test. */
export async function mutate<P>(
  t: TestApp,
  token: string,
  field: string,
  inputType: string,
  selection: string,
  input: Record<string, unknown>,
): Promise<Outcome<P>> {
  const res = await t.gql<Record<string, Outcome<P>>>(
    `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ${selection} ${ERROR_FIELDS} } }`,
    { input },
    token,
  );
  expect(res.errors, `${field}: ${JSON.stringify(res.errors)}`).toBeUndefined();
  return res.data[field];
}

export type ProjectFields = {
  id: string;
  key: string;
  name: string;
  description: string;
  archivedAt: string | null;
  owner: { id: string };
};
const PROJECT = 'project { id key name description archivedAt owner { id } }';
type ProjectPayload = { project: ProjectFields };
export type MemberFields = { id: string; role: Role; user: { id: string }; project: { id: string } };
type MemberPayload = { member: MemberFields };
type RemovedPayload = { projectId: string; userId: string };

export const createProject = (t: TestApp, token: string, input: { key: string; name: string; description?: string }) =>
  mutate<ProjectPayload>(t, token, 'createProject', 'CreateProjectInput', `... on ProjectPayload { ${PROJECT} }`, input);

export const updateProject = (t: TestApp, token: string, input: { id: string; name?: string | null; description?: string | null }) =>
  mutate<ProjectPayload>(t, token, 'updateProject', 'UpdateProjectInput', `... on ProjectPayload { ${PROJECT} }`, input);

export const archiveProject = (t: TestApp, token: string, id: string) =>
  mutate<ProjectPayload>(t, token, 'archiveProject', 'ProjectIdInput', `... on ProjectPayload { ${PROJECT} }`, { id });

export const unarchiveProject = (t: TestApp, token: string, id: string) =>
  mutate<ProjectPayload>(t, token, 'unarchiveProject', 'ProjectIdInput', `... on ProjectPayload { ${PROJECT} }`, { id });

export const deleteProject = (t: TestApp, token: string, id: string) =>
  mutate<{ deletedId: string }>(t, token, 'deleteProject', 'ProjectIdInput', '... on DeletePayload { deletedId }', { id });

export const transferOwnership = (t: TestApp, token: string, projectId: string, newOwnerId: string) =>
  mutate<ProjectPayload>(t, token, 'transferProjectOwnership', 'TransferProjectOwnershipInput', `... on ProjectPayload { ${PROJECT} }`, {
    projectId,
    newOwnerId,
  });

const MEMBER = '... on ProjectMemberPayload { member { id role user { id } project { id } } }';

/** Adds a user by id (or by email with `{ email }`); `role` left out means the server's default. */
export const addMember = (t: TestApp, token: string, projectId: string, who: string | { email: string }, role?: Role) =>
  mutate<MemberPayload>(t, token, 'addProjectMember', 'AddProjectMemberInput', MEMBER, {
    projectId,
    ...(typeof who === 'string' ? { userId: who } : who),
    ...(role ? { role } : {}),
  });

export const changeRole = (t: TestApp, token: string, projectId: string, userId: string, role: Role) =>
  mutate<MemberPayload>(t, token, 'changeProjectMemberRole', 'ChangeProjectMemberRoleInput', MEMBER, { projectId, userId, role });

export const removeMember = (t: TestApp, token: string, projectId: string, userId: string) =>
  mutate<RemovedPayload>(
    t,
    token,
    'removeProjectMember',
    'RemoveProjectMemberInput',
    '... on RemoveProjectMemberPayload { projectId userId }',
    { projectId, userId },
  );

export const leaveProject = (t: TestApp, token: string, projectId: string) =>
  mutate<RemovedPayload>(t, token, 'leaveProject', 'LeaveProjectInput', '... on RemoveProjectMemberPayload { projectId userId }', {
    projectId,
  });

export type IssueFields = { id: string; key: string; status: string; assignee: { id: string } | null };
export const createIssue = (t: TestApp, token: string, input: { projectId: string; title: string; assigneeId?: string; status?: string }) =>
  mutate<{ issue: IssueFields }>(
    t,
    token,
    'createIssue',
    'CreateIssueInput',
    '... on IssuePayload { issue { id key status assignee { id } } }',
    input,
  );

export const createLabel = (t: TestApp, token: string, projectId: string, name: string) =>
  mutate<{ label: { id: string; name: string } }>(
    t,
    token,
    'createLabel',
    'CreateLabelInput',
    '... on LabelPayload { label { id name } }',
    { projectId, name },
  );

/** Asserts a mutation succeeded with `typename` and returns it with the payload fields present. */
export function ok<P>(outcome: Outcome<P>, typename: string): P {
  expect(outcome, JSON.stringify(outcome)).toMatchObject({ __typename: typename });
  return outcome as P;
}

/** A project owned by `owner`, with one signed-up user per other role and an outsider. */
export type Team = {
  project: { id: string; key: string };
  owner: SignedUp;
  admin: SignedUp;
  member: SignedUp;
  viewer: SignedUp;
  outsider: SignedUp;
  byRole: Record<Role, SignedUp>;
};

export async function createTeam(t: TestApp): Promise<Team> {
  const [owner, admin, member, viewer, outsider] = await Promise.all(
    ['Owner', 'Admin', 'Member', 'Viewer', 'Outsider'].map((name) => signUpUser(t, name)),
  );
  const project = await createProjectAs(t, owner.token);
  const byRole: Record<Role, SignedUp> = { OWNER: owner, ADMIN: admin, MEMBER: member, VIEWER: viewer };
  for (const role of ['ADMIN', 'MEMBER', 'VIEWER'] as const) {
    ok(await addMember(t, owner.token, project.id, byRole[role].id, role), 'ProjectMemberPayload');
  }
  return { project, owner, admin, member, viewer, outsider, byRole };
}

/** Everything a project write could change, as `token` reads it (null when not visible). */
export type ProjectState = {
  name: string;
  description: string;
  archivedAt: string | null;
  updatedAt: string;
  owner: { id: string };
  members: { edges: { node: { role: Role; user: { id: string } } }[] };
  labels: { edges: { node: { name: string } }[] };
  issues: { totalCount: number };
} | null;

export async function projectState(t: TestApp, token: string, id: string): Promise<ProjectState> {
  const res = await t.gql<{ project: ProjectState }>(
    `query($id: ID!) { project(id: $id) { name description archivedAt updatedAt owner { id }
      members(first: 100) { edges { node { role user { id } } } }
      labels(first: 100) { edges { node { name } } }
      issues(first: 1, filter: { archived: false }) { totalCount } } }`,
    { id },
    token,
  );
  expect(res.errors).toBeUndefined();
  return res.data.project;
}

/** The viewer's role in a project, or null if they cannot see it. */
export async function roleIn(t: TestApp, token: string, projectId: string): Promise<Role | null> {
  const res = await t.gql<{ project: { viewerRole: Role } | null }>(
    'query($id: ID!) { project(id: $id) { viewerRole } }',
    { id: projectId },
    token,
  );
  expect(res.errors).toBeUndefined();
  return res.data.project?.viewerRole ?? null;
}
