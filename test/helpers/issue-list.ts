// The issue-list fixture and its local model: a varied set of issues across projects the viewer is
// and is not in, built through the API, plus the expected order of a list computed from that model.
// Used only by test/issue-list.test.ts.
import { randomUUID } from 'node:crypto';
import { createProjectAs, signUpUser, type GqlResponse, type SignedUp, type TestApp } from './app.js';

export const STATUSES = ['BACKLOG', 'TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE', 'CANCELED'] as const; // board order
export const PRIORITIES = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'URGENT'] as const; // lowest first
export type Status = (typeof STATUSES)[number];
export type Priority = (typeof PRIORITIES)[number];
export type OrderField = 'PRIORITY' | 'STATUS' | 'DUE_DATE' | 'CREATED_AT' | 'UPDATED_AT' | 'NUMBER';
export type Direction = 'ASC' | 'DESC';
export type IssueOrder = { field: OrderField; direction: Direction };

type IdFilter = { in?: string[]; isNull?: boolean };
type Range = { gt?: string; gte?: string; lt?: string; lte?: string };
/** The API's IssueFilter input, as this test sends it (global ids, ISO strings). */
export type IssueFilter = {
  projectId?: string;
  status?: { in?: Status[]; notIn?: Status[] };
  priority?: { in?: Priority[]; notIn?: Priority[] };
  assigneeId?: IdFilter;
  reporterId?: IdFilter;
  parentId?: IdFilter;
  labelIds?: { some?: string[]; every?: string[]; none?: string[] };
  createdAt?: Range;
  updatedAt?: Range;
  dueDate?: Range & { isNull?: boolean };
  archived?: boolean;
  and?: IssueFilter[];
  or?: IssueFilter[];
  not?: IssueFilter;
};

/** What the test knows about one issue it created (and changed), as the API reported it. */
export type IssueRecord = {
  id: string;
  rawId: string;
  projectId: string;
  number: number;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  assigneeId: string | null;
  reporterId: string;
  parentId: string | null;
  labelIds: string[];
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  archived: boolean;
  deleted: boolean;
  /** In a live project the viewer belongs to. */
  inViewerProject: boolean;
};

export type Fixture = {
  viewer: SignedUp;
  alice: SignedUp;
  bob: SignedUp;
  outsider: SignedUp;
  /** Viewer owns P1 (alice ADMIN, bob MEMBER); alice owns P2 (viewer and bob MEMBER); outsider owns P3 (alice MEMBER). */
  projects: { P1: string; P2: string; P3: string; deleted: string };
  labels: { p1Bug: string; p1Feature: string; p1Ui: string; p2Bug: string; p2Backend: string; p3Bug: string };
  issues: IssueRecord[];
};

/** Raw UUID of a global id (base64 of `Type:uuid`). */
export const rawIdOf = (globalId: string): string => Buffer.from(globalId, 'base64').toString('utf8').split(':')[1];

/** A global id for a UUID nobody uses. */
export const randomGlobalId = (type: string): string => Buffer.from(`${type}:${randomUUID()}`).toString('base64');

const ISSUE_FIELDS =
  'id number title description status priority dueDate createdAt updatedAt archivedAt assignee { id } reporter { id } parent { id } labels { id }';
type IssueFields = {
  id: string;
  number: number;
  title: string;
  description: string;
  status: Status;
  priority: Priority;
  dueDate: string | null;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
  assignee: { id: string } | null;
  reporter: { id: string };
  parent: { id: string } | null;
  labels: { id: string }[];
};

/** Runs a mutation with a result union; returns the payload, throws with the response on an error member. */
async function mutate<T>(
  t: TestApp,
  token: string,
  name: string,
  inputType: string,
  selection: string,
  input: Record<string, unknown>,
): Promise<T> {
  const res = await t.gql<Record<string, { __typename: string; code?: string } | null>>(
    `mutation($input: ${inputType}!) { ${name}(input: $input) { __typename ${selection} ... on Error { code message } } }`,
    { input },
    token,
  );
  const result = res.data?.[name];
  if (!result || result.code !== undefined) throw new Error(`${name} failed: ${JSON.stringify(res)}`);
  return result as unknown as T;
}

async function addMember(t: TestApp, token: string, projectId: string, userId: string, role: 'ADMIN' | 'MEMBER'): Promise<void> {
  await mutate(t, token, 'addProjectMember', 'AddProjectMemberInput', '... on ProjectMemberPayload { member { id } }', {
    projectId,
    userId,
    role,
  });
}

async function createLabel(t: TestApp, token: string, projectId: string, name: string): Promise<string> {
  const { label } = await mutate<{ label: { id: string } }>(
    t,
    token,
    'createLabel',
    'CreateLabelInput',
    '... on LabelPayload { label { id } }',
    { projectId, name },
  );
  return label.id;
}

async function issueMutation(
  t: TestApp,
  token: string,
  name: string,
  inputType: string,
  input: Record<string, unknown>,
): Promise<IssueFields> {
  const { issue } = await mutate<{ issue: IssueFields }>(
    t,
    token,
    name,
    inputType,
    `... on IssuePayload { issue { ${ISSUE_FIELDS} } }`,
    input,
  );
  return issue;
}

/** Creates an issue; returns its global id and number. */
export async function createIssueAs(t: TestApp, token: string, input: Record<string, unknown>): Promise<{ id: string; number: number }> {
  const { id, number } = await issueMutation(t, token, 'createIssue', 'CreateIssueInput', input);
  return { id, number };
}

export async function updateIssueAs(t: TestApp, token: string, input: { id: string } & Record<string, unknown>): Promise<void> {
  await issueMutation(t, token, 'updateIssue', 'UpdateIssueInput', input);
}

export async function archiveIssueAs(t: TestApp, token: string, id: string): Promise<void> {
  await issueMutation(t, token, 'archiveIssue', 'IssueIdInput', { id });
}

export async function deleteIssueAs(t: TestApp, token: string, id: string): Promise<void> {
  await mutate(t, token, 'deleteIssue', 'IssueIdInput', '... on DeletePayload { deletedId }', { id });
}

function recordOf(issue: IssueFields, projectId: string, inViewerProject: boolean): IssueRecord {
  return {
    id: issue.id,
    rawId: rawIdOf(issue.id),
    projectId,
    number: issue.number,
    title: issue.title,
    description: issue.description,
    status: issue.status,
    priority: issue.priority,
    assigneeId: issue.assignee?.id ?? null,
    reporterId: issue.reporter.id,
    parentId: issue.parent?.id ?? null,
    labelIds: issue.labels.map((l) => l.id),
    dueDate: issue.dueDate,
    createdAt: issue.createdAt,
    updatedAt: issue.updatedAt,
    archived: issue.archivedAt !== null,
    deleted: false,
    inViewerProject,
  };
}

// Due dates with ties and nulls; a few titles with characters that are special elsewhere (LIKE wildcards).
const DUE_DATES = [null, '2026-03-01', '2026-03-15', '2026-03-01', '2026-04-01', null, '2026-02-10'] as const;
const SPECIAL_TITLES: Record<number, string> = { 3: 'Discount 50% off', 9: 'Budget 50_50 split', 15: 'Budget 5005 plan' };

function titleFor(i: number): { title: string; description: string } {
  const title =
    SPECIAL_TITLES[i] ?? (i % 7 === 0 ? `Fix the NEEDLE in haystack ${i}` : i % 11 === 5 ? `needle lowercase ${i}` : `Issue ${i}`);
  const description = i % 7 === 3 ? `Somewhere there is a Needle (${i})` : `Plain description ${i}`;
  return { title, description };
}

export const ISSUE_COUNT = 60;

/**
 * Builds the dataset. Issue i goes to P1 (i % 6 < 3), P2 (i % 6 in 3..4) or P3 (i % 6 = 5); the
 * reporter, assignee (or none), labels, due date, status and priority cycle with different periods,
 * some get a parent. Then some are updated, archived (one of them then deleted) and deleted, and
 * a fourth project with issues is deleted.
 */
export async function buildFixture(t: TestApp): Promise<Fixture> {
  const [viewer, alice, bob, outsider] = await Promise.all([
    signUpUser(t, 'Viewer'),
    signUpUser(t, 'Alice'),
    signUpUser(t, 'Bob'),
    signUpUser(t, 'Outsider'),
  ]);
  const P1 = (await createProjectAs(t, viewer.token)).id;
  const P2 = (await createProjectAs(t, alice.token)).id;
  const P3 = (await createProjectAs(t, outsider.token)).id;
  const deleted = (await createProjectAs(t, viewer.token)).id;
  await addMember(t, viewer.token, P1, alice.id, 'ADMIN');
  await addMember(t, viewer.token, P1, bob.id, 'MEMBER');
  await addMember(t, alice.token, P2, viewer.id, 'MEMBER');
  await addMember(t, alice.token, P2, bob.id, 'MEMBER');
  await addMember(t, outsider.token, P3, alice.id, 'MEMBER');

  const labels = {
    p1Bug: await createLabel(t, viewer.token, P1, 'bug'),
    p1Feature: await createLabel(t, viewer.token, P1, 'feature'),
    p1Ui: await createLabel(t, viewer.token, P1, 'ui'),
    p2Bug: await createLabel(t, alice.token, P2, 'bug'),
    p2Backend: await createLabel(t, alice.token, P2, 'backend'),
    p3Bug: await createLabel(t, outsider.token, P3, 'bug'),
  };
  const setup = {
    P1: { id: P1, owner: viewer, members: [viewer, alice, bob], labels: [labels.p1Bug, labels.p1Feature, labels.p1Ui], visible: true },
    P2: { id: P2, owner: alice, members: [alice, viewer, bob], labels: [labels.p2Bug, labels.p2Backend], visible: true },
    P3: { id: P3, owner: outsider, members: [outsider, alice], labels: [labels.p3Bug], visible: false },
  };

  const issues: IssueRecord[] = [];
  const ownerOf = new Map<string, SignedUp>();
  for (let i = 0; i < ISSUE_COUNT; i++) {
    const project = setup[i % 6 < 3 ? 'P1' : i % 6 < 5 ? 'P2' : 'P3'];
    const siblings = issues.filter((x) => x.projectId === project.id);
    const reporter = project.members[i % project.members.length];
    const assignee = [null, ...project.members][(i * 7) % (project.members.length + 1)];
    const labelIds = project.labels.filter((_, bit) => ((i * 5) >> bit) % 2 === 1);
    // Every fourth issue of a project has a parent, and some of those parents have one too.
    const k = siblings.length;
    const parent = k % 4 === 3 || k % 8 === 6 ? siblings[k - 3] : null;
    const issue = await issueMutation(t, reporter.token, 'createIssue', 'CreateIssueInput', {
      projectId: project.id,
      ...titleFor(i),
      status: STATUSES[i % STATUSES.length],
      priority: PRIORITIES[(i * 3) % PRIORITIES.length],
      dueDate: DUE_DATES[(i * 3) % DUE_DATES.length],
      assigneeId: assignee?.id ?? null,
      parentId: parent?.id ?? null,
      labelIds,
    });
    issues.push(recordOf(issue, project.id, project.visible));
    ownerOf.set(issue.id, project.owner);
  }

  const replace = (issue: IssueFields, i: number) => {
    issues[i] = { ...recordOf(issue, issues[i].projectId, issues[i].inViewerProject), deleted: issues[i].deleted };
  };
  // Later changes, so that updatedAt order differs from createdAt order.
  for (let i = 4; i < ISSUE_COUNT; i += 9) {
    const current = issues[i];
    const token = ownerOf.get(current.id)!.token;
    const updated = await issueMutation(t, token, 'updateIssue', 'UpdateIssueInput', {
      id: current.id,
      status: STATUSES[(STATUSES.indexOf(current.status) + 2) % STATUSES.length],
      priority: 'URGENT',
      dueDate: i % 2 === 0 ? null : '2026-03-15',
      assigneeId: null,
      labelIds: current.labelIds.slice(1),
    });
    replace(updated, i);
  }
  for (let i = 5; i < ISSUE_COUNT; i += 7) {
    replace(await issueMutation(t, ownerOf.get(issues[i].id)!.token, 'archiveIssue', 'IssueIdInput', { id: issues[i].id }), i);
  }
  for (let i = 6; i < ISSUE_COUNT; i += 13) {
    await deleteIssueAs(t, ownerOf.get(issues[i].id)!.token, issues[i].id);
    issues[i] = { ...issues[i], deleted: true };
  }

  // A project the viewer owned, with issues, then deleted: its issues must never be listed again.
  for (const title of ['Gone NEEDLE one', 'Gone needle two']) {
    const issue = await issueMutation(t, viewer.token, 'createIssue', 'CreateIssueInput', {
      projectId: deleted,
      title,
      priority: 'URGENT',
    });
    issues.push(recordOf(issue, deleted, false));
  }
  await mutate(t, viewer.token, 'deleteProject', 'ProjectIdInput', '... on DeletePayload { deletedId }', { id: deleted });

  return { viewer, alice, bob, outsider, projects: { P1, P2, P3, deleted }, labels, issues };
}

// ---- listing -------------------------------------------------------------------------------------

export type PageInfo = { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
export type Page = { totalCount: number; pageInfo: PageInfo; edges: { cursor: string; node: { id: string } }[] };
export type ListArgs = { filter?: IssueFilter; orderBy?: IssueOrder[]; first?: number; after?: string; last?: number; before?: string };
/** Query.issues, or Project.issues of one project. */
export type Scope = { kind: 'all' } | { kind: 'project'; projectId: string };

const CONNECTION = `(filter: $filter, orderBy: $orderBy, first: $first, after: $after, last: $last, before: $before) {
  totalCount pageInfo { hasNextPage hasPreviousPage startCursor endCursor } edges { cursor node { id } } }`;
const VARIABLES = '$filter: IssueFilter, $orderBy: [IssueOrder!], $first: Int, $after: String, $last: Int, $before: String';
const ALL_QUERY = `query(${VARIABLES}) { issues${CONNECTION} }`;
const PROJECT_QUERY = `query($projectId: ID!, ${VARIABLES}) { project(id: $projectId) { issues${CONNECTION} } }`;

/** One page as the given user sees it; `page` is null when the request failed or the project is hidden. */
export async function listIssues(
  t: TestApp,
  token: string,
  scope: Scope,
  args: ListArgs,
): Promise<{ page: Page | null; res: GqlResponse<unknown> }> {
  if (scope.kind === 'all') {
    const res = await t.gql<{ issues: Page } | null>(ALL_QUERY, args, token);
    return { page: res.data?.issues ?? null, res };
  }
  const res = await t.gql<{ project: { issues: Page } | null } | null>(PROJECT_QUERY, { ...args, projectId: scope.projectId }, token);
  return { page: res.data?.project?.issues ?? null, res };
}

// ---- expected order ------------------------------------------------------------------------------

function compareKey(field: OrderField, direction: Direction, a: IssueRecord, b: IssueRecord): number {
  if (field === 'DUE_DATE' && (a.dueDate === null || b.dueDate === null)) {
    // Issues without a due date sort last in both directions.
    return a.dueDate === b.dueDate ? 0 : a.dueDate === null ? 1 : -1;
  }
  const value = (x: IssueRecord): number | string => {
    switch (field) {
      case 'PRIORITY':
        return PRIORITIES.indexOf(x.priority);
      case 'STATUS':
        return STATUSES.indexOf(x.status);
      case 'DUE_DATE':
        return x.dueDate!;
      case 'CREATED_AT':
        return Date.parse(x.createdAt);
      case 'UPDATED_AT':
        return Date.parse(x.updatedAt);
      case 'NUMBER':
        return x.number;
    }
  };
  const [va, vb] = [value(a), value(b)];
  const ascending = va < vb ? -1 : va > vb ? 1 : 0;
  return direction === 'ASC' ? ascending : -ascending;
}

/** `issues` sorted by `orderBy`, ties broken by UUID (PostgreSQL compares UUIDs like lower-case hex). */
export function sortIssues(issues: readonly IssueRecord[], orderBy: readonly IssueOrder[], idDirection: Direction): IssueRecord[] {
  return [...issues].sort((a, b) => {
    for (const { field, direction } of orderBy) {
      const c = compareKey(field, direction, a, b);
      if (c !== 0) return c;
    }
    const byId = a.rawId < b.rawId ? -1 : a.rawId > b.rawId ? 1 : 0;
    return idDirection === 'ASC' ? byId : -byId;
  });
}

/**
 * The expected id order for `orderBy`. The API promises that ties are broken by id but not in which
 * direction, so this returns whichever of the two total orders agrees longer with `actual` (the one
 * a failing assertion should be diffed against).
 */
export function expectedOrder(issues: readonly IssueRecord[], orderBy: readonly IssueOrder[], actual: readonly string[]): string[] {
  const candidates = (['ASC', 'DESC'] as const).map((d) => sortIssues(issues, orderBy, d).map((x) => x.id));
  const agreement = (ids: string[]) => {
    let n = 0;
    while (n < ids.length && ids[n] === actual[n]) n++;
    return n;
  };
  return agreement(candidates[0]) >= agreement(candidates[1]) ? candidates[0] : candidates[1];
}
