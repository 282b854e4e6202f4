// The authorization scopes, defined once. Fields declare what they need (`withAuth`); what a viewer
// may do to a resource is decided by services through domain/permissions.ts, and lists are filtered
// in SQL, so scopes are the second line.
import type { AuthenticatedContext, GraphQLContext } from './context.js';

export type AuthScopes = {
  /** A valid access token was presented. */
  authenticated: boolean;
};

/** The context each scope narrows to, for fields declared with `t.withAuth({ … })`. */
export type AuthContexts = {
  authenticated: AuthenticatedContext;
};

export function authScopes(context: GraphQLContext): AuthScopes {
  return { authenticated: context.viewer !== null };
}
