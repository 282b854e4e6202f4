// The response cache (RESPONSE_CACHE=on): graphql-yoga's response-cache plugin, with answers
// private to each viewer and invalidated by tags (events/cache-invalidation.ts says which and when).
//
// - Only queries of a logged-in viewer are cached, under that viewer's id: anonymous requests are
//   never looked up nor stored, mutations never cached (the plugin's mutation path), subscriptions
//   not either (they do not execute through it).
// - The viewer is resolved (token verified, session checked live) BEFORE the lookup: a revoked
//   token gets no cached answer, it gets the same UNAUTHENTICATED error as without the cache. The
//   context reuses that same resolution, so a miss does not check the session twice.
// - Every answer carries tags (answerTags) and the store's sequence number read BEFORE it was
//   executed; invalidating a tag gives it the next sequence number. A lookup serves an answer only
//   if none of its tags was invalidated after the answer's start. So a read racing a write (started
//   before the write's invalidation, stored after it) is never served, on any replica sharing Redis.
//   How finely an answer is tagged depends on what its document reads (classifyDocument).
// - The store is in memory (LRU, RESPONSE_CACHE_MAX_ENTRIES) without REDIS_URL, and in Redis with
//   it (shared by the replicas). Our own small Redis store: @envelop/response-cache-redis 4.x is
//   built for @envelop/response-cache 8 and ioredis 5, we run 9 (through the yoga plugin) and 6.
// - The plugin's If-None-Match shortcut (a 304 straight from the cache, before any session check)
//   is off: enabled() is false until this request's viewer has been resolved.
import {
  getOperationAST,
  Kind,
  OperationTypeNode,
  parse,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  BREAK,
  type DocumentNode,
  type ExecutionArgs,
  type GraphQLSchema,
  type OperationDefinitionNode,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { Redis } from 'ioredis';
import { hashSHA256, useResponseCache, type Cache } from '@graphql-yoga/plugin-response-cache';
import type { Config } from '../config.js';
import type { Logger } from '../logger.js';
import type { Viewer } from '../auth/viewer.js';
import { CacheTag, collectWrittenEvents, type CacheInvalidation, type TagInvalidation } from '../events/cache-invalidation.js';
import type { GraphQLContext } from './context.js';

type CachedResult = Parameters<Cache['set']>[1];
type Entities = Parameters<Cache['set']>[2];

/**
 * How finely an answer can be tagged, from what its document reads:
 * - `entity`: issues by id or key, the viewer, and what hangs off one issue (its comments, labels,
 *   people, project's own fields). Every change to such an answer comes with an event about one of
 *   its issues (or is a mutation that invalidates everything): tagged by its issues;
 * - `project`: also lists of a project (issues, labels, members): tagged by its projects too;
 * - `viewer`: anything else (cross-project lists, search, children, history, node lookups...):
 *   tagged with the viewer's lists, which any event in any of the viewer's projects invalidates.
 */
export type AnswerLevel = 'entity' | 'project' | 'viewer';

/** Object fields an `entity` answer may read (parent type.field). */
const ENTITY_FIELDS: ReadonlySet<string> = new Set([
  'Query.issue',
  'Query.issueByKey',
  'Query.viewer',
  'Issue.assignee',
  'Issue.reporter',
  'Issue.project',
  'Issue.labels',
  'Issue.comments',
  'Issue.viewerCan',
  'IssueCommentsConnection.edges',
  'IssueCommentsConnection.pageInfo',
  'IssueCommentsConnectionEdge.node',
  'Comment.author',
  'Comment.issue',
  'Comment.parent',
  'Comment.replies',
  'CommentRepliesConnection.edges',
  'CommentRepliesConnection.pageInfo',
  'CommentRepliesConnectionEdge.node',
  'Label.project',
  'Project.owner',
  'Project.viewerCan',
]);
/** Types whose leaf fields (scalars, enums) an `entity` answer may read. */
const ENTITY_LEAF_TYPES: ReadonlySet<string> = new Set([
  'Issue',
  'User',
  'Project',
  'Label',
  'Comment',
  'IssueViewerCan',
  'ProjectViewerCan',
  'PageInfo',
  'IssueCommentsConnection',
  'IssueCommentsConnectionEdge',
  'CommentRepliesConnection',
  'CommentRepliesConnectionEdge',
]);
/** What a `project` answer may read besides. */
const PROJECT_FIELDS: ReadonlySet<string> = new Set([
  'Query.project',
  'Query.projectByKey',
  'Project.issues',
  'Project.labels',
  'Project.members',
  'ProjectIssuesConnection.edges',
  'ProjectIssuesConnection.pageInfo',
  'ProjectIssuesConnectionEdge.node',
  'ProjectLabelsConnection.edges',
  'ProjectLabelsConnection.pageInfo',
  'ProjectLabelsConnectionEdge.node',
  'ProjectMembersConnection.edges',
  'ProjectMembersConnection.pageInfo',
  'ProjectMembersConnectionEdge.node',
  'ProjectMember.user',
  'ProjectMember.project',
]);
const PROJECT_LEAF_TYPES: ReadonlySet<string> = new Set([
  'ProjectIssuesConnection',
  'ProjectIssuesConnectionEdge',
  'ProjectLabelsConnection',
  'ProjectLabelsConnectionEdge',
  'ProjectMembersConnection',
  'ProjectMembersConnectionEdge',
  'ProjectMember',
]);

/** The level of a document's answers (see AnswerLevel). Anything not listed above: `viewer`. */
export function classifyDocument(document: DocumentNode, schema: GraphQLSchema): AnswerLevel {
  const typeInfo = new TypeInfo(schema);
  let level: AnswerLevel = 'entity';
  visit(
    document,
    visitWithTypeInfo(typeInfo, {
      Field(node) {
        if (node.name.value === '__typename') return;
        const parent = typeInfo.getParentType()?.name ?? '';
        const coordinate = `${parent}.${node.name.value}`;
        // In a valid document (executed ones are), a field without a selection set is a leaf.
        const leaf = node.selectionSet === undefined;
        if (leaf ? ENTITY_LEAF_TYPES.has(parent) : ENTITY_FIELDS.has(coordinate)) return;
        if (leaf ? PROJECT_LEAF_TYPES.has(parent) : PROJECT_FIELDS.has(coordinate)) {
          level = 'project';
          return;
        }
        level = 'viewer';
        return BREAK;
      },
    }),
  );
  return level;
}

/** What a cache key says besides where the answer is: who asked, when it started, how to tag it. */
type KeyFacts = { lookup: string; viewerId: string; startSeq: number; startedAt: number; level: AnswerLevel };

function encodeKey(base: string, viewerId: string, startSeq: number, level: AnswerLevel): string {
  return `${base}|${viewerId}|${startSeq}|${Date.now()}|${level}`;
}
function decodeKey(key: string): KeyFacts {
  const [base, viewerId, seq, at, level] = key.split('|');
  return { lookup: `${base}|${viewerId}`, viewerId, startSeq: Number(seq), startedAt: Number(at), level: level as AnswerLevel };
}

/** The tags of an answer (see events/cache-invalidation.ts). */
export function answerTags(facts: Pick<KeyFacts, 'viewerId' | 'level'>, result: CachedResult, entities: Entities): string[] {
  const tags = new Set([CacheTag.all, CacheTag.viewer(facts.viewerId)]);
  let lists = facts.level === 'viewer';
  // A lookup that answered null has no entity to be tagged by (a deleted issue, a key not yet used):
  // whatever makes it appear comes with an event in one of the viewer's projects.
  const data = result.data;
  if (!data || Object.values(data).some((value) => value === null)) lists = true;
  for (const entity of entities) {
    if (entity.id === undefined || entity.id === null) continue;
    if (entity.typename === 'Issue') tags.add(CacheTag.issue(String(entity.id)));
    else if (entity.typename === 'Project' && facts.level === 'project') tags.add(CacheTag.projectLists(String(entity.id)));
  }
  if (lists) tags.add(CacheTag.viewerLists(facts.viewerId));
  return [...tags];
}

/** A store of answers with tags: the plugin's Cache, plus what the invalidation rule calls. */
export type ResponseCacheStore = Cache &
  TagInvalidation & {
    /** The key of `base` (document, variables) for this viewer, for an answer starting now. */
    keyFor(viewerId: string, base: string, level: AnswerLevel): Promise<string> | string;
    close(): Promise<void>;
  };

type MemoryEntry = { result: CachedResult; startSeq: number; tags: string[]; expires: number };

/** In one process: a sequence counter, the sequence number of each tag's last invalidation, an LRU. */
export class MemoryResponseCacheStore implements ResponseCacheStore {
  private seq = 0;
  private readonly invalidated = new Map<string, { seq: number; at: number }>();
  private readonly entries = new Map<string, MemoryEntry>();
  private sincePrune = 0;

  constructor(
    private readonly maxEntries: number,
    private readonly ttlMs: number,
  ) {}

  keyFor(viewerId: string, base: string, level: AnswerLevel): string {
    return encodeKey(base, viewerId, this.seq, level);
  }
  private fresh(startSeq: number, tags: readonly string[]): boolean {
    return tags.every((tag) => (this.invalidated.get(tag)?.seq ?? 0) <= startSeq);
  }
  get(key: string) {
    const lookup = decodeKey(key).lookup;
    const entry = this.entries.get(lookup);
    if (!entry) return null;
    this.entries.delete(lookup);
    if (entry.expires <= Date.now() || !this.fresh(entry.startSeq, entry.tags)) return null;
    this.entries.set(lookup, entry); // most recently used
    return entry.result;
  }
  set(key: string, result: CachedResult, entities: Entities, ttl: number): void {
    const facts = decodeKey(key);
    const now = Date.now();
    // An answer that took longer than the TTL to compute is not kept: a tag's invalidation is
    // forgotten 2 × TTL after it happened, by then every answer it concerns must have expired.
    const keepFor = Math.min(ttl, this.ttlMs);
    if (now - facts.startedAt >= keepFor) return;
    const tags = answerTags(facts, result, entities);
    if (!this.fresh(facts.startSeq, tags)) return;
    this.entries.delete(facts.lookup);
    this.entries.set(facts.lookup, { result, startSeq: facts.startSeq, tags, expires: now + keepFor });
    if (this.entries.size > this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
  }
  invalidate(): void {
    // Unused: mutations invalidate through the rule in cache-invalidation.ts.
  }
  async invalidateTags(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    this.seq += 1;
    const now = Date.now();
    for (const tag of tags) {
      this.invalidated.delete(tag);
      this.invalidated.set(tag, { seq: this.seq, at: now });
    }
    // Oldest invalidations first (re-inserted above): drop those older than 2 × TTL.
    if ((this.sincePrune += tags.length) > 10_000) {
      this.sincePrune = 0;
      for (const [tag, { at }] of this.invalidated) {
        if (now - at < 2 * this.ttlMs) break;
        this.invalidated.delete(tag);
      }
    }
  }
  async close(): Promise<void> {
    // Nothing to release.
  }
}

/** Serves the answer only if none of its tags was invalidated after it started (KEYS[1]; ARGV[1]: the tag prefix). */
const GET_FRESH = `
local v = redis.call('HMGET', KEYS[1], 'r', 's', 't')
if not v[1] then return false end
local s = tonumber(v[2])
for tag in string.gmatch(v[3], '%S+') do
  local at = redis.call('GET', ARGV[1] .. tag)
  if at and tonumber(at) > s then return false end
end
return v[1]`;
/** One number for all these tags, atomically (KEYS[1]: the counter, KEYS[2..]: the tags; ARGV[1]: their TTL). */
const INVALIDATE = `
local v = redis.call('INCR', KEYS[1])
for i = 2, #KEYS do redis.call('SET', KEYS[i], v, 'PX', ARGV[1]) end
return v`;

/**
 * In Redis, shared by the replicas: `<prefix>seq` the sequence counter, `<prefix>t:<tag>` the number
 * of a tag's last invalidation (kept 2 × TTL + 1 min: longer than any answer started before it can
 * live), `<prefix>e:…` the answers (hashes: result, start, tags; expiring with their TTL). The
 * tags' keys are read by a script without being declared: a single Redis, not a cluster.
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

  async keyFor(viewerId: string, base: string, level: AnswerLevel): Promise<string> {
    const seq = await this.redis.get(`${this.prefix}seq`);
    return encodeKey(base, viewerId, Number(seq ?? 0), level);
  }
  async get(key: string) {
    const json = (await this.redis.eval(GET_FRESH, 1, `${this.prefix}e:${decodeKey(key).lookup}`, `${this.prefix}t:`)) as string | null;
    return json === null ? null : (JSON.parse(json) as Awaited<ReturnType<Cache['get']>>);
  }
  async set(key: string, result: CachedResult, entities: Entities, ttl: number): Promise<void> {
    const facts = decodeKey(key);
    const keepFor = Math.min(ttl, this.ttlMs) - (Date.now() - facts.startedAt);
    if (keepFor <= 0) return; // see MemoryResponseCacheStore.set
    const entry = `${this.prefix}e:${facts.lookup}`;
    await this.redis
      .multi()
      .del(entry)
      .hset(entry, 'r', JSON.stringify(result), 's', facts.startSeq, 't', answerTags(facts, result, entities).join(' '))
      .pexpire(entry, keepFor)
      .exec();
  }
  invalidate(): void {
    // As in memory: tags of the rule, not the plugin's entities.
  }
  async invalidateTags(tags: readonly string[]): Promise<void> {
    if (tags.length === 0) return;
    const keys = [`${this.prefix}seq`, ...new Set(tags)].map((tag, i) => (i === 0 ? tag : `${this.prefix}t:${tag}`));
    await this.redis.eval(INVALIDATE, keys.length, ...keys, 2 * this.ttlMs + 60_000);
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
    : new MemoryResponseCacheStore(maxEntries, ttlMs);
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
  let schema: GraphQLSchema | undefined;
  /** The level of each document seen (bounded: forgotten all at once when full). */
  const levels = new Map<string, AnswerLevel>();
  const levelOf = (documentString: string): AnswerLevel => {
    let level = levels.get(documentString);
    if (level === undefined) {
      level = schema ? classifyDocument(parse(documentString), schema) : 'viewer';
      if (levels.size >= 2000) levels.clear();
      levels.set(documentString, level);
    }
    return level;
  };
  return {
    onSchemaChange({ schema: changed }) {
      // envelop types the schema loosely (any); yoga's is graphql-js' own.
      schema = changed as GraphQLSchema;
      levels.clear();
    },
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
            return store.keyFor(params.sessionId, base, levelOf(params.documentString));
          },
          // The plugin is written for yoga's initial context; ours extends it.
        }) as Plugin<GraphQLContext>,
      );
    },
    onExecute({ args, executeFn, setExecuteFn }) {
      const operation = getOperationAST(args.document as DocumentNode, args.operationName as string | undefined);
      if (operation?.operation !== OperationTypeNode.MUTATION) return;
      const events: Parameters<typeof collectWrittenEvents>[0] = [];
      const execute = executeFn as (execArgs: ExecutionArgs) => unknown;
      setExecuteFn((execArgs: ExecutionArgs) => collectWrittenEvents(events, () => execute(execArgs)));
      return {
        // The mutation's transactions have committed: invalidate before its answer leaves.
        async onExecuteDone() {
          try {
            await invalidation.afterMutation(rootFields(operation), events);
          } catch (error) {
            logger.error({ err: error }, 'response cache invalidation after a mutation failed');
          }
        },
      };
    },
  };
}
