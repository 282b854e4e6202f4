// The benchmark operations. Each one says, per server, which HTTP request performs it and how to
// turn that server's answer into the canonical JSON that all servers must agree on.
//   raw      (A)   hand-written node:http + pg endpoint: POST /<operation>, answers canonical JSON itself
//   trackr   (B)   Trackr's GraphQL API
//   cached   (Bc)  the same Trackr build with RESPONSE_CACHE=on (memory store): warm reads, reads only
//   trackr22 (B22) the same Trackr build on Node 22: same API, so it uses trackr's requests/normalisers
//   trackr24 (B24) the same Trackr build on Node 24 (current LTS)
//   peer     (C)   PostGraphile V5 (amber preset) plus the functions in bench/peer/functions.sql
//   ceiling  (E)   the stack's own ceiling: yoga + Pothos + plugin-prisma + Prisma, none of Trackr's
//                  rules (bench/servers/ceiling); takes Trackr's very requests, reads only
// Request bodies may contain the marker __N__, replaced by a per-request counter (unique titles
// for mutations), and cycle through `slots` variants (updateIssue spreads over many issues).

/** Server processes, in the order they are interleaved (A B Bc B22 B24 C E). */
export const SERVERS = ['raw', 'trackr', 'cached', 'trackr22', 'trackr24', 'peer', 'ceiling'] as const;
export type Server = (typeof SERVERS)[number];
export const SERVER_LABEL: Record<Server, string> = {
  raw: 'A raw node:http+pg',
  trackr: 'B Trackr',
  cached: 'Bc Trackr, response cache on (warm)',
  trackr22: 'B22 Trackr (Node 22)',
  trackr24: 'B24 Trackr (Node 24)',
  peer: 'C PostGraphile 5',
  ceiling: 'E stack ceiling',
};
/** Short names for headers and chart legends. */
export const SERVER_SHORT: Record<Server, string> = {
  raw: 'A',
  trackr: 'B',
  cached: 'Bc',
  trackr22: 'B22',
  trackr24: 'B24',
  peer: 'C',
  ceiling: 'E',
};
/**
 * The API each server speaks: the one place where a server variant is mapped to its requests and
 * normalisers. E speaks Trackr's (the subset the reads use) and gets Trackr's requests byte for byte.
 */
export type Api = 'raw' | 'trackr' | 'peer';
export const API: Record<Server, Api> = {
  raw: 'raw',
  trackr: 'trackr',
  cached: 'trackr',
  trackr22: 'trackr',
  trackr24: 'trackr',
  peer: 'peer',
  ceiling: 'trackr',
};
/**
 * Servers running Trackr uncached (statement budgets and N+1 gates apply to each). Bc runs the same
 * build, but its hits run no statement at all: it has its own gate (bench/cache-gate.ts).
 */
export const isTrackr = (server: Server): boolean => API[server] === 'trackr' && server !== 'ceiling' && server !== 'cached';
/**
 * Whether a server performs an operation: E answers reads only (no logIn, no mutations), and not the
 * cross-project lists, whose answer is "the viewer's projects": E has no membership to filter by.
 * Bc is timed on reads only (warm reads: what the cache is for).
 */
export const performs = (server: Server, op: { mutation: boolean; crossProject?: boolean }): boolean =>
  !(server === 'ceiling' && (op.mutation || op.crossProject)) && !(server === 'cached' && op.mutation);

/** Facts about the dataset and session every request may need. */
export type Ctx = {
  token: string;
  viewerId: string;
  viewerEmail: string;
  password: string;
  bigProjectId: string;
  bigKey: string;
  mutProjectId: string;
  issueId: string;
  issueKey: string;
  mutIssueIds: string[];
  /** Cursor of page 49's end, per server (found by walking the pages once). */
  page50After: Partial<Record<Server, string>>;
};

export type HttpRequest = { path: string; body: string; headers: Record<string, string> };
type Json = unknown;

export type Operation = {
  name: string;
  /** Writes data (runs last in checks; bodies carry __N__). */
  mutation: boolean;
  /** Number of body variants cycled through under load. */
  slots: (ctx: Ctx) => number;
  request: (server: Server, ctx: Ctx, slot: number) => HttpRequest;
  canonical: (server: Server, json: Json) => Json;
  /** Fixed request rates (req/s) at which latency is measured. */
  rates: number[];
  /** Lists across all of the viewer's projects (E cannot answer these: see performs). */
  crossProject?: boolean;
};
/** An operation as written: per API; `server` is passed along for per-process state (page-50 cursors). */
type OperationDef = Omit<Operation, 'request' | 'canonical'> & {
  request: (api: Api, ctx: Ctx, slot: number, server: Server) => HttpRequest;
  canonical: (api: Api, json: Json) => Json;
};
const forServers = (def: OperationDef): Operation => ({
  ...def,
  request: (server, ctx, slot) => def.request(API[server], ctx, slot, server),
  canonical: (server, json) => def.canonical(API[server], json),
});

export const gid = (type: string, id: string): string => Buffer.from(`${type}:${id}`).toString('base64');

const JSON_HEADERS = { 'content-type': 'application/json', accept: 'application/json' };
const authed = (ctx: Ctx) => ({ ...JSON_HEADERS, authorization: `Bearer ${ctx.token}` });
const gql = (ctx: Ctx | null, query: string, variables: Record<string, unknown>): HttpRequest => ({
  path: '/graphql',
  body: JSON.stringify({ query, variables }),
  headers: ctx ? authed(ctx) : JSON_HEADERS,
});
const raw = (ctx: Ctx | null, op: string, body: Record<string, unknown>): HttpRequest => ({
  path: `/${op}`,
  body: JSON.stringify(body),
  headers: ctx ? authed(ctx) : JSON_HEADERS,
});

export class AnswerError extends Error {}

/**
 * The `data` of a GraphQL answer; errors are failures. Answers are walked loosely typed (`any`): a
 * wrong shape throws or yields a different canonical value, and either fails the check.
 */
function data(json: Json): Record<string, any> {
  const j = json as { data?: Record<string, unknown>; errors?: unknown[] };
  if (j.errors?.length || !j.data) throw new AnswerError(`GraphQL errors: ${JSON.stringify(j.errors ?? j).slice(0, 500)}`);
  return j.data as Record<string, any>;
}

type TrackrIssue = {
  key: string;
  title: string;
  status: string;
  priority: string;
  assignee: { name: string } | null;
  reporter: { name: string };
  labels: { name: string }[];
};
type PeerIssue = {
  number: number;
  title: string;
  status: string;
  priority: string;
  projectByProjectId: { key: string };
  userByAssigneeId: { name: string } | null;
  userByReporterId: { name: string };
  issueLabelsByIssueId: { nodes: { labelByLabelId: { name: string } }[] };
};
const TRACKR_ISSUE = 'fragment I on Issue { key title status priority assignee { name } reporter { name } labels { name } }';
const PEER_ISSUE =
  'fragment I on Issue { number title status priority projectByProjectId { key } userByAssigneeId { name } userByReporterId { name } issueLabelsByIssueId { nodes { labelByLabelId { name } } } }';

const trackrIssue = (i: TrackrIssue | null) =>
  i && {
    key: i.key,
    title: i.title,
    status: i.status,
    priority: i.priority,
    assignee: i.assignee?.name ?? null,
    reporter: i.reporter.name,
    labels: i.labels.map((l) => l.name),
  };
// PostGraphile cannot order issue_labels by the label's name: the normaliser sorts (a caveat).
const peerIssue = (i: PeerIssue | null) =>
  i && {
    key: `${i.projectByProjectId.key}-${i.number}`,
    title: i.title,
    status: i.status,
    priority: i.priority,
    assignee: i.userByAssigneeId?.name ?? null,
    reporter: i.userByReporterId.name,
    labels: i.issueLabelsByIssueId.nodes.map((n) => n.labelByLabelId.name).sort(),
  };

const READ_RATES = [100, 400];
/** The filtered list sorts ~16k rows per request on the full dataset (no index serves its order). */
const LIST_RATES = [20, 50];
const one = () => 1;

const logIn: OperationDef = {
  name: 'logIn',
  mutation: true,
  slots: one,
  rates: [5, 15],
  request: (api, ctx) => {
    const v = { email: ctx.viewerEmail, password: ctx.password };
    if (api === 'raw') return raw(null, 'logIn', v);
    if (api === 'trackr')
      return gql(
        null,
        'mutation($email: String!, $password: String!) { logIn(input: { email: $email, password: $password }) { __typename ... on AuthPayload { accessToken user { email } } ... on Error { code message } } }',
        v,
      );
    return gql(
      null,
      'mutation($email: String!, $password: String!) { benchLogIn(input: { email: $email, password: $password }) { result { email } } }',
      v,
    );
  },
  canonical: (api, json) => {
    if (api === 'raw') {
      const j = json as { ok: boolean; email?: string };
      return { ok: j.ok, email: j.email ?? null };
    }
    if (api === 'trackr') {
      const r = data(json).logIn;
      return { ok: r.__typename === 'AuthPayload', email: r.user?.email ?? null };
    }
    const r = data(json).benchLogIn.result;
    return { ok: r !== null, email: r?.email ?? null };
  },
};

const viewer: OperationDef = {
  name: 'viewer',
  mutation: false,
  slots: one,
  rates: READ_RATES,
  request: (api, ctx) => {
    if (api === 'raw') return raw(ctx, 'viewer', {});
    if (api === 'trackr') return gql(ctx, '{ viewer { email name } }', {});
    // No authentication in the peer: it reads the user by id (fairness caveat in NOTES.md).
    return gql(ctx, 'query($id: UUID!) { userByRowId(rowId: $id) { email name } }', { id: ctx.viewerId });
  },
  canonical: (api, json) => (api === 'raw' ? json : api === 'trackr' ? data(json).viewer : data(json).userByRowId),
};

const issueById: OperationDef = {
  name: 'issueById',
  mutation: false,
  slots: one,
  rates: READ_RATES,
  request: (api, ctx) => {
    if (api === 'raw') return raw(ctx, 'issue', { id: ctx.issueId });
    if (api === 'trackr') return gql(ctx, `query($id: ID!) { issue(id: $id) { ...I } } ${TRACKR_ISSUE}`, { id: gid('Issue', ctx.issueId) });
    return gql(ctx, `query($id: UUID!) { issueByRowId(rowId: $id) { ...I } } ${PEER_ISSUE}`, { id: ctx.issueId });
  },
  canonical: (api, json) => (api === 'raw' ? json : api === 'trackr' ? trackrIssue(data(json).issue) : peerIssue(data(json).issueByRowId)),
};

const issueByKey: OperationDef = {
  name: 'issueByKey',
  mutation: false,
  slots: one,
  rates: READ_RATES,
  request: (api, ctx) => {
    if (api === 'raw') return raw(ctx, 'issueByKey', { key: ctx.issueKey });
    if (api === 'trackr') return gql(ctx, `query($key: String!) { issueByKey(key: $key) { ...I } } ${TRACKR_ISSUE}`, { key: ctx.issueKey });
    const [project, number] = ctx.issueKey.split('-');
    return gql(
      ctx,
      `query($key: String!, $n: Int!) { allProjects(condition: { key: $key }, first: 1) { nodes { issuesByProjectId(condition: { number: $n }, first: 1) { nodes { ...I } } } } } ${PEER_ISSUE}`,
      { key: project, n: Number(number) },
    );
  },
  canonical: (api, json) => {
    if (api === 'raw') return json;
    if (api === 'trackr') return trackrIssue(data(json).issueByKey);
    return peerIssue(data(json).allProjects.nodes[0]?.issuesByProjectId.nodes[0] ?? null);
  },
};

const projectPage: OperationDef = {
  name: 'projectPage',
  mutation: false,
  slots: one,
  rates: READ_RATES,
  request: (api, ctx) => {
    if (api === 'raw') return raw(ctx, 'projectPage', { key: ctx.bigKey });
    if (api === 'trackr')
      return gql(
        ctx,
        `query($key: String!) { projectByKey(key: $key) { key name owner { name } issues(first: 20) { edges { node { ...I } } } } } ${TRACKR_ISSUE}`,
        { key: ctx.bigKey },
      );
    return gql(
      ctx,
      `query($key: String!) { allProjects(condition: { key: $key }, first: 1) { nodes { key name userByOwnerId { name } issuesByProjectId(first: 20, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { ...I } } } } } ${PEER_ISSUE}`,
      { key: ctx.bigKey },
    );
  },
  canonical: (api, json) => {
    if (api === 'raw') return json;
    if (api === 'trackr') {
      const p = data(json).projectByKey;
      return (
        p && {
          key: p.key,
          name: p.name,
          owner: p.owner.name,
          issues: p.issues.edges.map((e: { node: TrackrIssue }) => trackrIssue(e.node)),
        }
      );
    }
    const p = data(json).allProjects.nodes[0];
    return p ? { key: p.key, name: p.name, owner: p.userByOwnerId.name, issues: p.issuesByProjectId.nodes.map(peerIssue) } : null;
  },
};

/** viewer.projects(first: P) { issues(first: N) }: the nested read whose SQL count must not grow with P and N. */
export function viewerProjectsRequest(server: Server, ctx: Ctx, projects: number, issues: number): HttpRequest {
  const api = API[server];
  if (api === 'raw') return raw(ctx, 'viewerProjects', { projects, issues });
  if (api === 'trackr') {
    return gql(
      ctx,
      'query($p: Int!, $n: Int!) { viewer { projects(first: $p) { edges { node { key name issues(first: $n) { edges { node { key title status assignee { name } } } } } } } } }',
      { p: projects, n: issues },
    );
  }
  return gql(
    ctx,
    'query($id: UUID!, $p: Int!, $n: Int!) { benchViewerProjects(userId: $id, first: $p) { nodes { key name issuesByProjectId(first: $n, orderBy: [CREATED_AT_DESC, ROW_ID_DESC]) { nodes { number title status userByAssigneeId { name } } } } } }',
    { id: ctx.viewerId, p: projects, n: issues },
  );
}

const viewerProjects: OperationDef = {
  name: 'viewerProjects',
  mutation: false,
  slots: one,
  rates: READ_RATES,
  request: (api, ctx) => viewerProjectsRequest(api, ctx, 10, 5),
  canonical: (api, json) => {
    if (api === 'raw') return json;
    type TP = {
      key: string;
      name: string;
      issues: { edges: { node: { key: string; title: string; status: string; assignee: { name: string } | null } }[] };
    };
    type PP = {
      key: string;
      name: string;
      issuesByProjectId: { nodes: { number: number; title: string; status: string; userByAssigneeId: { name: string } | null }[] };
    };
    if (api === 'trackr') {
      return {
        projects: (data(json).viewer.projects.edges as { node: TP }[]).map(({ node: p }) => ({
          key: p.key,
          name: p.name,
          issues: p.issues.edges.map(({ node: i }) => ({
            key: i.key,
            title: i.title,
            status: i.status,
            assignee: i.assignee?.name ?? null,
          })),
        })),
      };
    }
    return {
      projects: (data(json).benchViewerProjects.nodes as PP[]).map((p) => ({
        key: p.key,
        name: p.name,
        issues: p.issuesByProjectId.nodes.map((i) => ({
          key: `${p.key}-${i.number}`,
          title: i.title,
          status: i.status,
          assignee: i.userByAssigneeId?.name ?? null,
        })),
      })),
    };
  },
};

/** The filtered, ordered list: BIG1, status in [TODO, IN_PROGRESS], priority desc, created desc. */
export function filteredRequest(server: Server, ctx: Ctx, after: string | null): HttpRequest {
  const api = API[server];
  if (api === 'raw') return raw(ctx, 'filteredIssues', { projectId: ctx.bigProjectId, after });
  if (api === 'trackr') {
    return gql(
      ctx,
      'query($p: ID!, $after: String) { issues(first: 20, after: $after, filter: { projectId: $p, status: { in: [TODO, IN_PROGRESS] } }, orderBy: [{ field: PRIORITY, direction: DESC }, { field: CREATED_AT, direction: DESC }]) { pageInfo { hasNextPage endCursor } edges { node { key title status priority assignee { name } } } } }',
      { p: gid('Project', ctx.bigProjectId), after },
    );
  }
  return gql(
    ctx,
    'query($p: UUID!, $after: Cursor) { benchFilteredIssues(projectId: $p, statuses: [TODO, IN_PROGRESS], first: 20, after: $after) { pageInfo { hasNextPage endCursor } nodes { number title status priority projectByProjectId { key } userByAssigneeId { name } } } }',
    { p: ctx.bigProjectId, after },
  );
}

type Page = { hasNextPage: boolean; endCursor: string | null; issues: unknown[] };
/** A page in canonical form, with the server's own end cursor (dropped before comparing). */
export function filteredPage(server: Server, json: Json): Page {
  const api = API[server];
  if (api === 'raw') return json as Page;
  if (api === 'trackr') {
    const c = data(json).issues;
    return {
      hasNextPage: c.pageInfo.hasNextPage,
      endCursor: c.pageInfo.endCursor,
      issues: c.edges.map(({ node: i }: { node: TrackrIssue }) => ({
        key: i.key,
        title: i.title,
        status: i.status,
        priority: i.priority,
        assignee: i.assignee?.name ?? null,
      })),
    };
  }
  const c = data(json).benchFilteredIssues;
  return {
    hasNextPage: c.pageInfo.hasNextPage,
    endCursor: c.pageInfo.endCursor,
    issues: c.nodes.map((i: PeerIssue) => ({
      key: `${i.projectByProjectId.key}-${i.number}`,
      title: i.title,
      status: i.status,
      priority: i.priority,
      assignee: i.userByAssigneeId?.name ?? null,
    })),
  };
}
const withoutCursor = ({ hasNextPage, issues }: Page) => ({ hasNextPage, issues });

const filteredPage1: OperationDef = {
  name: 'filteredPage1',
  mutation: false,
  slots: one,
  rates: LIST_RATES,
  request: (api, ctx) => filteredRequest(api, ctx, null),
  canonical: (api, json) => withoutCursor(filteredPage(api, json)),
};
const filteredPage50: OperationDef = {
  name: 'filteredPage50',
  mutation: false,
  slots: one,
  rates: LIST_RATES,
  // The cursor was taken from this very server process's walk (per server, not per API).
  request: (api, ctx, _slot, server) => {
    const after = ctx.page50After[server];
    if (!after) throw new Error(`no page-50 cursor for ${server}`);
    return filteredRequest(api, ctx, after);
  },
  canonical: (api, json) => withoutCursor(filteredPage(api, json)),
};

/**
 * issues(first: 20) across all of the viewer's projects (BIG1–BIG3 among them), newest first: with
 * no filter (`allIssues`), or only the viewer's own (`myIssues`, filter assigneeId = viewer).
 */
function crossIssues(name: string, mine: boolean): OperationDef {
  return {
    name,
    mutation: false,
    crossProject: true,
    slots: one,
    rates: LIST_RATES,
    request: (api, ctx) => {
      if (api === 'raw') return raw(ctx, 'crossIssues', { mine });
      if (api === 'trackr') {
        return gql(
          ctx,
          'query($filter: IssueFilter) { issues(first: 20, filter: $filter) { pageInfo { hasNextPage } edges { node { key title status priority assignee { name } } } } }',
          { filter: mine ? { assigneeId: { in: [gid('User', ctx.viewerId)] } } : null },
        );
      }
      return gql(
        ctx,
        'query($u: UUID!, $a: UUID) { benchCrossIssues(userId: $u, assigneeId: $a, n: 21, first: 20) { pageInfo { hasNextPage } nodes { number title status priority projectByProjectId { key } userByAssigneeId { name } } } }',
        { u: ctx.viewerId, a: mine ? ctx.viewerId : null },
      );
    },
    canonical: (api, json) => {
      if (api === 'raw') return json;
      if (api === 'trackr') {
        const c = data(json).issues;
        return {
          hasNextPage: c.pageInfo.hasNextPage,
          issues: c.edges.map(({ node: i }: { node: TrackrIssue }) => ({
            key: i.key,
            title: i.title,
            status: i.status,
            priority: i.priority,
            assignee: i.assignee?.name ?? null,
          })),
        };
      }
      const c = data(json).benchCrossIssues;
      return {
        hasNextPage: c.pageInfo.hasNextPage,
        issues: c.nodes.map((i: PeerIssue) => ({
          key: `${i.projectByProjectId.key}-${i.number}`,
          title: i.title,
          status: i.status,
          priority: i.priority,
          assignee: i.userByAssigneeId?.name ?? null,
        })),
      };
    },
  };
}
const allIssues = crossIssues('allIssues', false);
const myIssues = crossIssues('myIssues', true);

const createIssue: OperationDef = {
  name: 'createIssue',
  mutation: true,
  slots: one,
  rates: [50, 150],
  request: (api, ctx) => {
    const title = 'Bench issue __N__';
    if (api === 'raw') return raw(ctx, 'createIssue', { projectId: ctx.mutProjectId, title, priority: 'HIGH' });
    if (api === 'trackr')
      return gql(
        ctx,
        'mutation($p: ID!, $t: String!) { createIssue(input: { projectId: $p, title: $t, priority: HIGH }) { __typename ... on IssuePayload { issue { key title status priority project { key } } } ... on Error { code message } } }',
        { p: gid('Project', ctx.mutProjectId), t: title },
      );
    return gql(
      ctx,
      'mutation($p: UUID!, $t: String!, $r: UUID!) { benchCreateIssue(input: { pProjectId: $p, pTitle: $t, pPriority: HIGH, pReporterId: $r }) { result { number title status priority projectByProjectId { key } } } }',
      { p: ctx.mutProjectId, t: title, r: ctx.viewerId },
    );
  },
  canonical: (api, json) => {
    if (api === 'raw') return json;
    if (api === 'trackr') {
      const r = data(json).createIssue;
      if (r.__typename !== 'IssuePayload') throw new AnswerError(`createIssue: ${JSON.stringify(r)}`);
      return { project: r.issue.project.key, title: r.issue.title, status: r.issue.status, priority: r.issue.priority };
    }
    const i = data(json).benchCreateIssue.result;
    return { project: i.projectByProjectId.key, title: i.title, status: i.status, priority: i.priority };
  },
};

/** Sets a new title on one of the MUT project's issues (cycling), so every request really writes. */
const updateIssue: OperationDef = {
  name: 'updateIssue',
  mutation: true,
  slots: (ctx) => ctx.mutIssueIds.length,
  rates: [50, 150],
  request: (api, ctx, slot) => {
    const id = ctx.mutIssueIds[slot % ctx.mutIssueIds.length];
    const title = `Bench title __N__`;
    if (api === 'raw') return raw(ctx, 'updateIssue', { id, title });
    if (api === 'trackr')
      return gql(
        ctx,
        'mutation($id: ID!, $t: String!) { updateIssue(input: { id: $id, title: $t }) { __typename ... on IssuePayload { issue { key title status priority } } ... on Error { code message } } }',
        { id: gid('Issue', id), t: title },
      );
    return gql(
      ctx,
      'mutation($id: UUID!, $t: String!, $a: UUID!) { benchUpdateIssue(input: { pId: $id, pTitle: $t, pActorId: $a }) { result { number title status priority projectByProjectId { key } } } }',
      { id, t: title, a: ctx.viewerId },
    );
  },
  canonical: (api, json) => {
    if (api === 'raw') return json;
    if (api === 'trackr') {
      const r = data(json).updateIssue;
      if (r.__typename !== 'IssuePayload') throw new AnswerError(`updateIssue: ${JSON.stringify(r)}`);
      return { key: r.issue.key, title: r.issue.title, status: r.issue.status, priority: r.issue.priority };
    }
    const i = data(json).benchUpdateIssue.result;
    return { key: `${i.projectByProjectId.key}-${i.number}`, title: i.title, status: i.status, priority: i.priority };
  },
};

export const OPERATIONS: Operation[] = [
  logIn,
  viewer,
  issueById,
  issueByKey,
  projectPage,
  viewerProjects,
  filteredPage1,
  filteredPage50,
  allIssues,
  myIssues,
  createIssue,
  updateIssue,
].map(forServers);
