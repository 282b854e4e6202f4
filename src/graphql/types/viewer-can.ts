// What the viewer may do, so a frontend can hide buttons: each field is `can` from
// domain/permissions.ts, the same rule the services enforce.
import { builder } from '../builder.js';
import { can, type Action, type ProjectAccess } from '../../domain/permissions.js';

type IssueStanding = { access: ProjectAccess; reporterId: string };

const allowed = (action: Action) => (access: ProjectAccess) => can(access, action);

export const ProjectViewerCan = builder.objectRef<ProjectAccess>('ProjectViewerCan').implement({
  description: 'Your permissions on a project, from your role.',
  fields: (t) => ({
    createIssue: t.boolean({ resolve: allowed('issue.create') }),
    update: t.boolean({ description: 'Rename, describe, archive.', resolve: allowed('project.update') }),
    administer: t.boolean({ description: 'Manage members and labels.', resolve: allowed('member.manage') }),
    delete: t.boolean({ resolve: allowed('project.delete') }),
    transferOwnership: t.boolean({ resolve: allowed('project.transferOwnership') }),
    leave: t.boolean({
      description: 'Any member may leave, except the last owner (checked when you try).',
      resolve: allowed('project.leave'),
    }),
  }),
});

export const IssueViewerCan = builder.objectRef<IssueStanding>('IssueViewerCan').implement({
  description: 'Your permissions on an issue, from your role in its project.',
  fields: (t) => ({
    update: t.boolean({ description: 'Edit, assign, archive.', resolve: ({ access }) => can(access, 'issue.update') }),
    comment: t.boolean({ resolve: ({ access }) => can(access, 'comment.create') }),
    delete: t.boolean({
      description: 'Delete and restore: admins, and members who reported it.',
      resolve: ({ access, reporterId }) => can(access, 'issue.delete', { createdBy: reporterId }),
    }),
  }),
});
