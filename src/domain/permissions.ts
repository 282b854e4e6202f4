// Who may do what: the one table behind every rule. Services assert through assertCan, the
// `viewerCan` fields answer with can, the visibility filters of every query are built here, and
// README's permission matrix is checked against PERMISSIONS (test/unit/permissions.test.ts).
import type { Prisma, ProjectRole } from '../generated/prisma/client.js';
import { ForbiddenError, NotFoundError, type AppError } from './errors.js';
import { NO_ID } from './ids.js';

/** Roles in a project, strongest first: each can do everything the ones after it can. */
export const ROLES = ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const satisfies readonly ProjectRole[];

const RANK: Record<ProjectRole, number> = { OWNER: 4, ADMIN: 3, MEMBER: 2, VIEWER: 1 };

/** True when `held` is `needed` or stronger; false for someone who holds no role. */
export const atLeast = (held: ProjectRole | null, needed: ProjectRole): boolean => held !== null && RANK[held] >= RANK[needed];

export type Rule = {
  /** What the action is, as README's matrix says it. */
  readonly does: string;
  /** The weakest role that may do it to anything in the project; null: nobody by role alone. */
  readonly min: ProjectRole | null;
  /** The weakest role that may do it to what they created themselves (an issue they reported, their comment). */
  readonly own?: ProjectRole;
  /** A condition on the project's state, checked when the action is tried (not by role). */
  readonly unless?: string;
};

/** Every action, with the roles that may take it. A member's standing is their role in the project. */
export const PERMISSIONS = {
  'project.read': { does: 'See the project, its issues, members, labels, comments and history', min: 'VIEWER' },
  'issue.create': { does: 'Create issues', min: 'MEMBER' },
  'issue.update': { does: 'Edit, assign, label, archive and unarchive issues', min: 'MEMBER' },
  'issue.delete': { does: 'Delete and restore issues', min: 'ADMIN', own: 'MEMBER' },
  'comment.create': { does: 'Comment on issues', min: 'MEMBER' },
  'comment.update': { does: 'Edit a comment', min: null, own: 'MEMBER' },
  'comment.delete': { does: 'Delete a comment', min: 'ADMIN', own: 'MEMBER' },
  'project.update': { does: 'Rename, describe, archive and unarchive the project', min: 'ADMIN' },
  'label.manage': { does: 'Create, edit and delete labels', min: 'ADMIN' },
  'member.manage': { does: 'Add, re-role and remove members who are not owners', min: 'ADMIN' },
  'member.manageOwners': { does: 'Add owners, make or unmake owners, remove owners', min: 'OWNER' },
  'project.transferOwnership': { does: 'Transfer ownership', min: 'OWNER' },
  'project.delete': { does: 'Delete the project', min: 'OWNER' },
  'project.leave': { does: 'Leave the project', min: 'VIEWER', unless: 'the last owner' },
} as const satisfies Record<string, Rule>;

export type Action = keyof typeof PERMISSIONS;

/** The acting user's standing in one project: their role there, or null when they are not a member. */
export type ProjectAccess = { userId: string; role: ProjectRole | null };

/** Who created the object acted on, for the actions that allow more on one's own (`own`). */
export type Ownership = { createdBy?: string | null };

const rule = (action: Action): Rule => PERMISSIONS[action];

/** Whether `access` allows `action` (on `resource`, for the actions that look at who created it). */
export function can(access: ProjectAccess, action: Action, resource: Ownership = {}): boolean {
  const { min, own } = rule(action);
  if (min !== null && atLeast(access.role, min)) return true;
  return own !== undefined && resource.createdBy === access.userId && atLeast(access.role, own);
}

/**
 * Throws unless `access` allows `action`. To someone outside the project the object does not exist
 * (NotFoundError naming `what`, as for a missing one); a member without the right gets ForbiddenError.
 */
export function assertCan(access: ProjectAccess, action: Action, what: string, resource: Ownership = {}): void {
  const refused = denial(access, action, what, resource);
  if (refused) throw refused;
}

/** The error assertCan would throw, or undefined when `access` allows `action`: for checks of many objects at once. */
export function denial(access: ProjectAccess, action: Action, what: string, resource: Ownership = {}): AppError | undefined {
  if (access.role === null) return new NotFoundError(what);
  if (can(access, action, resource)) return undefined;
  const { does, min, own } = rule(action);
  const needs = [min && `the ${min} role or higher`, own && `the ${own} role or higher on your own`].filter(Boolean).join(', or ');
  return new ForbiddenError(`${does}: needs ${needs}; you are ${access.role}`);
}

// ---- visibility ------------------------------------------------------------------------------
// Reading needs `project.read`, which every role has: a project is visible exactly to its members.
// Lists and lookups filter by these in SQL, so a hidden object is indistinguishable from a missing one.

/** Live projects `userId` is a member of; none for an anonymous caller (null). */
export function visibleProjects(userId: string | null): Prisma.ProjectWhereInput {
  return { deletedAt: null, members: { some: { userId: userId ?? NO_ID } } };
}

/** Live issues of visible projects. */
export function visibleIssues(userId: string | null): Prisma.IssueWhereInput {
  return { deletedAt: null, project: visibleProjects(userId) };
}

/** Live comments on visible issues: what can be edited or deleted. */
export function visibleComments(userId: string | null): Prisma.CommentWhereInput {
  return { deletedAt: null, issue: visibleIssues(userId) };
}

/**
 * The comments lists show, on an issue already known to be visible: live ones, and a deleted one
 * that still has a live reply, as a placeholder so its thread reads. Replies attach to roots only,
 * so only a root can be a placeholder; it leaves the lists with its last live reply.
 */
export const shownComments: Prisma.CommentWhereInput = { OR: [{ deletedAt: null }, { replies: { some: { deletedAt: null } } }] };

/** Comments on visible issues that lists show (placeholders included): what can be read and replied to. */
export function readableComments(userId: string | null): Prisma.CommentWhereInput {
  return { ...shownComments, issue: visibleIssues(userId) };
}
