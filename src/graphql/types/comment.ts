import { builder } from '../builder.js';
import { actor } from '../context.js';
import { brandIds } from '../ids.js';
import { deleteMutation, mutation } from '../mutations.js';
import { IssueRef } from './issue.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { visibleComments } from '../../domain/permissions.js';
import type { Comment } from '../../generated/prisma/client.js';
import { addComment, deleteComment, updateComment } from '../../services/comments.js';

export const CommentRef = brandIds(
  builder.prismaNode('Comment', {
    description: 'A comment on an issue.',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error.
    nullable: true,
    findUnique: (id, context) => ({ id, AND: [visibleComments(context.viewer?.id ?? null)] }),
    fields: (t) => ({
      body: t.exposeString('body', { description: 'Markdown text.' }),
      author: t.relation('author'),
      issue: t.relation('issue'),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true }),
    }),
  }),
  'Comment',
);

const CommentPayload = builder.objectRef<{ comment: Comment }>('CommentPayload').implement({
  fields: (t) => ({ comment: t.field({ type: CommentRef, resolve: (p) => p.comment }) }),
});

const AddCommentInput = builder.inputType('AddCommentInput', {
  fields: (t) => ({ issueId: t.globalID({ required: true, for: [IssueRef] }), body: t.string({ required: true }) }),
});
const UpdateCommentInput = builder.inputType('UpdateCommentInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [CommentRef] }), body: t.string({ required: true }) }),
});
const CommentIdInput = builder.inputType('CommentIdInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [CommentRef] }) }),
});

const commentErrors = [ValidationError, NotFoundError, ForbiddenError];

builder.mutationFields((t) => ({
  addComment: mutation(t, {
    payload: CommentPayload,
    description: 'Comments on an issue. Needs MEMBER.',
    errors: commentErrors,
    input: AddCommentInput,
    resolve: async (input, context) => ({ comment: await addComment(actor(context), { issueId: input.issueId.id, body: input.body }) }),
  }),
  updateComment: mutation(t, {
    payload: CommentPayload,
    description: 'Edits your comment.',
    errors: commentErrors,
    input: UpdateCommentInput,
    resolve: async (input, context) => ({ comment: await updateComment(actor(context), { id: input.id.id, body: input.body }) }),
  }),
  deleteComment: deleteMutation(t, {
    typename: 'Comment',
    description: 'Deletes a comment: yours, or any as a project admin.',
    errors: commentErrors,
    input: CommentIdInput,
    remove: deleteComment,
  }),
}));
