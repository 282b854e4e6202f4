// createApp(deps) -> a graphql-yoga instance. No listening here: main.ts serves it, tests call
// app.fetch directly.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { type DocumentNode, getOperationAST, GraphQLError, OperationTypeNode, parse, type ParseOptions, type Source } from 'graphql';
import { createYoga, type Plugin, type YogaInitialContext } from 'graphql-yoga';
import { prepareDummyHash } from './auth/passwords.js';
import { createContext, type AppDeps, type GraphQLContext } from './graphql/context.js';
import { createErrorMasker } from './graphql/errors.js';
import { useQueryLimits } from './graphql/limits.js';
import { useSchemaPrivacy } from './graphql/privacy.js';
import { schema } from './graphql/schema.js';
import { useHttpHygiene } from './http/hygiene.js';
import { setRequestId, useRequestScope } from './http/request-scope.js';
import { trustedDocuments } from './graphql/trusted-documents.js';
import { realtimePlugins } from './graphql/realtime-plugins.js';
import type { Revocations } from './events/revocations.js';
import { useTrackrResponseCache } from './graphql/response-cache.js';
import { CacheInvalidation } from './events/cache-invalidation.js';
import { bearerToken, resolveViewer, type Viewer } from './auth/viewer.js';

export type { AppDeps };
/** createApp's dependencies; `revocations` (src/events/revocations.ts) when live sessions are kept in memory. */
export type AppOptions = AppDeps & { revocations?: Pick<Revocations, 'sync'> };
/** What the Node adapter adds to each request: the socket, for the client address. */
type ServerContext = { req?: IncomingMessage };
export type App = ReturnType<typeof createYoga<ServerContext, GraphQLContext>>;

const REQUEST_ID = /^[\w.:-]{1,128}$/;
/** Documents longer than this are refused while parsing, before any other work. */
export const MAX_TOKENS = 5000;

/** Variables nested deeper than this are refused: graphql-js coerces them recursively and would run out of stack. */
export const MAX_VARIABLE_DEPTH = 64;

/** True when `value` nests objects and arrays more than `max` levels deep (checked without recursion). */
function nestsDeeperThan(value: unknown, max: number): boolean {
  const stack: [unknown, number][] = [[value, 0]];
  while (stack.length) {
    const [item, depth] = stack.pop()!;
    if (item === null || typeof item !== 'object') continue;
    if (depth >= max) return true;
    for (const child of Object.values(item)) stack.push([child, depth + 1]);
  }
  return false;
}

/** The GraphiQL page with its assets inlined from npm, so the playground works offline. */
async function loadGraphiQL() {
  const { renderGraphiQL } = await import('@graphql-yoga/render-graphiql');
  return renderGraphiQL;
}

export async function createApp(deps: AppOptions): Promise<App> {
  const { config, logger, revocations } = deps;
  // Before the first request, for every entry point: see prepareDummyHash.
  await prepareDummyHash(config.bcryptCost);
  const allowedOrigins = new Set(config.corsOrigins);
  const requestIds = new WeakMap<Request, { id: string; started: number }>();

  // Request ids, access logs and the body-size limit (yoga has none of its own).
  const httpPlugin: Plugin = {
    onRequest(hook) {
      const { request, fetchAPI } = hook;
      const given = request.headers.get('x-request-id');
      const id = given && REQUEST_ID.test(given) ? given : randomUUID();
      requestIds.set(request, { id, started: performance.now() });
      setRequestId(id);
      if (logger.isLevelEnabled('debug'))
        logger.debug({ requestId: id, method: request.method, path: new URL(request.url).pathname }, 'request started');
      if (request.method !== 'POST') return;
      const length = request.headers.get('content-length');
      if (length === null && request.body) {
        hook.endResponse(new fetchAPI.Response('A Content-Length header is required', { status: 411 }));
      } else if (Number(length) > config.maxBodyBytes) {
        hook.endResponse(new fetchAPI.Response(`Request body larger than ${config.maxBodyBytes} bytes`, { status: 413 }));
      }
    },
    onResponse({ request, response }) {
      const meta = requestIds.get(request);
      if (!meta) return;
      response.headers.set('x-request-id', meta.id);
      response.headers.append('vary', 'Origin');
      if (!logger.isLevelEnabled('info')) return;
      const url = new URL(request.url);
      if (url.pathname === '/health') return;
      logger.info(
        {
          requestId: meta.id,
          method: request.method,
          path: url.pathname,
          status: response.status,
          ms: Math.round(performance.now() - meta.started),
        },
        'request',
      );
    },
  };

  const variableDepthLimit: Plugin = {
    onParams({ params }) {
      if (nestsDeeperThan(params.variables, MAX_VARIABLE_DEPTH)) {
        throw new GraphQLError(`Variables may nest at most ${MAX_VARIABLE_DEPTH} levels deep`, {
          extensions: { code: 'BAD_USER_INPUT', http: { status: 400 } },
        });
      }
    },
  };

  // One resolution of the viewer per request, shared by the context and the response cache (whose
  // lookup needs the viewer before the context exists).
  const viewers = new WeakMap<Request, Promise<Viewer | null>>();
  const viewerOf = (request: Request): Promise<Viewer | null> => {
    let viewer = viewers.get(request);
    if (!viewer) {
      viewer = resolveViewer(bearerToken(request.headers.get('authorization')), deps.tokens, deps.sessionIsLive);
      viewers.set(request, viewer);
    }
    return viewer;
  };
  const cachePlugins: Plugin<GraphQLContext>[] = [];
  if (deps.responseCache) {
    // Invalidation follows the relay's committed events: without the relay it would never happen.
    if (!deps.realtime) throw new Error('The response cache needs the outbox relay (deps.realtime)');
    const store = deps.responseCache;
    const invalidation = new CacheInvalidation(
      store,
      async (projectIds) =>
        (
          await deps.prisma.projectMember.findMany({
            where: { projectId: { in: [...projectIds] } },
            select: { userId: true },
            distinct: ['userId'],
          })
        ).map((member) => member.userId),
      (error) => logger.error({ err: error }, 'response cache invalidation failed'),
    );
    deps.realtime.hub.tap((event) => invalidation.onEvent(event));
    cachePlugins.push(useTrackrResponseCache({ store, invalidation, ttlMs: config.responseCache.ttlMs, viewerOf, logger }));
  }

  // /ready: 200 when the database answers, else 503. Not yoga's useReadinessCheck, which also runs
  // a URLPattern (a JavaScript polyfill on Node 20) over the URL of every request that is not
  // /ready (bench/NOTES.md "Trackr vs its stack"), and answers a failed check with its error text.
  const readiness: Plugin = {
    onRequest(hook) {
      if (hook.url.pathname !== '/ready') return;
      const answer = (ready: boolean) => hook.endResponse(new hook.fetchAPI.Response(null, { status: ready ? 200 : 503 }));
      return Promise.resolve(deps.isReady ? deps.isReady() : true).then(answer, () => answer(false));
    },
  };

  const tokenLimit: Plugin = {
    onParse({ setParseFn }) {
      // envelop types the parse function loosely (any); this is graphql-js' own.
      setParseFn((source: string | Source, options?: ParseOptions) => parse(source, { ...options, maxLexicalTokens: MAX_TOKENS }));
    },
  };

  // A mutation may have ended sessions (log out, password change, deactivation): before answering,
  // wait until this process's live-session state has applied them, so that the very next request
  // with an ended token is refused here too. One ping on the listener connection, no request statement.
  const revocationBarrier: Plugin = {
    onExecute({ args }) {
      const { document, operationName } = args as { document: DocumentNode; operationName?: string | null };
      if (!revocations || getOperationAST(document, operationName)?.operation !== OperationTypeNode.MUTATION) return;
      return { onExecuteDone: () => revocations.sync() };
    },
  };

  return createYoga<ServerContext, GraphQLContext>({
    schema,
    graphqlEndpoint: '/graphql',
    healthCheckEndpoint: '/health',
    landingPage: false,
    logging: false,
    batching: false,
    // httpPlugin already requires a Content-Length within the limit, and Node's parser never reads
    // past it; yoga's own limit would pipe every body through a counting stream.
    maxRequestBodySize: false,
    graphiql: config.graphiql ? { title: 'Trackr GraphiQL', defaultQuery: GRAPHIQL_DEFAULT_QUERY } : false,
    renderGraphiQL: config.graphiql ? await loadGraphiQL() : undefined,
    // Only listed origins get CORS headers; others (including the `null` origin) get none.
    cors: (request) => {
      const origin = request.headers.get('origin');
      if (!origin || !allowedOrigins.has(origin)) return false;
      return {
        origin: [origin],
        credentials: true,
        methods: ['GET', 'POST', 'OPTIONS'],
        allowedHeaders: ['content-type', 'authorization', 'x-request-id'],
        exposedHeaders: ['x-request-id'],
        maxAge: 600,
      };
    },
    maskedErrors: { maskError: createErrorMasker(logger, { suggestions: config.introspection }) },
    context: ({ request, req }: YogaInitialContext & ServerContext) =>
      createContext(deps, request, requestIds.get(request)?.id ?? randomUUID(), req?.socket.remoteAddress, viewerOf(request)),
    plugins: [
      useRequestScope(),
      useHttpHygiene(config),
      httpPlugin,
      tokenLimit,
      variableDepthLimit,
      useQueryLimits({ config, limiter: deps.throttle.limiter }),
      useSchemaPrivacy(config),
      trustedDocuments(config.trustedDocuments),
      readiness,
      ...realtimePlugins(),
      revocationBarrier,
      // Last: its lookup comes after every check above has accepted the request.
      ...cachePlugins,
    ],
  });
}

export const GRAPHIQL_DEFAULT_QUERY = `# Welcome to Trackr. A first session:
# 1. Run signUp (or logIn) below and copy the accessToken.
# 2. Open "Headers" and set: { "Authorization": "Bearer <accessToken>" }
# 3. Create a project, then an issue, then list them with the viewer query.

mutation SignUp {
  signUp(input: { email: "ada@example.com", name: "Ada", password: "correct horse battery" }) {
    ... on AuthPayload { accessToken user { id name } }
    ... on Error { code message }
  }
}

query Me {
  viewer { name projects(first: 10) { edges { node { key name issues(first: 5) { edges { node { key title status } } } } } } }
}
`;
