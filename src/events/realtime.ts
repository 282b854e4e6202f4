// Wires the realtime side of one process: the bus (memory or Redis), the relay that feeds it from
// the outbox, the hub that hands events to this process's subscriptions, and the per-user limit.
import { GraphQLError } from 'graphql';
import pg from 'pg';
import type { RealtimeConfig } from '../config.js';
import type { Database } from '../db/client.js';
import { liveSessions } from '../auth/viewer.js';
import { RateLimitedError } from '../domain/errors.js';
import { createEventLoaders, type EventLoaders } from '../graphql/loaders.js';
import type { Logger } from '../logger.js';
import { MemoryBus, RedisBus, type EventBus } from './bus.js';
import { EventHub } from './hub.js';
import { EVENT_COLUMNS, toPublished, type PublishedEvent } from './outbox.js';
import { Relay } from './relay.js';

/** At most this many events are replayed to one reconnecting subscription; more ends it (resubscribe without `since`). */
export const MAX_REPLAY = 1000;

export type Realtime = {
  hub: EventHub;
  config: RealtimeConfig;
  /** Takes one of `userId`'s subscription slots on this process; RateLimitedError past the limit. Returns the release. */
  acquire(userId: string): () => void;
  /** Events of a project (or of one issue) after event id `since`, oldest first, at most MAX_REPLAY + 1. */
  replay(target: { projectId: string; issueId?: string }, since: bigint): Promise<PublishedEvent[]>;
  /** Fresh lookups for an event of `projectId` (replayed events, periodic re-checks). */
  loaders(projectId: string): EventLoaders;
  /** For tests and operators: what is held open now. */
  stats(): { listeners: number; projects: number; subscriptions: number; redisSubscriptions: number };
  /** Ends every stream with `reason` and stops relaying. */
  close(reason: string): Promise<void>;
};

export type RealtimeDeps = {
  db: Pick<Database, 'prisma' | 'pool' | 'preparedStatements'>;
  config: RealtimeConfig;
  logger: Logger;
  redisUrl?: string;
  databaseUrl?: string;
};

export async function startRealtime({ db, config, logger, redisUrl, databaseUrl }: RealtimeDeps): Promise<Realtime> {
  let bus: EventBus;
  if (redisUrl) {
    const redis = new RedisBus(redisUrl, config.channelPrefix, (error) => logger.warn({ err: error }, 'realtime Redis connection error'));
    await redis.start();
    bus = redis;
  } else {
    bus = new MemoryBus();
  }
  const loaders = (projectId: string) =>
    createEventLoaders({ prisma: db.prisma, liveSessions: (claims) => liveSessions(db, claims) }, projectId);
  const hub = new EventHub(loaders);
  bus.onEvent((event) => hub.dispatch(event));
  // The relay's background passes get a connection of their own on a server (not taken from request
  // traffic, and told apart as trackr-relay in pg_stat_activity and the benchmark's statement
  // count); the embedded database is one session, so there it shares the app's pool.
  const relayPool =
    databaseUrl && db.preparedStatements
      ? new pg.Pool({ connectionString: databaseUrl, max: 1, application_name: 'trackr-relay', idleTimeoutMillis: 30_000 })
      : undefined;
  relayPool?.on('error', (error) => logger.warn({ err: error }, 'relay connection error'));
  const relay = new Relay({
    pool: relayPool ?? db.pool,
    bus,
    logger,
    listenUrl: databaseUrl,
    pollMs: config.pollMs,
    retentionHours: config.retentionHours,
  });
  await relay.start();

  const perUser = new Map<string, number>();
  let subscriptions = 0;
  return {
    hub,
    config,
    acquire(userId) {
      const held = perUser.get(userId) ?? 0;
      if (held >= config.maxPerUser) {
        throw new RateLimitedError(0, `At most ${config.maxPerUser} subscriptions per user on one server; end one first`);
      }
      perUser.set(userId, held + 1);
      subscriptions += 1;
      let released = false;
      return () => {
        if (released) return;
        released = true;
        subscriptions -= 1;
        const left = (perUser.get(userId) ?? 1) - 1;
        if (left > 0) perUser.set(userId, left);
        else perUser.delete(userId);
      };
    },
    async replay({ projectId, issueId }, since) {
      const { rows } = await db.pool.query<Parameters<typeof toPublished>[0]>(
        `SELECT ${EVENT_COLUMNS} FROM outbox_events o
          WHERE project_id = $1 AND o.seq > $2 ${issueId ? 'AND issue_id = $3' : ''} ORDER BY o.seq LIMIT ${MAX_REPLAY + 1}`,
        issueId ? [projectId, since.toString(), issueId] : [projectId, since.toString()],
      );
      return rows.map(toPublished);
    },
    loaders,
    stats: () => ({ ...hub.counts(), subscriptions, redisSubscriptions: bus.subscriptionCount() }),
    async close(reason) {
      hub.endAll(new ShuttingDownError(reason));
      await relay.close();
      if (relayPool && !relayPool.ended) await relayPool.end();
      await bus.close();
    },
  };
}

/** Ends streams when the server stops, so clients reconnect (to another replica): `extensions.code` SHUTTING_DOWN. */
export class ShuttingDownError extends GraphQLError {
  constructor(reason: string) {
    super(reason, { extensions: { code: 'SHUTTING_DOWN' } });
  }
}
