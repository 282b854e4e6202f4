import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import { actor } from '../context.js';
import { mutation } from '../mutations.js';
import { ProjectRef, ProjectRoleEnum } from './project.js';
import { UserRef } from './user.js';
import { ConflictError, ForbiddenError, NotFoundError, RateLimitedError, ValidationError } from '../../domain/errors.js';
import { visibleProjects } from '../../domain/permissions.js';
import type { ProjectMember } from '../../generated/prisma/client.js';
import { addProjectMember, changeProjectMemberRole, leaveProject, removeProjectMember } from '../../services/projects.js';

export const ProjectMemberRef = builder.prismaNode('ProjectMember', {
  description: "A user's membership in a project, with their role.",
  id: { field: 'id' },
  select: { id: true },
  // A node that is missing or hidden resolves to null instead of an error.
  nullable: true,
  findUnique: (id, context) => ({ id, project: visibleProjects(context.viewer?.id ?? null) }),
  fields: (t) => ({
    user: t.relation('user'),
    project: t.relation('project'),
    role: t.expose('role', { type: ProjectRoleEnum }),
    createdAt: t.expose('createdAt', { type: 'DateTime', description: 'When they joined.' }),
  }),
});

const ProjectMemberPayload = builder.objectRef<{ member: ProjectMember }>('ProjectMemberPayload').implement({
  fields: (t) => ({ member: t.field({ type: ProjectMemberRef, resolve: (p) => p.member }) }),
});

const RemoveProjectMemberPayload = builder.objectRef<{ projectId: string; userId: string }>('RemoveProjectMemberPayload').implement({
  fields: (t) => ({
    projectId: t.exposeID('projectId'),
    userId: t.exposeID('userId'),
  }),
});

const AddProjectMemberInput = builder.inputType('AddProjectMemberInput', {
  description: 'Give the user either by id or by email.',
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    userId: t.globalID({ for: [UserRef] }),
    email: t.string(),
    role: t.field({ type: ProjectRoleEnum, description: 'Default MEMBER. Only owners can add owners.' }),
  }),
});

const ChangeProjectMemberRoleInput = builder.inputType('ChangeProjectMemberRoleInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    userId: t.globalID({ required: true, for: [UserRef] }),
    role: t.field({ type: ProjectRoleEnum, required: true }),
  }),
});

const RemoveProjectMemberInput = builder.inputType('RemoveProjectMemberInput', {
  fields: (t) => ({
    projectId: t.globalID({ required: true, for: [ProjectRef] }),
    userId: t.globalID({ required: true, for: [UserRef] }),
  }),
});

const LeaveProjectInput = builder.inputType('LeaveProjectInput', {
  fields: (t) => ({ projectId: t.globalID({ required: true, for: [ProjectRef] }) }),
});

const memberErrors = [ValidationError, NotFoundError, ForbiddenError, ConflictError];

builder.mutationFields((t) => ({
  addProjectMember: mutation(t, {
    payload: ProjectMemberPayload,
    description: 'Adds a user to a project. Needs ADMIN (OWNER to add an owner). Adds by email are rationed per user (RateLimitedError).',
    errors: [...memberErrors, RateLimitedError],
    input: AddProjectMemberInput,
    resolve: async (input, context) => ({
      member: await addProjectMember(
        actor(context),
        { ...input, projectId: input.projectId.id, userId: input.userId?.id },
        context.throttle,
      ),
    }),
  }),
  changeProjectMemberRole: mutation(t, {
    payload: ProjectMemberPayload,
    description: "Changes a member's role. Needs ADMIN (OWNER where owners are concerned); the last owner cannot be demoted.",
    errors: memberErrors,
    input: ChangeProjectMemberRoleInput,
    resolve: async (input, context) => ({
      member: await changeProjectMemberRole(actor(context), { projectId: input.projectId.id, userId: input.userId.id, role: input.role }),
    }),
  }),
  removeProjectMember: mutation(t, {
    payload: RemoveProjectMemberPayload,
    description: 'Removes a member; their open issues in the project become unassigned. Needs ADMIN (OWNER to remove an owner).',
    errors: memberErrors,
    input: RemoveProjectMemberInput,
    resolve: async (input, context) => {
      await removeProjectMember(actor(context), { projectId: input.projectId.id, userId: input.userId.id });
      return { projectId: encodeGlobalID('Project', input.projectId.id), userId: encodeGlobalID('User', input.userId.id) };
    },
  }),
  leaveProject: mutation(t, {
    payload: RemoveProjectMemberPayload,
    description: 'Leaves a project. The last owner cannot leave: transfer ownership or promote someone first.',
    errors: memberErrors,
    input: LeaveProjectInput,
    resolve: async (input, context) => {
      await leaveProject(actor(context), input.projectId.id);
      return { projectId: encodeGlobalID('Project', input.projectId.id), userId: encodeGlobalID('User', context.viewer.id) };
    },
  }),
}));
