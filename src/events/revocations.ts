// The session revocation stream: one LISTEN connection per process (outside the request pool) on
// the channel the database's triggers notify in every transaction that ends a session, deactivates
// an account or bumps its token version (migration 20261203090000_session_revocation). PostgreSQL
// delivers a notification on commit to every listening session of every replica, so no Redis is
// needed to reach them. Each one evicts the session or user from this process's SessionState.
//
// Safe by construction: the state answers from memory only while the stream is connected. At start,
// after an error, after the connection ends and when a ping does not come back in time (a silently
// dead connection), the state is disconnected (flushed, nothing answered from memory) until the
// stream has reconnected and LISTENs again; only then is it reconnected, empty.
//
// Pings are notifications this process sends itself on a channel of its own: PostgreSQL delivers
// notifications in commit order, so when a ping sent after a commit comes back, every revocation
// committed before it has been applied (sync()).
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { cachedSessionCheck, SessionState } from '../auth/session-state.js';
import { sessionCheck, type SessionCheck } from '../auth/viewer.js';
import type { Config } from '../config.js';
import type { Database } from '../db/client.js';
import type { Logger } from '../logger.js';

/** The channel the revocation triggers notify: payload `s:<session id>` or `u:<user id>`. */
export const REVOCATION_CHANNEL = 'trackr_session_revoked';
/** application_name of the listener connection. */
export const LISTENER_NAME = 'trackr-sessions';

const MAX_RECONNECT_MS = 5000;
const SETUP_TIMEOUT_MS = 2000;

export type RevocationStreamOptions = {
  /** A new, unconnected client (Database.openListener). */
  connect: () => pg.Client;
  state: SessionState;
  logger: Logger;
  /** How often the connection is proven alive, and how long a ping may take before it counts as dead. */
  pingMs: number;
};

export class RevocationStream {
  private client?: pg.Client;
  private readonly pingChannel = `trackr_session_ping_${randomBytes(6).toString('hex')}`;
  /** The ping in flight (at most one): its nonce and what to do when it comes back. */
  private readonly pings = new Map<string, () => void>();
  /** Callers of sync() waiting for the next ping to be sent. */
  private waiting: (() => void)[] = [];
  private pinger?: NodeJS.Timeout;
  private retry?: NodeJS.Timeout;
  private retryMs = 100;
  private closed = false;

  constructor(private readonly options: RevocationStreamOptions) {}

  /** Connects (waiting for the first attempt only); on failure it goes on trying in the background. */
  async start(): Promise<void> {
    await this.open();
  }

  get isConnected(): boolean {
    return this.options.state.isConnected;
  }

  /** The listener's PostgreSQL backend (pg_stat_activity.pid), for operators and tests; undefined while down. */
  get backendPid(): number | undefined {
    if (!this.isConnected) return undefined;
    return (this.client as { processID?: number | null } | undefined)?.processID ?? undefined;
  }

  /**
   * Resolves once every revocation committed before the call has been applied to the state, or the
   * stream is down (when the state answers nothing from memory). Lets a process refuse a token at
   * once after a request of its own ended its session. Callers that arrive while a ping is on its
   * way share the next one: one ping in flight at a time, however many mutations wait.
   */
  sync(): Promise<void> {
    if (!this.client || !this.isConnected) return Promise.resolve();
    return new Promise<void>((resolve) => {
      this.waiting.push(resolve);
      this.ping();
    });
  }

  /** Sends one ping for everyone waiting, unless one is in flight (its answer sends the next). */
  private ping(): void {
    const client = this.client;
    if (!client || this.pings.size > 0 || this.waiting.length === 0) return;
    const waiters = this.waiting;
    this.waiting = [];
    const nonce = randomBytes(8).toString('hex');
    const timer = setTimeout(
      () => this.lost(client, new Error(`no answer to a ping within ${this.options.pingMs} ms`)),
      this.options.pingMs,
    );
    timer.unref();
    this.pings.set(nonce, () => {
      clearTimeout(timer);
      for (const done of waiters) done();
    });
    client.query('SELECT pg_notify($1, $2)', [this.pingChannel, nonce]).catch((error: unknown) => this.lost(client, error as Error));
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    const client = this.client;
    if (!client) return;
    this.lost(client);
    // A connection that went silent may never finish ending: shutdown does not wait for it.
    await Promise.race([client.end().catch(() => {}), new Promise((resolve) => setTimeout(resolve, 1000).unref())]);
  }

  private async open(): Promise<void> {
    if (this.closed) return;
    const { connect, state, logger, pingMs } = this.options;
    const client = connect();
    this.client = client;
    client.on('notification', (message) => this.receive(message));
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, new Error('connection ended')));
    // A path that went silent would leave connect() or LISTEN waiting forever: give up and retry.
    const deadline = setTimeout(() => this.lost(client, new Error('not listening in time')), Math.max(pingMs, SETUP_TIMEOUT_MS));
    deadline.unref();
    try {
      await client.connect();
      await client.query(`LISTEN ${REVOCATION_CHANNEL}; LISTEN ${this.pingChannel}`);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    } finally {
      clearTimeout(deadline);
    }
    if (this.client !== client) return;
    // From here on every revocation that commits reaches us; the state is empty, so anything
    // committed before is read from the database.
    state.connect();
    this.retryMs = 100;
    this.pinger = setInterval(() => void this.sync(), pingMs);
    this.pinger.unref();
    logger.info('session revocation stream connected: live sessions are checked in memory');
  }

  private receive(message: pg.Notification): void {
    if (message.channel === this.pingChannel) {
      const done = this.pings.get(message.payload ?? '');
      this.pings.delete(message.payload ?? '');
      done?.();
      this.ping();
      return;
    }
    const payload = message.payload ?? '';
    const id = payload.slice(2);
    if (payload.startsWith('s:')) this.options.state.revokeSession(id);
    else if (payload.startsWith('u:')) this.options.state.revokeUser(id);
    // Anything else is not ours to understand: forget everything rather than miss a revocation.
    else this.options.state.connect();
  }

  /** The connection is no use any more: every check goes to the database until a new one listens. */
  private lost(client: pg.Client, error?: Error): void {
    if (this.client !== client) return;
    this.client = undefined;
    this.options.state.disconnect();
    clearInterval(this.pinger);
    // Nothing is answered from memory now, so whoever waited for a ping may go on.
    for (const done of [...this.pings.values(), ...this.waiting]) done();
    this.pings.clear();
    this.waiting = [];
    client.removeAllListeners('notification');
    // A dead socket may never finish ending; errors from it are no news.
    client.on('error', () => {});
    void client.end().catch(() => {});
    if (this.closed) return;
    this.options.logger.warn(
      { reason: error?.message, retryMs: this.retryMs },
      'session revocation stream disconnected: checking every session in the database until it is back',
    );
    this.retry = setTimeout(() => void this.open(), this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, MAX_RECONNECT_MS);
  }
}

export type Revocations = {
  /** The session check for requests: from memory while the stream is connected, else the database. */
  sessionIsLive: SessionCheck;
  /** See RevocationStream.sync; immediate without a stream. */
  sync(): Promise<void>;
  /** Undefined when sessions are always checked in the database (embedded database, cache size 0). */
  stream?: RevocationStream;
  state?: SessionState;
  close(): Promise<void>;
};

/**
 * The live-session check of one process. On the embedded database (one process, and no LISTEN
 * across its socket) or with SESSION_CACHE_SIZE=0, every check goes to the database.
 */
export async function startRevocations(
  db: Pick<Database, 'pool' | 'preparedStatements' | 'openListener'>,
  config: Config['sessionCache'],
  logger: Logger,
): Promise<Revocations> {
  const check = sessionCheck(db);
  const openListener = db.openListener;
  if (!openListener || config.maxEntries === 0) {
    return { sessionIsLive: check, sync: () => Promise.resolve(), close: () => Promise.resolve() };
  }
  const state = new SessionState({ maxEntries: config.maxEntries, ttlMs: config.ttlMs });
  const stream = new RevocationStream({ connect: () => openListener(LISTENER_NAME), state, logger, pingMs: config.pingMs });
  await stream.start();
  return {
    sessionIsLive: cachedSessionCheck(state, check),
    sync: () => stream.sync(),
    stream,
    state,
    close: () => stream.close(),
  };
}
