import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { idOfCursor, pageSize } from '../paging.js';
import { memberOf, rawId } from '../ids.js';
import { IssueFilterInput, IssueOrderInput, toIssueFilter } from './issue-filter.js';
import { OrderDirection } from './order-direction.js';
import { ProjectViewerCan } from './viewer-can.js';
import { UserRef } from './user.js';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '../../domain/errors.js';
import type { Project } from '../../generated/prisma/client.js';
import { issueListQuery } from '../../services/issues.js';
import {
  createProject,
  deleteProject,
  findProject,
  listProjectMembers,
  listProjects,
  setProjectArchived,
  transferProjectOwnership,
  updateProject,
} from '../../services/projects.js';

export const ProjectRoleEnum = builder.enumType('ProjectRole', {
  description:
    'Roles in a project, strongest first. OWNER: everything, including delete and transfer. ADMIN: edit the project, manage members and labels. MEMBER: create and edit issues, comment. VIEWER: read.',
  values: ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const,
});

export const ProjectRef = builder.prismaNode('Project', {
  description: 'A project: members with roles, and the issues they track under a short key such as API.',
  id: { field: 'id' },
  select: { id: true },
  // A node that is missing or hidden resolves to null instead of an error.
  nullable: true,
  // Node lookups see only projects the viewer belongs to; the rest look missing.
  findUnique: (id, context) => ({ id: rawId(id), ...memberOf(context) }),
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
      resolve: async (project, _args, context) => ({ role: await context.loaders.viewerRole.load(project.id) }),
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
    issues: t.relatedConnection('issues', {
      cursor: 'id',
      maxSize: pageSize,
      description: 'This project\'s issues, filtered and ordered (newest first by default; archived ones only when the filter asks).',
      totalCount: true,
      args: {
        filter: t.arg({ type: IssueFilterInput }),
        orderBy: t.arg({ type: [IssueOrderInput], description: 'Up to 3 sort keys; id breaks ties.' }),
      },
      // Our cursor and skip win over Pothos' (see issuePageStart for why they differ).
      query: async (args, context) => {
        const options = { filter: toIssueFilter(args.filter), orderBy: args.orderBy };
        // The connection's own arguments are there too, though not in the declared type.
        const page = args as { after?: string | null; before?: string | null; last?: number | null };
        const cursorId = idOfCursor(page.after ?? page.before);
        const backward = page.before != null || page.last != null;
        const start = cursorId && context.viewer ? await context.loaders.issuePageStart.load({ options, cursorId, backward }) : {};
        return { ...issueListQuery(options), ...start };
      },
    }),
  }),
});

export const ProjectFilterInput = builder.inputType('ProjectFilter', {
  fields: (t) => ({
    archived: t.boolean({ description: 'true: only archived projects; default: only active ones.' }),
    search: t.string({ description: 'Case-insensitive text in the name, or the start of the key.' }),
  }),
});

const ProjectOrderField = builder.enumType('ProjectOrderField', { values: ['NAME', 'KEY', 'CREATED_AT', 'UPDATED_AT'] as const });

export const ProjectOrderInput = builder.inputType('ProjectOrder', {
  fields: (t) => ({
    field: t.field({ type: ProjectOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true, defaultValue: 'ASC' }),
  }),
});

builder.queryFields((t) => ({
  project: t.prismaField({
    type: 'Project',
    nullable: true,
    description: 'A project you are a member of; null otherwise.',
    authScopes: { authenticated: true },
    args: { id: t.arg.globalID({ required: true, for: [ProjectRef] }) },
    resolve: (query, _root, { id }, context) => findProject(context.prisma, context.viewer!, { id: id.id }, query),
  }),
  projectByKey: t.prismaField({
    type: 'Project',
    nullable: true,
    description: 'The project with this key (API), if you are a member; null otherwise.',
    authScopes: { authenticated: true },
    args: { key: t.arg.string({ required: true }) },
    resolve: (query, _root, { key }, context) => findProject(context.prisma, context.viewer!, { key }, query),
  }),
  projects: t.prismaConnection({
    type: 'Project',
    cursor: 'id',
    maxSize: pageSize,
    description: 'Your projects (the same as viewer.projects).',
    authScopes: { authenticated: true },
    args: { filter: t.arg({ type: ProjectFilterInput }), orderBy: t.arg({ type: ProjectOrderInput }) },
    resolve: (query, _root, args, context) => listProjects(context.prisma, context.viewer!, context.viewer!.id, args, query),
  }),
}));

export const ProjectPayload = builder.objectRef<{ project: Project }>('ProjectPayload').implement({
  fields: (t) => ({ project: t.field({ type: ProjectRef, resolve: (payload) => payload.project }) }),
});

export const DeletePayload = builder.objectRef<{ deletedId: string }>('DeletePayload').implement({
  fields: (t) => ({ deletedId: t.exposeID('deletedId', { description: 'The global ID of what was deleted.' }) }),
});

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: '2-10 letters or digits starting with a letter; upper-cased. Cannot change later.' }),
    name: t.string({ required: true }),
    description: t.string(),
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
  createProject: t.field({
    type: ProjectPayload,
    description: 'Creates a project; you become its owner.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, ConflictError] },
    args: { input: t.arg({ type: CreateProjectInput, required: true }) },
    resolve: async (_root, { input }, context) => ({ project: await createProject(context.prisma, context.viewer!, input) }),
  }),
  updateProject: t.field({
    type: ProjectPayload,
    description: 'Renames or redescribes a project. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: projectErrors },
    args: { input: t.arg({ type: UpdateProjectInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      project: await updateProject(context.prisma, context.viewer!, { ...input, id: input.id.id }),
    }),
  }),
  archiveProject: t.field({
    type: ProjectPayload,
    description: 'Archives a project: it leaves default lists but stays readable. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: projectErrors },
    args: { input: t.arg({ type: ProjectIdInput, required: true }) },
    resolve: async (_root, { input }, context) => ({ project: await setProjectArchived(context.prisma, context.viewer!, input.id.id, true) }),
  }),
  unarchiveProject: t.field({
    type: ProjectPayload,
    description: 'Brings an archived project back. Needs ADMIN.',
    authScopes: { authenticated: true },
    errors: { types: projectErrors },
    args: { input: t.arg({ type: ProjectIdInput, required: true }) },
    resolve: async (_root, { input }, context) => ({ project: await setProjectArchived(context.prisma, context.viewer!, input.id.id, false) }),
  }),
  deleteProject: t.field({
    type: DeletePayload,
    description: 'Deletes a project and hides all its issues. Needs OWNER.',
    authScopes: { authenticated: true },
    errors: { types: projectErrors },
    args: { input: t.arg({ type: ProjectIdInput, required: true }) },
    resolve: async (_root, { input }, context) => {
      await deleteProject(context.prisma, context.viewer!, input.id.id);
      return { deletedId: encodeGlobalID('Project', input.id.id) };
    },
  }),
  transferProjectOwnership: t.field({
    type: ProjectPayload,
    description: 'Makes another member the owner; you become ADMIN. Needs OWNER.',
    authScopes: { authenticated: true },
    errors: { types: projectErrors },
    args: { input: t.arg({ type: TransferProjectOwnershipInput, required: true }) },
    resolve: async (_root, { input }, context) => ({
      project: await transferProjectOwnership(context.prisma, context.viewer!, input.projectId.id, input.newOwnerId.id),
    }),
  }),
}));
