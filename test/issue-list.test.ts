// The issue list end to end: every filter field alone and combined, every sort key in both
// directions, keyset paging forwards and backwards, page-size and input bounds, and visibility.
// Expected results are computed from the fixture the test builds through the API (see
// helpers/issue-list.ts), never written down by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createProjectAs, signUpUser, startTestApp, type GqlResponse, type TestApp } from './helpers/app.js';
import {
  archiveIssueAs,
  buildFixture,
  createIssueAs,
  deleteIssueAs,
  expectedOrder,
  listIssues,
  randomGlobalId,
  type Fixture,
  type IssueFilter,
  type IssueOrder,
  type IssueRecord,
  type ListArgs,
  type Page,
  type Scope,
  updateIssueAs,
} from './helpers/issue-list.js';

let t: TestApp;
let f: Fixture;
beforeAll(async () => {
  t = await startTestApp();
  f = await buildFixture(t);
}, 180_000);
afterAll(() => t?.close());

const ALL: Scope = { kind: 'all' };
const inProject = (projectId: string): Scope => ({ kind: 'project', projectId });

// ---- the model -----------------------------------------------------------------------------------

/** The documented rule: lists leave archived issues out unless the filter mentions `archived`. */
function mentionsArchived(filter: IssueFilter | undefined): boolean {
  if (!filter) return false;
  return (
    filter.archived !== undefined ||
    [...(filter.and ?? []), ...(filter.or ?? []), ...(filter.not ? [filter.not] : [])].some(mentionsArchived)
  );
}

/** The issues the viewer should get for `filter`, given what `match` says about one issue. */
function expectedFor(filter: IssueFilter | undefined, match: (x: IssueRecord) => boolean = () => true, scope: Scope = ALL): IssueRecord[] {
  return f.issues.filter(
    (x) =>
      x.inViewerProject &&
      !x.deleted &&
      (mentionsArchived(filter) || !x.archived) &&
      (scope.kind === 'all' || x.projectId === scope.projectId) &&
      match(x),
  );
}

/** Titles are unique in the fixture, so failures read as titles; anything else is a leak. */
function titlesOf(ids: readonly string[]): string[] {
  return ids.map((id) => f.issues.find((x) => x.id === id)?.title ?? `<not in fixture: ${id}>`);
}

const idsOf = (page: Page) => page.edges.map((e) => e.node.id);
const sorted = (list: string[]) => [...list].sort();
const dateOf = (iso: string) => Date.parse(iso);

async function pageAs(scope: Scope, args: ListArgs, token = f.viewer.token): Promise<Page> {
  const { page, res } = await listIssues(t, token, scope, args);
  expect(res.errors, JSON.stringify(res.errors)).toBeUndefined();
  expect(page).not.toBeNull();
  return page!;
}

/** The top-level error of a request that should fail. */
function errorOf(res: GqlResponse<unknown>): { message: string; code: string | undefined } {
  expect(res.errors, 'expected an error').toBeDefined();
  return { message: res.errors![0].message, code: res.errors![0].extensions?.code };
}

// ---- filters -------------------------------------------------------------------------------------

type FilterCase = { name: string; build: (f: Fixture) => { filter: IssueFilter; match: (x: IssueRecord) => boolean } };

const visibleCreatedAt = () =>
  expectedFor(undefined)
    .map((x) => x.createdAt)
    .sort((a, b) => dateOf(a) - dateOf(b));
const parentIds = (fx: Fixture) => [...new Set(fx.issues.map((x) => x.parentId).filter((id): id is string => id !== null))];
/** A moment between creating the issues and the later updates (when the last of the 60 was created). */
const lastCreationUpdate = (fx: Fixture) =>
  fx.issues
    .filter((x) => x.inViewerProject || x.projectId === fx.projects.P3)
    .map((x) => x.createdAt)
    .sort((a, b) => dateOf(a) - dateOf(b))
    .at(-1)!;

const FILTER_CASES: FilterCase[] = [
  { name: 'projectId P1', build: (fx) => ({ filter: { projectId: fx.projects.P1 }, match: (x) => x.projectId === fx.projects.P1 }) },
  { name: 'projectId P2', build: (fx) => ({ filter: { projectId: fx.projects.P2 }, match: (x) => x.projectId === fx.projects.P2 }) },
  {
    name: 'status in',
    build: () => ({ filter: { status: { in: ['TODO', 'IN_PROGRESS'] } }, match: (x) => ['TODO', 'IN_PROGRESS'].includes(x.status) }),
  },
  {
    name: 'status notIn',
    build: () => ({ filter: { status: { notIn: ['DONE', 'CANCELED'] } }, match: (x) => !['DONE', 'CANCELED'].includes(x.status) }),
  },
  {
    name: 'priority in',
    build: () => ({ filter: { priority: { in: ['HIGH', 'URGENT'] } }, match: (x) => ['HIGH', 'URGENT'].includes(x.priority) }),
  },
  { name: 'priority notIn', build: () => ({ filter: { priority: { notIn: ['NONE'] } }, match: (x) => x.priority !== 'NONE' }) },
  {
    name: 'assigneeId in (two users)',
    build: (fx) => ({
      filter: { assigneeId: { in: [fx.alice.id, fx.bob.id] } },
      match: (x) => x.assigneeId === fx.alice.id || x.assigneeId === fx.bob.id,
    }),
  },
  {
    name: 'assigneeId in (viewer)',
    build: (fx) => ({ filter: { assigneeId: { in: [fx.viewer.id] } }, match: (x) => x.assigneeId === fx.viewer.id }),
  },
  { name: 'assigneeId isNull true', build: () => ({ filter: { assigneeId: { isNull: true } }, match: (x) => x.assigneeId === null }) },
  { name: 'assigneeId isNull false', build: () => ({ filter: { assigneeId: { isNull: false } }, match: (x) => x.assigneeId !== null }) },
  {
    name: 'reporterId in (one)',
    build: (fx) => ({ filter: { reporterId: { in: [fx.bob.id] } }, match: (x) => x.reporterId === fx.bob.id }),
  },
  {
    name: 'reporterId in (two)',
    build: (fx) => ({
      filter: { reporterId: { in: [fx.viewer.id, fx.alice.id] } },
      match: (x) => [fx.viewer.id, fx.alice.id].includes(x.reporterId),
    }),
  },
  {
    name: 'parentId in (every parent, one of them deleted)',
    build: (fx) => ({
      filter: { parentId: { in: parentIds(fx) } },
      match: (x) => x.parentId !== null && parentIds(fx).includes(x.parentId),
    }),
  },
  { name: 'parentId isNull true', build: () => ({ filter: { parentId: { isNull: true } }, match: (x) => x.parentId === null }) },
  { name: 'parentId isNull false', build: () => ({ filter: { parentId: { isNull: false } }, match: (x) => x.parentId !== null }) },
  {
    name: 'labelIds some',
    build: (fx) => ({
      filter: { labelIds: { some: [fx.labels.p1Bug, fx.labels.p2Backend] } },
      match: (x) => x.labelIds.includes(fx.labels.p1Bug) || x.labelIds.includes(fx.labels.p2Backend),
    }),
  },
  {
    name: 'labelIds every',
    build: (fx) => ({
      filter: { labelIds: { every: [fx.labels.p1Bug, fx.labels.p1Feature] } },
      match: (x) => x.labelIds.includes(fx.labels.p1Bug) && x.labelIds.includes(fx.labels.p1Feature),
    }),
  },
  {
    name: 'labelIds none (unlabelled issues included)',
    build: (fx) => ({
      filter: { labelIds: { none: [fx.labels.p1Bug, fx.labels.p2Bug] } },
      match: (x) => !x.labelIds.includes(fx.labels.p1Bug) && !x.labelIds.includes(fx.labels.p2Bug),
    }),
  },
  {
    name: 'labelIds some and none together',
    build: (fx) => ({
      filter: { labelIds: { some: [fx.labels.p1Ui], none: [fx.labels.p1Bug] } },
      match: (x) => x.labelIds.includes(fx.labels.p1Ui) && !x.labelIds.includes(fx.labels.p1Bug),
    }),
  },
  {
    name: 'createdAt gte/lt',
    build: () => {
      const times = visibleCreatedAt();
      const [from, to] = [times[5], times[25]];
      return {
        filter: { createdAt: { gte: from, lt: to } },
        match: (x) => dateOf(x.createdAt) >= dateOf(from) && dateOf(x.createdAt) < dateOf(to),
      };
    },
  },
  {
    name: 'createdAt gt',
    build: () => {
      const pivot = visibleCreatedAt()[12];
      return { filter: { createdAt: { gt: pivot } }, match: (x) => dateOf(x.createdAt) > dateOf(pivot) };
    },
  },
  {
    name: 'createdAt lte',
    build: () => {
      const pivot = visibleCreatedAt()[12];
      return { filter: { createdAt: { lte: pivot } }, match: (x) => dateOf(x.createdAt) <= dateOf(pivot) };
    },
  },
  {
    name: 'updatedAt gt (the later-updated issues)',
    build: (fx) => {
      const pivot = lastCreationUpdate(fx);
      return { filter: { updatedAt: { gt: pivot } }, match: (x) => dateOf(x.updatedAt) > dateOf(pivot) };
    },
  },
  {
    name: 'updatedAt lte',
    build: (fx) => {
      const pivot = lastCreationUpdate(fx);
      return { filter: { updatedAt: { lte: pivot } }, match: (x) => dateOf(x.updatedAt) <= dateOf(pivot) };
    },
  },
  {
    name: 'dueDate gte/lte (inclusive, ties)',
    build: () => ({
      filter: { dueDate: { gte: '2026-03-01', lte: '2026-03-15' } },
      match: (x) => x.dueDate !== null && x.dueDate >= '2026-03-01' && x.dueDate <= '2026-03-15',
    }),
  },
  {
    name: 'dueDate lt',
    build: () => ({ filter: { dueDate: { lt: '2026-03-01' } }, match: (x) => x.dueDate !== null && x.dueDate < '2026-03-01' }),
  },
  {
    name: 'dueDate gt',
    build: () => ({ filter: { dueDate: { gt: '2026-03-01' } }, match: (x) => x.dueDate !== null && x.dueDate > '2026-03-01' }),
  },
  { name: 'dueDate isNull true', build: () => ({ filter: { dueDate: { isNull: true } }, match: (x) => x.dueDate === null }) },
  { name: 'dueDate isNull false', build: () => ({ filter: { dueDate: { isNull: false } }, match: (x) => x.dueDate !== null }) },
  { name: 'archived true', build: () => ({ filter: { archived: true }, match: (x) => x.archived }) },
  { name: 'archived false', build: () => ({ filter: { archived: false }, match: (x) => !x.archived }) },
  // Combinations.
  {
    name: 'or: TODO or URGENT',
    build: () => ({
      filter: { or: [{ status: { in: ['TODO'] } }, { priority: { in: ['URGENT'] } }] },
      match: (x) => x.status === 'TODO' || x.priority === 'URGENT',
    }),
  },
  { name: 'not: assigned', build: () => ({ filter: { not: { assigneeId: { isNull: true } } }, match: (x) => x.assigneeId !== null }) },
  {
    name: 'and: P1 and (bug or no due date)',
    build: (fx) => ({
      filter: { and: [{ projectId: fx.projects.P1 }, { or: [{ labelIds: { some: [fx.labels.p1Bug] } }, { dueDate: { isNull: true } }] }] },
      match: (x) => x.projectId === fx.projects.P1 && (x.labelIds.includes(fx.labels.p1Bug) || x.dueDate === null),
    }),
  },
  {
    name: 'several fields in one object are ANDed',
    build: (fx) => ({
      filter: { status: { in: ['BACKLOG', 'TODO', 'IN_PROGRESS'] }, assigneeId: { in: [fx.viewer.id] }, dueDate: { isNull: false } },
      match: (x) => ['BACKLOG', 'TODO', 'IN_PROGRESS'].includes(x.status) && x.assigneeId === fx.viewer.id && x.dueDate !== null,
    }),
  },
  {
    name: 'not closed, high or urgent',
    build: () => ({
      filter: { not: { status: { in: ['DONE', 'CANCELED'] } }, priority: { in: ['HIGH', 'URGENT'] } },
      match: (x) => !['DONE', 'CANCELED'].includes(x.status) && ['HIGH', 'URGENT'].includes(x.priority),
    }),
  },
  {
    name: 'or with archived: archived ones, or urgent ones archived or not',
    build: () => ({
      filter: { or: [{ archived: true }, { priority: { in: ['URGENT'] } }] },
      match: (x) => x.archived || x.priority === 'URGENT',
    }),
  },
  { name: 'not archived', build: () => ({ filter: { not: { archived: true } }, match: (x) => !x.archived }) },
  {
    name: 'and: archived in P1',
    build: (fx) => ({
      filter: { and: [{ archived: true }, { projectId: fx.projects.P1 }] },
      match: (x) => x.archived && x.projectId === fx.projects.P1,
    }),
  },
  {
    name: 'not not',
    build: (fx) => ({ filter: { not: { not: { reporterId: { in: [fx.alice.id] } } } }, match: (x) => x.reporterId === fx.alice.id }),
  },
  {
    name: 'or: a status or every label of P2',
    build: (fx) => ({
      filter: { or: [{ status: { in: ['DONE'] } }, { labelIds: { every: [fx.labels.p2Bug, fx.labels.p2Backend] } }] },
      match: (x) => x.status === 'DONE' || (x.labelIds.includes(fx.labels.p2Bug) && x.labelIds.includes(fx.labels.p2Backend)),
    }),
  },
  {
    name: 'or: a hidden project or P1 gives P1 only',
    build: (fx) => ({
      filter: { or: [{ projectId: fx.projects.P3 }, { projectId: fx.projects.P1 }] },
      match: (x) => x.projectId === fx.projects.P1,
    }),
  },
  {
    name: 'nesting 4 deep (the limit) works',
    build: () => ({
      filter: { and: [{ or: [{ not: { and: [{ status: { in: ['TODO'] } }] } }, { priority: { in: ['URGENT'] } }] }] },
      match: (x) => x.status !== 'TODO' || x.priority === 'URGENT',
    }),
  },
];

describe('filters', () => {
  it('has a fixture that exercises every filter (not vacuous)', () => {
    const visible = f.issues.filter((x) => x.inViewerProject && !x.deleted).length;
    expect(visible).toBeGreaterThan(40);
    for (const c of FILTER_CASES) {
      const { filter, match } = c.build(f);
      const hits = expectedFor(filter, match).length;
      // A useful case keeps some visible issues and drops others.
      expect(hits, c.name).toBeGreaterThan(0);
      expect(hits, c.name).toBeLessThan(visible);
    }
  });

  it.each(FILTER_CASES)('$name: Query.issues, and Project.issues of P1 and P2, list exactly the matching issues', async (c) => {
    const { filter, match } = c.build(f);
    for (const scope of [ALL, inProject(f.projects.P1), inProject(f.projects.P2)]) {
      const page = await pageAs(scope, { filter, first: 100 });
      const expected = expectedFor(filter, match, scope).map((x) => x.id);
      expect(titlesOf(sorted(idsOf(page))), `${c.name} in ${JSON.stringify(scope)}`).toEqual(titlesOf(sorted(expected)));
      expect(page.totalCount, `${c.name} totalCount in ${JSON.stringify(scope)}`).toBe(expected.length);
    }
  });

  it('the issue example: TODO issues of a project, most urgent first', async () => {
    const filter: IssueFilter = { projectId: f.projects.P1, status: { in: ['TODO'] } };
    const orderBy: IssueOrder[] = [{ field: 'PRIORITY', direction: 'DESC' }];
    const res = await t.gql<{ issues: { edges: { node: { id: string; status: string; priority: string } }[] } }>(
      `query($p: ID!) { issues(first: 20, filter: { projectId: $p, status: { in: [TODO] } }, orderBy: [{ field: PRIORITY, direction: DESC }]) {
        edges { node { id status priority } } } }`,
      { p: f.projects.P1 },
      f.viewer.token,
    );
    expect(res.errors).toBeUndefined();
    const ids = res.data.issues.edges.map((e) => e.node.id);
    const expected = expectedFor(filter, (x) => x.projectId === f.projects.P1 && x.status === 'TODO');
    expect(expected.length).toBeGreaterThan(2);
    expect(titlesOf(ids)).toEqual(titlesOf(expectedOrder(expected, orderBy, ids)));
  });
});

// ---- ordering ------------------------------------------------------------------------------------

const FIELDS = ['PRIORITY', 'STATUS', 'DUE_DATE', 'CREATED_AT', 'UPDATED_AT', 'NUMBER'] as const;
const ORDERINGS: IssueOrder[][] = [
  ...FIELDS.flatMap((field) => (['ASC', 'DESC'] as const).map((direction) => [{ field, direction }])),
  [
    { field: 'STATUS', direction: 'ASC' },
    { field: 'PRIORITY', direction: 'DESC' },
  ],
  [
    { field: 'DUE_DATE', direction: 'ASC' },
    { field: 'PRIORITY', direction: 'DESC' },
    { field: 'NUMBER', direction: 'ASC' },
  ],
  [
    { field: 'PRIORITY', direction: 'DESC' },
    { field: 'DUE_DATE', direction: 'DESC' },
    { field: 'CREATED_AT', direction: 'ASC' },
  ],
  [
    { field: 'NUMBER', direction: 'DESC' },
    { field: 'STATUS', direction: 'ASC' },
  ],
  [
    { field: 'DUE_DATE', direction: 'DESC' },
    { field: 'UPDATED_AT', direction: 'ASC' },
  ],
];
const describeOrder = (orderBy: IssueOrder[] | undefined) =>
  orderBy ? orderBy.map((o) => `${o.field} ${o.direction}`).join(', ') : 'default';

describe('ordering', () => {
  it.each(ORDERINGS.map((orderBy) => ({ orderBy, name: describeOrder(orderBy) })))(
    '$name, ties broken by id, in every scope',
    async ({ orderBy }) => {
      for (const scope of [ALL, inProject(f.projects.P1), inProject(f.projects.P2)]) {
        const ids = idsOf(await pageAs(scope, { orderBy, first: 100 }));
        const expected = expectedOrder(
          expectedFor(undefined, () => true, scope),
          orderBy,
          ids,
        );
        expect(titlesOf(ids), `${describeOrder(orderBy)} in ${JSON.stringify(scope)}`).toEqual(titlesOf(expected));
      }
    },
  );

  it('defaults to newest first', async () => {
    const ids = idsOf(await pageAs(ALL, { first: 100 }));
    expect(titlesOf(ids)).toEqual(titlesOf(expectedOrder(expectedFor(undefined), [{ field: 'CREATED_AT', direction: 'DESC' }], ids)));
  });

  it('puts issues without a due date last in both directions', async () => {
    for (const direction of ['ASC', 'DESC'] as const) {
      const ids = idsOf(await pageAs(ALL, { orderBy: [{ field: 'DUE_DATE', direction }], first: 100 }));
      const dueDates = ids.map((id) => f.issues.find((x) => x.id === id)!.dueDate);
      const firstNull = dueDates.indexOf(null);
      expect(firstNull, direction).toBeGreaterThan(0);
      expect(
        dueDates.slice(firstNull).every((d) => d === null),
        direction,
      ).toBe(true);
    }
  });

  it('orders archived issues too when the filter includes them', async () => {
    const filter: IssueFilter = { or: [{ archived: true }, { archived: false }] };
    const orderBy: IssueOrder[] = [{ field: 'UPDATED_AT', direction: 'DESC' }];
    const ids = idsOf(await pageAs(ALL, { filter, orderBy, first: 100 }));
    expect(titlesOf(ids)).toEqual(titlesOf(expectedOrder(expectedFor(filter), orderBy, ids)));
  });
});

// ---- paging --------------------------------------------------------------------------------------

type Walk = { ids: string[]; pages: number };

/** Follows endCursor with first=size to the end, checking pageInfo and totalCount on every page. */
async function walkForward(scope: Scope, args: ListArgs, size: number, total: number): Promise<Walk> {
  const ids: string[] = [];
  let after: string | undefined;
  for (let pages = 1; pages <= Math.ceil(total / size) + 2; pages++) {
    const page = await pageAs(scope, { ...args, first: size, after });
    ids.push(...idsOf(page));
    expect(page.totalCount, `forward page ${pages}`).toBe(total);
    expect(page.pageInfo, `forward page ${pages}`).toEqual({
      hasPreviousPage: pages > 1,
      hasNextPage: ids.length < total,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges.at(-1)?.cursor ?? null,
    });
    if (!page.pageInfo.hasNextPage) return { ids, pages };
    after = page.pageInfo.endCursor!;
  }
  throw new Error(`forward walk did not end; saw ${ids.length} of ${total}`);
}

/** Follows startCursor with last=size back to the start; returns the ids in list order. */
async function walkBackward(scope: Scope, args: ListArgs, size: number, total: number): Promise<Walk> {
  let ids: string[] = [];
  let before: string | undefined;
  for (let pages = 1; pages <= Math.ceil(total / size) + 2; pages++) {
    const page = await pageAs(scope, { ...args, last: size, before });
    ids = [...idsOf(page), ...ids];
    expect(page.totalCount, `backward page ${pages}`).toBe(total);
    expect(page.pageInfo, `backward page ${pages}`).toEqual({
      hasPreviousPage: ids.length < total,
      hasNextPage: pages > 1,
      startCursor: page.edges[0]?.cursor ?? null,
      endCursor: page.edges.at(-1)?.cursor ?? null,
    });
    if (!page.pageInfo.hasPreviousPage) return { ids, pages };
    before = page.pageInfo.startCursor!;
  }
  throw new Error(`backward walk did not end; saw ${ids.length} of ${total}`);
}

type PagingCase = {
  name: string;
  scope: (f: Fixture) => Scope;
  filter?: { filter: IssueFilter; match: (x: IssueRecord) => boolean };
  orderBy?: IssueOrder[];
};
const PAGING_CASES: PagingCase[] = [
  { name: 'default order', scope: () => ALL },
  { name: 'PRIORITY DESC (many ties)', scope: () => ALL, orderBy: [{ field: 'PRIORITY', direction: 'DESC' }] },
  { name: 'STATUS ASC (many ties)', scope: () => ALL, orderBy: [{ field: 'STATUS', direction: 'ASC' }] },
  { name: 'DUE_DATE ASC (ties and nulls)', scope: () => ALL, orderBy: [{ field: 'DUE_DATE', direction: 'ASC' }] },
  {
    name: 'DUE_DATE DESC, STATUS ASC',
    scope: () => ALL,
    orderBy: [
      { field: 'DUE_DATE', direction: 'DESC' },
      { field: 'STATUS', direction: 'ASC' },
    ],
  },
  {
    name: 'assigned only, STATUS ASC, DUE_DATE ASC',
    scope: () => ALL,
    filter: { filter: { not: { assigneeId: { isNull: true } } }, match: (x) => x.assigneeId !== null },
    orderBy: [
      { field: 'STATUS', direction: 'ASC' },
      { field: 'DUE_DATE', direction: 'ASC' },
    ],
  },
  {
    name: 'archived included, NUMBER ASC (numbers repeat across projects)',
    scope: () => ALL,
    filter: { filter: { or: [{ archived: true }, { archived: false }] }, match: () => true },
    orderBy: [{ field: 'NUMBER', direction: 'ASC' }],
  },
  {
    name: 'Project.issues of P1, DUE_DATE ASC, PRIORITY DESC',
    scope: (fx) => inProject(fx.projects.P1),
    orderBy: [
      { field: 'DUE_DATE', direction: 'ASC' },
      { field: 'PRIORITY', direction: 'DESC' },
    ],
  },
  {
    name: 'Project.issues of P2, PRIORITY ASC',
    scope: (fx) => inProject(fx.projects.P2),
    orderBy: [{ field: 'PRIORITY', direction: 'ASC' }],
  },
  {
    name: 'Project.issues of P1, URGENT or TODO, UPDATED_AT DESC',
    scope: (fx) => inProject(fx.projects.P1),
    filter: {
      filter: { or: [{ status: { in: ['TODO'] } }, { priority: { in: ['URGENT'] } }] },
      match: (x) => x.status === 'TODO' || x.priority === 'URGENT',
    },
    orderBy: [{ field: 'UPDATED_AT', direction: 'DESC' }],
  },
];

describe('paging', () => {
  it.each(PAGING_CASES)('$name: first=7/after and last=7/before visit every issue once, in the one-page order', async (c) => {
    const scope = c.scope(f);
    const args: ListArgs = { filter: c.filter?.filter, orderBy: c.orderBy };
    const onePage = idsOf(await pageAs(scope, { ...args, first: 100 }));
    const matching = expectedFor(c.filter?.filter, c.filter?.match, scope);
    const expected = expectedOrder(matching, c.orderBy ?? [{ field: 'CREATED_AT', direction: 'DESC' }], onePage);
    expect(expected.length).toBeGreaterThan(7);
    expect(titlesOf(onePage), 'one page').toEqual(titlesOf(expected));

    const forward = await walkForward(scope, args, 7, expected.length);
    expect(titlesOf(forward.ids), 'forward').toEqual(titlesOf(expected));
    expect(forward.pages).toBe(Math.ceil(expected.length / 7));

    const backward = await walkBackward(scope, args, 7, expected.length);
    expect(titlesOf(backward.ids), 'backward').toEqual(titlesOf(expected));
    expect(backward.pages).toBe(Math.ceil(expected.length / 7));
  });

  // The lists read per project first (services/issues.ts crossProjectIds: no filter or a single
  // assignee, one timestamp key) against the model, over projects where the assignee is and is not a member.
  it.each([
    { name: 'one assignee ("my issues"), newest first', orderBy: undefined },
    { name: 'one assignee, CREATED_AT ASC', orderBy: [{ field: 'CREATED_AT', direction: 'ASC' }] as IssueOrder[] },
    { name: 'one assignee, UPDATED_AT DESC', orderBy: [{ field: 'UPDATED_AT', direction: 'DESC' }] as IssueOrder[] },
    { name: 'no filter, UPDATED_AT ASC', orderBy: [{ field: 'UPDATED_AT', direction: 'ASC' }] as IssueOrder[], all: true },
  ])('per-project lists, $name: first=3/after and last=3/before visit every issue once', async ({ orderBy, all }) => {
    // Alice is also in P3, which the viewer is not: her issues there must stay out.
    const assignee = f.alice.id;
    const filter: IssueFilter | undefined = all ? undefined : { assigneeId: { in: [assignee] } };
    const order = orderBy ?? [{ field: 'CREATED_AT', direction: 'DESC' } as const];
    const onePage = idsOf(await pageAs(ALL, { filter, orderBy, first: 100 }));
    const expected = expectedOrder(
      expectedFor(filter, (x) => (all ?? false) || x.assigneeId === assignee),
      order,
      onePage,
    );
    expect(expected.length).toBeGreaterThan(3);
    expect(titlesOf(onePage), 'one page').toEqual(titlesOf(expected));
    const forward = await walkForward(ALL, { filter, orderBy }, 3, expected.length);
    expect(titlesOf(forward.ids), 'forward').toEqual(titlesOf(expected));
    const backward = await walkBackward(ALL, { filter, orderBy }, 3, expected.length);
    expect(titlesOf(backward.ids), 'backward').toEqual(titlesOf(expected));
  });

  it('gives an empty page with no cursors and no neighbours when nothing matches', async () => {
    const page = await pageAs(ALL, { filter: { dueDate: { gt: '2999-01-01' } }, first: 7 });
    expect(page).toEqual({
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    });
  });

  it('pages 20 at a time by default', async () => {
    const total = expectedFor(undefined).length;
    expect(total).toBeGreaterThan(20);
    for (const scope of [ALL, inProject(f.projects.P1)]) {
      const page = await pageAs(scope, {});
      expect(page.edges, JSON.stringify(scope)).toHaveLength(20);
      expect(page.pageInfo.hasNextPage).toBe(true);
      expect(page.totalCount).toBe(expectedFor(undefined, () => true, scope).length);
    }
  });
});

describe('paging while the list changes', () => {
  // Between two page requests the issue under the cursor may be archived, deleted, or edited so it
  // no longer matches the filter. The cursor must still mark a position: the next page continues
  // right after it rather than coming back empty.
  const filterFor = (projectId: string): IssueFilter => ({ projectId, status: { in: ['TODO'] } });
  const byNumber: IssueOrder[] = [{ field: 'NUMBER', direction: 'ASC' }];

  const oneToTwelve = Array.from({ length: 12 }, (_, i) => i + 1);

  /** A fresh user (so the shared fixture is untouched) with a project of 12 TODO issues, their ids by number. */
  async function twelveTodoIssues() {
    const user = await signUpUser(t);
    const projectId = (await createProjectAs(t, user.token)).id;
    const ids: string[] = [];
    for (let n = 1; n <= 12; n++) ids.push((await createIssueAs(t, user.token, { projectId, title: `Moving ${n}`, status: 'TODO' })).id);
    const leaveTheList = [
      (id: string) => archiveIssueAs(t, user.token, id),
      (id: string) => deleteIssueAs(t, user.token, id),
      (id: string) => updateIssueAs(t, user.token, { id, status: 'DONE' }),
    ];
    const numbersOf = (seen: string[]) => seen.map((id) => ids.indexOf(id) + 1);
    return { token: user.token, projectId, numbersOf, leaveTheList };
  }

  it.each(['Query.issues', 'Project.issues'])('%s: forwards, after the last issue of each page left the list', async (kind) => {
    const { token, projectId, numbersOf, leaveTheList } = await twelveTodoIssues();
    const scope = kind === 'Query.issues' ? ALL : inProject(projectId);
    const args: ListArgs = { filter: filterFor(projectId), orderBy: byNumber, first: 3 };
    let page = await pageAs(scope, args, token);
    const seen = idsOf(page);
    for (const leave of leaveTheList) {
      if (page.edges.length === 0) break;
      await leave(page.edges.at(-1)!.node.id);
      page = await pageAs(scope, { ...args, after: page.pageInfo.endCursor! }, token);
      seen.push(...idsOf(page));
    }
    expect(numbersOf(seen)).toEqual(oneToTwelve);
    expect(page.pageInfo.hasNextPage).toBe(false);
  });

  it.each(['Query.issues', 'Project.issues'])('%s: backwards, after the first issue of each page left the list', async (kind) => {
    const { token, projectId, numbersOf, leaveTheList } = await twelveTodoIssues();
    const scope = kind === 'Query.issues' ? ALL : inProject(projectId);
    const args: ListArgs = { filter: filterFor(projectId), orderBy: byNumber, last: 3 };
    let page = await pageAs(scope, args, token);
    let seen = idsOf(page);
    for (const leave of leaveTheList) {
      if (page.edges.length === 0) break;
      await leave(page.edges[0].node.id);
      page = await pageAs(scope, { ...args, before: page.pageInfo.startCursor! }, token);
      seen = [...idsOf(page), ...seen];
    }
    expect(numbersOf(seen)).toEqual(oneToTwelve);
    expect(page.pageInfo.hasPreviousPage).toBe(false);
  });
});

// ---- bounds and bad input ------------------------------------------------------------------------

const cursorOf = (payload: string) => Buffer.from(payload).toString('base64');

describe('bounds', () => {
  it.each([{ first: 0 }, { first: 101 }, { last: 101 }, { first: -1 }, { last: 0 }, { last: -1 }])(
    'refuses %o with BAD_USER_INPUT',
    async (args) => {
      for (const scope of [ALL, inProject(f.projects.P1)]) {
        const { res } = await listIssues(t, f.viewer.token, scope, args);
        const error = errorOf(res);
        expect(error.code, JSON.stringify(scope)).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/first|last/);
      }
    },
  );

  it('accepts first: 100 and last: 1', async () => {
    expect((await pageAs(ALL, { first: 100 })).edges).toHaveLength(expectedFor(undefined).length);
    expect((await pageAs(ALL, { last: 1 })).edges).toHaveLength(1);
  });

  it.each([
    { name: 'not base64 at all', cursor: 'garbage!' },
    { name: 'base64 of junk', cursor: cursorOf('hello world') },
    { name: 'a cursor whose id is not a UUID', cursor: cursorOf('GPC:S:not-a-uuid') },
    { name: 'a cursor holding a number', cursor: cursorOf('GPC:N:7') },
    { name: 'a cursor holding an object', cursor: cursorOf('GPC:O:{"id":1}') },
  ])('refuses a garbage cursor ($name) with BAD_USER_INPUT, after and before, in every scope', async ({ cursor }) => {
    for (const scope of [ALL, inProject(f.projects.P1)]) {
      for (const args of [
        { first: 5, after: cursor },
        { last: 5, before: cursor },
      ]) {
        const { res } = await listIssues(t, f.viewer.token, scope, args);
        expect(errorOf(res).code, `${JSON.stringify(scope)} ${JSON.stringify(args)}`).toBe('BAD_USER_INPUT');
      }
    }
  });

  /** `depth` levels of and/or/not around a leaf condition. */
  const nested = (depth: number): IssueFilter => {
    let filter: IssueFilter = { status: { in: ['TODO'] } };
    for (let i = 0; i < depth; i++) filter = i % 3 === 0 ? { and: [filter] } : i % 3 === 1 ? { or: [filter] } : { not: filter };
    return filter;
  };

  it('refuses a filter nested deeper than 4 with a clear input error, and accepts 4', async () => {
    for (const scope of [ALL, inProject(f.projects.P1)]) {
      const ok = await listIssues(t, f.viewer.token, scope, { filter: nested(4), first: 5 });
      expect(ok.res.errors).toBeUndefined();
      for (const depth of [5, 8]) {
        const { res } = await listIssues(t, f.viewer.token, scope, { filter: nested(depth), first: 5 });
        const error = errorOf(res);
        expect(error.code, `${depth} in ${JSON.stringify(scope)}`).toBe('BAD_USER_INPUT');
        expect(error.message).toMatch(/4 deep/);
      }
    }
  });

  it('refuses a filter nested 5000 deep (45 kB, under the body limit) with an input error, not a server error', async () => {
    // Written as text: JSON.stringify itself runs out of stack on such an object.
    const levels = Array.from({ length: 5000 }, (_, i) => (['and', 'or', 'not'] as const)[i % 3]);
    const open = levels.map((op) => (op === 'not' ? '{"not":' : `{"${op}":[`)).join('');
    const close = levels
      .map((op) => (op === 'not' ? '}' : ']}'))
      .reverse()
      .join('');
    const body = `{"query":"query($f: IssueFilter) { issues(first: 5, filter: $f) { totalCount } }","variables":{"f":${open}{"archived":true}${close}}}`;
    expect(body.length).toBeLessThan(t.config.maxBodyBytes);
    const response = await t.app.fetch('http://trackr.test/graphql', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'content-length': String(body.length), authorization: `Bearer ${f.viewer.token}` },
      body,
    });
    const result = (await response.json()) as { errors?: { message: string; extensions?: { code?: string } }[] };
    expect(result.errors?.[0].extensions?.code, result.errors?.[0].message).toBe('BAD_USER_INPUT');
  });

  it('refuses more than 3 sort keys, and accepts 3', async () => {
    const three: IssueOrder[] = [
      { field: 'STATUS', direction: 'ASC' },
      { field: 'PRIORITY', direction: 'DESC' },
      { field: 'NUMBER', direction: 'ASC' },
    ];
    for (const scope of [ALL, inProject(f.projects.P1)]) {
      expect((await listIssues(t, f.viewer.token, scope, { orderBy: three, first: 5 })).res.errors).toBeUndefined();
      const { res } = await listIssues(t, f.viewer.token, scope, {
        orderBy: [...three, { field: 'DUE_DATE', direction: 'ASC' }],
        first: 5,
      });
      const error = errorOf(res);
      expect(error.code, JSON.stringify(scope)).toBe('BAD_USER_INPUT');
      expect(error.message).toMatch(/3 keys/);
    }
  });
});

// ---- visibility ----------------------------------------------------------------------------------

describe('visibility', () => {
  it('the hidden project has issues its own members see (so the empty answers below mean something)', async () => {
    const hidden = f.issues.filter((x) => x.projectId === f.projects.P3 && !x.deleted && !x.archived);
    expect(hidden.length).toBeGreaterThan(3);
    const page = await pageAs(ALL, { first: 100 }, f.outsider.token);
    expect(sorted(idsOf(page))).toEqual(sorted(hidden.map((x) => x.id)));
    expect(page.totalCount).toBe(hidden.length);
  });

  it('filtering by a project the viewer is not in answers exactly like a random project id', async () => {
    const empty = {
      totalCount: 0,
      edges: [],
      pageInfo: { hasNextPage: false, hasPreviousPage: false, startCursor: null, endCursor: null },
    };
    for (const projectId of [f.projects.P3, f.projects.deleted, randomGlobalId('Project')]) {
      expect(await pageAs(ALL, { filter: { projectId }, first: 10 }), projectId).toEqual(empty);
      expect(await pageAs(ALL, { filter: { projectId, archived: true }, first: 10 }), projectId).toEqual(empty);
    }
  });

  it('never lists hidden issues, whatever the filter', async () => {
    const filters: IssueFilter[] = [
      { assigneeId: { in: [f.outsider.id] } },
      { reporterId: { in: [f.outsider.id] } },
      { labelIds: { some: [f.labels.p3Bug] } },
      { or: [{ projectId: f.projects.P3 }, { archived: true }, { priority: { in: ['URGENT'] } }, { assigneeId: { in: [f.alice.id] } }] },
      { not: { projectId: f.projects.P1 } },
      { or: [{ archived: true }, { archived: false }] },
    ];
    const hidden = new Set(f.issues.filter((x) => !x.inViewerProject || x.deleted).map((x) => x.id));
    expect(hidden.size).toBeGreaterThan(10);
    for (const filter of filters) {
      const page = await pageAs(ALL, { filter, first: 100 });
      expect(titlesOf(idsOf(page).filter((id) => hidden.has(id))), JSON.stringify(filter)).toEqual([]);
      expect(page.totalCount, JSON.stringify(filter)).toBe(page.edges.length);
    }
  });

  it('never lists deleted issues, nor issues of a deleted project', async () => {
    const deleted = f.issues.filter((x) => x.deleted || x.projectId === f.projects.deleted);
    expect(deleted.some((x) => x.archived)).toBe(true);
    expect(deleted.some((x) => f.issues.some((child) => child.parentId === x.id && !child.deleted))).toBe(true);
    const everything = await pageAs(ALL, { filter: { or: [{ archived: true }, { archived: false }] }, first: 100 });
    const shown = new Set(idsOf(everything));
    expect(titlesOf(deleted.filter((x) => shown.has(x.id)).map((x) => x.id))).toEqual([]);
  });

  it('counts only visible issues in totalCount', async () => {
    const page = await pageAs(ALL, { first: 1 });
    expect(page.totalCount).toBe(expectedFor(undefined).length);
    expect(page.totalCount).toBeLessThan(f.issues.filter((x) => !x.archived).length);
  });

  it('gives no Project.issues for a project the viewer is not in', async () => {
    const { page, res } = await listIssues(t, f.viewer.token, inProject(f.projects.P3), { first: 10 });
    expect(res.errors).toBeUndefined();
    expect(page).toBeNull();
  });
});
