import { queryFromInfo } from '@pothos/plugin-prisma';
import type { GraphQLResolveInfo } from 'graphql';
import { builder, type TrackrTypes } from '../builder.js';
import { actor } from '../context.js';
import { brandIds, rawOptional } from '../ids.js';
import { deleteMutation, IDEMPOTENCY_KEY_DESCRIPTION, mutation } from '../mutations.js';
import { pageSize, splitPage } from '../paging.js';
import { IssuePriorityEnum, IssueStatusEnum } from './issue-enums.js';
import { IssueFilterRef, IssueOrderRef, toIssueFilter } from './issue-filter.js';
import { LabelRef } from './label.js';
import { ProjectRef } from './project.js';
import { UserRef } from './user.js';
import { IssueViewerCan } from './viewer-can.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { IssueId, LabelId, UserId } from '../../domain/ids.js';
import { shownComments, visibleIssues } from '../../domain/permissions.js';
import type { Issue } from '../../generated/prisma/client.js';
import {
  countIssues,
  createIssue,
  deleteIssue,
  listIssues,
  MAX_BATCH_UPDATE,
  restoreIssue,
  setIssueArchived,
  updateIssue,
  updateIssues,
  type BatchItem,
} from '../../services/issues.js';

export const IssueRef = brandIds(
  builder.prismaNode('Issue', {
    description: 'A unit of work in a project, known by its key (API-42).',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error.
    nullable: true,
    findUnique: (id, context) => ({ id, AND: [visibleIssues(context.viewer?.id ?? null)] }),
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
      version: t.exposeInt('version', {
        description: "Incremented by every change; pass it back as expectedVersion to avoid overwriting someone else's edit.",
      }),
      project: t.relation('project'),
      assignee: t.relation('assignee', { nullable: true }),
      reporter: t.relation('reporter'),
      parent: t.relation('parent', {
        nullable: true,
        description: 'The issue this one is part of (null if none, or deleted).',
        query: { where: { deletedAt: null } },
      }),
      children: t.relatedConnection('children', {
        cursor: 'id',
        maxSize: pageSize,
        description: 'Sub-issues, oldest first.',
        query: () => ({ where: { deletedAt: null }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      }),
      labels: t.field({
        type: [LabelRef],
        description: 'Labels on this issue, by name.',
        // Sorted here: ordering by the label's name in SQL costs a join and a sort per issue.
        select: (_args, _context, nestedSelection) => ({
          labels: { select: { label: nestedSelection({ select: { id: true, name: true } }) } },
        }),
        resolve: (issue) => issue.labels.map((l) => l.label).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
      }),
      comments: t.relatedConnection('comments', {
        cursor: 'id',
        maxSize: pageSize,
        description:
          'The discussion as threads, oldest first: root comments, each with its `replies`. A deleted root with replies stays as a placeholder (`deleted: true`). totalCount counts these threads, not their replies.',
        totalCount: true,
        query: () => ({ where: { parentId: null, ...shownComments }, orderBy: [{ createdAt: 'asc' }, { id: 'asc' }] }),
      }),
      history: t.relatedConnection('events', {
        cursor: 'id',
        maxSize: pageSize,
        description: 'Every change to this issue, oldest first: who changed which field from what to what.',
        query: () => ({ orderBy: [{ seq: 'asc' }] }),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      closedAt: t.expose('closedAt', { type: 'DateTime', nullable: true, description: 'When it reached DONE or CANCELED.' }),
      archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
      viewerCan: t.field({
        type: IssueViewerCan,
        select: { projectId: true, reporterId: true },
        resolve: async (issue, _args, context) => ({
          access: { userId: context.viewer?.id ?? '', role: await context.loaders.viewerRole.load(issue.projectId) },
          reporterId: issue.reporterId,
        }),
      }),
    }),
  }),
  'Issue',
);

builder.queryFields((t) => ({
  issue: t.withAuth({ authenticated: true }).prismaField({
    type: 'Issue',
    nullable: true,
    description: 'An issue you can see; null otherwise.',
    args: { id: t.arg.globalID({ required: true, for: [IssueRef] }) },
    resolve: (query, _root, { id }, context) => context.loaders.issueById(query).load(id.id),
  }),
  issueByKey: t.withAuth({ authenticated: true }).prismaField({
    type: 'Issue',
    nullable: true,
    description: 'The issue with this key (API-42); null if it does not exist or you cannot see it.',
    args: { key: t.arg.string({ required: true }) },
    resolve: (query, _root, { key }, context) => context.loaders.issueByKey(query).load(key),
  }),
  issues: t.withAuth({ authenticated: true }).prismaConnection(
    {
      type: 'Issue',
      cursor: 'id',
      maxSize: pageSize,
      description: 'Issues across your projects, filtered and ordered (newest first by default).',
      args: {
        filter: t.arg({ type: IssueFilterRef }),
        orderBy: t.arg({ type: [IssueOrderRef], description: 'Up to 3 sort keys; id breaks ties.' }),
      },
      resolve: (query, _root, args, context) => {
        const { page, selection } = splitPage(query);
        return listIssues(actor(context), { filter: toIssueFilter(args.filter), orderBy: args.orderBy, page }, selection);
      },
      totalCount: (_root, args, context) => countIssues(actor(context), { filter: toIssueFilter(args.filter), orderBy: args.orderBy }),
    },
    { description: 'A page of issues.' },
  ),
}));

export const IssuePayload = builder.objectRef<{ issue: Issue }>('IssuePayload').implement({
  fields: (t) => ({ issue: t.field({ type: IssueRef, resolve: (payload) => payload.issue }) }),
});

const CreateIssueInput = builder.inputType('CreateIssueInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    title: t.string({ required: true }),
    description: t.string(),
    status: t.field({ type: IssueStatusEnum, description: 'Default TODO.' }),
    priority: t.field({ type: IssuePriorityEnum, description: 'Default NONE.' }),
    estimate: t.int({ description: "0 to 1000, in the team's unit." }),
    dueDate: t.field({ type: 'Date' }),
    assigneeId: t.globalID({ for: [UserRef], description: 'A member of the project.' }),
    parentId: t.globalID({ for: [IssueRef], description: 'An issue of the same project.' }),
    labelIds: t.globalIDList({ for: [LabelRef], description: 'Labels of the same project.' }),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});

type GlobalIds<Id> = readonly { id: Id }[] | null | undefined;
type ChangeShape = {
  assigneeId?: { id: UserId } | null;
  parentId?: { id: IssueId } | null;
  labelIds?: GlobalIds<LabelId>;
  addedLabelIds?: GlobalIds<LabelId>;
  removedLabelIds?: GlobalIds<LabelId>;
};

/** The fields updateIssue and updateIssues both change, declared once. */
const changeFields = (t: PothosSchemaTypes.InputFieldBuilder<TrackrTypes, 'InputObject'>) => ({
  title: t.string(),
  description: t.string(),
  status: t.field({ type: IssueStatusEnum }),
  priority: t.field({ type: IssuePriorityEnum }),
  estimate: t.int(),
  dueDate: t.field({ type: 'Date' }),
  assigneeId: t.globalID({ for: [UserRef] }),
  parentId: t.globalID({ for: [IssueRef] }),
  labelIds: t.globalIDList({
    for: [LabelRef],
    description: 'The complete new set of labels (for forms); not with addedLabelIds or removedLabelIds.',
  }),
  addedLabelIds: t.globalIDList({
    for: [LabelRef],
    description: 'Labels to put on, keeping the others: two people adding different labels at once both keep theirs.',
  }),
  removedLabelIds: t.globalIDList({ for: [LabelRef], description: 'Labels to take off, keeping the others.' }),
});

/** The changes of an UpdateIssueInput or UpdateIssuesInput, with raw ids for the service; null clears. */
function toChanges<T extends ChangeShape>(input: T) {
  const raw = (list: GlobalIds<LabelId>) => list?.map((l) => l.id);
  return {
    ...input,
    assigneeId: rawOptional(input.assigneeId),
    parentId: rawOptional(input.parentId),
    labelIds: input.labelIds === null ? [] : raw(input.labelIds),
    addedLabelIds: raw(input.addedLabelIds) ?? undefined,
    removedLabelIds: raw(input.removedLabelIds) ?? undefined,
  };
}

const UpdateIssueInput = builder.inputType('UpdateIssueInput', {
  description: 'Only the fields given change; null clears an optional field.',
  fields: (t) => ({
    id: t.globalID({ required: true, for: [IssueRef] }),
    expectedVersion: t.int({
      description: 'The version you edited; if the issue has changed since, you get a ConflictError with the current issue.',
    }),
    ...changeFields(t),
  }),
});

const UpdateIssuesInput = builder.inputType('UpdateIssuesInput', {
  description: `The same change for several issues (at most ${MAX_BATCH_UPDATE}); only the fields given change, null clears.`,
  fields: (t) => ({
    ids: t.globalIDList({ required: true, for: [IssueRef], description: 'The issues to change, each at most once.' }),
    ...changeFields(t),
  }),
});

const UpdateIssuesPayload = builder.objectRef<{ results: BatchItem[] }>('UpdateIssuesPayload').implement({
  description: 'One result per id, in the order given.',
  fields: (t) => ({
    results: t.field({
      type: [IssueRef],
      description: 'The updated issue, or the error that issue met (nothing was changed on it).',
      itemErrors: { types: [NotFoundError, ForbiddenError, ValidationError], union: { name: 'UpdateIssuesItemResult' } },
      // Errors among the items are turned into their union members by the errors plugin.
      resolve: (payload) => payload.results as Issue[],
    }),
  }),
});

const IssueIdInput = builder.inputType('IssueIdInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [IssueRef] }) }),
});

/** The selection under a payload's `issue`, for the service's final read of the issue it changed. */
const payloadQuery = (context: object, info: GraphQLResolveInfo) => queryFromInfo({ context, info, typeName: 'Issue', path: ['issue'] });

const writeErrors = [ValidationError, NotFoundError, ForbiddenError];

builder.mutationFields((t) => ({
  createIssue: mutation(t, {
    payload: IssuePayload,
    description: 'Creates an issue in a project where you are at least MEMBER; it gets the next number.',
    errors: [...writeErrors, ConflictError],
    input: CreateIssueInput,
    resolve: async (input, context, info) => ({
      issue: await createIssue(
        actor(context),
        {
          ...input,
          projectId: input.projectId.id,
          assigneeId: input.assigneeId?.id,
          parentId: input.parentId?.id,
          labelIds: input.labelIds?.map((l) => l.id),
        },
        payloadQuery(context, info),
      ),
    }),
  }),
  updateIssue: mutation(t, {
    payload: IssuePayload,
    description: 'Changes an issue: title, description, status, priority, estimate, due date, assignee, parent, labels. Needs MEMBER.',
    errors: [...writeErrors, ConflictError],
    input: UpdateIssueInput,
    resolve: async (input, context, info) => ({
      issue: await updateIssue(actor(context), { ...toChanges(input), id: input.id.id }, payloadQuery(context, info)),
    }),
  }),
  updateIssues: mutation(t, {
    payload: UpdateIssuesPayload,
    description: `Applies one change to up to ${MAX_BATCH_UPDATE} issues in one transaction, answering per issue. Needs MEMBER in each issue's project.`,
    errors: [ValidationError],
    input: UpdateIssuesInput,
    resolve: async (input, context, info) => ({
      results: await updateIssues(
        actor(context),
        { ...toChanges(input), ids: input.ids.map((i) => i.id) },
        queryFromInfo({ context, info, typeName: 'Issue', path: ['results'] }),
      ),
    }),
  }),
  archiveIssue: mutation(t, {
    payload: IssuePayload,
    description: 'Archives an issue: it leaves default lists. Needs MEMBER.',
    errors: writeErrors,
    input: IssueIdInput,
    resolve: async (input, context, info) => ({
      issue: await setIssueArchived(actor(context), { id: input.id.id, archived: true }, payloadQuery(context, info)),
    }),
  }),
  unarchiveIssue: mutation(t, {
    payload: IssuePayload,
    description: 'Brings an archived issue back. Needs MEMBER.',
    errors: writeErrors,
    input: IssueIdInput,
    resolve: async (input, context, info) => ({
      issue: await setIssueArchived(actor(context), { id: input.id.id, archived: false }, payloadQuery(context, info)),
    }),
  }),
  deleteIssue: deleteMutation(t, {
    typename: 'Issue',
    description: "Deletes an issue; restoreIssue brings it back. Needs ADMIN, or MEMBER for the issue's reporter.",
    errors: writeErrors,
    input: IssueIdInput,
    remove: deleteIssue,
  }),
  restoreIssue: mutation(t, {
    payload: IssuePayload,
    description: 'Restores a deleted issue. Same rights as deleting it.',
    errors: writeErrors,
    input: IssueIdInput,
    resolve: async (input, context, info) => ({ issue: await restoreIssue(actor(context), input.id.id, payloadQuery(context, info)) }),
  }),
}));
