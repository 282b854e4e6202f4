import { builder } from '../builder.js';
import { ProjectRef } from './project.js';
import { UserRef } from './user.js';
import { rawId, viewerIdOrNone } from '../ids.js';
import { createIssue, findIssueByKey } from '../../services/issues.js';
import { ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { IssuePriority, IssueStatus } from '../../generated/prisma/enums.js';
import type { Issue } from '../../generated/prisma/client.js';

const IssueStatusEnum = builder.enumType(IssueStatus, {
  name: 'IssueStatus',
  description: 'Where an issue is in the workflow, in board order.',
});
const IssuePriorityEnum = builder.enumType(IssuePriority, {
  name: 'IssuePriority',
  description: 'How urgent an issue is, from NONE to URGENT.',
});

export const IssueRef = builder.prismaNode('Issue', {
  description: 'A unit of work in a project, known by its key (API-42).',
  id: { field: 'id' },
  findUnique: (id, context) => ({
    id: rawId(id),
    deletedAt: null,
    project: { deletedAt: null, members: { some: { userId: viewerIdOrNone(context) } } },
  }),
  fields: (t) => ({
    key: t.string({
      description: 'The human key: project key and number, as in API-42.',
      select: { number: true, project: { select: { key: true } } },
      resolve: (issue) => `${issue.project.key}-${issue.number}`,
    }),
    number: t.exposeInt('number'),
    title: t.exposeString('title'),
    description: t.exposeString('description'),
    status: t.expose('status', { type: IssueStatusEnum }),
    priority: t.expose('priority', { type: IssuePriorityEnum }),
    estimate: t.exposeInt('estimate', { nullable: true }),
    dueDate: t.expose('dueDate', { type: 'Date', nullable: true }),
    version: t.exposeInt('version', { description: 'Incremented by every change; pass it back as expectedVersion to avoid overwriting.' }),
    project: t.relation('project'),
    assignee: t.relation('assignee', { nullable: true }),
    reporter: t.relation('reporter'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true }),
  }),
});

builder.queryField('issueByKey', (t) =>
  t.prismaField({
    type: 'Issue',
    nullable: true,
    description: 'The issue with this key (API-42); null if it does not exist or you cannot see it.',
    authScopes: { authenticated: true },
    args: { key: t.arg.string({ required: true }) },
    resolve: (query, _root, { key }, context) => findIssueByKey(context.prisma, context.viewer!, key, query),
  }),
);

const CreateIssueInput = builder.inputType('CreateIssueInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    title: t.string({ required: true }),
    description: t.string(),
    status: t.field({ type: IssueStatusEnum }),
    priority: t.field({ type: IssuePriorityEnum }),
    estimate: t.int(),
    dueDate: t.field({ type: 'Date' }),
    assigneeId: t.globalID({ for: [UserRef] }),
  }),
});

const CreateIssuePayload = builder.objectRef<{ issue: Issue }>('CreateIssuePayload').implement({
  fields: (t) => ({ issue: t.field({ type: IssueRef, resolve: (payload) => payload.issue }) }),
});

builder.mutationField('createIssue', (t) =>
  t.field({
    type: CreateIssuePayload,
    description: 'Creates an issue in a project where you are at least MEMBER; it gets the next number.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, NotFoundError, ForbiddenError] },
    args: { input: t.arg({ type: CreateIssueInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      issue: await createIssue(context.prisma, context.viewer!, {
        ...input,
        projectId: input.projectId.id,
        assigneeId: input.assigneeId?.id,
      }),
    }),
  }),
);
