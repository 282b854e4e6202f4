// Comments on issues, in threads one level deep: a root comment and its replies. Members comment
// and reply; authors edit and delete their own; admins delete any (soft). A deleted root that still
// has live replies stays listed as a placeholder (permissions.ts `shownComments`) with its text withheld.
import { z } from 'zod';
import type { Viewer } from '../auth/viewer.js';
import { NotFoundError, parseInput, unclearable, ValidationError } from '../domain/errors.js';
import { idField, type CommentId } from '../domain/ids.js';
import { assertCan, shownComments, visibleComments, visibleIssues, type Action } from '../domain/permissions.js';
import type { Comment } from '../generated/prisma/client.js';
import { authorize, type Actor } from './access.js';
import type { Db } from './db.js';
import { createOnce, idempotencyKeyField } from './idempotency.js';
import { recordEvents } from '../events/outbox.js';

/** The longest comment body, in characters (UTF-16 code units, as JavaScript and GraphQL count them) after trimming. */
export const COMMENT_BODY_MAX = 65_536;

const body = z.string().trim().min(1, 'must not be empty').max(COMMENT_BODY_MAX, `must be at most ${COMMENT_BODY_MAX} characters`);

const addCommentInput = z.object({
  issueId: idField<'Issue'>(),
  body,
  parentId: idField<'Comment'>().nullish(),
  idempotencyKey: unclearable(idempotencyKeyField),
});

/**
 * Adds a comment to a visible, live issue, or a reply when `parentId` is given; needs `comment.create`.
 * A reply to a reply joins its thread's root. A parent that is not a shown comment of the same
 * issue (another issue's, deleted with no live replies, hidden or missing) is a ValidationError on
 * parentId, as createIssue treats its parent, so a hidden comment is indistinguishable from a missing one.
 */
export async function addComment({ prisma, viewer }: Actor, input: z.input<typeof addCommentInput>): Promise<Comment> {
  const { idempotencyKey, ...data } = parseInput(addCommentInput, input);
  const issue = await prisma.issue.findFirst({ where: { id: data.issueId, ...visibleIssues(viewer.id) }, select: { projectId: true } });
  if (!issue) throw new NotFoundError('Issue');
  await authorize(prisma, { viewer, projectId: issue.projectId, action: 'comment.create' });
  return prisma.$transaction((tx) =>
    createOnce(
      tx,
      { userId: viewer.id, key: idempotencyKey, operation: 'addComment', input: data },
      {
        replay: (id) => tx.comment.findUniqueOrThrow({ where: { id } }),
        create: async () => {
          const parentId = data.parentId ? await threadRoot(tx, data.issueId, data.parentId) : null;
          const comment = await tx.comment.create({ data: { issueId: data.issueId, authorId: viewer.id, body: data.body, parentId } });
          await tx.issueEvent.create({ data: { issueId: data.issueId, actorId: viewer.id, type: 'COMMENTED', toValue: comment.id } });
          const event = { type: 'COMMENT_ADDED', projectId: issue.projectId, issueId: data.issueId, commentId: comment.id } as const;
          await recordEvents(tx, viewer.id, [event]);
          return comment;
        },
      },
    ),
  );
}

/** The root of the thread `parentId` belongs to, which must be a shown comment on `issueId` (the caller checked the issue's visibility). */
async function threadRoot(db: Db, issueId: string, parentId: CommentId): Promise<string> {
  const parent = await db.comment.findFirst({ where: { id: parentId, issueId, ...shownComments }, select: { id: true, parentId: true } });
  if (!parent) throw ValidationError.field('parentId', 'must be a comment on the same issue');
  return parent.parentId ?? parent.id;
}

/** What a comment's `body` shows: the text, withheld (empty) once the comment is deleted. */
export const shownBody = (comment: Pick<Comment, 'body' | 'deletedAt'>): string => (comment.deletedAt ? '' : comment.body);

/** A visible comment after asserting `action` on it (its author counts as its creator), with its project. */
async function requireComment(db: Db, viewer: Viewer, { id, action }: { id: CommentId; action: Action }) {
  const comment = await db.comment.findFirst({
    where: { id, ...visibleComments(viewer.id) },
    include: {
      issue: { select: { projectId: true, project: { select: { members: { where: { userId: viewer.id }, select: { role: true } } } } } },
    },
  });
  if (!comment) throw new NotFoundError('Comment');
  assertCan({ userId: viewer.id, role: comment.issue.project.members[0].role }, action, 'Comment', { createdBy: comment.authorId });
  return comment;
}

const updateCommentInput = z.object({ id: idField<'Comment'>(), body });

/** Edits a live comment; needs `comment.update` (its author only); a deleted one is NotFoundError. */
export async function updateComment({ prisma, viewer }: Actor, input: z.input<typeof updateCommentInput>): Promise<Comment> {
  const data = parseInput(updateCommentInput, input);
  const { issueId, issue } = await requireComment(prisma, viewer, { id: data.id, action: 'comment.update' });
  return prisma.$transaction(async (tx) => {
    // Only while still live, so a delete landing after the check cannot be followed by an edit of its hidden text.
    const [comment] = await tx.comment.updateManyAndReturn({
      where: { id: data.id, deletedAt: null },
      data: { body: data.body, editedAt: new Date() },
    });
    if (!comment) throw new NotFoundError('Comment');
    await recordEvents(tx, viewer.id, [{ type: 'COMMENT_EDITED', projectId: issue.projectId, issueId, commentId: comment.id }]);
    return comment;
  });
}

/**
 * Deletes a comment (soft); needs `comment.delete` (its author, or an admin). Its replies stay; a
 * root with live replies becomes a placeholder. Deleting it again is NotFoundError.
 */
export async function deleteComment({ prisma, viewer }: Actor, id: CommentId): Promise<void> {
  const { issueId, issue } = await requireComment(prisma, viewer, { id, action: 'comment.delete' });
  await prisma.$transaction(async (tx) => {
    // Only while still live: of two concurrent deletes one is NotFoundError, and the first deletion time stays.
    const { count } = await tx.comment.updateMany({ where: { id, deletedAt: null }, data: { deletedAt: new Date() } });
    if (count === 0) throw new NotFoundError('Comment');
    await recordEvents(tx, viewer.id, [{ type: 'COMMENT_DELETED', projectId: issue.projectId, issueId, commentId: id }]);
  });
}
