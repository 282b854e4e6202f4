// The response cache (RESPONSE_CACHE=on): graphql-yoga's response-cache plugin, with answers
// private to each viewer and invalidated by generations (events/cache-invalidation.ts says when).
//
// - Only queries of a logged-in viewer are cached, under that viewer's id: anonymous requests are
//   never looked up nor stored, mutations never cached (the plugin's mutation path), subscriptions
//   not either (they do not execute through it).
// - The viewer is resolved (token verified, session checked live) BEFORE the lookup: a revoked
//   token gets no cached answer, it gets the same UNAUTHENTICATED error as without the cache. The
//   context reuses that same resolution, so a miss does not check the session twice.
// - The cache key carries the cache's global generation and the viewer's: invalidating bumps one,
//   and an answer computed before the bump is stored under the old key, where nothing looks. So a
//   read racing a write can never leave a stale answer behind, on any replica sharing Redis.
// - The store is in memory (LRU, RESPONSE_CACHE_MAX_ENTRIES) without REDIS_URL, and in Redis with
//   it (shared by the replicas). Our own small Redis store: @envelop/response-cache-redis 4.x is
//   built for @envelop/response-cache 8 and ioredis 5, we run 9 (through the yoga plugin) and 6.
// - The plugin's If-None-Match shortcut (a 304 straight from the cache, before any session check)
//   is off: enabled() is false until this request's viewer has been resolved.
import { getOperationAST, Kind, OperationTypeNode, type DocumentNode, type ExecutionArgs, type OperationDefinitionNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { createInMemoryCache, hashSHA256, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Viewer } from '../auth/viewer.js';
import { collectWrittenEvents, type CacheInvalidation, type GenerationBumps } from '../events/cache-invalidation.js';
import type { GraphQLContext } from './context.js';

/** A store of answers with generations: the plugin's Cache, plus what the invalidation rule bumps. */
export type ResponseCacheStore = Cache &
  GenerationBumps & {
    /** The key of `base` (document, variables, viewer) under the current generations. */
    keyFor(viewerId: string, base: string): Promise<string> | string;
    close(): Promise<void>;
  };

/** In one process: generations are counters, answers an LRU of at most `maxEntries`. */
export class MemoryResponseCacheStore implements ResponseCacheStore {
  private all = 0;
  private readonly viewers = new Map<string, number>();
  private readonly entries: Cache;

  constructor(maxEntries: number) {
    this.entries = createInMemoryCache({ max: maxEntries });
  }

  keyFor(viewerId: string, base: string): string {
    return `${base}:${viewerId}:${this.all}:${this.viewers.get(viewerId) ?? 0}`;
  }
  get(key: string) {
    return this.entries.get(key);
  }
  set(key: string, result: Parameters<Cache['set']>[1], _entities: unknown, ttl: number): void {
    // Entities are not used: invalidation goes by generation (see the file comment).
    void this.entries.set(key, result, [], ttl);
  }
  invalidate(): void {
    // Unused: mutations invalidate through the rule in cache-invalidation.ts.
  }
  async bumpViewers(userIds: readonly string[]): Promise<void> {
    for (const id of userIds) this.viewers.set(id, (this.viewers.get(id) ?? 0) + 1);
  }
  async bumpAll(): Promise<void> {
    this.all += 1;
  }
  async close(): Promise<void> {
    // Nothing to release.
  }
}

/**
 * In Redis, shared by the replicas: `<prefix>gen` is the global generation, `<prefix>gen:<user>`
 * a viewer's, `<prefix>e:…` the answers (expiring with their TTL). A viewer's generation takes a
 * value from a counter that never repeats, and outlives every answer stored under the previous
 * one (it expires `2 × TTL` after its last bump): once it has expired, reading it as 0 again
 * cannot bring back an answer from before a bump.
 */
export class RedisResponseCacheStore implements ResponseCacheStore {
  private readonly redis: Redis;

  constructor(
    url: string,
    private readonly prefix: string,
    private readonly ttlMs: number,
    onError: (error: Error) => void,
  ) {
    this.redis = new Redis(url, { maxRetriesPerRequest: 2 });
    this.redis.on('error', onError);
  }

  async keyFor(viewerId: string, base: string): Promise<string> {
    const [all, mine] = await this.redis.mget(`${this.prefix}gen`, `${this.prefix}gen:${viewerId}`);
    return `${this.prefix}e:${base}:${viewerId}:${all ?? 0}:${mine ?? 0}`;
  }
  async get(key: string) {
    const json = await this.redis.get(key);
    return json === null ? null : (JSON.parse(json) as Awaited<ReturnType<Cache['get']>>);
  }
  async set(key: string, result: Parameters<Cache['set']>[1], _entities: unknown, ttl: number): Promise<void> {
    await this.redis.set(key, JSON.stringify(result), 'PX', Math.max(1, Math.min(ttl, this.ttlMs)));
  }
  invalidate(): void {
    // As in memory: generations, not entities.
  }
  async bumpViewers(userIds: readonly string[]): Promise<void> {
    if (userIds.length === 0) return;
    const value = await this.redis.incr(`${this.prefix}counter`);
    const pipeline = this.redis.pipeline();
    for (const id of new Set(userIds)) pipeline.set(`${this.prefix}gen:${id}`, value, 'PX', 2 * this.ttlMs);
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }
  async bumpAll(): Promise<void> {
    await this.redis.incr(`${this.prefix}gen`);
  }
  async close(): Promise<void> {
    await this.redis.quit().catch(() => {});
  }
}

/** The store for this configuration: Redis when REDIS_URL is set, memory otherwise. */
export function createResponseCacheStore(
  config: Config,
  logger: Logger,
  prefix = `${config.realtime.channelPrefix}rc:`,
): ResponseCacheStore {
  const { ttlMs, maxEntries } = config.responseCache;
  return config.redisUrl
    ? new RedisResponseCacheStore(config.redisUrl, prefix, ttlMs, (error) => logger.warn({ err: error }, 'response cache Redis error'))
    : new MemoryResponseCacheStore(maxEntries);
}

/** The root fields of a mutation; null when it selects through fragments (then it counts as "any"). */
function rootFields(operation: OperationDefinitionNode): string[] | null {
  const names: string[] = [];
  for (const selection of operation.selectionSet.selections) {
    if (selection.kind !== Kind.FIELD) return null;
    if (selection.name.value !== '__typename') names.push(selection.name.value);
  }
  return names;
}

export type ResponseCacheOptions = {
  store: ResponseCacheStore;
  invalidation: CacheInvalidation;
  ttlMs: number;
  /** This request's viewer, resolved once (the context awaits the same promise). */
  viewerOf: (request: Request) => Promise<Viewer | null>;
  logger: Logger;
};

export function useTrackrResponseCache({ store, invalidation, ttlMs, viewerOf, logger }: ResponseCacheOptions): Plugin<GraphQLContext> {
  const cacheable = new WeakSet<Request>();
  return {
    onPluginInit({ addPlugin }) {
      addPlugin(
        useResponseCache({
          cache: store,
          ttl: ttlMs,
          includeExtensionMetadata: true,
          // invalidateViaMutation stays at its default (true): with false the plugin would CACHE
          // mutations (tested). Its invalidate() of the entities they return is a no-op here.
          async session(request) {
            // A refused token is answered by the context (the same promise, rejected again).
            const viewer = await viewerOf(request).catch(() => null);
            if (viewer) cacheable.add(request);
            return viewer?.id ?? null;
          },
          enabled: (request) => cacheable.has(request),
          async buildResponseCacheKey(params) {
            if (!params.sessionId) return 'anonymous: never looked up';
            // Variables in another key order only make another key (a miss), never a wrong answer.
            const base = await hashSHA256(
              `${params.documentString}|${params.operationName ?? ''}|${JSON.stringify(params.variableValues ?? {})}`,
            );
            return store.keyFor(params.sessionId, base);
          },
          // The plugin is written for yoga's initial context; ours extends it.
        }) as Plugin<GraphQLContext>,
      );
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | undefined);
      if (operation?.operation !== OperationTypeNode.MUTATION) return;
      const events: { projectId: string; userId?: string | null }[] = [];
      const execute = executeFn as (execArgs: ExecutionArgs) => unknown;
      setExecuteFn((execArgs: ExecutionArgs) => collectWrittenEvents(events, () => execute(execArgs)));
      return {
        // The mutation's transactions have committed: invalidate before its answer leaves.
        async onExecuteDone() {
          try {
            await invalidation.afterMutation(args.contextValue.viewer?.id ?? null, rootFields(operation), events);
          } catch (error) {
            logger.error({ err: error }, 'response cache invalidation after a mutation failed');
          }
        },
      };
    },
  };
}
