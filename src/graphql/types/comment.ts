import { builder } from '../builder.js';
import { actor } from '../context.js';
import { brandIds } from '../ids.js';
import { deleteMutation, IDEMPOTENCY_KEY_DESCRIPTION, mutation } from '../mutations.js';
import { pageSize } from '../paging.js';
import { IssueRef } from './issue.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { readableComments, shownComments } from '../../domain/permissions.js';
import type { Comment } from '../../generated/prisma/client.js';
import { addComment, COMMENT_BODY_MAX, deleteComment, shownBody, updateComment } from '../../services/comments.js';

export const CommentRef = brandIds(
  builder.prismaNode('Comment', {
    description:
      'A comment on an issue. Threads are one level deep: a root comment (parent null) and its replies. A deleted root that still has replies stays as a placeholder (deleted: true, body empty) so its thread reads.',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error; a deleted comment
    // resolves only while it is a placeholder.
    nullable: true,
    findUnique: (id, context) => ({ id, AND: [readableComments(context.viewer?.id ?? null)] }),
    fields: (t) => ({
      body: t.string({
        description: 'Markdown text; empty when the comment is deleted.',
        select: { body: true, deletedAt: true },
        resolve: (comment) => shownBody(comment),
      }),
      deleted: t.boolean({
        description: 'True for the placeholder of a deleted comment whose replies are still listed. Its author and dates stay.',
        select: { deletedAt: true },
        resolve: (comment) => comment.deletedAt !== null,
      }),
      author: t.relation('author'),
      issue: t.relation('issue'),
      // A listed reply's root is always listed too (live, or a placeholder kept for this very reply).
      parent: t.relation('parent', { nullable: true, description: 'The root comment of the thread this reply is in; null for a root.' }),
      replies: t.relatedConnection('replies', {
        cursor: 'id',
        maxSize: pageSize,
        description: 'Replies to this root comment, oldest first (always empty for a reply). totalCount counts the live replies.',
        totalCount: true,
        query: () => ({ where: shownComments, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true }),
    }),
  }),
  'Comment',
);

const CommentPayload = builder.objectRef<{ comment: Comment }>('CommentPayload').implement({
  fields: (t) => ({ comment: t.field({ type: CommentRef, resolve: (p) => p.comment }) }),
});

const BODY = `Markdown, 1 to ${COMMENT_BODY_MAX} characters once surrounding whitespace is trimmed (a ValidationError on body otherwise).`;

const AddCommentInput = builder.inputType('AddCommentInput', {
  fields: (t) => ({
    issueId: t.globalID({ required: true, for: [IssueRef] }),
    body: t.string({ required: true, description: BODY }),
    parentId: t.globalID({
      for: [CommentRef],
      description:
        'Makes this a reply: a comment on the same issue (a reply to a reply joins its thread). Otherwise, or when you cannot see it, a ValidationError on parentId.',
    }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});
const UpdateCommentInput = builder.inputType('UpdateCommentInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [CommentRef] }), body: t.string({ required: true, description: BODY }) }),
});
const CommentIdInput = builder.inputType('CommentIdInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [CommentRef] }) }),
});

const commentErrors = [ValidationError, NotFoundError, ForbiddenError];

builder.mutationFields((t) => ({
  addComment: mutation(t, {
    payload: CommentPayload,
    description: 'Comments on an issue, or replies to a comment (parentId). Needs MEMBER.',
    errors: [...commentErrors, ConflictError],
    input: AddCommentInput,
    resolve: async (input, context) => ({
      comment: await addComment(actor(context), { ...input, issueId: input.issueId.id, parentId: input.parentId?.id }),
    }),
  }),
  updateComment: mutation(t, {
    payload: CommentPayload,
    description: 'Edits your comment; a deleted one is NotFoundError.',
    errors: commentErrors,
    input: UpdateCommentInput,
    resolve: async (input, context) => ({ comment: await updateComment(actor(context), { id: input.id.id, body: input.body }) }),
  }),
  deleteComment: deleteMutation(t, {
    typename: 'Comment',
    description:
      'Deletes a comment: yours, or any as a project admin. A root with replies stays as a placeholder (deleted: true) until its last reply is deleted.',
    errors: commentErrors,
    input: CommentIdInput,
    remove: deleteComment,
  }),
}));
