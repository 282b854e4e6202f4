// Helpers for test/issues.test.ts: a project with one user per role, and the issue, label and
// comment mutations as small typed calls through app.fetch with real tokens.
import { randomUUID } from 'node:crypto';
import { expect } from 'vitest';
import { createProjectAs, signUpUser, type SignedUp, type TestApp } from './app.js';

export type Role = 'OWNER' | 'ADMIN' | 'MEMBER' | 'VIEWER';
export type FieldError = { field: string; message: string };

/** A typed failure from a result union. */
export type Failure = {
  __typename: 'ValidationError' | 'NotFoundError' | 'ForbiddenError' | 'ConflictError';
  code: string;
  message: string;
  fieldErrors?: FieldError[];
  currentIssue?: { id: string; version: number; title: string } | null;
};

/** A Relay global id as the server builds them: base64 of `Type:rawId`. */
export const globalId = (typename: string, raw: string = randomUUID()) => Buffer.from(`${typename}:${raw}`).toString('base64');

/** The raw id inside a global id. */
export const rawIdOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[1];

/** The type name inside a global id. */
export const typenameOf = (id: string) => Buffer.from(id, 'base64').toString().split(':')[0];

/** Runs a query; top-level errors fail the test (expected failures are union members). */
export async function query<T>(t: TestApp, source: string, variables: Record<string, unknown>, token: string): Promise<T> {
  const res = await t.gql<T>(source, variables, token);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  return res.data;
}

/** What `node(id)` answers: the node (or null) and any top-level errors, which callers judge themselves. */
export async function nodeLookup(
  t: TestApp,
  token: string,
  id: string,
): Promise<{ node: { __typename: string; id: string } | null; errorCodes: string[] }> {
  const res = await t.gql<{ node: { __typename: string; id: string } | null }>(
    'query($id: ID!) { node(id: $id) { __typename id } }',
    { id },
    token,
  );
  return { node: res.data.node, errorCodes: (res.errors ?? []).map((e) => e.extensions?.code ?? e.message) };
}

// ---- a project with one user per role ---------------------------------------------------------

export type Team = {
  project: { id: string; key: string };
  owner: SignedUp;
  admin: SignedUp;
  member: SignedUp;
  /** A second MEMBER, to check "someone else's" rules. */
  member2: SignedUp;
  viewer: SignedUp;
  /** Signed up, but not in the project. */
  outsider: SignedUp;
};

export async function addMember(t: TestApp, token: string, projectId: string, userId: string, role: Role): Promise<void> {
  const data = await query<{ addProjectMember: { __typename: string } }>(
    t,
    `mutation($input: AddProjectMemberInput!) { addProjectMember(input: $input) { __typename ... on Error { code message } } }`,
    { input: { projectId, userId, role } },
    token,
  );
  expect(data.addProjectMember, JSON.stringify(data)).toEqual({ __typename: 'ProjectMemberPayload' });
}

export async function setUpTeam(t: TestApp): Promise<Team> {
  const [owner, admin, member, member2, viewer, outsider] = await Promise.all(
    ['Owner', 'Admin', 'Member', 'Member Two', 'Viewer', 'Outsider'].map((name) => signUpUser(t, name)),
  );
  const project = await createProjectAs(t, owner.token);
  for (const [user, role] of [
    [admin, 'ADMIN'],
    [member, 'MEMBER'],
    [member2, 'MEMBER'],
    [viewer, 'VIEWER'],
  ] as const) {
    await addMember(t, owner.token, project.id, user.id, role);
  }
  return { project, owner, admin, member, member2, viewer, outsider };
}

// ---- issues -----------------------------------------------------------------------------------

export type IssueView = {
  id: string;
  key: string;
  number: number;
  title: string;
  description: string;
  status: string;
  priority: string;
  estimate: number | null;
  dueDate: string | null;
  version: number;
  closedAt: string | null;
  archivedAt: string | null;
  assignee: { id: string } | null;
  reporter: { id: string };
  parent: { id: string } | null;
  labels: { id: string; name: string }[];
};

export const ISSUE = `id key number title description status priority estimate dueDate version closedAt archivedAt
  assignee { id } reporter { id } parent { id } labels { id name }`;

export type IssueResult = { __typename: 'IssuePayload'; issue: IssueView } | Failure;

const ERRORS = '... on Error { code message } ... on ValidationError { fieldErrors { field message } }';

async function issueMutation(
  t: TestApp,
  token: string,
  field: string,
  inputType: string,
  input: Record<string, unknown>,
  extra = '',
): Promise<IssueResult> {
  const data = await query<Record<string, IssueResult>>(
    t,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on IssuePayload { issue { ${ISSUE} } } ${ERRORS} ${extra} } }`,
    { input },
    token,
  );
  return data[field];
}

export type CreateIssueInput = {
  projectId: string;
  title: string;
  description?: string;
  status?: string;
  priority?: string;
  estimate?: number | null;
  dueDate?: string | null;
  assigneeId?: string | null;
  parentId?: string | null;
  labelIds?: string[] | null;
  idempotencyKey?: string;
};
export const createIssue = (t: TestApp, token: string, input: CreateIssueInput) =>
  issueMutation(t, token, 'createIssue', 'CreateIssueInput', input);

export type UpdateIssueInput = Partial<Omit<CreateIssueInput, 'projectId' | 'title'>> & {
  id: string;
  title?: string | null;
  expectedVersion?: number;
  addedLabelIds?: string[];
  removedLabelIds?: string[];
};
export const updateIssue = (t: TestApp, token: string, input: UpdateIssueInput) =>
  issueMutation(t, token, 'updateIssue', 'UpdateIssueInput', input, '... on ConflictError { currentIssue { id version title } }');

export type IssueAction = 'archiveIssue' | 'unarchiveIssue' | 'restoreIssue';
export const issueAction = (t: TestApp, token: string, action: IssueAction, id: string) =>
  issueMutation(t, token, action, 'IssueIdInput', { id });

export type DeleteResult = { __typename: 'DeletePayload'; deletedId: string } | Failure;

async function deleteMutation(t: TestApp, token: string, field: string, inputType: string, id: string, extra = ''): Promise<DeleteResult> {
  const data = await query<Record<string, DeleteResult>>(
    t,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on DeletePayload { deletedId } ${ERRORS} ${extra} } }`,
    { input: { id } },
    token,
  );
  return data[field];
}
export const deleteIssue = (t: TestApp, token: string, id: string) => deleteMutation(t, token, 'deleteIssue', 'IssueIdInput', id);

/** Asserts success and returns the issue. */
export function issueOf(result: IssueResult): IssueView {
  expect(result.__typename, JSON.stringify(result)).toBe('IssuePayload');
  return (result as { issue: IssueView }).issue;
}

/** Creates an issue that must succeed. */
export async function newIssue(t: TestApp, token: string, input: CreateIssueInput): Promise<IssueView> {
  return issueOf(await createIssue(t, token, input));
}

/** Asserts an expected failure with `code` and returns it. */
export function failure(result: { __typename: string }, code: string): Failure {
  const failed = result as Failure;
  expect(failed.code, JSON.stringify(result)).toBe(code);
  return failed;
}

/** Asserts a ValidationError on exactly these input fields. */
export function expectFieldErrors(result: { __typename: string }, fields: string[]): void {
  const failed = failure(result, 'VALIDATION_FAILED');
  expect(failed.fieldErrors?.map((f) => f.field).sort(), JSON.stringify(result)).toEqual([...fields].sort());
}

/** The issue as a member sees it now; null when hidden, deleted or missing. */
export async function readIssue(t: TestApp, token: string, id: string): Promise<IssueView | null> {
  const data = await query<{ issue: IssueView | null }>(t, `query($id: ID!) { issue(id: $id) { ${ISSUE} } }`, { id }, token);
  return data.issue;
}

export type HistoryEvent = {
  id: string;
  type: string;
  field: string | null;
  fromValue: string | null;
  toValue: string | null;
  actor: { id: string } | null;
};

export async function historyOf(t: TestApp, token: string, id: string): Promise<HistoryEvent[]> {
  const data = await query<{ issue: { history: { edges: { node: HistoryEvent }[] } } }>(
    t,
    `query($id: ID!) { issue(id: $id) { history(first: 100) { edges { node { id type field fromValue toValue actor { id } } } } } }`,
    { id },
    token,
  );
  return data.issue.history.edges.map((e) => e.node);
}

/** Keys of the project's issues in the default list (live, unarchived), and their total. */
export async function projectIssueKeys(t: TestApp, token: string, projectId: string, filter: Record<string, unknown> | null = null) {
  const data = await query<{ project: { issues: { totalCount: number; edges: { node: { key: string } }[] } } }>(
    t,
    `query($id: ID!, $filter: IssueFilter) { project(id: $id) { issues(first: 100, filter: $filter, orderBy: [{ field: NUMBER }]) { totalCount edges { node { key } } } } }`,
    { id: projectId, filter },
    token,
  );
  return { total: data.project.issues.totalCount, keys: data.project.issues.edges.map((e) => e.node.key) };
}

// ---- labels -----------------------------------------------------------------------------------

export type LabelView = { id: string; name: string; color: string; description: string };
export type LabelResult = { __typename: 'LabelPayload'; label: LabelView } | Failure;

async function labelMutation(
  t: TestApp,
  token: string,
  field: string,
  inputType: string,
  input: Record<string, unknown>,
): Promise<LabelResult> {
  const data = await query<Record<string, LabelResult>>(
    t,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on LabelPayload { label { id name color description } } ${ERRORS} } }`,
    { input },
    token,
  );
  return data[field];
}
export const createLabel = (t: TestApp, token: string, input: { projectId: string; name: string; color?: string; description?: string }) =>
  labelMutation(t, token, 'createLabel', 'CreateLabelInput', input);
export const updateLabel = (t: TestApp, token: string, input: { id: string; name?: string; color?: string; description?: string }) =>
  labelMutation(t, token, 'updateLabel', 'UpdateLabelInput', input);
export const deleteLabel = (t: TestApp, token: string, id: string) => deleteMutation(t, token, 'deleteLabel', 'LabelIdInput', id);

export function labelOf(result: LabelResult): LabelView {
  expect(result.__typename, JSON.stringify(result)).toBe('LabelPayload');
  return (result as { label: LabelView }).label;
}

export async function newLabel(t: TestApp, token: string, projectId: string, name: string): Promise<LabelView> {
  return labelOf(await createLabel(t, token, { projectId, name }));
}

// ---- comments ---------------------------------------------------------------------------------

export type CommentView = {
  id: string;
  body: string;
  deleted: boolean;
  editedAt: string | null;
  author: { id: string };
  issue: { id: string };
  parent: { id: string } | null;
};
export type CommentResult = { __typename: 'CommentPayload'; comment: CommentView } | Failure;
const COMMENT = 'id body deleted editedAt author { id } issue { id } parent { id }';

async function commentMutation(
  t: TestApp,
  token: string,
  field: string,
  inputType: string,
  input: Record<string, unknown>,
): Promise<CommentResult> {
  const data = await query<Record<string, CommentResult>>(
    t,
    `mutation($input: ${inputType}!) { ${field}(input: $input) { __typename ... on CommentPayload { comment { ${COMMENT} } } ${ERRORS} } }`,
    { input },
    token,
  );
  return data[field];
}
/** Comments on an issue, or replies to `parentId`. */
export const addComment = (t: TestApp, token: string, issueId: string, body: string, parentId?: string) =>
  commentMutation(t, token, 'addComment', 'AddCommentInput', { issueId, body, ...(parentId === undefined ? {} : { parentId }) });
export const updateComment = (t: TestApp, token: string, id: string, body: string) =>
  commentMutation(t, token, 'updateComment', 'UpdateCommentInput', { id, body });
export const deleteComment = (t: TestApp, token: string, id: string) => deleteMutation(t, token, 'deleteComment', 'CommentIdInput', id);

export function commentOf(result: CommentResult): CommentView {
  expect(result.__typename, JSON.stringify(result)).toBe('CommentPayload');
  return (result as { comment: CommentView }).comment;
}

export async function commentsOf(t: TestApp, token: string, issueId: string): Promise<{ total: number; bodies: string[] }> {
  const data = await query<{ issue: { comments: { totalCount: number; edges: { node: { body: string } }[] } } }>(
    t,
    `query($id: ID!) { issue(id: $id) { comments(first: 100) { totalCount edges { node { body } } } } }`,
    { id: issueId },
    token,
  );
  return { total: data.issue.comments.totalCount, bodies: data.issue.comments.edges.map((e) => e.node.body) };
}

export type ReplyView = { id: string; body: string; deleted: boolean; author: { id: string }; parent: { id: string } | null };
export type ThreadView = ReplyView & { replies: { totalCount: number; edges: { node: ReplyView }[] } };
const REPLY = 'id body deleted author { id } parent { id }';

/** The issue's threads as a member sees them: first 50 root comments (placeholders included) with their first 20 replies. */
export async function threadsOf(t: TestApp, token: string, issueId: string): Promise<{ total: number; threads: ThreadView[] }> {
  const data = await query<{ issue: { comments: { totalCount: number; edges: { node: ThreadView }[] } } }>(
    t,
    `query($id: ID!) { issue(id: $id) { comments(first: 50) { totalCount edges { node { ${REPLY} replies(first: 20) { totalCount edges { node { ${REPLY} } } } } } } } }`,
    { id: issueId },
    token,
  );
  return { total: data.issue.comments.totalCount, threads: data.issue.comments.edges.map((e) => e.node) };
}

/** Each thread as `root body: reply bodies`, with `[deleted]` for a placeholder: a whole discussion in one comparable value. */
export async function threadOutline(t: TestApp, token: string, issueId: string): Promise<string[]> {
  const { threads } = await threadsOf(t, token, issueId);
  return threads.map((th) => `${th.deleted ? '[deleted]' : th.body}: ${th.replies.edges.map((e) => e.node.body).join(', ')}`);
}
