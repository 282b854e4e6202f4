// What the viewer may do, so a frontend can hide buttons. The API enforces the same rules anyway.
import { builder } from '../builder.js';
import type { ProjectRole } from '../../generated/prisma/client.js';
import { atLeast } from '../../services/projects.js';

export const ProjectViewerCan = builder.objectRef<{ role: ProjectRole | null }>('ProjectViewerCan').implement({
  description: 'Your permissions on a project, from your role.',
  fields: (t) => ({
    createIssue: t.boolean({ resolve: ({ role }) => atLeast(role, 'MEMBER') }),
    update: t.boolean({ description: 'Rename, describe, archive.', resolve: ({ role }) => atLeast(role, 'ADMIN') }),
    administer: t.boolean({ description: 'Manage members and labels.', resolve: ({ role }) => atLeast(role, 'ADMIN') }),
    delete: t.boolean({ resolve: ({ role }) => atLeast(role, 'OWNER') }),
    transferOwnership: t.boolean({ resolve: ({ role }) => atLeast(role, 'OWNER') }),
    leave: t.boolean({ description: 'Any member may leave, except the last owner (checked when you try).', resolve: ({ role }) => role !== null }),
  }),
});

export const IssueViewerCan = builder.objectRef<{ role: ProjectRole | null; isReporter: boolean }>('IssueViewerCan').implement({
  description: 'Your permissions on an issue, from your role in its project.',
  fields: (t) => ({
    update: t.boolean({ description: 'Edit, assign, archive.', resolve: ({ role }) => atLeast(role, 'MEMBER') }),
    comment: t.boolean({ resolve: ({ role }) => atLeast(role, 'MEMBER') }),
    delete: t.boolean({ description: 'Delete and restore: admins, and members who reported it.', resolve: ({ role, isReporter }) => atLeast(role, 'ADMIN') || (isReporter && atLeast(role, 'MEMBER')) }),
  }),
});
