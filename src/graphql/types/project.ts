import { builder } from '../builder.js';
import { rawId, viewerIdOrNone } from '../ids.js';
import { createProject } from '../../services/projects.js';
import { ConflictError, ValidationError } from '../../domain/errors.js';
import type { Project } from '../../generated/prisma/client.js';

const ProjectRoleEnum = builder.enumType('ProjectRole', {
  description: 'Roles in a project, strongest first: owners delete and transfer, admins manage members and labels, members create and edit issues, viewers read.',
  values: ['OWNER', 'ADMIN', 'MEMBER', 'VIEWER'] as const,
});

export const ProjectRef = builder.prismaNode('Project', {
  description: 'A project: members with roles, and the issues they track under a short key such as API.',
  id: { field: 'id' },
  // Node lookups see only projects the viewer belongs to; the rest look missing.
  findUnique: (id, context) => ({ id: rawId(id), deletedAt: null, members: { some: { userId: viewerIdOrNone(context) } } }),
  fields: (t) => ({
    key: t.exposeString('key', { description: 'Short upper-case key; issue keys are KEY-number.' }),
    name: t.exposeString('name'),
    description: t.exposeString('description'),
    owner: t.relation('owner'),
    archivedAt: t.expose('archivedAt', { type: 'DateTime', nullable: true }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
    updatedAt: t.expose('updatedAt', { type: 'DateTime' }),
    viewerRole: t.field({
      type: ProjectRoleEnum,
      nullable: true,
      description: 'Your role in this project.',
      resolve: (project, _args, context) => context.loaders.viewerRole.load(project.id),
    }),
    issues: t.relatedConnection('issues', {
      cursor: 'id',
      description: 'The live issues of this project, newest first.',
      totalCount: true,
      query: () => ({ where: { deletedAt: null }, orderBy: [{ createdAt: 'desc' }, { id: 'desc' }] }),
    }),
  }),
});

const CreateProjectInput = builder.inputType('CreateProjectInput', {
  fields: (t) => ({
    key: t.string({ required: true, description: '2-10 letters or digits starting with a letter; upper-cased.' }),
    name: t.string({ required: true }),
    description: t.string(),
  }),
});

const CreateProjectPayload = builder.objectRef<{ project: Project }>('CreateProjectPayload').implement({
  fields: (t) => ({ project: t.field({ type: ProjectRef, resolve: (payload) => payload.project }) }),
});

builder.mutationField('createProject', (t) =>
  t.field({
    type: CreateProjectPayload,
    description: 'Creates a project; you become its owner.',
    authScopes: { authenticated: true },
    errors: { types: [ValidationError, ConflictError] },
    args: { input: t.arg({ type: CreateProjectInput, required: true }) },
    resolve: async (_root, { input }, context) => ({ project: await createProject(context.prisma, context.viewer!, input) }),
  }),
);
