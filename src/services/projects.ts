// Projects and membership. A project is visible only to its members; to anyone else it does not
// exist (NotFoundError, exactly as for a missing one). Roles rank OWNER > ADMIN > MEMBER > VIEWER:
// viewers read, members create and edit issues, admins manage the project, its members and
// labels, owners delete it and transfer it. A project always keeps at least one owner.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { uniqueOrConflict } from '../db/errors.js';
import { ConflictError, ForbiddenError, NotFoundError, parseInput, ValidationError } from '../domain/errors.js';
import type { Prisma, Project, ProjectMember, ProjectRole } from '../generated/prisma/client.js';
import { ProjectRole as ProjectRoles } from '../generated/prisma/enums.js';
import type { Db } from './db.js';

/** Escapes LIKE's wildcards so a search for `50%` means those characters. */
export const escapeLike = (text: string | undefined) => text?.replace(/[\\%_]/g, '\\$&');

/** Higher outranks lower: owners can do all admins can, and so on. */
export const ROLE_RANK: Record<ProjectRole, number> = { VIEWER: 1, MEMBER: 2, ADMIN: 3, OWNER: 4 };

export const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export const atLeast = (held: ProjectRole | null | undefined, needed: ProjectRole) =>
  held != null && ROLE_RANK[held] >= ROLE_RANK[needed];

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
  if (!atLeast(membership.role, min)) {
    throw new ForbiddenError(`This needs the ${min} role or higher in the project; you are ${membership.role}`);
  }
  return membership.role;
}

/** Locks the project row until the transaction ends, so membership checks and changes cannot interleave. */
async function lockProject(tx: Prisma.TransactionClient, projectId: string): Promise<void> {
  if (!UUID.test(projectId)) throw new NotFoundError('Project');
  await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ${projectId}::uuid FOR UPDATE`;
}

const projectKey = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2-10 letters or digits, starting with a letter (like API)');
const projectName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const projectDescription = z.string().max(10_000, 'must be at most 10000 characters');

const createProjectInput = z.object({ key: projectKey, name: projectName, description: projectDescription.default('') });

/** Creates a project owned by the viewer (who becomes its OWNER member). ConflictError if the key is taken. */
export async function createProject(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Project> {
  const data = parseInput(createProjectInput, input);
  return uniqueOrConflict(
    () =>
      prisma.project.create({
        data: { ...data, ownerId: viewer.id, members: { create: { userId: viewer.id, role: 'OWNER' } } },
      }),
    `A project with key ${data.key} already exists (keys of deleted projects stay taken)`,
    'key',
  );
}

const updateProjectInput = z
  .object({ id: z.string(), name: projectName.optional(), description: projectDescription.optional() })
  .refine((d) => d.name !== undefined || d.description !== undefined, { message: 'give a name or a description', path: ['name'] });

/** Renames or redescribes a project; needs ADMIN. */
export async function updateProject(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Project> {
  const data = parseInput(updateProjectInput, input);
  await requireRole(prisma, viewer, data.id, 'ADMIN');
  return prisma.project.update({ where: { id: data.id }, data: { name: data.name, description: data.description } });
}

/** Archives (read-only in spirit, hidden from default lists) or unarchives a project; needs ADMIN. */
export async function setProjectArchived(prisma: PrismaClient, viewer: Viewer, id: string, archived: boolean): Promise<Project> {
  await requireRole(prisma, viewer, id, 'ADMIN');
  return prisma.project.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
}

/** Deletes a project (soft: it and its issues disappear for everyone); needs OWNER. */
export async function deleteProject(prisma: PrismaClient, viewer: Viewer, id: string): Promise<void> {
  await requireRole(prisma, viewer, id, 'OWNER');
  await prisma.project.update({ where: { id }, data: { deletedAt: new Date() } });
}

/**
 * Makes another member the project's owner; needs OWNER. The new owner gets the OWNER role and the
 * previous one becomes ADMIN. ValidationError if the new owner is not a member.
 */
export async function transferProjectOwnership(prisma: PrismaClient, viewer: Viewer, projectId: string, newOwnerId: string): Promise<Project> {
  await requireRole(prisma, viewer, projectId, 'OWNER');
  if (newOwnerId === viewer.id) throw ValidationError.field('newOwnerId', 'is already the owner');
  return prisma.$transaction(async (tx) => {
    await lockProject(tx, projectId);
    // Again under the lock: a concurrent transfer may have made the viewer an ADMIN meanwhile.
    await requireRole(tx, viewer, projectId, 'OWNER');
    const target = UUID.test(newOwnerId)
      ? await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId: newOwnerId } } })
      : null;
    if (!target) throw ValidationError.field('newOwnerId', 'must be a member of the project');
    await tx.projectMember.update({ where: { id: target.id }, data: { role: 'OWNER' } });
    await tx.projectMember.update({ where: { projectId_userId: { projectId, userId: viewer.id } }, data: { role: 'ADMIN' } });
    return tx.project.update({ where: { id: projectId }, data: { ownerId: newOwnerId } });
  });
}

export type ProjectListFilter = { archived?: boolean | null; search?: string | null };
export type ProjectOrder = { field: 'NAME' | 'KEY' | 'CREATED_AT' | 'UPDATED_AT'; direction: 'ASC' | 'DESC' };

const PROJECT_ORDER_FIELDS = { NAME: 'name', KEY: 'key', CREATED_AT: 'createdAt', UPDATED_AT: 'updatedAt' } as const;

/** Past this many memberships, listProjects leaves the choice of projects to the membership condition alone. */
const MEMBERSHIP_LIST_LIMIT = 2_000;

/**
 * Projects `userId` belongs to that the viewer may see too (the viewer's own when they are the
 * same), filtered and ordered, for a connection's `query`. Archived ones only when asked.
 *
 * In three short statements rather than one: Prisma's single statement joins each project's
 * nested selection (its issues…) before ordering and limiting, so PostgreSQL either builds it for
 * every project of the viewer or walks all projects in list order checking membership (~4-6 ms a
 * page with 76 of 10,000 projects). The viewer's project ids, then the page's ids, then the page.
 */
export async function listProjects<Q extends object>(
  db: Db,
  viewer: Viewer,
  userId: string,
  options: { filter?: ProjectListFilter | null; orderBy?: ProjectOrder | null },
  query: Q,
): Promise<Project[]> {
  const memberships = await db.projectMember.findMany({ where: { userId: viewer.id }, select: { projectId: true }, take: MEMBERSHIP_LIST_LIMIT + 1 });
  const memberOf = memberships.length <= MEMBERSHIP_LIST_LIMIT ? { id: { in: memberships.map((m) => m.projectId) } } : {};
  const filter = options.filter ?? {};
  // LIKE wildcards in the search text are literal characters.
  const search = escapeLike(filter.search?.trim());
  const order = options.orderBy ?? { field: 'CREATED_AT', direction: 'DESC' };
  const direction = order.direction === 'ASC' ? 'asc' : 'desc';
  const orderBy: Prisma.ProjectOrderByWithRelationInput[] = [{ [PROJECT_ORDER_FIELDS[order.field]]: direction }, { id: direction }];
  const { cursor, skip, take, ...selection } = query as Q & { cursor?: { id: string }; skip?: number; take?: number };
  const page = await db.project.findMany({
    cursor,
    skip,
    take,
    where: {
      AND: [
        memberOf,
        visibleProjects(viewer),
        userId === viewer.id ? {} : { members: { some: { userId } } },
        filter.archived ? { archivedAt: { not: null } } : { archivedAt: null },
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { key: { startsWith: search.toUpperCase() } }] } : {},
      ],
    },
    orderBy,
    select: { id: true },
  });
  if (page.length === 0) return [];
  return db.project.findMany({ ...selection, where: { id: { in: page.map((p) => p.id) } }, orderBy });
}

/** A project by id or key if the viewer is a member; null otherwise. */
export function findProject<Q extends object>(db: Db, viewer: Viewer, where: { id: string } | { key: string }, query: Q): Promise<Project | null> {
  if ('id' in where && !UUID.test(where.id)) return Promise.resolve(null);
  const condition = 'id' in where ? { id: where.id } : { key: where.key.trim().toUpperCase() };
  return db.project.findFirst({ ...query, where: { ...condition, ...visibleProjects(viewer) } });
}

// ---- members ----------------------------------------------------------------------------------

const role = z.enum(ProjectRoles);

const addMemberInput = z
  .object({
    projectId: z.string(),
    userId: z.string().regex(UUID, 'is not a user id').optional(),
    email: z.string().trim().toLowerCase().pipe(z.email('must be a valid email address')).optional(),
    role: role.default('MEMBER'),
  })
  .refine((d) => (d.userId === undefined) !== (d.email === undefined), { message: 'give exactly one of userId and email', path: ['userId'] });

/**
 * Adds a user (by id or email) to a project; needs ADMIN, and OWNER to grant OWNER.
 * NotFoundError if there is no such active user, ConflictError if they are already a member.
 */
export async function addProjectMember(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<ProjectMember> {
  const data = parseInput(addMemberInput, input);
  const held = await requireRole(prisma, viewer, data.projectId, 'ADMIN');
  if (data.role === 'OWNER' && held !== 'OWNER') throw new ForbiddenError('Only owners can add owners');
  const user = await prisma.user.findFirst({
    where: { ...(data.userId ? { id: data.userId } : { email: data.email }), isActive: true },
    select: { id: true },
  });
  if (!user) throw new NotFoundError('User');
  return uniqueOrConflict(
    () => prisma.projectMember.create({ data: { projectId: data.projectId, userId: user.id, role: data.role } }),
    'That user is already a member of the project',
  );
}

/** The target membership, checking the viewer may manage it: ADMIN for others, OWNER where owners are concerned. */
async function manageableMember(tx: Prisma.TransactionClient, viewer: Viewer, projectId: string, userId: string, held: ProjectRole) {
  const target = UUID.test(userId) ? await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } } }) : null;
  if (!target) throw new NotFoundError('Project member');
  if (target.role === 'OWNER' && held !== 'OWNER') throw new ForbiddenError('Only owners can change or remove owners');
  return target;
}

/** Refuses a change that would leave the project without an owner. */
async function keepAnOwner(tx: Prisma.TransactionClient, projectId: string, leavingOwnerId: string): Promise<void> {
  const others = await tx.projectMember.findFirst({ where: { projectId, role: 'OWNER', userId: { not: leavingOwnerId } }, select: { userId: true } });
  if (!others) throw new ConflictError('A project must keep at least one owner: make someone else owner first');
  // The project's primary owner moves to a remaining owner.
  await tx.project.updateMany({ where: { id: projectId, ownerId: leavingOwnerId }, data: { ownerId: others.userId } });
}

const changeRoleInput = z.object({ projectId: z.string(), userId: z.string(), role });

/** Changes a member's role; needs ADMIN, and OWNER where owners are concerned. The last owner cannot be demoted. */
export async function changeProjectMemberRole(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<ProjectMember> {
  const data = parseInput(changeRoleInput, input);
  await requireRole(prisma, viewer, data.projectId, 'ADMIN');
  return prisma.$transaction(async (tx) => {
    await lockProject(tx, data.projectId);
    const held = await requireRole(tx, viewer, data.projectId, 'ADMIN');
    if (data.role === 'OWNER' && held !== 'OWNER') throw new ForbiddenError('Only owners can make someone an owner');
    const target = await manageableMember(tx, viewer, data.projectId, data.userId, held);
    if (target.role === 'OWNER' && data.role !== 'OWNER') await keepAnOwner(tx, data.projectId, target.userId);
    return tx.projectMember.update({ where: { id: target.id }, data: { role: data.role } });
  });
}

const memberRef = z.object({ projectId: z.string(), userId: z.string() });

/**
 * Removes a member; needs ADMIN, and OWNER to remove an owner. Their open issues in the project are
 * unassigned. The last owner cannot be removed.
 */
export async function removeProjectMember(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<void> {
  const data = parseInput(memberRef, input);
  if (data.userId === viewer.id) return leaveProject(prisma, viewer, data.projectId);
  await requireRole(prisma, viewer, data.projectId, 'ADMIN');
  await prisma.$transaction(async (tx) => {
    await lockProject(tx, data.projectId);
    const held = await requireRole(tx, viewer, data.projectId, 'ADMIN');
    const target = await manageableMember(tx, viewer, data.projectId, data.userId, held);
    await removeMembership(tx, target);
  });
}

/** Leaves a project. The last owner cannot leave. */
export async function leaveProject(prisma: PrismaClient, viewer: Viewer, projectId: string): Promise<void> {
  await requireRole(prisma, viewer, projectId, 'VIEWER');
  await prisma.$transaction(async (tx) => {
    await lockProject(tx, projectId);
    // Again under the lock: a concurrent leave or removal may have taken the membership already.
    const membership = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId: viewer.id } } });
    if (!membership) throw new NotFoundError('Project');
    await removeMembership(tx, membership);
  });
}

async function removeMembership(tx: Prisma.TransactionClient, membership: ProjectMember): Promise<void> {
  if (membership.role === 'OWNER') await keepAnOwner(tx, membership.projectId, membership.userId);
  await tx.issue.updateMany({ where: { projectId: membership.projectId, assigneeId: membership.userId, closedAt: null }, data: { assigneeId: null } });
  await tx.projectMember.delete({ where: { id: membership.id } });
}

/** Members of a visible project, owners first, for a connection's `query`. */
export function listProjectMembers<Q extends object>(db: Db, projectId: string, query: Q): Promise<ProjectMember[]> {
  return db.projectMember.findMany({ ...query, where: { projectId }, orderBy: [{ role: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }] });
}
