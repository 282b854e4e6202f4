import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { memberOf, rawId } from '../ids.js';
import { IssueRef } from './issue.js';
import { DeletePayload } from './project.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Comment } from '../../generated/prisma/client.js';
import { addComment, deleteComment, updateComment } from '../../services/comments.js';

export const CommentRef = builder.prismaNode('Comment', {
  description: 'A comment on an issue.',
  id: { field: 'id' },
  select: { id: true },
  // A node that is missing or hidden resolves to null instead of an error.
  nullable: true,
  findUnique: (id, context) => ({ id: rawId(id), deletedAt: null, issue: { deletedAt: null, project: memberOf(context) } }),
  fields: (t) => ({
    body: t.exposeString('body', { description: 'Markdown text.' }),
    author: t.relation('author'),
    issue: t.relation('issue'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    editedAt: t.expose('editedAt', { type: 'DateTime', nullable: true }),
  }),
});

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
  addComment: t.field({
    type: CommentPayload,
    description: 'Comments on an issue. Needs MEMBER.',
    authScopes: { authenticated: true },
    errors: { types: commentErrors },
    args: { input: t.arg({ type: AddCommentInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      comment: await addComment(context.prisma, context.viewer!, { issueId: input.issueId.id, body: input.body }),
    }),
  }),
  updateComment: t.field({
    type: CommentPayload,
    description: 'Edits your comment.',
    authScopes: { authenticated: true },
    errors: { types: commentErrors },
    args: { input: t.arg({ type: UpdateCommentInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      comment: await updateComment(context.prisma, context.viewer!, { id: input.id.id, body: input.body }),
    }),
  }),
  deleteComment: t.field({
    type: DeletePayload,
    description: 'Deletes a comment: yours, or any as a project admin.',
    authScopes: { authenticated: true },
    errors: { types: commentErrors },
    args: { input: t.arg({ type: CommentIdInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      await deleteComment(context.prisma, context.viewer!, input.id.id);
      return { deletedId: encodeGlobalID('Comment', input.id.id) };
    },
  }),
}));
