// Per-request context: the viewer is resolved once here; DataLoaders live for one request.
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { TokenService } from '../auth/tokens.js';
import type { LoginThrottle } from '../auth/login-throttle.js';
import { RateLimitedError } from '../domain/errors.js';
import type { ClientInfo } from '../services/sessions.js';
import { bearerToken, type SessionCheck, type Viewer } from '../auth/viewer.js';
import { createLoaders, type Loaders } from './loaders.js';
import type { Actor } from '../services/access.js';
import type { Realtime } from '../events/realtime.js';
import type { ResponseCacheStore } from './response-cache.js';

/** What createApp needs; built once per process. */
export type AppDeps = {
  prisma: PrismaClient;
  config: Config;
  tokens: TokenService;
  /** Checks on every authenticated request that the token's session is still live. */
  sessionIsLive: SessionCheck;
  logger: Logger;
  /** Login throttling (its counters in memory or Redis). */
  throttle: LoginThrottle;
  /** Answers /ready: true when the database is reachable. */
  isReady?: () => Promise<boolean>;
  /** Subscriptions (src/events/realtime.ts); without it, subscribing is refused. */
  realtime?: Realtime;
  /** The response cache's store (graphql/response-cache.ts), when RESPONSE_CACHE=on. */
  responseCache?: ResponseCacheStore;
};

export type GraphQLContext = {
  prisma: PrismaClient;
  config: Config;
  tokens: TokenService;
  logger: Logger;
  requestId: string;
  viewer: Viewer | null;
  loaders: Loaders;
  client: ClientInfo;
  throttle: LoginThrottle;
  /** Password checks done in this request; see spendPasswordCheck. */
  passwordChecks: number;
  realtime?: Realtime;
  /** The Authorization header's token (subscriptions verify it again on every event). */
  token?: string;
  /** Last-Event-ID of an SSE reconnect: where a subscription without `since` resumes. */
  lastEventId?: string;
};

/** The context of a field that requires a logged-in viewer (`t.withAuth({ authenticated: true })`). */
export type AuthenticatedContext = GraphQLContext & { viewer: Viewer };

/** Who acts in a service call: the logged-in viewer, on this request's database client. */
export const actor = (context: AuthenticatedContext): Actor => ({ prisma: context.prisma, viewer: context.viewer });

/**
 * The caller's address: the socket's peer, or behind trusted proxies the X-Forwarded-For entry the
 * outermost of them appended (the hops-th from the right). Entries left of it are whatever the
 * client sent, so a client could pick its own address (and its own rate limit) from them.
 */
function clientInfo(deps: AppDeps, request: Request, peer: string | undefined): ClientInfo {
  const hops = deps.config.trustedProxyHops;
  const entries = deps.config.trustProxy
    ? (request.headers
        .get('x-forwarded-for')
        ?.split(',')
        .map((entry) => entry.trim()) ?? [])
    : [];
  const forwarded = entries.length >= hops ? entries[entries.length - hops] : undefined;
  return { ip: forwarded || peer || 'unknown', userAgent: request.headers.get('user-agent') ?? undefined };
}

/** `resolvedViewer`: the request's one resolution of its token (createApp's viewerOf). */
export async function createContext(
  deps: AppDeps,
  request: Request,
  requestId: string,
  peer: string | undefined,
  resolvedViewer: Promise<Viewer | null>,
): Promise<GraphQLContext> {
  const viewer = await resolvedViewer;
  const context: GraphQLContext = {
    prisma: deps.prisma,
    config: deps.config,
    tokens: deps.tokens,
    logger: deps.logger.child({ requestId }),
    requestId,
    viewer,
    loaders: createLoaders(deps.prisma, () => context.viewer),
    client: clientInfo(deps, request, peer),
    throttle: deps.throttle,
    passwordChecks: 0,
    realtime: deps.realtime,
    token: bearerToken(request.headers.get('authorization')),
    lastEventId: request.headers.get('last-event-id') ?? undefined,
  };
  return context;
}

/**
 * One password check per request: aliases (`a: logIn … b: logIn …`) cannot multiply guesses.
 * Batching is off in app.ts for the same reason.
 */
export function spendPasswordCheck(context: GraphQLContext): void {
  context.passwordChecks += 1;
  if (context.passwordChecks > 1) {
    throw new RateLimitedError(0, 'Only one password check is allowed per request');
  }
}

/**
 * After signUp or logIn succeeds, the rest of that mutation's payload is resolved as the user who
 * just logged in (so `user { email projects }` works in the same request).
 */
export function actAs(context: GraphQLContext, viewer: Viewer): void {
  context.viewer = viewer;
  context.loaders = createLoaders(context.prisma, () => context.viewer);
}
