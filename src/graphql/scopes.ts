// The authorization scopes, defined once. Fields declare what they need (`authScopes`); services
// still enforce resource rules, and lists are filtered in SQL, so scopes are the second line.
import type { ProjectRole } from '../generated/prisma/client.js';
import { ROLE_RANK } from '../services/projects.js';
import type { GraphQLContext } from './context.js';

export type AuthScopes = {
  /** A valid access token was presented. */
  authenticated: boolean;
  /** The viewer holds at least `role` in project `projectId` (raw id). */
  projectRole: { projectId: string; role: ProjectRole };
};

export function authScopes(context: GraphQLContext) {
  return {
    authenticated: context.viewer !== null,
    projectRole: async ({ projectId, role }: AuthScopes['projectRole']) => {
      const held = await context.loaders.viewerRole.load(projectId);
      return held !== null && ROLE_RANK[held] >= ROLE_RANK[role];
    },
  };
}
