// Projects and membership rules. A project is visible only to its members; to anyone else it does
// not exist (NotFoundError, exactly as for a missing one).
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { uniqueOrConflict } from '../db/errors.js';
import { ForbiddenError, NotFoundError, parseInput } from '../domain/errors.js';
import type { Prisma, PrismaClient, Project, ProjectRole } from '../generated/prisma/client.js';
import type { Db } from './db.js';

/** Higher outranks lower: owners can do all admins can, and so on. */
export const ROLE_RANK: Record<ProjectRole, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3, OWNER: 4 };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The SQL filter for projects `viewer` may see; lists and lookups all go through it. */
export function visibleProjects(viewer: Viewer): Prisma.ProjectWhereInput {
  return { deletedAt: null, members: { some: { userId: viewer.id } } };
}

/** The viewer's role in a visible project. NotFoundError if absent or hidden, ForbiddenError if below `min`. */
export async function requireRole(db: Db, viewer: Viewer, projectId: string, min: ProjectRole): Promise<ProjectRole> {
  const membership = UUID.test(projectId)
    ? await db.projectMember.findUnique({
        where: { projectId_userId: { projectId, userId: viewer.id } },
        select: { role: true, project: { select: { deletedAt: true } } },
      })
    : null;
  if (!membership || membership.project.deletedAt) throw new NotFoundError('Project');
  if (ROLE_RANK[membership.role] < ROLE_RANK[min]) {
    throw new ForbiddenError(`This needs the ${min} role or higher in the project; you are ${membership.role}`);
  }
  return membership.role;
}

const createProjectInput = z.object({
  key: z
    .string()
    .trim()
    .toUpperCase()
    .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2-10 letters or digits, starting with a letter (like API)'),
  name: z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters'),
  description: z.string().max(10_000, 'must be at most 10000 characters').default(''),
});

/** Creates a project owned by the viewer (who becomes its OWNER member). ConflictError if the key is taken. */
export async function createProject(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Project> {
  const data = parseInput(createProjectInput, input);
  return uniqueOrConflict(
    () =>
      prisma.project.create({
        data: { ...data, ownerId: viewer.id, members: { create: { userId: viewer.id, role: 'OWNER' } } },
      }),
    `A project with key ${data.key} already exists`,
    'key',
  );
}

/** Projects that `userId` belongs to and the viewer may see, for a connection's `query`. */
export function listProjectsOfUser<Q extends object>(db: Db, viewer: Viewer, userId: string, query: Q): Promise<Project[]> {
  return db.project.findMany({
    ...query,
    where: { AND: [visibleProjects(viewer), { members: { some: { userId } } }] },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
  });
}
