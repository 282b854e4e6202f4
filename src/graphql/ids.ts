// Global (Relay) IDs at the edge, raw UUIDs inside.
import type { GraphQLContext } from './context.js';
import { UUID } from '../services/projects.js';

/** Matches no row: used where a lookup must find nothing (anonymous viewer, malformed id). */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

export const rawId = (id: string): string => (UUID.test(id) ? id : NO_ID);

/** The viewer's id, or an id that matches nobody when anonymous. */
export const viewerIdOrNone = (context: GraphQLContext): string => context.viewer?.id ?? NO_ID;

export type GlobalId = { typename: string; id: string };

/** Keeps GraphQL's three states of an optional input: absent (unchanged), null (clear), a value. */
export function rawOptional(value: GlobalId | null | undefined): string | null | undefined {
  return value === undefined ? undefined : value === null ? null : value.id;
}

/** The visibility condition for rows reached through a project, as node lookups need it. */
export const memberOf = (context: GraphQLContext) => ({ deletedAt: null, members: { some: { userId: viewerIdOrNone(context) } } });
