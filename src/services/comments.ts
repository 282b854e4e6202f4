// Comments on issues. Members comment and edit or delete their own; admins delete any (soft).
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { ForbiddenError, NotFoundError, parseInput } from '../domain/errors.js';
import type { Comment } from '../generated/prisma/client.js';
import { atLeast, requireRole, UUID, visibleProjects } from './projects.js';

const body = z.string().trim().min(1, 'must not be empty').max(65_536, 'must be at most 65536 characters');

/** Adds a comment to a visible, live issue; needs MEMBER. */
export async function addComment(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Comment> {
  const data = parseInput(z.object({ issueId: z.string(), body }), input);
  const issue = UUID.test(data.issueId)
    ? await prisma.issue.findFirst({ where: { id: data.issueId, deletedAt: null, project: visibleProjects(viewer) }, select: { projectId: true } })
    : null;
  if (!issue) throw new NotFoundError('Issue');
  await requireRole(prisma, viewer, issue.projectId, 'MEMBER');
  return prisma.$transaction(async (tx) => {
    const comment = await tx.comment.create({ data: { issueId: data.issueId, authorId: viewer.id, body: data.body } });
    await tx.issueEvent.create({ data: { issueId: data.issueId, actorId: viewer.id, type: 'COMMENTED', toValue: comment.id } });
    return comment;
  });
}

async function requireComment(prisma: PrismaClient, viewer: Viewer, id: string) {
  const comment = UUID.test(id)
    ? await prisma.comment.findFirst({
        where: { id, deletedAt: null, issue: { deletedAt: null, project: visibleProjects(viewer) } },
        include: { issue: { select: { project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } } } } },
      })
    : null;
  if (!comment) throw new NotFoundError('Comment');
  return { comment, role: comment.issue.project.members[0].role };
}

/** Edits a comment; only its author may. */
export async function updateComment(prisma: PrismaClient, viewer: Viewer, input: unknown): Promise<Comment> {
  const data = parseInput(z.object({ id: z.string(), body }), input);
  const { comment, role } = await requireComment(prisma, viewer, data.id);
  if (comment.authorId !== viewer.id || !atLeast(role, 'MEMBER')) throw new ForbiddenError('Only the author, as a MEMBER or higher, can edit a comment');
  return prisma.comment.update({ where: { id: data.id }, data: { body: data.body, editedAt: new Date() } });
}

/** Deletes a comment (soft); its author or a project admin may. */
export async function deleteComment(prisma: PrismaClient, viewer: Viewer, id: string): Promise<void> {
  const { comment, role } = await requireComment(prisma, viewer, id);
  const ownAsMember = comment.authorId === viewer.id && atLeast(role, 'MEMBER');
  if (!ownAsMember && !atLeast(role, 'ADMIN')) throw new ForbiddenError('Only the author (as a MEMBER or higher) or an admin can delete a comment');
  await prisma.comment.update({ where: { id }, data: { deletedAt: new Date() } });
}
