// The acting user's standing in a project, read from the database, and the assertion every write
// makes through domain/permissions.ts. Also the project lock that serialises membership-sensitive
// writes, so a check made under it still holds when the transaction commits.
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { assertCan, type Action, type ProjectAccess } from '../domain/permissions.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/** Who acts, and on which database: the first argument of every service that acts for a viewer. */
export type Actor = { prisma: PrismaClient; viewer: Viewer };

/** The viewer's role in a live project; role null when they are not a member or it is deleted. */
export async function projectAccess(db: Db, viewer: Viewer, projectId: string): Promise<ProjectAccess> {
  const membership = await db.projectMember.findUnique({
    where: { projectId_userId: { projectId, userId: viewer.id } },
    select: { role: true, project: { select: { deletedAt: true } } },
  });
  return { userId: viewer.id, role: membership && !membership.project.deletedAt ? membership.role : null };
}

/**
 * projectAccess for many users of one project in one statement: what a subscription checks for
 * each of its subscribers on every event (one query per event, not per subscriber).
 */
export async function projectAccesses(db: Db, projectId: string, userIds: readonly string[]): Promise<ProjectAccess[]> {
  const rows = await db.projectMember.findMany({
    where: { projectId, userId: { in: [...new Set(userIds)] }, project: { deletedAt: null } },
    select: { userId: true, role: true },
  });
  const roles = new Map(rows.map((row) => [row.userId, row.role]));
  return userIds.map((userId) => ({ userId, role: roles.get(userId) ?? null }));
}

/** The viewer's standing in the project after asserting `action`: NotFoundError if hidden, ForbiddenError if not allowed. */
export async function authorize(
  db: Db,
  { viewer, projectId, action }: { viewer: Viewer; projectId: string; action: Action },
): Promise<ProjectAccess> {
  const access = await projectAccess(db, viewer, projectId);
  assertCan(access, action, 'Project');
  return access;
}

/** Locks the project row until the transaction ends, so membership checks and changes cannot interleave. */
export async function lockProject(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
}
