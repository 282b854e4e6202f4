// Projects and membership. A project is visible only to its members; to anyone else it does not
// exist (NotFoundError, exactly as for a missing one). Roles rank OWNER > ADMIN > MEMBER > VIEWER:
// viewers read, members create and edit issues, admins manage the project, its members and
// labels, owners delete it and transfer it. A project always keeps at least one owner.
import { z } from 'zod';
import type { LoginThrottle } from '../auth/login-throttle.js';
import type { Viewer } from '../auth/viewer.js';
import { uniqueOrConflict } from '../db/errors.js';
import { ConflictError, NotFoundError, parseInput, unclearable, ValidationError } from '../domain/errors.js';
import { idField, type ProjectId, type UserId } from '../domain/ids.js';
import { assertCan, visibleProjects, type ProjectAccess } from '../domain/permissions.js';
import type { Prisma, Project, ProjectMember, ProjectRole } from '../generated/prisma/client.js';
import { ProjectRole as ProjectRoles } from '../generated/prisma/enums.js';
import { authorize, lockProject, type Actor } from './access.js';
import { cursorWithin, withColumns, type Db } from './db.js';
import { createOnce, idempotencyKeyField } from './idempotency.js';
import { recordEvents } from '../events/outbox.js';

/** Escapes LIKE's wildcards so a search for `50%` means those characters. */
export const escapeLike = (text: string | undefined) => text?.replace(/[\\%_]/g, '\\$&');

const projectKey = z
  .string()
  .trim()
  .toUpperCase()
  .regex(/^[A-Z][A-Z0-9]{1,9}$/, 'must be 2-10 letters or digits, starting with a letter (like API)');
const projectName = z.string().trim().min(1, 'must not be empty').max(100, 'must be at most 100 characters');
const projectDescription = z.string().max(10_000, 'must be at most 10000 characters');

const createProjectInput = z.object({
  key: projectKey,
  name: projectName,
  description: unclearable(projectDescription).transform((d) => d ?? ''),
  idempotencyKey: unclearable(idempotencyKeyField),
});

/** Creates a project owned by the viewer (who becomes its OWNER member). ConflictError if the key is taken. */
export async function createProject({ prisma, viewer }: Actor, input: z.input<typeof createProjectInput>): Promise<Project> {
  const { idempotencyKey, ...data } = parseInput(createProjectInput, input);
  return uniqueOrConflict(
    () =>
      prisma.$transaction((tx) =>
        createOnce(
          tx,
          { userId: viewer.id, key: idempotencyKey, operation: 'createProject', input: data },
          {
            replay: (id) => tx.project.findUniqueOrThrow({ where: { id } }),
            create: () =>
              tx.project.create({ data: { ...data, ownerId: viewer.id, members: { create: { userId: viewer.id, role: 'OWNER' } } } }),
          },
        ),
      ),
    `A project with key ${data.key} already exists (keys of deleted projects stay taken)`,
    'key',
  );
}

const updateProjectInput = z
  .object({ id: idField<'Project'>(), name: unclearable(projectName), description: unclearable(projectDescription) })
  .refine((d) => d.name !== undefined || d.description !== undefined, { error: 'give a name or a description', path: ['name'] });

/** Renames or redescribes a project; needs `project.update`. */
export async function updateProject({ prisma, viewer }: Actor, input: z.input<typeof updateProjectInput>): Promise<Project> {
  const data = parseInput(updateProjectInput, input);
  await authorize(prisma, { viewer, projectId: data.id, action: 'project.update' });
  return prisma.project.update({ where: { id: data.id }, data: { name: data.name, description: data.description } });
}

/** Archives (hidden from default lists, still readable) or unarchives a project; needs `project.update`. */
export async function setProjectArchived(
  { prisma, viewer }: Actor,
  { id, archived }: { id: ProjectId; archived: boolean },
): Promise<Project> {
  await authorize(prisma, { viewer, projectId: id, action: 'project.update' });
  return prisma.project.update({ where: { id }, data: { archivedAt: archived ? new Date() : null } });
}

/** Deletes a project (soft: it and its issues disappear for everyone); needs `project.delete`. */
export async function deleteProject({ prisma, viewer }: Actor, id: ProjectId): Promise<void> {
  await authorize(prisma, { viewer, projectId: id, action: 'project.delete' });
  await prisma.project.update({ where: { id }, data: { deletedAt: new Date() } });
}

/**
 * Makes another member the project's owner; needs `project.transferOwnership`. The new owner gets
 * the OWNER role and the previous one becomes ADMIN. ValidationError if the new owner is not a member.
 */
export async function transferProjectOwnership(
  { prisma, viewer }: Actor,
  { projectId, newOwnerId }: { projectId: ProjectId; newOwnerId: UserId },
): Promise<Project> {
  await authorize(prisma, { viewer, projectId, action: 'project.transferOwnership' });
  if (newOwnerId === viewer.id) throw ValidationError.field('newOwnerId', 'is already the owner');
  return prisma.$transaction(async (tx) => {
    // The new owner's account row first (shared): their deactivation waits for this transfer and
    // then sees them as an owner (see keepActiveOwners); users before projects, as there.
    const [account] = await tx.$queryRaw<{ is_active: boolean }[]>`SELECT is_active FROM users WHERE id = ${newOwnerId}::uuid FOR SHARE`;
    await lockProject(tx, projectId);
    // Again under the lock: a concurrent transfer may have made the viewer an ADMIN meanwhile.
    await authorize(tx, { viewer, projectId, action: 'project.transferOwnership' });
    const target = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId: newOwnerId } } });
    if (!target) throw ValidationError.field('newOwnerId', 'must be a member of the project');
    if (!account?.is_active) throw ValidationError.field('newOwnerId', 'is a deactivated account');
    await tx.projectMember.update({ where: { id: target.id }, data: { role: 'OWNER' } });
    await tx.projectMember.update({ where: { projectId_userId: { projectId, userId: viewer.id } }, data: { role: 'ADMIN' } });
    await recordEvents(tx, viewer.id, [
      { type: 'MEMBER_ROLE_CHANGED', projectId, userId: newOwnerId },
      { type: 'MEMBER_ROLE_CHANGED', projectId, userId: viewer.id },
    ]);
    return tx.project.update({ where: { id: projectId }, data: { ownerId: newOwnerId } });
  });
}

export type ProjectListFilter = { archived?: boolean | null; search?: string | null };
export type ProjectOrder = { field: 'NAME' | 'KEY' | 'CREATED_AT' | 'UPDATED_AT'; direction: 'ASC' | 'DESC' };
export type ProjectListOptions = { userId: string; filter?: ProjectListFilter | null; orderBy?: ProjectOrder | null };

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
export async function listProjects({ prisma, viewer }: Actor, options: ProjectListOptions, query: object): Promise<Project[]> {
  const memberships = await prisma.projectMember.findMany({
    where: { userId: viewer.id },
    select: { projectId: true },
    take: MEMBERSHIP_LIST_LIMIT + 1,
  });
  const memberOf = memberships.length <= MEMBERSHIP_LIST_LIMIT ? { id: { in: memberships.map((m) => m.projectId) } } : {};
  const filter = options.filter ?? {};
  // LIKE wildcards in the search text are literal characters.
  const search = escapeLike(filter.search?.trim());
  const order = options.orderBy ?? { field: 'CREATED_AT', direction: 'DESC' };
  const direction = order.direction === 'ASC' ? 'asc' : 'desc';
  const orderBy: Prisma.ProjectOrderByWithRelationInput[] = [{ [PROJECT_ORDER_FIELDS[order.field]]: direction }, { id: direction }];
  const { cursor, skip, take, ...selection } = query as { cursor?: { id: string }; skip?: number; take?: number };
  const page = await prisma.project.findMany({
    cursor,
    skip,
    take,
    where: {
      AND: [
        memberOf,
        visibleProjects(viewer.id),
        options.userId === viewer.id ? {} : { members: { some: { userId: options.userId } } },
        filter.archived ? { archivedAt: { not: null } } : { archivedAt: null },
        search ? { OR: [{ name: { contains: search, mode: 'insensitive' } }, { key: { startsWith: search.toUpperCase() } }] } : {},
      ],
    },
    orderBy,
    select: { id: true },
  });
  if (page.length === 0) return [];
  return prisma.project.findMany({ ...selection, where: { id: { in: page.map((p) => p.id) } }, orderBy });
}

/**
 * The projects with these ids or keys (any case) that the viewer is a member of, in the order
 * asked; null for each missing or hidden one (the two look alike). One statement however many:
 * the per-request loaders (graphql/loaders.ts) batch `project`, `projectByKey`, `node` and
 * `nodes` through here.
 */
export async function findProjects(
  { prisma, viewer }: Actor,
  lookup: { ids: readonly ProjectId[] } | { keys: readonly string[] },
  query: object,
): Promise<(Project | null)[]> {
  const byKey = 'keys' in lookup;
  const wanted = byKey ? lookup.keys.map((key) => key.trim().toUpperCase()) : lookup.ids;
  const distinct = [...new Set(wanted)];
  const rows = await prisma.project.findMany({
    ...withColumns(query, byKey ? { key: true } : { id: true }),
    where: { ...(byKey ? { key: { in: distinct } } : { id: { in: distinct } }), AND: [visibleProjects(viewer.id)] },
  });
  const found = new Map(rows.map((row) => [byKey ? row.key : row.id, row]));
  return wanted.map((k) => found.get(k) ?? null);
}

// ---- members ----------------------------------------------------------------------------------

const role = z.enum(ProjectRoles);

const addMemberInput = z
  .object({
    projectId: idField<'Project'>(),
    userId: idField<'User'>().nullish(),
    email: z.string().trim().toLowerCase().pipe(z.email('must be a valid email address')).nullish(),
    role: role.nullish().transform((r) => r ?? 'MEMBER'),
  })
  .refine((d) => (d.userId == null) !== (d.email == null), { error: 'give exactly one of userId and email', path: ['userId'] });

/** The action that grants, changes or takes away `role`: owners are managed by owners only. */
const manages = (role: ProjectRole) => (role === 'OWNER' ? 'member.manageOwners' : 'member.manage');

/**
 * Adds a user (by id or email) to a project; needs `member.manage`, and `member.manageOwners` to
 * add an owner. NotFoundError if there is no such active user, ConflictError if they are already a
 * member. By email, the answer tells whether an account exists: such adds are rationed per viewer
 * (`lookups`; RateLimitedError past the limit).
 */
export async function addProjectMember(
  { prisma, viewer }: Actor,
  input: z.input<typeof addMemberInput>,
  lookups: Pick<LoginThrottle, 'admitEmailLookup'>,
): Promise<ProjectMember> {
  const data = parseInput(addMemberInput, input);
  const access = await authorize(prisma, { viewer, projectId: data.projectId, action: 'member.manage' });
  assertCan(access, manages(data.role), 'Project');
  if (data.email) await lookups.admitEmailLookup(`user:${viewer.id}`);
  const user = await prisma.user.findFirst({
    where: { ...(data.userId ? { id: data.userId } : { email: data.email! }), isActive: true },
    select: { id: true },
  });
  if (!user) throw new NotFoundError('User');
  return uniqueOrConflict(
    () =>
      prisma.$transaction(async (tx) => {
        const member = await tx.projectMember.create({ data: { projectId: data.projectId, userId: user.id, role: data.role } });
        await recordEvents(tx, viewer.id, [{ type: 'MEMBER_ADDED', projectId: data.projectId, userId: user.id }]);
        return member;
      }),
    'That user is already a member of the project',
  );
}

/** The viewer's standing, asserted under the project lock: membership changes take turns. */
async function lockAndAuthorize(tx: Prisma.TransactionClient, viewer: Viewer, projectId: ProjectId) {
  await lockProject(tx, projectId);
  return authorize(tx, { viewer, projectId, action: 'member.manage' });
}

/** The target membership, if `access` may manage it: owners are managed by owners only. */
async function manageableMember(
  tx: Prisma.TransactionClient,
  access: ProjectAccess,
  { projectId, userId }: { projectId: ProjectId; userId: UserId },
) {
  const target = await tx.projectMember.findUnique({ where: { projectId_userId: { projectId, userId } } });
  if (!target) throw new NotFoundError('Project member');
  assertCan(access, manages(target.role), 'Project');
  return target;
}

/** Refuses a change that would leave the project without an owner. */
async function keepAnOwner(tx: Prisma.TransactionClient, projectId: string, leavingOwnerId: string): Promise<void> {
  const others = await tx.projectMember.findFirst({
    where: { projectId, role: 'OWNER', userId: { not: leavingOwnerId }, user: { isActive: true } },
    select: { userId: true },
  });
  if (!others) throw new ConflictError('A project must keep at least one owner: make someone else owner first');
  // The project's primary owner moves to a remaining owner.
  await tx.project.updateMany({ where: { id: projectId, ownerId: leavingOwnerId }, data: { ownerId: others.userId } });
}

/**
 * For an account being deactivated (its row already updated in `tx`, which holds it): every project
 * it owns keeps another active owner, who becomes the primary owner where it was; ConflictError
 * naming the projects it owns alone. Locks those projects, in id order.
 */
export async function keepActiveOwners(tx: Prisma.TransactionClient, userId: string): Promise<void> {
  const owned = await tx.projectMember.findMany({
    where: { userId, role: 'OWNER' },
    select: { projectId: true },
    orderBy: { projectId: 'asc' },
  });
  if (owned.length === 0) return;
  const ids = owned.map((o) => o.projectId);
  await tx.$executeRaw`SELECT 1 FROM projects WHERE id = ANY(${ids}::uuid[]) ORDER BY id FOR UPDATE`;
  const others = await tx.projectMember.findMany({
    where: { projectId: { in: ids }, role: 'OWNER', userId: { not: userId }, user: { isActive: true } },
    select: { projectId: true, userId: true },
    orderBy: { createdAt: 'asc' },
  });
  const successor = new Map<string, string>();
  for (const other of others) if (!successor.has(other.projectId)) successor.set(other.projectId, other.userId);
  const alone = ids.filter((id) => !successor.has(id));
  if (alone.length) {
    const keys = (await tx.project.findMany({ where: { id: { in: alone } }, select: { key: true }, orderBy: { key: 'asc' } })).map(
      (p) => p.key,
    );
    throw new ConflictError(`You are the only owner of ${keys.join(', ')}: make someone else owner first`);
  }
  for (const [projectId, ownerId] of successor) {
    await tx.project.updateMany({ where: { id: projectId, ownerId: userId }, data: { ownerId } });
  }
}

const changeRoleInput = z.object({ projectId: idField<'Project'>(), userId: idField<'User'>(), role });

/** Changes a member's role; needs `member.manage`, and `member.manageOwners` where owners are concerned. The last owner cannot be demoted. */
export async function changeProjectMemberRole({ prisma, viewer }: Actor, input: z.input<typeof changeRoleInput>): Promise<ProjectMember> {
  const data = parseInput(changeRoleInput, input);
  await authorize(prisma, { viewer, projectId: data.projectId, action: 'member.manage' });
  return prisma.$transaction(async (tx) => {
    const access = await lockAndAuthorize(tx, viewer, data.projectId);
    assertCan(access, manages(data.role), 'Project');
    const target = await manageableMember(tx, access, { projectId: data.projectId, userId: data.userId });
    if (target.role === 'OWNER' && data.role !== 'OWNER') await keepAnOwner(tx, data.projectId, target.userId);
    if (target.role !== data.role)
      await recordEvents(tx, viewer.id, [{ type: 'MEMBER_ROLE_CHANGED', projectId: data.projectId, userId: target.userId }]);
    return tx.projectMember.update({ where: { id: target.id }, data: { role: data.role } });
  });
}

/**
 * Removes a member; needs `member.manage`, and `member.manageOwners` to remove an owner. Their open
 * issues in the project are unassigned. The last owner cannot be removed.
 */
export async function removeProjectMember(actor: Actor, { projectId, userId }: { projectId: ProjectId; userId: UserId }): Promise<void> {
  const { prisma, viewer } = actor;
  if (userId === viewer.id) return leaveProject(actor, projectId);
  await authorize(prisma, { viewer, projectId, action: 'member.manage' });
  await prisma.$transaction(async (tx) => {
    const access = await lockAndAuthorize(tx, viewer, projectId);
    await removeMembership(tx, viewer, await manageableMember(tx, access, { projectId, userId }));
  });
}

/** Leaves a project (`project.leave`). The last owner cannot leave. */
export async function leaveProject({ prisma, viewer }: Actor, projectId: ProjectId): Promise<void> {
  await authorize(prisma, { viewer, projectId, action: 'project.leave' });
  await prisma.$transaction(async (tx) => {
    await lockProject(tx, projectId);
    // Again under the lock: a concurrent leave or removal may have taken the membership already.
    await authorize(tx, { viewer, projectId, action: 'project.leave' });
    const membership = await tx.projectMember.findUniqueOrThrow({ where: { projectId_userId: { projectId, userId: viewer.id } } });
    await removeMembership(tx, viewer, membership);
  });
}

/** Removes the membership; its open issues lose their assignee. Recorded as done by `viewer`. */
async function removeMembership(tx: Prisma.TransactionClient, viewer: Viewer, membership: ProjectMember): Promise<void> {
  const { projectId, userId } = membership;
  if (membership.role === 'OWNER') await keepAnOwner(tx, projectId, userId);
  const unassigned = await tx.issue.updateManyAndReturn({
    where: { projectId, assigneeId: userId, closedAt: null },
    data: { assigneeId: null },
    select: { id: true },
  });
  await tx.projectMember.delete({ where: { id: membership.id } });
  await recordEvents(tx, viewer.id, [
    ...unassigned.map((issue) => ({ type: 'ISSUE_UPDATED' as const, projectId, issueId: issue.id, changedFields: ['assignee'] })),
    { type: 'MEMBER_REMOVED', projectId, userId },
  ]);
}

/** Members of a visible project, owners first, for a connection's `query`. */
export function listProjectMembers(db: Db, projectId: string, query: object): Promise<ProjectMember[]> {
  return db.projectMember.findMany({
    ...cursorWithin(query, { projectId }),
    where: { projectId },
    orderBy: [{ role: 'asc' }, { createdAt: 'asc' }, { id: 'asc' }],
  });
}
