import { builder } from '../builder.js';
import { actor } from '../context.js';
import { brandIds } from '../ids.js';
import { pageSize } from '../paging.js';
import { ProjectFilterRef, ProjectOrderRef } from './project-list.js';
import { listProjects } from '../../services/projects.js';
import { findViewer } from '../../services/users.js';

export const UserRef = brandIds(
  builder.prismaNode('User', {
    description: 'A person with an account.',
    id: { field: 'id' },
    select: { id: true },
    // A node that is missing or hidden resolves to null instead of an error.
    nullable: true,
    findUnique: (id) => ({ id }),
    fields: (t) => ({
      name: t.exposeString('name'),
      email: t.string({
        nullable: true,
        description: 'Only visible to the user themself; null for everyone else.',
        select: { email: true },
        resolve: (user, _args, context) => (context.viewer?.id === user.id ? user.email : null),
      }),
      createdAt: t.expose('createdAt', { type: 'DateTime' }),
      projects: t.withAuth({ authenticated: true }).prismaConnection({
        type: 'Project',
        cursor: 'id',
        maxSize: pageSize,
        description: 'Projects this user belongs to that you can see too (all of yours on viewer), newest first by default.',
        args: { filter: t.arg({ type: ProjectFilterRef }), orderBy: t.arg({ type: ProjectOrderRef }) },
        resolve: (query, user, args, context) => listProjects(actor(context), { ...args, userId: user.id }, query),
      }),
    }),
  }),
  'User',
);
builder.queryField('viewer', (t) =>
  t.prismaField({
    type: 'User',
    nullable: true,
    description: 'The logged-in user; null when the request carries no access token.',
    resolve: (query, _root, _args, context) => findViewer(context.prisma, context.viewer, query),
  }),
);
