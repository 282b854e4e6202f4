// Issues: numbering, partial updates with history and optimistic concurrency, archive, soft delete
// and restore, and the filtered list. Every lookup is filtered by the viewer's membership in SQL,
// so hidden issues are indistinguishable from missing ones.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { ConflictError, ForbiddenError, NotFoundError, parseInput, ValidationError } from '../domain/errors.js';
import type { Issue, IssueEventType, Prisma, ProjectRole } from '../generated/prisma/client.js';
import { IssuePriority, IssueStatus } from '../generated/prisma/enums.js';
import type { Db } from './db.js';
import { issueOrderBy, issuesBeyond, issueWhere, mentionsArchived, type IssueFilter, type IssueOrder } from './issue-filter.js';
import { atLeast, requireRole, UUID, visibleProjects } from './projects.js';

export const ISSUE_KEY = /^([A-Z][A-Z0-9]{1,9})-([1-9][0-9]{0,8})$/;
const CLOSED: readonly IssueStatus[] = ['DONE', 'CANCELED'];

/** The SQL filter for issues `viewer` may see (live issues of visible projects). */
export function visibleIssues(viewer: Viewer): Prisma.IssueWhereInput {
  return { deletedAt: null, project: visibleProjects(viewer) };
}

/** The issue with id `id` if the viewer may see it; null otherwise. */
export function findIssue<Q extends object>(db: Db, viewer: Viewer, id: string, query: Q): Promise<Issue | null> {
  if (!UUID.test(id)) return Promise.resolve(null);
  return db.issue.findFirst({ ...query, where: { id, ...visibleIssues(viewer) } });
}

/** The issue with key `API-42` if the viewer may see it; null otherwise (missing and hidden look alike). */
export async function findIssueByKey<Q extends object>(db: Db, viewer: Viewer, key: string, query: Q): Promise<Issue | null> {
  const match = ISSUE_KEY.exec(key.trim().toUpperCase());
  if (!match) return null;
  return db.issue.findFirst({
    ...query,
    where: { number: Number(match[2]), deletedAt: null, project: { key: match[1], ...visibleProjects(viewer) } },
  });
}

export type IssueListOptions = { filter?: IssueFilter | null; orderBy?: readonly IssueOrder[] | null };

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
  if (!UUID.test(cursorId)) return Promise.resolve(null);
  return db.issue.findFirst({
    where: { id: cursorId, project: visibleProjects(viewer) },
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
export async function issuePageStart(db: Db, viewer: Viewer, options: IssueListOptions, cursorId: string, backward: boolean): Promise<PageStart> {
  const asGiven = { cursor: { id: cursorId }, skip: 1 };
  const row = await cursorIssue(db, viewer, cursorId);
  if (!row) return asGiven;
  const { where, orderBy } = issueListQuery(options);
  const anchor = await db.issue.findFirst({
    where: {
      AND: [where, visibleIssues(viewer), { projectId: row.projectId }, { OR: [{ id: row.id }, issuesBeyond(row, options.orderBy, backward)] }],
    },
    orderBy,
    take: backward ? -1 : 1,
    select: { id: true },
  });
  return !anchor || anchor.id === row.id ? asGiven : { cursor: { id: anchor.id }, skip: 0 };
}

/**
 * Issues the viewer may see across their projects, filtered and ordered. A page after (or before)
 * a cursor is a keyset condition on the cursor issue's sort values rather than Prisma's `cursor`,
 * which would split the query into several and needs the cursor's row to still be in the list.
 */
export async function listIssues<Q extends object>(db: Db, viewer: Viewer, options: IssueListOptions, query: Q): Promise<Issue[]> {
  const { where, orderBy } = issueListQuery(options);
  const { cursor, skip: _skip, ...page } = query as Q & { cursor?: { id?: string }; skip?: number; take?: number };
  let beyond: Prisma.IssueWhereInput = {};
  if (cursor?.id) {
    const row = await cursorIssue(db, viewer, cursor.id);
    // A cursor naming no visible issue pages nothing.
    beyond = row ? issuesBeyond(row, options.orderBy, (page.take ?? 0) < 0) : { id: { in: [] } };
  }
  return db.issue.findMany({ ...page, where: { AND: [where, visibleIssues(viewer), beyond] }, orderBy });
}

/** How many issues listIssues would return without paging. */
export function countIssues(db: Db, viewer: Viewer, options: IssueListOptions): Promise<number> {
  return db.issue.count({ where: { AND: [issueListQuery(options).where, visibleIssues(viewer)] } });
}

/** A visible issue and the viewer's role in its project; NotFoundError if hidden, ForbiddenError below `min`. */
async function requireIssue(db: Db, viewer: Viewer, id: string, min: ProjectRole, { deleted = false } = {}) {
  const issue = UUID.test(id)
    ? await db.issue.findFirst({
        where: { id, deletedAt: deleted ? { not: null } : null, project: visibleProjects(viewer) },
        select: { id: true, projectId: true, reporterId: true, project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } } },
      })
    : null;
  if (!issue) throw new NotFoundError('Issue');
  const role = issue.project.members[0].role;
  if (!atLeast(role, min)) throw new ForbiddenError(`This needs the ${min} role or higher in the project; you are ${role}`);
  return { ...issue, role };
}

const title = z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters');
const description = z.string().max(100_000, 'must be at most 100000 characters');
const estimate = z.number().int().min(0, 'must not be negative').max(1000, 'must be at most 1000');
const userId = z.string().regex(UUID, 'is not a user id');
const issueId = z.string().regex(UUID, 'is not an issue id');
const labelIds = z.array(z.string().regex(UUID, 'is not a label id')).max(50, 'at most 50 labels');

const createIssueInput = z.object({
  projectId: z.string(),
  title,
  description: description.default(''),
  status: z.enum(IssueStatus).default('TODO'),
  priority: z.enum(IssuePriority).default('NONE'),
  estimate: estimate.nullish(),
  dueDate: z.date().nullish(),
  assigneeId: userId.nullish(),
  parentId: issueId.nullish(),
  labelIds: labelIds.nullish(),
});

/**
 * Creates an issue numbered after the project's last one (API-1, API-2, …); needs MEMBER. The
 * assignee must be a member, the parent and labels must belong to the project. Locking the
 * project's counter row serialises concurrent creators, so numbers are never duplicated or skipped.
 */
export async function createIssue<Q extends object>(prisma: PrismaClient, viewer: Viewer, input: unknown, query?: Q): Promise<Issue> {
  const data = parseInput(createIssueInput, input);
  await requireRole(prisma, viewer, data.projectId, 'MEMBER');
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
  if (found !== unique.length) throw ValidationError.field('labelIds', 'must be labels of the issue\'s project');
  return unique;
}

const updateIssueInput = z.object({
  id: z.string(),
  expectedVersion: z.number().int().min(1).optional(),
  title: title.optional(),
  description: description.optional(),
  status: z.enum(IssueStatus).optional(),
  priority: z.enum(IssuePriority).optional(),
  estimate: estimate.nullable().optional(),
  dueDate: z.date().nullable().optional(),
  assigneeId: userId.nullable().optional(),
  parentId: issueId.nullable().optional(),
  labelIds: labelIds.optional(),
});

type Change = { field: string; from: string | null; to: string | null };
const show = (value: unknown): string | null =>
  value == null ? null : value instanceof Date ? value.toISOString().slice(0, value.getUTCHours() || value.getUTCMinutes() ? 24 : 10) : String(value);

/**
 * Changes the given fields only (absent = unchanged, null = cleared); needs MEMBER. Each change is
 * recorded in the history and bumps `version`. With `expectedVersion`, a stale version gives
 * ConflictError carrying the current issue instead of overwriting someone else's change; without
 * it, concurrent updates still never lose each other's fields (the row is locked while merging).
 */
export async function updateIssue<Q extends object>(prisma: PrismaClient, viewer: Viewer, input: unknown, query?: Q): Promise<Issue> {
  const data = parseInput(updateIssueInput, input);
  const { projectId } = await requireIssue(prisma, viewer, data.id, 'MEMBER');
  return prisma.$transaction(async (tx) => {
    // Parent changes in one project take turns, so two of them cannot each pass the cycle check
    // against the other's uncommitted edge (nor deadlock on each other's rows).
    if (data.parentId !== undefined) await tx.$executeRaw`SELECT pg_advisory_xact_lock(hashtext(${`issue-parents:${projectId}`}))`;
    await tx.$executeRaw`SELECT 1 FROM issues WHERE id = ${data.id}::uuid FOR UPDATE`;
    const current = await tx.issue.findUniqueOrThrow({ where: { id: data.id }, include: { labels: { select: { labelId: true } } } });
    if (current.deletedAt) throw new NotFoundError('Issue');
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
      events.push(...added.map((id) => ({ type: 'LABEL_ADDED' as const, field: 'labels', fromValue: null, toValue: id })));
      events.push(...removed.map((id) => ({ type: 'LABEL_REMOVED' as const, field: 'labels', fromValue: id, toValue: null })));
    }
    // The payload is read inside the transaction, so it shows exactly this change.
    if (events.length === 0) return tx.issue.findUniqueOrThrow({ ...query, where: { id: data.id } });
    await tx.issueEvent.createMany({ data: events.map((e) => ({ ...e, issueId: data.id, actorId: viewer.id })) });
    return tx.issue.update({ ...query, where: { id: data.id }, data: { ...update, version: { increment: 1 } } });
  });
}

/** Sets `data` and records `type` only if the issue is still in state `from`; otherwise a no-op. */
async function recordAndSet<Q extends object>(
  prisma: PrismaClient,
  viewer: Viewer,
  id: string,
  type: IssueEventType,
  from: Prisma.IssueWhereInput,
  data: Prisma.IssueUncheckedUpdateInput,
  query?: Q,
): Promise<Issue> {
  return prisma.$transaction(async (tx) => {
    const { count } = await tx.issue.updateMany({ where: { id, ...from }, data: { ...data, version: { increment: 1 } } });
    if (count === 1) await tx.issueEvent.create({ data: { issueId: id, actorId: viewer.id, type } });
    return tx.issue.findUniqueOrThrow({ ...query, where: { id } });
  });
}

/** Archives or unarchives an issue (archived issues leave default lists); needs MEMBER. */
export async function setIssueArchived<Q extends object>(prisma: PrismaClient, viewer: Viewer, id: string, archived: boolean, query?: Q): Promise<Issue> {
  await requireIssue(prisma, viewer, id, 'MEMBER');
  return recordAndSet(prisma, viewer, id, archived ? 'ARCHIVED' : 'UNARCHIVED', { archivedAt: archived ? null : { not: null } }, { archivedAt: archived ? new Date() : null }, query);
}

/** Deletes an issue (soft: restorable); needs ADMIN, or MEMBER for its own reporter. */
export async function deleteIssue(prisma: PrismaClient, viewer: Viewer, id: string): Promise<Issue> {
  const issue = await requireIssue(prisma, viewer, id, 'MEMBER');
  if (issue.reporterId !== viewer.id && !atLeast(issue.role, 'ADMIN')) throw new ForbiddenError('Only admins and the reporter can delete an issue');
  return recordAndSet(prisma, viewer, id, 'DELETED', { deletedAt: null }, { deletedAt: new Date() });
}

/** Brings a deleted issue back; same rights as deleting it. */
export async function restoreIssue<Q extends object>(prisma: PrismaClient, viewer: Viewer, id: string, query?: Q): Promise<Issue> {
  const issue = await requireIssue(prisma, viewer, id, 'MEMBER', { deleted: true });
  if (issue.reporterId !== viewer.id && !atLeast(issue.role, 'ADMIN')) throw new ForbiddenError('Only admins and the reporter can restore an issue');
  return recordAndSet(prisma, viewer, id, 'RESTORED', { deletedAt: { not: null } }, { deletedAt: null }, query);
}
