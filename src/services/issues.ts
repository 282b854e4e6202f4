// Issues: numbering, partial updates with history and optimistic concurrency, archive, soft delete
// and restore, and the filtered list. Every lookup is filtered by the viewer's membership in SQL,
// so hidden issues are indistinguishable from missing ones.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { ConflictError, NotFoundError, parseInput, unclearable, ValidationError } from '../domain/errors.js';
import { idField, type IssueId } from '../domain/ids.js';
import { assertCan, visibleIssues, visibleProjects, type Action } from '../domain/permissions.js';
import type { Issue, IssueEventType, Prisma } from '../generated/prisma/client.js';
import { IssuePriority, IssueStatus } from '../generated/prisma/enums.js';
import { authorize, type Actor } from './access.js';
import { withColumns, type Db } from './db.js';
import { findProjects } from './projects.js';
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

export type PageStart = { cursor: { id: string }; skip: number };

/** The sort values (and project) of the issue a cursor names, if the viewer can see it; null otherwise. */
function cursorIssue(db: Db, viewer: Viewer, cursorId: string) {
  return db.issue.findFirst({
    where: { id: cursorId, project: visibleProjects(viewer.id) },
    select: { id: true, projectId: true, priority: true, status: true, dueDate: true, createdAt: true, updatedAt: true, number: true },
  });
}

/**
 * Where a project's page after (or, `backward`, before) issue `cursorId` starts, as Prisma `cursor`
 * + `skip`, for Project.issues: Pothos' relatedConnection always hands Prisma a cursor (Query.issues
 * uses a keyset condition instead, see listIssues). Prisma needs the cursor's row in the list: once
 * that issue has left it (archived, deleted, edited out of the filter) a nested list comes back
 * empty. So the page is anchored on the first issue still listed at or beyond the cursor's sort
 * position: the cursor itself (skip 1) or its next neighbour (skip 0).
 */
export async function issuePageStart(
  { prisma, viewer }: Actor,
  options: IssueListOptions,
  { cursorId, backward }: { cursorId: string; backward: boolean },
): Promise<PageStart> {
  const asGiven = { cursor: { id: cursorId }, skip: 1 };
  const row = await cursorIssue(prisma, viewer, cursorId);
  if (!row) return asGiven;
  const { where, orderBy } = issueListQuery(options);
  const anchor = await prisma.issue.findFirst({
    where: {
      AND: [
        where,
        visibleIssues(viewer.id),
        { projectId: row.projectId },
        { OR: [{ id: row.id }, issuesBeyond(row, options.orderBy, backward)] },
      ],
    },
    orderBy,
    take: backward ? -1 : 1,
    select: { id: true },
  });
  return !anchor || anchor.id === row.id ? asGiven : { cursor: { id: anchor.id }, skip: 0 };
}

/**
 * Issues the viewer may see across their projects, filtered and ordered, one page. A page after (or
 * before) a cursor is a keyset condition on the cursor issue's sort values rather than Prisma's
 * `cursor`, which would split the query into several and needs the cursor's row to still be in the list.
 */
export async function listIssues(
  { prisma, viewer }: Actor,
  { page, ...options }: IssueListOptions & { page: IssuePageRequest },
  selection: object,
): Promise<Issue[]> {
  const { where, orderBy } = issueListQuery(options);
  let beyond: Prisma.IssueWhereInput = {};
  if (page.cursorId) {
    const row = await cursorIssue(prisma, viewer, page.cursorId);
    // A cursor naming no visible issue pages nothing.
    beyond = row ? issuesBeyond(row, options.orderBy, page.backward) : { id: { in: [] } };
  }
  return prisma.issue.findMany({
    ...selection,
    where: { AND: [where, visibleIssues(viewer.id), beyond] },
    orderBy,
    take: page.backward ? -page.take : page.take,
  });
}

/** How many issues listIssues would return without paging. */
export function countIssues({ prisma, viewer }: Actor, options: IssueListOptions): Promise<number> {
  return prisma.issue.count({ where: { AND: [issueListQuery(options).where, visibleIssues(viewer.id)] } });
}

/**
 * A visible issue after asserting `action` on it (its reporter counts as its creator): NotFoundError
 * if hidden, ForbiddenError if not allowed. `deleted` looks among deleted issues instead of live ones.
 */
async function requireIssue(db: Db, viewer: Viewer, id: IssueId, action: Action, { deleted = false } = {}) {
  const issue = await db.issue.findFirst({
    where: { id, deletedAt: deleted ? { not: null } : null, project: visibleProjects(viewer.id) },
    select: {
      id: true,
      projectId: true,
      reporterId: true,
      project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } },
    },
  });
  if (!issue) throw new NotFoundError('Issue');
  assertCan({ userId: viewer.id, role: issue.project.members[0].role }, action, 'Issue', { createdBy: issue.reporterId });
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
});

/**
 * Creates an issue numbered after the project's last one (API-1, API-2, …); needs `issue.create`.
 * The assignee must be a member, the parent and labels must belong to the project. Locking the
 * project's counter row serialises concurrent creators, so numbers are never duplicated or skipped.
 */
export async function createIssue({ prisma, viewer }: Actor, input: z.input<typeof createIssueInput>, query?: object): Promise<Issue> {
  const data = parseInput(createIssueInput, input);
  await authorize(prisma, viewer, data.projectId, 'issue.create');
  return prisma.$transaction(async (tx) => {
    if (data.assigneeId) await requireAssignable(tx, data.projectId, data.assigneeId);
    if (data.parentId) await requireParent(tx, data.projectId, data.parentId, null);
    const labels = data.labelIds ? await requireLabels(tx, data.projectId, data.labelIds) : [];
    const { issueCounter } = await tx.project.update({
      where: { id: data.projectId },
      data: { issueCounter: { increment: 1 } },
      select: { issueCounter: true },
    });
    const issue = await tx.issue.create({
      ...query,
      data: {
        projectId: data.projectId,
        number: issueCounter,
        title: data.title,
        description: data.description,
        status: data.status,
        priority: data.priority,
        estimate: data.estimate ?? null,
        dueDate: data.dueDate ?? null,
        assigneeId: data.assigneeId ?? null,
        parentId: data.parentId ?? null,
        reporterId: viewer.id,
        closedAt: CLOSED.includes(data.status) ? new Date() : null,
        // An empty nested create would make Prisma re-read the new row in an extra statement.
        ...(labels.length ? { labels: { create: labels.map((labelId) => ({ labelId })) } } : {}),
      },
    });
    await tx.issueEvent.create({ data: { issueId: issue.id, actorId: viewer.id, type: 'CREATED' } });
    return issue;
  });
}

async function requireAssignable(db: Db, projectId: string, userId: string): Promise<void> {
  const member = await db.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } }, select: { id: true } });
  if (!member) throw ValidationError.field('assigneeId', 'must be a member of the project');
}

/** The parent must be a live issue of the same project and not the issue itself or one of its descendants. */
async function requireParent(db: Db, projectId: string, parentId: string, childId: string | null): Promise<void> {
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

async function requireLabels(db: Db, projectId: string, ids: readonly string[]): Promise<string[]> {
  const unique = [...new Set(ids)];
  const found = await db.label.count({ where: { projectId, id: { in: unique } } });
  if (found !== unique.length) throw ValidationError.field('labelIds', "must be labels of the issue's project");
  return unique;
}

const updateIssueInput = z.object({
  id: idField<'Issue'>(),
  expectedVersion: unclearable(z.number().int().min(1)),
  title: unclearable(title),
  description: unclearable(description),
  status: unclearable(z.enum(IssueStatus)),
  priority: unclearable(z.enum(IssuePriority)),
  estimate: estimate.nullable().optional(),
  dueDate: z.date().nullable().optional(),
  assigneeId: idField<'User'>().nullable().optional(),
  parentId: idField<'Issue'>().nullable().optional(),
  labelIds: labelIds.optional(),
});

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
  const data = parseInput(updateIssueInput, input);
  const { projectId } = await requireIssue(prisma, viewer, data.id, 'issue.update');
  return prisma.$transaction(async (tx) => {
    // Parent changes in one project take turns, so two of them cannot each pass the cycle check
    // against the other's uncommitted edge (nor deadlock on each other's rows).
    if (data.parentId !== undefined) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`issue-parents:${projectId}`}))`;
    // The project first, as membership changes do (access.ts lockProject): a removal either
    // committed before this check or waits until this edit is saved.
    await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId}::uuid FOR KEY SHARE`;
    await tx.$executeRaw`SELECT 1 FROM issues WHERE id = ${data.id}::uuid FOR UPDATE`;
    await requireIssue(tx, viewer, data.id, 'issue.update');
    const current = await tx.issue.findUniqueOrThrow({ where: { id: data.id }, include: { labels: { select: { labelId: true } } } });
    if (data.expectedVersion !== undefined && data.expectedVersion !== current.version) {
      const { labels: _labels, ...issue } = current;
      throw new ConflictError(`The issue changed since version ${data.expectedVersion}; it is now at version ${current.version}`, issue);
    }
    if (data.assigneeId) await requireAssignable(tx, projectId, data.assigneeId);
    if (data.parentId) await requireParent(tx, projectId, data.parentId, data.id);

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

    const events: { type: IssueEventType; field: string | null; fromValue: string | null; toValue: string | null }[] = changes.map((c) => ({
      type: 'UPDATED',
      field: c.field,
      fromValue: c.from,
      toValue: c.to,
    }));
    if (data.labelIds) {
      const before = new Set(current.labels.map((l) => l.labelId));
      const after = new Set(await requireLabels(tx, projectId, data.labelIds));
      const added = [...after].filter((id) => !before.has(id));
      const removed = [...before].filter((id) => !after.has(id));
      if (added.length) await tx.issueLabel.createMany({ data: added.map((labelId) => ({ issueId: data.id, labelId })) });
      if (removed.length) await tx.issueLabel.deleteMany({ where: { issueId: data.id, labelId: { in: removed } } });
      events.push(...added.map((id) => labelEvent('LABEL_ADDED', id)));
      events.push(...removed.map((id) => labelEvent('LABEL_REMOVED', id)));
    }
    // The payload is read inside the transaction, so it shows exactly this change.
    if (events.length === 0) return tx.issue.findUniqueOrThrow({ ...query, where: { id: data.id } });
    await tx.issueEvent.createMany({ data: events.map((e) => ({ ...e, issueId: data.id, actorId: viewer.id })) });
    return tx.issue.update({ ...query, where: { id: data.id }, data: { ...update, version: { increment: 1 } } });
  });
}

/** The history entry for a label put on (LABEL_ADDED) or taken off (LABEL_REMOVED) an issue. */
export function labelEvent(type: 'LABEL_ADDED' | 'LABEL_REMOVED', labelId: string) {
  return type === 'LABEL_ADDED'
    ? { type, field: 'labels', fromValue: null, toValue: labelId }
    : { type, field: 'labels', fromValue: labelId, toValue: null };
}

/** Sets `data` and records `type` only if the issue is still in state `from`; otherwise a no-op. */
async function recordAndSet(
  { prisma, viewer }: Actor,
  change: { id: IssueId; type: IssueEventType; from: Prisma.IssueWhereInput; data: Prisma.IssueUncheckedUpdateInput },
  query?: object,
): Promise<Issue> {
  const { id, type, from, data } = change;
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.issue.updateMany({ where: { id, ...from }, data: { ...data, version: { increment: 1 } } });
    if (count === 1) await tx.issueEvent.create({ data: { issueId: id, actorId: viewer.id, type } });
    return tx.issue.findUniqueOrThrow({ ...query, where: { id } });
  });
}

/** Archives or unarchives an issue (archived issues leave default lists); needs `issue.update`. */
export async function setIssueArchived(actor: Actor, { id, archived }: { id: IssueId; archived: boolean }, query?: object): Promise<Issue> {
  await requireIssue(actor.prisma, actor.viewer, id, 'issue.update');
  const change = archived
    ? { type: 'ARCHIVED' as const, from: { archivedAt: null }, data: { archivedAt: new Date() } }
    : { type: 'UNARCHIVED' as const, from: { archivedAt: { not: null } }, data: { archivedAt: null } };
  return recordAndSet(actor, { id, ...change }, query);
}

/** Deletes an issue (soft: restorable); needs `issue.delete` (admins, and members on their own reports). */
export async function deleteIssue(actor: Actor, id: IssueId): Promise<Issue> {
  await requireIssue(actor.prisma, actor.viewer, id, 'issue.delete');
  return recordAndSet(actor, { id, type: 'DELETED', from: { deletedAt: null }, data: { deletedAt: new Date() } });
}

/** Brings a deleted issue back; needs `issue.delete`, like deleting it. */
export async function restoreIssue(actor: Actor, id: IssueId, query?: object): Promise<Issue> {
  await requireIssue(actor.prisma, actor.viewer, id, 'issue.delete', { deleted: true });
  return recordAndSet(actor, { id, type: 'RESTORED', from: { deletedAt: { not: null } }, data: { deletedAt: null } }, query);
}
