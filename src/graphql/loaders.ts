// Per-request DataLoaders: many lookups of the same kind in one request become one SQL query.
import DataLoader from 'dataloader';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import type { ProjectRole } from '../generated/prisma/client.js';
import { issuePageStart, type IssueListOptions, type PageStart } from '../services/issues.js';

export type PageStartKey = { options: IssueListOptions; cursorId: string; backward: boolean };

export type Loaders = {
  /** The viewer's role in each project (null when not a member). */
  viewerRole: DataLoader<string, ProjectRole | null>;
  /**
   * Where a Project.issues page after a cursor starts. Pothos asks for the connection's query more
   * than once per request (planning and resolving); the lookup runs once.
   */
  issuePageStart: DataLoader<PageStartKey, PageStart, string>;
};

export function createLoaders(prisma: PrismaClient, currentViewer: () => Viewer | null): Loaders {
  return {
    viewerRole: new DataLoader(async (projectIds) => {
      const viewer = currentViewer();
      if (!viewer) return projectIds.map(() => null);
      const rows = await prisma.projectMember.findMany({
        where: { userId: viewer.id, projectId: { in: [...projectIds] } },
        select: { projectId: true, role: true },
      });
      const roles = new Map(rows.map((r) => [r.projectId, r.role]));
      return projectIds.map((id) => roles.get(id) ?? null);
    }),
    issuePageStart: new DataLoader(
      (keys) => {
        // Only asked for on behalf of a logged-in viewer (Project.issues is reached through a visible project).
        const viewer = currentViewer()!;
        return Promise.all(keys.map(({ options, ...start }) => issuePageStart({ prisma, viewer }, options, start)));
      },
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
  };
}
