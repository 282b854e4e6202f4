// Global (Relay) IDs at the edge, raw UUIDs inside.
import type { GraphQLContext } from './context.js';
import { UUID } from '../services/projects.js';

/** Matches no row: used where a lookup must find nothing (anonymous viewer, malformed id). */
export const NO_ID = '00000000-0000-0000-0000-000000000000';

export const rawId = (id: string): string => (UUID.test(id) ? id : NO_ID);

/** The viewer's id, or an id that matches nobody when anonymous. */
export const viewerIdOrNone = (context: GraphQLContext): string => context.viewer?.id ?? NO_ID;
