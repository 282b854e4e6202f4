// The Pothos builder: plugins and their settings only. Types live in ./types, one file each.
import SchemaBuilder, { type SchemaTypes } from '@pothos/core';
import ComplexityPlugin from '@pothos/plugin-complexity';
import ErrorsPlugin from '@pothos/plugin-errors';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin, { resolveNodes } from '@pothos/plugin-relay';
import ScopeAuthPlugin from '@pothos/plugin-scope-auth';
import type PrismaTypes from '../generated/pothos-types.js';
import { getDatamodel } from '../generated/pothos-types.js';
import { ForbiddenError, UnauthenticatedError } from '../domain/errors.js';
import type { GraphQLContext } from './context.js';
import { authScopes, type AuthContexts, type AuthScopes } from './scopes.js';
import { decodeCheckedGlobalId, type GlobalId } from './ids.js';
import type { GraphQLResolveInfo } from 'graphql';
import { fieldComplexity } from './complexity.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './paging.js';
import { loadNodes, MAX_NODE_IDS } from './loaders.js';

const capitalize = (s: string) => s.charAt(0).toUpperCase() + s.slice(1);

export const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: GraphQLContext;
  AuthScopes: AuthScopes;
  AuthContexts: AuthContexts;
  Scalars: {
    ID: { Input: string; Output: string };
    DateTime: { Input: Date; Output: Date };
    Date: { Input: Date; Output: Date };
  };
  DefaultFieldNullability: false;
  // Project.issues' selection reads the issue its cursor names first (services/issues.ts projectIssuesQuery).
  AsyncSelections: true;
}>({
  // scope-auth first, so authorization runs before any other plugin's wrapping.
  plugins: [ScopeAuthPlugin, ComplexityPlugin, ErrorsPlugin, PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  scopeAuth: {
    authScopes: (context) => authScopes(context),
    unauthorizedError: (_parent, context) =>
      context.viewer ? new ForbiddenError('You are not allowed to do this') : new UnauthenticatedError(),
  },
  // Each field's cost from its real arguments (variables included). No `limit` here: the whole
  // operation is priced and checked once per request, before anything runs (graphql/limits.ts).
  complexity: { fieldComplexity },
  errors: {
    directResult: true,
    defaultUnionOptions: {
      name: ({ fieldName }) => `${capitalize(fieldName)}Result`,
      description: 'The payload on success, or one of the typed errors (all implement Error).',
    },
  },
  prisma: {
    client: (context) => context.prisma,
    dmmf: getDatamodel(),
    exposeDescriptions: true,
    filterConnectionTotalCount: true,
    // Off: findViewer skips the query on purpose, and the statement-count tests
    // (test/efficiency.test.ts) catch the N+1 reads an unused query would hint at.
    onUnusedQuery: null,
    maxConnectionSize: MAX_PAGE_SIZE,
    defaultConnectionSize: DEFAULT_PAGE_SIZE,
  },
  relay: {
    clientMutationId: 'omit',
    decodeGlobalID: decodeCheckedGlobalId,
    cursorType: 'String',
    // Issues and projects load through the request's batching loaders (graphql/loaders.ts), the
    // other types through the relay plugin's own loading.
    nodeQueryOptions: {
      authScopes: { authenticated: true },
      description: 'Any object by its global ID; null if it does not exist or you cannot see it.',
      resolve: async (_root, { id }, context, info) => {
        const [node] = await loadNodes(context, info, [id], relayNodes(context, info));
        return node;
      },
    },
    nodesQueryOptions: {
      authScopes: { authenticated: true },
      description: `Several objects by global ID (at most ${MAX_NODE_IDS}), in order; null for each you cannot see.`,
      resolve: (_root, { ids }, context, info) => loadNodes(context, info, ids, relayNodes(context, info)),
    },
    nodeTypeOptions: { description: 'An object with a global ID, fetchable with `node(id:)`.' },
    idFieldOptions: { description: 'Global ID: opaque, stable, unique across types.' },
    pageInfoTypeOptions: { description: 'Where a page sits in the list, with the cursors to move on.' },
    defaultConnectionTypeOptions: { description: 'A page of a list (Relay connection).' },
    defaultEdgeTypeOptions: { description: 'One item of a page, with its cursor.' },
  },
});

/** The builder's schema types, for helpers that take Pothos field builders. */
export type TrackrTypes = typeof builder extends PothosSchemaTypes.SchemaBuilder<infer T extends SchemaTypes> ? T : never;

/** The relay plugin's own node loading (one lookup per id), for the types loadNodes does not batch. */
function relayNodes(context: GraphQLContext, info: GraphQLResolveInfo): (ids: GlobalId[]) => Promise<unknown[]> {
  return (ids) => resolveNodes(builder, context, info, ids);
}
