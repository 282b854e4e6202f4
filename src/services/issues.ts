// Issues: numbering, partial updates with history and optimistic concurrency, archive, soft delete
// and restore, and the filtered list. Every lookup is filtered by the viewer's membership in SQL,
// so hidden issues are indistinguishable from missing ones.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { AppError, ConflictError, NotFoundError, parseInput, unclearable, ValidationError } from '../domain/errors.js';
import { idField, isUuid, type IssueId } from '../domain/ids.js';
import { assertCan, denial, visibleIssues, visibleProjects, type Action } from '../domain/permissions.js';
import { Prisma, type Issue, type IssueEventType, type ProjectRole } from '../generated/prisma/client.js';
import { IssuePriority, IssueStatus } from '../generated/prisma/enums.js';
import { authorize, type Actor } from './access.js';
import { withColumns, type Db } from './db.js';
import { createOnce, idempotencyKeyField } from './idempotency.js';
import { findProjects } from './projects.js';
import { recordEvents, type EventType } from '../events/outbox.js';
import { issueOrderBy, issuesBeyond, issueWhere, mentionsArchived, type IssueFilter, type IssueOrder } from './issue-filter.js';

export const ISSUE_KEY = /^([A-Z][A-Z0-9]{1,9})-([1-9][0-9]{0,8})$/;
const CLOSED: readonly IssueStatus[] = ['DONE', 'CANCELED'];

/**
 * The issues with these ids that the viewer may see, in the order asked; null for each missing or
 * hidden one (the two look alike). One statement however many ids: the per-request loaders
 * (graphql/loaders.ts) batch `issue`, `node` and `nodes` through here.
 */
export async function findIssues({ prisma, viewer }: Actor, ids: readonly IssueId[], query: object): Promise<(Issue | null)[]> {
  const rows = await prisma.issue.findMany({
    ...withColumns(query, { id: true }),
    where: { id: { in: [...new Set(ids)] }, AND: [visibleIssues(viewer.id)] },
  });
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * The issues with these keys (`API-42`, any case) that the viewer may see, in the order asked;
 * null for each malformed, missing or hidden one. At most two statements however many keys.
 */
export async function findIssuesByKey(actor: Actor, keys: readonly string[], query: object): Promise<(Issue | null)[]> {
  const wanted = keys.map((key) => {
    const match = ISSUE_KEY.exec(key.trim().toUpperCase());
    return match ? { projectKey: match[1], number: Number(match[2]) } : null;
  });
  const projectKeys = [...new Set(wanted.flatMap((w) => (w ? [w.projectKey] : [])))];
  const numbersIn = (projectKey: string) => wanted.flatMap((w) => (w?.projectKey === projectKey ? [w.number] : []));
  // One project (a single lookup, the common case): its key goes into the issue query, one
  // statement. Several: the visible ones' ids first, so each row can be told apart by its projectId.
  const projectKeyOf = new Map<string, string>();
  let byProject: Prisma.IssueWhereInput[];
  if (projectKeys.length === 1) {
    byProject = [{ project: { key: projectKeys[0] }, number: { in: numbersIn(projectKeys[0]) } }];
  } else {
    const projects = projectKeys.length ? await findProjects(actor, { keys: projectKeys }, { select: { id: true, key: true } }) : [];
    for (const project of projects) if (project) projectKeyOf.set(project.id, project.key);
    byProject = [...projectKeyOf].map(([projectId, projectKey]) => ({ projectId, number: { in: numbersIn(projectKey) } }));
  }
  if (byProject.length === 0) return keys.map(() => null);
  const rows = await actor.prisma.issue.findMany({
    ...withColumns(query, { projectId: true, number: true }),
    where: { OR: byProject, AND: [visibleIssues(actor.viewer.id)] },
  });
  const found = new Map(rows.map((row) => [`${projectKeyOf.get(row.projectId) ?? projectKeys[0]}-${row.number}`, row]));
  return wanted.map((w) => (w && found.get(`${w.projectKey}-${w.number}`)) ?? null);
}

export type IssueListOptions = { filter?: IssueFilter | null; orderBy?: readonly IssueOrder[] | null };

/**
 * A page of a list, as the GraphQL layer translates a connection's arguments: the issue it starts
 * after (before, when `backward`), and how many rows to read (the page plus one, to tell whether
 * there are more).
 */
export type IssuePageRequest = { cursorId?: string; backward: boolean; take: number };

/** WHERE and ORDER BY for a filtered list of live issues; archived ones only when the filter asks. */
export function issueListQuery(options: IssueListOptions) {
  const where: Prisma.IssueWhereInput[] = [{ deletedAt: null }];
  if (options.filter) where.push(issueWhere(options.filter));
  if (!mentionsArchived(options.filter)) where.push({ archivedAt: null });
  return { where: { AND: where }, orderBy: issueOrderBy(options.orderBy) };
}

const cursorColumns = {
  id: true,
  projectId: true,
  priority: true,
  status: true,
  dueDate: true,
  createdAt: true,
  updatedAt: true,
  number: true,
} as const satisfies Prisma.IssueSelect;

/** What a keyset page needs of the issue its cursor names: its project and sort values. */
export type CursorIssue = Prisma.IssueGetPayload<{ select: typeof cursorColumns }>;

/**
 * The issues with these ids that the viewer may see, as cursors (project and sort values), in the
 * order asked; null for each missing or hidden one. One statement however many ids: the per-request
 * loader (graphql/loaders.ts) batches the cursors of every Project.issues page of a request here.
 */
export async function findCursorIssues({ prisma, viewer }: Actor, ids: readonly string[]): Promise<(CursorIssue | null)[]> {
  const rows = await prisma.issue.findMany({
    where: { id: { in: [...new Set(ids)] }, project: visibleProjects(viewer.id) },
    select: cursorColumns,
  });
  const found = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => found.get(id) ?? null);
}

/**
 * WHERE and ORDER BY of one page of a project's issues (Project.issues, a relation of the project
 * loaded in the project's own statement): the list's rule (issueListQuery) and, after (or,
 * `backward`, before) a cursor, the same keyset condition as listIssues on the cursor issue's sort
 * values, never Prisma's `cursor` (which splits the project's joined statement into one per
 * relation, and needs the cursor's row to still be in the list). `cursor` is the issue the cursor
 * names as findCursorIssues read it: null (a missing or hidden issue) pages nothing, and so does an
 * issue of another project (the condition keeps its project only).
 */
export function projectIssuesQuery(
  options: IssueListOptions,
  page: { cursor?: CursorIssue | null; backward: boolean },
): { where: Prisma.IssueWhereInput; orderBy: Prisma.IssueOrderByWithRelationInput[] } {
  const { where, orderBy } = issueListQuery(options);
  if (page.cursor === undefined) return { where, orderBy };
  const beyond: Prisma.IssueWhereInput[] = page.cursor
    ? [{ projectId: page.cursor.projectId }, issuesBeyond(page.cursor, { orderBy: options.orderBy, backward: page.backward })]
    : [{ id: { in: [] } }];
  return { where: { AND: [where, ...beyond] }, orderBy };
}

/**
 * How many issues each of these projects lists (Project.issues' totalCount: issueListQuery's rule,
 * no paging), in the order asked. One statement however many projects. The projects are ones the
 * viewer has already been shown (the parents of the connection), so membership was checked there.
 */
export async function countProjectIssues(prisma: Db, projectIds: readonly string[], options: IssueListOptions): Promise<number[]> {
  const rows = await prisma.issue.groupBy({
    by: ['projectId'],
    where: { AND: [issueListQuery(options).where, { projectId: { in: [...new Set(projectIds)] } }] },
    _count: { _all: true },
  });
  const counts = new Map(rows.map((row) => [row.projectId, row._count._all]));
  return projectIds.map((id) => counts.get(id) ?? 0);
}

/**
 * Issues the viewer may see across their projects, filtered and ordered, one page. A page after (or
 * before) a cursor is a keyset condition on the cursor issue's sort values rather than Prisma's
 * `cursor`, which would split the query into several and needs the cursor's row to still be in the list.
 * Lists that per-project indexes serve in order (no filter or one assignee, one timestamp key) take
 * their ids from each project's own top of the list first (crossProjectIds), so their cost does not
 * grow with the projects' sizes.
 */
export async function listIssues(
  actor: Actor,
  { page, ...options }: IssueListOptions & { page: IssuePageRequest },
  selection: object,
): Promise<Issue[]> {
  const { prisma, viewer } = actor;
  const { where, orderBy } = issueListQuery(options);
  const perProject = perProjectList(options);
  if (perProject) {
    const ids = await crossProjectIds(actor, perProject, page);
    if (ids.length === 0) return [];
    // The page's rows by id, visibility checked again here (the one rule), in list order.
    return prisma.issue.findMany({ ...selection, where: { id: { in: ids }, AND: [where, visibleIssues(viewer.id)] }, orderBy });
  }
  let beyond: Prisma.IssueWhereInput = {};
  if (page.cursorId) {
    const [row] = await findCursorIssues({ prisma, viewer }, [page.cursorId]);
    // A cursor naming no visible issue pages nothing.
    beyond = row ? issuesBeyond(row, { orderBy: options.orderBy, backward: page.backward }) : { id: { in: [] } };
  }
  return prisma.issue.findMany({
    ...selection,
    where: { AND: [where, visibleIssues(viewer.id), beyond] },
    orderBy,
    take: page.backward ? -page.take : page.take,
  });
}

/** A list the per-project indexes serve in order: one timestamp key (then id), at most one assignee. */
type PerProjectList = { column: 'created_at' | 'updated_at'; asc: boolean; assigneeId?: string };

/**
 * The list as a PerProjectList when it is one: no filter but a single assignee, and a single
 * CREATED_AT or UPDATED_AT key, each project's (project_id, <key>, id) index (or the assignee's
 * (assignee_id, project_id, created_at, id)) giving its rows in list order. Null for every other list.
 */
function perProjectList({ filter, orderBy }: IssueListOptions): PerProjectList | null {
  const keys = orderBy?.length ? orderBy : [{ field: 'CREATED_AT', direction: 'DESC' } as const];
  if (keys.length !== 1 || (keys[0].field !== 'CREATED_AT' && keys[0].field !== 'UPDATED_AT')) return null;
  const list: PerProjectList = { column: keys[0].field === 'CREATED_AT' ? 'created_at' : 'updated_at', asc: keys[0].direction === 'ASC' };
  const { assigneeId, ...rest } = filter ?? {};
  if (Object.values(rest).some((value) => value != null)) return null;
  if (assigneeId) {
    const only = assigneeId.in;
    if (assigneeId.isNull != null || only?.length !== 1 || !isUuid(only[0])) return null;
    list.assigneeId = only[0];
  }
  return list;
}

/**
 * The ids of one page of a PerProjectList, in list order: for each of the viewer's live projects at
 * most `take` live, unarchived issues beyond the cursor through that project's index, merged and cut
 * to `take`. PostgreSQL 15 does not merge per-project index scans for an IN/EXISTS condition on its
 * own; it would read and sort every issue of every project first. The cursor's sort values are read
 * in the same statement (a cursor naming no issue the viewer can see pages nothing), so a page at any
 * depth is the session check, this, and the rows. The membership condition mirrors
 * domain/permissions.ts visibleIssues, which the caller applies again to the rows themselves.
 */
async function crossProjectIds({ prisma, viewer }: Actor, list: PerProjectList, page: IssuePageRequest): Promise<string[]> {
  const column = Prisma.raw(list.column);
  const forward = list.asc !== page.backward;
  const direction = Prisma.raw(forward ? 'ASC' : 'DESC');
  const beyond = Prisma.raw(forward ? '>' : '<');
  const cursor = page.cursorId
    ? Prisma.sql`CROSS JOIN (SELECT ci.${column} AS k, ci.id FROM issues ci
        WHERE ci.id = ${page.cursorId}::uuid AND EXISTS (SELECT 1 FROM projects cp JOIN project_members cm ON cm.project_id = cp.id
          WHERE cp.id = ci.project_id AND cp.deleted_at IS NULL AND cm.user_id = ${viewer.id}::uuid)) c`
    : Prisma.empty;
  // The live-project check sits inside each project's subquery, a primary-key lookup per project:
  // joined outside, PostgreSQL hashed the whole projects table instead.
  const rows = await prisma.$queryRaw<{ id: string }[]>`
    SELECT x.id::text AS id
    FROM project_members m ${cursor}
    CROSS JOIN LATERAL (
      SELECT i.id, i.${column} AS k FROM issues i
      WHERE i.project_id = m.project_id AND i.deleted_at IS NULL AND i.archived_at IS NULL
        AND EXISTS (SELECT 1 FROM projects p WHERE p.id = m.project_id AND p.deleted_at IS NULL)
        ${list.assigneeId ? Prisma.sql`AND i.assignee_id = ${list.assigneeId}::uuid` : Prisma.empty}
        ${page.cursorId ? Prisma.sql`AND (i.${column}, i.id) ${beyond} (c.k, c.id)` : Prisma.empty}
      ORDER BY i.${column} ${direction}, i.id ${direction}
      LIMIT ${page.take}
    ) x
    WHERE m.user_id = ${viewer.id}::uuid
    ORDER BY x.k ${direction}, x.id ${direction}
    LIMIT ${page.take}`;
  return rows.map((row) => row.id);
}

/** How many issues listIssues would return without paging. */
export function countIssues({ prisma, viewer }: Actor, options: IssueListOptions): Promise<number> {
  return prisma.issue.count({ where: { AND: [issueListQuery(options).where, visibleIssues(viewer.id)] } });
}

type IssueStanding = { id: string; projectId: string; reporterId: string };

/**
 * The visible issues among `ids`, in order, each after asserting `action` on it (its reporter counts
 * as its creator): the issue's standing, or NotFoundError if hidden or missing, ForbiddenError if
 * not allowed. `deleted` looks among deleted issues instead of live ones. One statement for all.
 */
async function checkIssues(
  db: Db,
  viewer: Viewer,
  { ids, action, deleted = false }: { ids: readonly IssueId[]; action: Action; deleted?: boolean },
): Promise<(IssueStanding | AppError)[]> {
  const rows = await db.issue.findMany({
    where: { id: { in: [...ids] }, deletedAt: deleted ? { not: null } : null, project: visibleProjects(viewer.id) },
    select: {
      id: true,
      projectId: true,
      reporterId: true,
      project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } },
    },
  });
  const byId = new Map(rows.map((row) => [row.id, row]));
  return ids.map((id) => {
    const row = byId.get(id);
    if (!row) return new NotFoundError('Issue');
    const { project, ...issue } = row;
    return denial({ userId: viewer.id, role: project.members[0].role }, action, 'Issue', { createdBy: issue.reporterId }) ?? issue;
  });
}

/** One visible issue after asserting `action` on it, as checkIssues; throws its error. */
async function requireIssue(
  db: Db,
  viewer: Viewer,
  { id, ...check }: { id: IssueId; action: Action; deleted?: boolean },
): Promise<IssueStanding> {
  const [issue] = await checkIssues(db, viewer, { ids: [id], ...check });
  if (issue instanceof AppError) throw issue;
  return issue;
}

const title = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const description = z.string().max(100_000, 'must be at most 100000 characters');
const estimate = z.number().int().min(0, 'must not be negative').max(1000, 'must be at most 1000');
const labelIds = z.array(idField<'Label'>()).max(50, 'at most 50 labels');

const createIssueInput = z.object({
  projectId: idField<'Project'>(),
  title,
  description: unclearable(description).transform((d) => d ?? ''),
  status: unclearable(z.enum(IssueStatus)).transform((s) => s ?? 'TODO'),
  priority: unclearable(z.enum(IssuePriority)).transform((p) => p ?? 'NONE'),
  estimate: estimate.nullish(),
  dueDate: z.date().nullish(),
  assigneeId: idField<'User'>().nullish(),
  parentId: idField<'Issue'>().nullish(),
  labelIds: labelIds.nullish(),
  idempotencyKey: unclearable(idempotencyKeyField),
});

/**
 * Creates an issue numbered after the project's last one (API-1, API-2, …); needs `issue.create`.
 * The assignee must be a member, the parent and labels must belong to the project. Locking the
 * project's counter row serialises concurrent creators, so numbers are never duplicated or skipped.
 */
export async function createIssue({ prisma, viewer }: Actor, input: z.input<typeof createIssueInput>, query?: object): Promise<Issue> {
  const { idempotencyKey, ...data } = parseInput(createIssueInput, input);
  return prisma.$transaction((tx) =>
    createOnce(
      tx,
      { userId: viewer.id, key: idempotencyKey, operation: 'createIssue', input: data },
      {
        replay: async (id) => {
          await authorize(tx, { viewer, projectId: data.projectId, action: 'issue.create' });
          return tx.issue.findUniqueOrThrow({ ...query, where: { id } });
        },
        create: async () => {
          // The counter first: its row lock also makes a concurrent member removal (which locks
          // the project) wait for this issue or be waited for, so the assignee checked below is
          // still a member when the issue is written, or its removal unassigns it after.
          const issueCounter = await nextIssueNumber(tx, viewer, data.projectId);
          if (data.assigneeId) await requireAssignable(tx, data.projectId, data.assigneeId);
          if (data.parentId) await requireParent(tx, { projectId: data.projectId, parentId: data.parentId, childId: null });
          const labels = data.labelIds ? await requireLabels(tx, { projectId: data.projectId, ids: data.labelIds }) : [];
          const id = await insertIssue(tx, { ...data, number: issueCounter, reporterId: viewer.id, labels });
          // The payload as the query asks (relations included), read inside the transaction.
          const issue = await tx.issue.findUniqueOrThrow({ ...(query && withColumns(query, { id: true })), where: { id } });
          await recordEvents(tx, viewer.id, [{ type: 'ISSUE_CREATED', projectId: data.projectId, issueId: id }]);
          return issue;
        },
      },
    ),
  );
}

type NewIssue = Omit<z.output<typeof createIssueInput>, 'idempotencyKey' | 'labelIds'> & {
  number: number;
  reporterId: string;
  labels: readonly string[];
};

/**
 * Writes a new issue, its labels and its CREATED history row in one statement (data-modifying
 * CTEs: the foreign keys are checked at the statement's end, when the issue exists), for one
 * round trip fewer than Prisma's create followed by the history insert. The caller has taken the
 * number and checked everything; columns not written take their defaults (version 1, created_at
 * now()); updated_at is now() too, as Prisma's @updatedAt would set it. Returns the new id.
 */
async function insertIssue(tx: Prisma.TransactionClient, issue: NewIssue): Promise<string> {
  const closedAt = CLOSED.includes(issue.status) ? new Date() : null;
  const [row] = await tx.$queryRaw<{ id: string }[]>`
    WITH i AS (
      INSERT INTO issues (project_id, number, title, description, status, priority, estimate, due_date,
                          assignee_id, parent_id, reporter_id, closed_at, updated_at)
      VALUES (${issue.projectId}::uuid, ${issue.number}, ${issue.title}, ${issue.description},
              ${issue.status}::"IssueStatus", ${issue.priority}::"IssuePriority", ${issue.estimate ?? null}::int,
              ${issue.dueDate ? issue.dueDate.toISOString().slice(0, 10) : null}::date, ${issue.assigneeId ?? null}::uuid,
              ${issue.parentId ?? null}::uuid, ${issue.reporterId}::uuid, ${closedAt}::timestamptz, now())
      RETURNING id),
    labels AS (INSERT INTO issue_labels (issue_id, label_id) SELECT i.id, l FROM i, unnest(${[...issue.labels]}::uuid[]) l),
    history AS (INSERT INTO issue_events (issue_id, actor_id, type) SELECT i.id, ${issue.reporterId}::uuid, 'CREATED' FROM i)
    SELECT id::text AS id FROM i`;
  return row.id;
}

/**
 * Takes the project's next issue number (locking its row until the transaction ends) and asserts
 * `issue.create` with the viewer's role read by the same statement: one round trip for what was a
 * role check and a counter update. A refusal throws, and the transaction's rollback gives the
 * number back. The role comes from the statement's snapshot, as a check just before it would.
 */
async function nextIssueNumber(tx: Prisma.TransactionClient, viewer: Viewer, projectId: string): Promise<number> {
  const [row] = await tx.$queryRaw<{ number: number; role: ProjectRole }[]>`
    UPDATE projects p SET issue_counter = p.issue_counter + 1, updated_at = now()
    FROM project_members m
    WHERE p.id = ${projectId}::uuid AND p.deleted_at IS NULL AND m.project_id = p.id AND m.user_id = ${viewer.id}::uuid
    RETURNING p.issue_counter AS number, m.role::text AS role`;
  assertCan({ userId: viewer.id, role: row?.role ?? null }, 'issue.create', 'Project');
  return row.number;
}

async function requireAssignable(db: Db, projectId: string, userId: string): Promise<void> {
  const member = await db.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { id: true } });
  if (!member) throw ValidationError.field('assigneeId', 'must be a member of the project');
}

/** The parent must be a live issue of the same project and not the issue itself or one of its descendants. */
async function requireParent(
  db: Db,
  { projectId, parentId, childId }: { projectId: string; parentId: string; childId: string | null },
): Promise<void> {
  let cursor: string | null = parentId;
  for (let depth = 0; cursor; depth++) {
    if (cursor === childId || depth > 1000) throw ValidationError.field('parentId', 'would make the issue its own ancestor');
    const ancestor: { projectId: string; parentId: string | null; deletedAt: Date | null } | null = await db.issue.findUnique({
      where: { id: cursor },
      select: { projectId: true, parentId: true, deletedAt: true },
    });
    if (!ancestor || (depth === 0 && (ancestor.projectId !== projectId || ancestor.deletedAt))) {
      throw ValidationError.field('parentId', 'must be an issue of the same project');
    }
    cursor = ancestor.parentId;
  }
}

/** The distinct ids of `ids`, all labels of the project; ValidationError on `field` otherwise. */
async function requireLabels(
  db: Db,
  { projectId, ids, field = 'labelIds' }: { projectId: string; ids: readonly string[]; field?: string },
): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await db.label.count({ where: { projectId, id: { in: unique } } });
  if (found !== unique.length) throw ValidationError.field(field, "must be labels of the issue's project");
  return unique;
}

/** The fields an update may change, shared by updateIssue and updateIssues. */
const issueChanges = {
  title: unclearable(title),
  description: unclearable(description),
  status: unclearable(z.enum(IssueStatus)),
  priority: unclearable(z.enum(IssuePriority)),
  estimate: estimate.nullable().optional(),
  dueDate: z.date().nullable().optional(),
  assigneeId: idField<'User'>().nullable().optional(),
  parentId: idField<'Issue'>().nullable().optional(),
  /** The whole new set (forms). */
  labelIds: labelIds.optional(),
  /** Deltas (Linear's and GitLab's way): concurrent edits adding different labels both keep theirs. */
  addedLabelIds: labelIds.optional(),
  removedLabelIds: labelIds.optional(),
};

type LabelModes = { labelIds?: unknown; addedLabelIds?: readonly string[]; removedLabelIds?: readonly string[] };

/** A whole label set and deltas do not mix, and one label cannot be both added and removed. */
function checkLabelModes(data: LabelModes, ctx: z.RefinementCtx): void {
  if (data.labelIds !== undefined && (data.addedLabelIds !== undefined || data.removedLabelIds !== undefined)) {
    ctx.addIssue({ code: 'custom', path: ['labelIds'], message: 'cannot be combined with addedLabelIds or removedLabelIds' });
  }
  const removed = new Set(data.removedLabelIds);
  if (data.addedLabelIds?.some((id) => removed.has(id))) {
    ctx.addIssue({ code: 'custom', path: ['addedLabelIds'], message: 'must not list a label that removedLabelIds lists too' });
  }
}

const updateIssueInput = z
  .object({ id: idField<'Issue'>(), expectedVersion: unclearable(z.number().int().min(1)), ...issueChanges })
  .superRefine(checkLabelModes);

/** At most this many issues in one updateIssues. */
export const MAX_BATCH_UPDATE = 50;

const updateIssuesInput = z
  .object({
    ids: z
      .array(idField<'Issue'>())
      .min(1, 'must list at least one issue')
      .max(MAX_BATCH_UPDATE, `lists at most ${MAX_BATCH_UPDATE} issues`)
      .refine((ids) => new Set(ids).size === ids.length, 'must not list an issue twice'),
    ...issueChanges,
  })
  .superRefine(checkLabelModes);

type IssueChanges = Omit<z.output<typeof updateIssueInput>, 'id' | 'expectedVersion'>;

type Change = { field: string; from: string | null; to: string | null };
const show = (value: string | number | Date | null | undefined): string | null =>
  value == null
    ? null
    : value instanceof Date
      ? value.toISOString().slice(0, value.getUTCHours() || value.getUTCMinutes() ? 24 : 10)
      : String(value);

/**
 * Changes the given fields only (absent = unchanged, null = cleared); needs `issue.update`. Each
 * change is recorded in the history and bumps `version`. With `expectedVersion`, a stale version
 * gives ConflictError carrying the current issue instead of overwriting someone else's change;
 * without it, concurrent updates still never lose each other's fields (the row is locked while
 * merging). The right is checked again under the lock, so a member removed meanwhile cannot save.
 */
export async function updateIssue({ prisma, viewer }: Actor, input: z.input<typeof updateIssueInput>, query?: object): Promise<Issue> {
  const { id, expectedVersion, ...changes } = parseInput(updateIssueInput, input);
  if (changes.parentId !== undefined) {
    // A parent change takes its project's parent-edge lock before the project's row (lockForUpdate),
    // so it needs the project first.
    const { projectId } = await requireIssue(prisma, viewer, { id, action: 'issue.update' });
    return prisma.$transaction(async (tx) => {
      await lockForUpdate(tx, { targets: [{ id, projectId }], parentsChange: true });
      await requireIssue(tx, viewer, { id, action: 'issue.update' });
      return applyChanges(tx, viewer, { id, projectId, expectedVersion, changes }, query);
    });
  }
  return prisma.$transaction(async (tx) => {
    await lockIssueForEdit(tx, viewer, id);
    const current = await currentIssue(tx, viewer, { id, action: 'issue.update' });
    return applyChanges(tx, viewer, { id, projectId: current.projectId, expectedVersion, changes, current }, query);
  });
}

/**
 * lockForUpdate for one issue without a parent change, in one statement: its project's row FOR KEY
 * SHARE (the sub-select, evaluated before any issue row is locked), then the issue FOR UPDATE, in
 * the one order all writers use. Only an issue of a live project the viewer is a member of is
 * locked, so an outsider's attempt waits for nobody and holds nothing; whether the viewer may edit
 * it is decided after, under the locks (currentIssue).
 */
async function lockIssueForEdit(tx: Prisma.TransactionClient, viewer: Viewer, id: IssueId): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM issues i
    WHERE i.id = ${id}::uuid
      AND (SELECT count(*) FROM (SELECT 1 FROM projects p JOIN project_members m ON m.project_id = p.id AND m.user_id = ${viewer.id}::uuid
           WHERE p.id = (SELECT project_id FROM issues WHERE id = ${id}::uuid) AND p.deleted_at IS NULL FOR KEY SHARE OF p) locked) = 1
    FOR UPDATE OF i`;
}

type CurrentIssue = Issue & { labels: { labelId: string }[] };

/**
 * The issue as it is now, with its labels, after asserting `action` on it as checkIssues does
 * (NotFoundError if hidden or missing, ForbiddenError if not allowed): the check under the locks
 * and the read the update starts from, in one statement.
 */
async function currentIssue(db: Db, viewer: Viewer, { id, action }: { id: IssueId; action: Action }): Promise<CurrentIssue> {
  const row = await db.issue.findFirst({
    where: { id, deletedAt: null, project: visibleProjects(viewer.id) },
    include: {
      labels: { select: { labelId: true } },
      project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } },
    },
  });
  if (!row) throw new NotFoundError('Issue');
  const { project, ...issue } = row;
  assertCan({ userId: viewer.id, role: project.members[0].role }, action, 'Issue', { createdBy: issue.reporterId });
  return issue;
}

/** One item of updateIssues: the issue as updated, or the expected failure it met. */
export type BatchItem = Issue | AppError;

/**
 * Applies the same changes to up to MAX_BATCH_UPDATE issues and answers one item per id, in order:
 * the updated issue, or the error that issue got (NotFoundError, ForbiddenError, ValidationError,
 * as updateIssue would give). The allowed ones are applied in one transaction with a history entry
 * each; a database failure changes none of them. ValidationError for the input as a whole.
 */
export async function updateIssues(
  { prisma, viewer }: Actor,
  input: z.input<typeof updateIssuesInput>,
  query?: object,
): Promise<BatchItem[]> {
  const { ids, ...changes } = parseInput(updateIssuesInput, input);
  return prisma.$transaction(async (tx) => {
    const found = await checkIssues(tx, viewer, { ids, action: 'issue.update' });
    await lockForUpdate(tx, { targets: found.filter(isStanding), parentsChange: changes.parentId !== undefined });
    // Again under the locks: a member removed meanwhile gets nothing applied.
    const allowed = await checkIssues(tx, viewer, { ids, action: 'issue.update' });
    const results: BatchItem[] = [];
    // One at a time: each item's checks and writes see the ones before it (a shared parent, labels).
    for (const [i, item] of allowed.entries()) {
      if (item instanceof AppError) results.push(item);
      else results.push(await expected(() => applyChanges(tx, viewer, { id: ids[i], projectId: item.projectId, changes }, query)));
    }
    return results;
  });
}

const isStanding = (item: IssueStanding | AppError): item is IssueStanding => !(item instanceof AppError);

/** The result of `work`, or the expected failure (AppError) it threw; anything else propagates. */
async function expected<T>(work: () => Promise<T>): Promise<T | AppError> {
  try {
    return await work();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
}

/**
 * Takes every lock an issue update needs, in the one order all writers use (parent edges by
 * project, then projects, then issues, each sorted), so concurrent updates and membership changes
 * wait for each other instead of deadlocking. Parent changes in one project take turns, so two of
 * them cannot each pass the cycle check against the other's uncommitted edge. The projects are
 * locked as membership changes lock them (access.ts lockProject): a removal either committed
 * before the re-check under these locks or waits until the edit is saved.
 */
async function lockForUpdate(
  tx: Prisma.TransactionClient,
  { targets, parentsChange }: { targets: readonly { id: string; projectId: string }[]; parentsChange: boolean },
): Promise<void> {
  if (targets.length === 0) return;
  const projectIds = [...new Set(targets.map((t) => t.projectId))].sort();
  const issueIds = targets.map((t) => t.id).sort();
  if (parentsChange) {
    const keys = projectIds.map((id) => `issue-parents:${id}`);
    await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(k)) FROM unnest(${keys}::text[]) WITH ORDINALITY AS l(k, n) ORDER BY n`;
  }
  await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ANY(${projectIds}::uuid[]) ORDER BY id FOR KEY SHARE`;
  await tx.$executeRaw`SELECT 1 FROM issues WHERE id = ANY(${issueIds}::uuid[]) ORDER BY id FOR UPDATE`;
}

/**
 * Applies `changes` to an issue locked and re-checked by the caller: validates everything before
 * writing anything, so an expected failure leaves the transaction as it was. The payload is read
 * inside the transaction, so it shows exactly this change. `current`, when the caller read it under
 * the locks already, is not read again.
 */
async function applyChanges(
  tx: Prisma.TransactionClient,
  viewer: Viewer,
  target: { id: IssueId; projectId: string; expectedVersion?: number; changes: IssueChanges; current?: CurrentIssue },
  query?: object,
): Promise<Issue> {
  const { id, projectId, expectedVersion, changes: data } = target;
  const current =
    target.current ?? (await tx.issue.findUniqueOrThrow({ where: { id }, include: { labels: { select: { labelId: true } } } }));
  if (expectedVersion !== undefined && expectedVersion !== current.version) {
    const { labels: _labels, ...issue } = current;
    throw new ConflictError(`The issue changed since version ${expectedVersion}; it is now at version ${current.version}`, issue);
  }
  if (data.assigneeId) await requireAssignable(tx, projectId, data.assigneeId);
  if (data.parentId) await requireParent(tx, { projectId, parentId: data.parentId, childId: id });
  const before = new Set(current.labels.map((l) => l.labelId));
  const after = new Set(before);
  if (data.labelIds) {
    after.clear();
    for (const labelId of await requireLabels(tx, { projectId, ids: data.labelIds })) after.add(labelId);
  }
  if (data.addedLabelIds)
    for (const labelId of await requireLabels(tx, { projectId, ids: data.addedLabelIds, field: 'addedLabelIds' })) after.add(labelId);
  for (const labelId of data.removedLabelIds ?? []) after.delete(labelId);

  const fields = ['title', 'description', 'status', 'priority', 'estimate', 'dueDate', 'assigneeId', 'parentId'] as const;
  const changes: Change[] = [];
  const update: Prisma.IssueUncheckedUpdateInput = {};
  for (const field of fields) {
    const next = data[field];
    if (next === undefined || show(next) === show(current[field])) continue;
    changes.push({ field, from: show(current[field]), to: show(next) });
    Object.assign(update, { [field]: next });
  }
  if (data.status && CLOSED.includes(data.status) !== CLOSED.includes(current.status)) {
    update.closedAt = CLOSED.includes(data.status) ? new Date() : null;
  }
  const added = [...after].filter((labelId) => !before.has(labelId));
  const removed = [...before].filter((labelId) => !after.has(labelId));
  const events: { type: IssueEventType; field: string | null; fromValue: string | null; toValue: string | null }[] = [
    ...changes.map((c) => ({ type: 'UPDATED' as const, field: c.field, fromValue: c.from, toValue: c.to })),
    ...added.map((labelId) => labelEvent('LABEL_ADDED', labelId)),
    ...removed.map((labelId) => labelEvent('LABEL_REMOVED', labelId)),
  ];
  if (events.length === 0) return tx.issue.findUniqueOrThrow({ ...query, where: { id } });
  if (added.length) await tx.issueLabel.createMany({ data: added.map((labelId) => ({ issueId: id, labelId })) });
  if (removed.length) await tx.issueLabel.deleteMany({ where: { issueId: id, labelId: { in: removed } } });
  await tx.issueEvent.createMany({ data: events.map((e) => ({ ...e, issueId: id, actorId: viewer.id })) });
  const changedFields = [...changes.map((c) => FIELD_NAMES[c.field] ?? c.field), ...(added.length || removed.length ? ['labels'] : [])];
  await recordEvents(tx, viewer.id, [{ type: 'ISSUE_UPDATED', projectId, issueId: id, changedFields }]);
  return tx.issue.update({ ...query, where: { id }, data: { ...update, version: { increment: 1 } } });
}

/** The GraphQL names of the columns whose names differ, for ISSUE_UPDATED's changed fields. */
const FIELD_NAMES: Record<string, string> = { assigneeId: 'assignee', parentId: 'parent' };

/** The history entry for a label put on (LABEL_ADDED) or taken off (LABEL_REMOVED) an issue. */
export function labelEvent(type: 'LABEL_ADDED' | 'LABEL_REMOVED', labelId: string) {
  return type === 'LABEL_ADDED'
    ? { type, field: 'labels', fromValue: null, toValue: labelId }
    : { type, field: 'labels', fromValue: labelId, toValue: null };
}

type StateChange = 'ARCHIVED' | 'UNARCHIVED' | 'DELETED' | 'RESTORED';
const OUTBOX_TYPE: Record<StateChange, EventType> = {
  ARCHIVED: 'ISSUE_ARCHIVED',
  UNARCHIVED: 'ISSUE_UNARCHIVED',
  DELETED: 'ISSUE_DELETED',
  RESTORED: 'ISSUE_RESTORED',
};

/** Sets `data` and records `type` (history and outbox) only if the issue is still in state `from`; otherwise a no-op. */
async function recordAndSet(
  { prisma, viewer }: Actor,
  change: { issue: IssueStanding; type: StateChange; from: Prisma.IssueWhereInput; data: Prisma.IssueUncheckedUpdateInput },
  query?: object,
): Promise<Issue> {
  const { issue, type, from, data } = change;
  const id = issue.id;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.issue.updateMany({ where: { id, ...from }, data: { ...data, version: { increment: 1 } } });
    if (count === 1) {
      await tx.issueEvent.create({ data: { issueId: id, actorId: viewer.id, type } });
      await recordEvents(tx, viewer.id, [{ type: OUTBOX_TYPE[type], projectId: issue.projectId, issueId: id }]);
    }
    return tx.issue.findUniqueOrThrow({ ...query, where: { id } });
  });
}

/** Archives or unarchives an issue (archived issues leave default lists); needs `issue.update`. */
export async function setIssueArchived(actor: Actor, { id, archived }: { id: IssueId; archived: boolean }, query?: object): Promise<Issue> {
  const issue = await requireIssue(actor.prisma, actor.viewer, { id, action: 'issue.update' });
  const change = archived
    ? { type: 'ARCHIVED' as const, from: { archivedAt: null }, data: { archivedAt: new Date() } }
    : { type: 'UNARCHIVED' as const, from: { archivedAt: { not: null } }, data: { archivedAt: null } };
  return recordAndSet(actor, { issue, ...change }, query);
}

/** Deletes an issue (soft: restorable); needs `issue.delete` (admins, and members on their own reports). */
export async function deleteIssue(actor: Actor, id: IssueId): Promise<Issue> {
  const issue = await requireIssue(actor.prisma, actor.viewer, { id, action: 'issue.delete' });
  return recordAndSet(actor, { issue, type: 'DELETED', from: { deletedAt: null }, data: { deletedAt: new Date() } });
}

/** Brings a deleted issue back; needs `issue.delete`, like deleting it. */
export async function restoreIssue(actor: Actor, id: IssueId, query?: object): Promise<Issue> {
  const issue = await requireIssue(actor.prisma, actor.viewer, { id, action: 'issue.delete', deleted: true });
  return recordAndSet(actor, { issue, type: 'RESTORED', from: { deletedAt: { not: null } }, data: { deletedAt: null } }, query);
}
