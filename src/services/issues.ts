// Issues: creation with per-project numbering, and lookups by key. Every lookup is filtered by the
// viewer's membership in SQL, so hidden issues are indistinguishable from missing ones.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { parseInput, ValidationError } from '../domain/errors.js';
import type { Issue, Prisma, PrismaClient } from '../generated/prisma/client.js';
import { IssuePriority, IssueStatus } from '../generated/prisma/enums.js';
import type { Db } from './db.js';
import { requireRole, UUID, visibleProjects } from './projects.js';

export const ISSUE_KEY = /^([A-Z][A-Z0-9]{1,9})-([1-9][0-9]{0,8})$/;

/** The SQL filter for issues `viewer` may see (live issues of visible projects). */
export function visibleIssues(viewer: Viewer): Prisma.IssueWhereInput {
  return { deletedAt: null, project: visibleProjects(viewer) };
}

const createIssueInput = z.object({
  projectId: z.string(),
  title: z.string().trim().min(1, 'must not be empty').max(255, 'must be at most 255 characters'),
  description: z.string().max(100_000, 'must be at most 100000 characters').default(''),
  status: z.enum(IssueStatus).default('TODO'),
  priority: z.enum(IssuePriority).default('NONE'),
  estimate: z.number().int().min(0, 'must not be negative').max(1000).nullish(),
  dueDate: z.date().nullish(),
  assigneeId: z.string().regex(UUID, 'is not a user id').nullish(),
});

/**
 * Creates an issue numbered after the project's last one (API-1, API-2, …). Needs MEMBER or higher;
 * the assignee must be a project member. The counter row lock serialises concurrent creators.
 */
export async function createIssue(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Issue> {
  const data = parseInput(createIssueInput, input);
  await requireRole(prisma, viewer, data.projectId, 'MEMBER');
  return prisma.$transaction(async (tx) => {
    if (data.assigneeId) await requireAssignable(tx, data.projectId, data.assigneeId);
    const { issueCounter } = await tx.project.update({
      where: { id: data.projectId },
      data: { issueCounter: { increment: 1 } },
      select: { issueCounter: true },
    });
    const issue = await tx.issue.create({
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
        reporterId: viewer.id,
        closedAt: data.status === 'DONE' || data.status === 'CANCELED' ? new Date() : null,
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

/** The issue with key `API-42` if the viewer may see it; null otherwise (missing and hidden look alike). */
export async function findIssueByKey<Q extends object>(db: Db, viewer: Viewer, key: string, query: Q): Promise<Issue | null> {
  const match = ISSUE_KEY.exec(key.trim().toUpperCase());
  if (!match) return null;
  return db.issue.findFirst({
    ...query,
    where: { number: Number(match[2]), deletedAt: null, project: { key: match[1], ...visibleProjects(viewer) } },
  });
}
