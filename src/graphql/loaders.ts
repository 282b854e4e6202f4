// Per-request DataLoaders: many lookups of the same kind in one request become one SQL query.
//
// Lookups of issues and projects by id or key (`issue`, `issueByKey`, `project`, `projectByKey`,
// `node`, `nodes`), of users by id (`node`, `nodes`, history entries) are batched here rather than by plugin-prisma: its node loading reads one row
// per id with `findUnique({ where: { id, AND: [visible] } })`, and Prisma only merges the
// findUniques of one tick into one query when their wheres are plain unique keys, which a
// visibility filter is not. So each lookup goes to a DataLoader whose batch is one `findMany`
// through the service (services/issues.ts findIssues, findIssuesByKey; services/projects.ts
// findProjects), with the visibility filter of domain/permissions.ts inside that SQL.
//
// Pothos' selection still decides the columns: there is one DataLoader per distinct selection
// (plugin-prisma's `query`), so a batch only ever holds lookups that asked for the same fields and
// each row is loaded with exactly the query Pothos planned for it (no merging of selections, which
// would need to reconcile relation arguments). Aliases with different selections cost one query
// each; the number of ids never adds any.
import { brandWithType, PothosValidationError, type SchemaTypes } from '@pothos/core';
import { queryFromInfo } from '@pothos/plugin-prisma';
import DataLoader from 'dataloader';
import type { GraphQLResolveInfo } from 'graphql';
import type { AccessClaims } from '../auth/tokens.js';
import type { Viewer } from '../auth/viewer.js';
import type { PrismaClient } from '../db/client.js';
import { idOf, type IssueId, type ProjectId, type UserId } from '../domain/ids.js';
import type { ProjectAccess } from '../domain/permissions.js';
import type { Comment, Issue, Project, ProjectMember, ProjectRole, User } from '../generated/prisma/client.js';
import { projectAccesses } from '../services/access.js';
import { withColumns } from '../services/db.js';
import {
  countProjectIssues,
  findCursorIssues,
  findIssues,
  findIssuesByKey,
  type CursorIssue,
  type IssueListOptions,
} from '../services/issues.js';
import { findProjects } from '../services/projects.js';
import { findUsers } from '../services/users.js';
import type { GraphQLContext } from './context.js';
import type { GlobalId } from './ids.js';

export type ProjectIssueCountKey = { projectId: string; options: IssueListOptions };

/** The loader for one selection (plugin-prisma's `query` for the field being resolved). */
export type LookupLoader<Key, Row> = (query: object) => DataLoader<Key, Row | null>;

export type Loaders = {
  /** The viewer's role in each project (null when not a member). */
  viewerRole: DataLoader<string, ProjectRole | null>;
  /**
   * The issue a Project.issues cursor names (its project and sort values), null if missing or
   * hidden: one statement for every page of the request, each cursor read once.
   */
  cursorIssue: DataLoader<string, CursorIssue | null>;
  /** Project.issues' totalCount: one statement for every project of the request with the same filter. */
  projectIssueCount: DataLoader<ProjectIssueCountKey, number, string>;
  /** Issues the viewer can see, by id and by key (API-42); null for missing and hidden alike. */
  issueById: LookupLoader<IssueId, Issue>;
  issueByKey: LookupLoader<string, Issue>;
  /** Projects the viewer is a member of, by id and by key; null for missing and hidden alike. */
  projectById: LookupLoader<ProjectId, Project>;
  projectByKey: LookupLoader<string, Project>;
  /** Users by id (any logged-in viewer may see any user); null for missing ones. */
  userById: LookupLoader<UserId, User>;
};

/** A selection as a cache key. JSON has no bigint, so one (a cursor, say) is written as text. */
const selectionKey = (query: object) => JSON.stringify(query, (_key, value: unknown) => (typeof value === 'bigint' ? `${value}n` : value));

/** One DataLoader per distinct selection, each batching its keys into one `load(keys, query)`. */
function perSelection<Key, Row>(load: (keys: readonly Key[], query: object) => Promise<(Row | null)[]>): LookupLoader<Key, Row> {
  const loaders = new Map<string, DataLoader<Key, Row | null>>();
  return (query) => {
    const shape = selectionKey(query);
    let loader = loaders.get(shape);
    if (!loader) {
      loader = new DataLoader((keys) => load(keys, query));
      loaders.set(shape, loader);
    }
    return loader;
  };
}

export function createLoaders(prisma: PrismaClient, currentViewer: () => Viewer | null): Loaders {
  /** `find` as the current viewer; nothing is visible to an anonymous caller. */
  const asViewer =
    <Key, Row>(find: (actor: { prisma: PrismaClient; viewer: Viewer }, keys: readonly Key[], query: object) => Promise<(Row | null)[]>) =>
    (keys: readonly Key[], query: object): Promise<(Row | null)[]> => {
      const viewer = currentViewer();
      return viewer ? find({ prisma, viewer }, keys, query) : Promise.resolve(keys.map(() => null));
    };
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
    cursorIssue: new DataLoader((ids) => {
      const viewer = currentViewer();
      return viewer ? findCursorIssues({ prisma, viewer }, ids) : Promise.resolve(ids.map(() => null));
    }),
    projectIssueCount: new DataLoader(
      async (keys) => {
        // Keys with the same list options share one statement.
        const byOptions = new Map<string, { options: IssueListOptions; projectIds: string[] }>();
        for (const { projectId, options } of keys) {
          const shape = JSON.stringify(options);
          const group = byOptions.get(shape) ?? { options, projectIds: [] };
          group.projectIds.push(projectId);
          byOptions.set(shape, group);
        }
        const counts = new Map<string, number>();
        await Promise.all(
          [...byOptions].map(async ([shape, { options, projectIds }]) => {
            const found = await countProjectIssues(prisma, projectIds, options);
            projectIds.forEach((id, i) => counts.set(`${shape}\u0000${id}`, found[i]));
          }),
        );
        return keys.map(({ projectId, options }) => counts.get(`${JSON.stringify(options)}\u0000${projectId}`) ?? 0);
      },
      { cacheKeyFn: (key) => JSON.stringify(key) },
    ),
    issueById: perSelection(asViewer(findIssues)),
    issueByKey: perSelection(asViewer(findIssuesByKey)),
    projectById: perSelection(asViewer((actor, ids: readonly ProjectId[], query) => findProjects(actor, { ids }, query))),
    projectByKey: perSelection(asViewer((actor, keys: readonly string[], query) => findProjects(actor, { keys }, query))),
    userById: perSelection(asViewer(({ prisma }, ids: readonly UserId[], query) => findUsers(prisma, ids, query))),
  };
}

/** What `nodes(ids:)` takes at most: one statement per type, but every row still costs its resolvers. */
export const MAX_NODE_IDS = 100;

/** The node types loaded through the loaders above; other types keep the relay plugin's loading. */
type BatchedNode = 'Issue' | 'Project' | 'User';
const BATCHED_NODES: Record<BatchedNode, (loaders: Loaders, query: object) => DataLoader<string, object | null>> = {
  Issue: (loaders, query) => loaders.issueById(query),
  Project: (loaders, query) => loaders.projectById(query),
  User: (loaders, query) => loaders.userById(query),
};

/**
 * `node` and `nodes`: issues and projects through the batched loaders, with the selection of the
 * `nodes` field for each type (as plugin-prisma's own node loading plans it); any other type
 * through `others` (the relay plugin's per-type loading). In order, null for each id not found
 * or not visible. BAD_USER_INPUT for more than MAX_NODE_IDS ids.
 */
export async function loadNodes(
  context: GraphQLContext,
  info: GraphQLResolveInfo,
  ids: readonly GlobalId[],
  others: (ids: GlobalId[]) => Promise<unknown[]>,
): Promise<unknown[]> {
  if (ids.length > MAX_NODE_IDS) throw new PothosValidationError(`nodes takes at most ${MAX_NODE_IDS} ids, got ${ids.length}`);
  const loaders = new Map<string, Promise<DataLoader<string, object | null>>>();
  const loaderFor = (typename: BatchedNode) => {
    let loader = loaders.get(typename);
    if (!loader) {
      // Planned once per type for the whole list, as plugin-prisma does; awaited, since a selection
      // beneath (Project.issues after a cursor) may look something up first.
      const query = queryFromInfo({ context, info, typeName: typename, awaitSelections: true });
      loader = Promise.resolve(query).then((settled) => BATCHED_NODES[typename](context.loaders, settled));
      loaders.set(typename, loader);
    }
    return loader;
  };
  const batched = (typename: string): typename is BatchedNode => typename in BATCHED_NODES;
  const rest = ids.filter((id) => !batched(id.typename));
  const [restNodes, loaded] = await Promise.all([
    rest.length ? others(rest) : [],
    Promise.all(
      ids.map(async ({ typename, id }) => {
        if (!batched(typename)) return undefined;
        const row = await (await loaderFor(typename)).load(idOf(id));
        // The Node interface tells the type of a row by its brand, as the relay plugin's loading does.
        // (Pothos types the name by the builder's declared types; prisma objects are declared by ref.)
        if (row) brandWithType<SchemaTypes & { outputShapes: Record<BatchedNode, unknown> }>(row, typename);
        return row;
      }),
    ),
  ]);
  let next = 0;
  return ids.map((id, i) => (batched(id.typename) ? loaded[i] : restNodes[next++]));
}

/**
 * Lookups for one relayed event, shared by every subscriber of this process it is delivered to:
 * one statement per selection (and one membership and one session check) for the event, however
 * many subscribers. Rows are read within the event's project; whether each subscriber may see
 * that project is checked (`access`) before anything is resolved for them.
 */
export type EventLoaders = {
  access: DataLoader<string, ProjectAccess>;
  session: DataLoader<AccessClaims, boolean, string>;
  issue: LookupLoader<string, Issue>;
  comment: LookupLoader<string, Comment>;
  user: LookupLoader<string, User>;
  member: LookupLoader<string, ProjectMember>;
};

export type EventLoaderDeps = { prisma: PrismaClient; liveSessions: (claims: readonly AccessClaims[]) => Promise<boolean[]> };

/** Matches rows (by `key`) back to the keys asked for; null for each not found. */
const inOrder = <Row>(keys: readonly string[], rows: Row[], key: (row: Row) => string): (Row | null)[] => {
  const found = new Map(rows.map((row) => [key(row), row]));
  return keys.map((k) => found.get(k) ?? null);
};

export function createEventLoaders({ prisma, liveSessions }: EventLoaderDeps, projectId: string): EventLoaders {
  const ids = (keys: readonly string[]) => ({ in: [...new Set(keys)] });
  return {
    access: new DataLoader((userIds) => projectAccesses(prisma, projectId, userIds)),
    session: new DataLoader((claims) => liveSessions(claims), { cacheKeyFn: (claims) => claims.sessionId }),
    issue: perSelection(async (keys: readonly string[], query) =>
      inOrder(keys, await prisma.issue.findMany({ ...withColumns(query, { id: true }), where: { id: ids(keys), projectId } }), (r) => r.id),
    ),
    comment: perSelection(async (keys: readonly string[], query) =>
      inOrder(
        keys,
        await prisma.comment.findMany({ ...withColumns(query, { id: true }), where: { id: ids(keys), issue: { projectId } } }),
        (r) => r.id,
      ),
    ),
    user: perSelection(async (keys: readonly string[], query) =>
      inOrder(keys, await prisma.user.findMany({ ...withColumns(query, { id: true }), where: { id: ids(keys) } }), (r) => r.id),
    ),
    member: perSelection(async (keys: readonly string[], query) =>
      inOrder(
        keys,
        await prisma.projectMember.findMany({ ...withColumns(query, { userId: true }), where: { userId: ids(keys), projectId } }),
        (r) => r.userId,
      ),
    ),
  };
}
