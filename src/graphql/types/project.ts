import { prismaConnectionHelpers } from '@pothos/plugin-prisma';
import { builder } from '../builder.js';
import { actor } from '../context.js';
import { brandIds } from '../ids.js';
import { deleteMutation, IDEMPOTENCY_KEY_DESCRIPTION, mutation } from '../mutations.js';
import { pageSize, pageStart } from '../paging.js';
import { IssueFilterRef, IssueOrderRef, toIssueFilter } from './issue-filter.js';
import { ProjectFilterRef, ProjectOrderRef } from './project-list.js';
import { ProjectViewerCan } from './viewer-can.js';
import { UserRef } from './user.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import { visibleProjects } from '../../domain/permissions.js';
import type { Project } from '../../generated/prisma/client.js';
import { projectIssuesQuery, type IssueListOptions } from '../../services/issues.js';
import {
  createProject,
  deleteProject,
  listProjectMembers,
  listProjects,
  setProjectArchived,
  transferProjectOwnership,
  updateProject,
} from '../../services/projects.js';

/** Project.issues' pages: plugin-prisma's cursors over `id`, our page-size rules. */
const projectIssues = prismaConnectionHelpers(builder, 'Issue', { cursor: 'id', maxSize: pageSize });

/** The list options of a Project.issues field's arguments. */
const listOptions = (args: { filter?: Parameters<typeof toIssueFilter>[0]; orderBy?: IssueListOptions['orderBy'] }): IssueListOptions => ({
  filter: toIssueFilter(args.filter),
  orderBy: args.orderBy,
});

export const ProjectRoleEnum = builder.enumType('ProjectRole', {
  description:
    'Roles in a project, strongest first. OWNER: everything, including delete and transfer. ADMIN: edit the project, manage members and labels. MEMBER: create and edit issues, comment. VIEWER: read.',
  values: ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const,
});

export const ProjectRef = brandIds(
  builder.prismaNode('Project', {
    description: 'A project: members with roles, and the issues they track under a short key such as API.',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error.
    nullable: true,
    // Node lookups see only projects the viewer belongs to; the rest look missing.
    findUnique: (id, context) => ({ id, AND: [visibleProjects(context.viewer?.id ?? null)] }),
    fields: (t) => ({
      key: t.exposeString('key', { description: 'Short upper-case key; issue keys are KEY-number.' }),
      name: t.exposeString('name'),
      description: t.exposeString('description'),
      owner: t.relation('owner', { description: 'The primary owner (there may be other members with the OWNER role).' }),
      archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
      viewerRole: t.field({
        type: ProjectRoleEnum,
        nullable: true,
        description: 'Your role in this project.',
        resolve: (project, _args, context) => context.loaders.viewerRole.load(project.id),
      }),
      viewerCan: t.field({
        type: ProjectViewerCan,
        resolve: async (project, _args, context) => ({
          userId: context.viewer?.id ?? '',
          role: await context.loaders.viewerRole.load(project.id),
        }),
      }),
      members: t.prismaConnection({
        type: 'ProjectMember',
        cursor: 'id',
        maxSize: pageSize,
        description: 'Everyone in the project, owners first.',
        resolve: (query, project, _args, context) => listProjectMembers(context.prisma, project.id, query),
      }),
      labels: t.relatedConnection('labels', {
        cursor: 'id',
        maxSize: pageSize,
        description: 'The labels issues of this project can carry, by name.',
        query: () => ({ orderBy: [{ name: 'asc' }, { id: 'asc' }] }),
      }),
      issues: t.connection(
        {
          type: projectIssues.ref,
          description: "This project's issues, filtered and ordered (newest first by default; archived ones only when the filter asks).",
          args: {
            filter: t.arg({ type: IssueFilterRef }),
            orderBy: t.arg({ type: [IssueOrderRef], description: 'Up to 3 sort keys; id breaks ties.' }),
          },
          // The page is a relation of the project, loaded in the project's own statement: the list's
          // rule, and after a cursor the keyset condition on the cursor issue's sort values
          // (services/issues.ts projectIssuesQuery), never Prisma's cursor.
          select: async (args, context, nestedSelection) => {
            const {
              cursor: _cursor,
              skip: _skip,
              take,
              ...selection
            } = await projectIssues.getQuery(args, context, nestedSelection, {
              awaitSelections: true,
            });
            const { cursorId, backward } = pageStart(args);
            const cursor = cursorId === undefined ? undefined : await context.loaders.cursorIssue.load(cursorId);
            return { issues: { ...selection, ...projectIssuesQuery(listOptions(args), { cursor, backward }), take } };
          },
          resolve: (project, args, context) => ({
            ...projectIssues.resolve(project.issues, args, context, project),
            totalCount: () => context.loaders.projectIssueCount.load({ projectId: project.id, options: listOptions(args) }),
          }),
        },
        {
          fields: (connection) => ({
            totalCount: connection.int({ resolve: (page) => page.totalCount() }),
          }),
        },
      ),
    }),
  }),
  'Project',
);

builder.queryFields((t) => ({
  project: t.withAuth({ authenticated: true }).prismaField({
    type: 'Project',
    nullable: true,
    description: 'A project you are a member of; null otherwise.',
    args: { id: t.arg.globalID({ required: true, for: [ProjectRef] }) },
    resolve: (query, _root, { id }, context) => context.loaders.projectById(query).load(id.id),
  }),
  projectByKey: t.withAuth({ authenticated: true }).prismaField({
    type: 'Project',
    nullable: true,
    description: 'The project with this key (API), if you are a member; null otherwise.',
    args: { key: t.arg.string({ required: true }) },
    resolve: (query, _root, { key }, context) => context.loaders.projectByKey(query).load(key),
  }),
  projects: t.withAuth({ authenticated: true }).prismaConnection({
    type: 'Project',
    cursor: 'id',
    maxSize: pageSize,
    description: 'Your projects (the same as viewer.projects).',
    args: { filter: t.arg({ type: ProjectFilterRef }), orderBy: t.arg({ type: ProjectOrderRef }) },
    resolve: (query, _root, args, context) => listProjects(actor(context), { ...args, userId: context.viewer.id }, query),
  }),
}));

export const ProjectPayload = builder.objectRef<{ project: Project }>('ProjectPayload').implement({
  fields: (t) => ({ project: t.field({ type: ProjectRef, resolve: (payload) => payload.project }) }),
});

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: '2-10 letters or digits starting with a letter; upper-cased. Cannot change later.' }),
    name: t.string({ required: true }),
    description: t.string(),
    idempotencyKey: t.string({ description: IDEMPOTENCY_KEY_DESCRIPTION }),
  }),
});

const UpdateProjectInput = builder.inputType('UpdateProjectInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [ProjectRef] }), name: t.string(), description: t.string() }),
});

const ProjectIdInput = builder.inputType('ProjectIdInput', {
  fields: (t) => ({ id: t.globalID({ required: true, for: [ProjectRef] }) }),
});

const TransferProjectOwnershipInput = builder.inputType('TransferProjectOwnershipInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    newOwnerId: t.globalID({ required: true, for: [UserRef], description: 'A member of the project (a User id).' }),
  }),
});

const projectErrors = [ValidationError, NotFoundError, ForbiddenError];

builder.mutationFields((t) => ({
  createProject: mutation(t, {
    payload: ProjectPayload,
    description: 'Creates a project; you become its owner.',
    errors: [ValidationError, ConflictError],
    input: CreateProjectInput,
    resolve: async (input, context) => ({ project: await createProject(actor(context), input) }),
  }),
  updateProject: mutation(t, {
    payload: ProjectPayload,
    description: 'Renames or redescribes a project. Needs ADMIN.',
    errors: projectErrors,
    input: UpdateProjectInput,
    resolve: async (input, context) => ({ project: await updateProject(actor(context), { ...input, id: input.id.id }) }),
  }),
  archiveProject: mutation(t, {
    payload: ProjectPayload,
    description: 'Archives a project: it leaves default lists but stays readable. Needs ADMIN.',
    errors: projectErrors,
    input: ProjectIdInput,
    resolve: async (input, context) => ({ project: await setProjectArchived(actor(context), { id: input.id.id, archived: true }) }),
  }),
  unarchiveProject: mutation(t, {
    payload: ProjectPayload,
    description: 'Brings an archived project back. Needs ADMIN.',
    errors: projectErrors,
    input: ProjectIdInput,
    resolve: async (input, context) => ({ project: await setProjectArchived(actor(context), { id: input.id.id, archived: false }) }),
  }),
  deleteProject: deleteMutation(t, {
    typename: 'Project',
    description: 'Deletes a project and hides all its issues. Needs OWNER.',
    errors: projectErrors,
    input: ProjectIdInput,
    remove: deleteProject,
  }),
  transferProjectOwnership: mutation(t, {
    payload: ProjectPayload,
    description: 'Makes another member the owner; you become ADMIN. Needs OWNER.',
    errors: projectErrors,
    input: TransferProjectOwnershipInput,
    resolve: async (input, context) => ({
      project: await transferProjectOwnership(actor(context), { projectId: input.projectId.id, newOwnerId: input.newOwnerId.id }),
    }),
  }),
}));
