// Per-request context: the viewer is resolved once here; DataLoaders live for one request.
import type { Config } from '../config.js';
import type { PrismaClient } from '../db/client.js';
import type { Logger } from '../logger.js';
import type { TokenService } from '../auth/tokens.js';
import { bearerToken, resolveViewer, type Viewer } from '../auth/viewer.js';
import { createLoaders, type Loaders } from './loaders.js';

/** What createApp needs; built once per process. */
export type AppDeps = {
  prisma: PrismaClient;
  config: Config;
  tokens: TokenService;
  logger: Logger;
  /** Answers /ready: true when the database is reachable. */
  isReady?: () => Promise<boolean>;
};

export type GraphQLContext = {
  prisma: PrismaClient;
  config: Config;
  tokens: TokenService;
  logger: Logger;
  requestId: string;
  viewer: Viewer | null;
  loaders: Loaders;
};

export async function createContext(deps: AppDeps, request: Request, requestId: string): Promise<GraphQLContext> {
  const viewer = await resolveViewer(bearerToken(request.headers.get('authorization')), deps.tokens, deps.prisma);
  const context: GraphQLContext = {
    prisma: deps.prisma,
    config: deps.config,
    tokens: deps.tokens,
    logger: deps.logger.child({ requestId }),
    requestId,
    viewer,
    loaders: createLoaders(deps.prisma, () => context.viewer),
  };
  return context;
}

/**
 * After signUp or logIn succeeds, the rest of that mutation's payload is resolved as the user who
 * just logged in (so `user { email projects }` works in the same request).
 */
export function actAs(context: GraphQLContext, viewer: Viewer): void {
  context.viewer = viewer;
  context.loaders = createLoaders(context.prisma, () => context.viewer);
}
