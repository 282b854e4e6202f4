// Comments on issues. Members comment; authors edit and delete their own; admins delete any (soft).
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { NotFoundError, parseInput } from '../domain/errors.js';
import { idField, type CommentId } from '../domain/ids.js';
import { assertCan, visibleComments, visibleIssues, type Action } from '../domain/permissions.js';
import type { Comment } from '../generated/prisma/client.js';
import { authorize, type Actor } from './access.js';
import type { Db } from './db.js';

const body = z.string().trim().min(1, 'must not be empty').max(65_536, 'must be at most 65536 characters');

const addCommentInput = z.object({ issueId: idField<'Issue'>(), body });

/** Adds a comment to a visible, live issue; needs `comment.create`. */
export async function addComment({ prisma, viewer }: Actor, input: z.input<typeof addCommentInput>): Promise<Comment> {
  const data = parseInput(addCommentInput, input);
  const issue = await prisma.issue.findFirst({ where: { id: data.issueId, ...visibleIssues(viewer.id) }, select: { projectId: true } });
  if (!issue) throw new NotFoundError('Issue');
  await authorize(prisma, { viewer, projectId: issue.projectId, action: 'comment.create' });
  return prisma.$transaction(async (tx) => {
    const comment = await tx.comment.create({ data: { issueId: data.issueId, authorId: viewer.id, body: data.body } });
    await tx.issueEvent.create({ data: { issueId: data.issueId, actorId: viewer.id, type: 'COMMENTED', toValue: comment.id } });
    return comment;
  });
}

/** A visible comment after asserting `action` on it (its author counts as its creator). */
async function requireComment(db: Db, viewer: Viewer, { id, action }: { id: CommentId; action: Action }): Promise<Comment> {
  const comment = await db.comment.findFirst({
    where: { id, ...visibleComments(viewer.id) },
    include: { issue: { select: { project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } } } } },
  });
  if (!comment) throw new NotFoundError('Comment');
  assertCan({ userId: viewer.id, role: comment.issue.project.members[0].role }, action, 'Comment', { createdBy: comment.authorId });
  return comment;
}

const updateCommentInput = z.object({ id: idField<'Comment'>(), body });

/** Edits a comment; needs `comment.update` (its author only). */
export async function updateComment({ prisma, viewer }: Actor, input: z.input<typeof updateCommentInput>): Promise<Comment> {
  const data = parseInput(updateCommentInput, input);
  await requireComment(prisma, viewer, { id: data.id, action: 'comment.update' });
  return prisma.comment.update({ where: { id: data.id }, data: { body: data.body, editedAt: new Date() } });
}

/** Deletes a comment (soft); needs `comment.delete` (its author, or an admin). */
export async function deleteComment({ prisma, viewer }: Actor, id: CommentId): Promise<void> {
  await requireComment(prisma, viewer, { id, action: 'comment.delete' });
  await prisma.comment.update({ where: { id }, data: { deletedAt: new Date() } });
}
