// The database protects itself from Trackr's own requests: limits every session carries from its
// start-up packet (no extra round trip), a bound on the statements each connection keeps prepared,
// and the cancellation of a statement whose HTTP client has gone away.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { connect } from 'node:net';
import type pg from 'pg';
import type { Config } from '../config.js';

export type SessionLimits = Pick<Config, 'statementTimeoutMs' | 'idleInTransactionTimeoutMs' | 'jit'>;

/**
 * The `options` of a connection's start-up packet. statement_timeout ends any statement that runs
 * too long (and idle_in_transaction_session_timeout a transaction left open), so one expensive
 * request cannot hold a backend for minutes; JIT compilation of a large plan cannot be interrupted
 * by either, so it is off unless asked for; generic plans: see createPool.
 */
export function sessionOptions(limits: Partial<SessionLimits>, { genericPlans }: { genericPlans: boolean }): string {
  const settings = [
    limits.statementTimeoutMs !== undefined && `statement_timeout=${limits.statementTimeoutMs}`,
    limits.idleInTransactionTimeoutMs !== undefined && `idle_in_transaction_session_timeout=${limits.idleInTransactionTimeoutMs}`,
    limits.jit !== undefined && `jit=${limits.jit ? 'on' : 'off'}`,
    genericPlans && 'plan_cache_mode=force_generic_plan',
  ];
  return settings
    .filter(Boolean)
    .map((setting) => `-c ${setting as string}`)
    .join(' ');
}

type QueryFn = (...args: unknown[]) => unknown;
type ClientInternals = pg.PoolClient & {
  processID: number | null;
  secretKey: number | null;
  connectionParameters: { host: string; port: number };
  connection: { parsedStatements: Record<string, string> };
};

/** Replaces a client's query method with `wrap(original)`; our wrappers compose (each sees the one before). */
function wrapQuery(client: pg.PoolClient, wrap: (query: QueryFn) => QueryFn): void {
  const original = client.query.bind(client) as QueryFn;
  (client as unknown as { query: QueryFn }).query = wrap(original);
}

const lastArgIsCallback = (args: unknown[]) => typeof args[args.length - 1] === 'function';
const statementName = (args: unknown[]) => (args[0] as { name?: unknown } | null | undefined)?.name;

/**
 * At most `max` named prepared statements per connection. Every distinct SQL text Prisma produces
 * (and filters combine into unboundedly many) becomes a named statement with a cached plan in the
 * backend; without a bound, a client sending new filter shapes grows every backend without end.
 * Before a connection would prepare one too many, it drops them all (DEALLOCATE ALL, once per `max`
 * new shapes) and forgets them on the client side in the same tick, so the next use parses again.
 */
export function boundPreparedStatements(pool: pg.Pool, max: number): void {
  pool.on('connect', (pooled) => {
    const client = pooled as ClientInternals;
    wrapQuery(client, (query) => (...args) => {
      const name = statementName(args);
      const parsed = client.connection.parsedStatements;
      if (typeof name === 'string' && parsed[name] === undefined && Object.keys(parsed).length >= max) {
        // The callback runs before the client sends its next queued statement, so the names are
        // forgotten exactly when the server has dropped them; on failure (say, in an aborted
        // transaction) both sides keep them.
        query('DEALLOCATE ALL', (error: Error | null) => {
          if (!error) client.connection.parsedStatements = {};
        });
      }
      return query(...args);
    });
  });
}

/** The signal of the HTTP request being served, if any; see cancelStatementsOnDisconnect. */
const requestSignal = new AsyncLocalStorage<AbortSignal>();

/**
 * Wraps a Node request listener so that everything the request starts runs with a signal that
 * aborts when the client goes away before its response was sent (closed tab, timed-out proxy).
 */
export function cancelStatementsOnDisconnect(
  listener: (req: IncomingMessage, res: ServerResponse) => void,
): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    const controller = new AbortController();
    res.once('close', () => {
      if (!res.writableFinished) controller.abort();
    });
    requestSignal.run(controller.signal, () => listener(req, res));
  };
}

/**
 * A statement sent on behalf of a request whose client goes away is cancelled (PostgreSQL's cancel
 * request, on a connection of its own: it needs no pool slot and no authentication). Prisma takes no
 * AbortSignal, so the request's signal travels in async context to the pooled client's query. The
 * cancel is sent only while the statement is still running, but PostgreSQL applies it to whatever
 * the backend runs when it arrives: had the statement just finished, the next one on that
 * connection (possibly another request's, once the connection is back in the pool) would be
 * cancelled instead. So until PostgreSQL has handled the cancel (it closes the cancel connection
 * after signalling the backend; a backend waiting for its next statement ignores the signal), the
 * connection sends nothing more.
 */
export function cancelWithRequest(pool: pg.Pool): void {
  pool.on('connect', (pooled) => {
    const client = pooled as ClientInternals;
    // Settles once the cancel last sent for this connection has been handled.
    let cancelHandled: Promise<void> | undefined;
    const afterCancel = (send: () => unknown, args: unknown[]) => {
      const pending = cancelHandled!;
      if (lastArgIsCallback(args)) {
        void pending.then(send);
        return undefined;
      }
      return pending.then(send);
    };
    wrapQuery(client, (query) => (...args) => {
      if (cancelHandled) return afterCancel(() => query(...args), args);
      const signal = requestSignal.getStore();
      if (!signal || signal.aborted) return query(...args);
      let running = true;
      const cancel = () => {
        if (!running) return;
        const handled = sendCancelRequest(client).then(() => {
          if (cancelHandled === handled) cancelHandled = undefined;
        });
        cancelHandled = handled;
      };
      signal.addEventListener('abort', cancel, { once: true });
      const done = () => {
        running = false;
        signal.removeEventListener('abort', cancel);
      };
      if (lastArgIsCallback(args)) {
        const callback = args[args.length - 1] as (...results: unknown[]) => void;
        return query(...args.slice(0, -1), (...results: unknown[]) => {
          done();
          callback(...results);
        });
      }
      const result = query(...args);
      if (result instanceof Promise) void result.then(done, done);
      else done();
      return result;
    });
  });
}

/**
 * PostgreSQL's CancelRequest message: length 16, code 80877102, the backend's pid and secret key.
 * Resolves when the server has closed the cancel connection (or it failed).
 */
function sendCancelRequest(client: ClientInternals): Promise<void> {
  if (client.processID === null || client.secretKey === null) return Promise.resolve();
  const message = Buffer.alloc(16);
  message.writeInt32BE(16, 0);
  message.writeInt32BE(80877102, 4);
  message.writeInt32BE(client.processID, 8);
  message.writeInt32BE(client.secretKey, 12);
  const { host, port } = client.connectionParameters;
  const socket = host.startsWith('/') ? connect(`${host}/.s.PGSQL.${port}`) : connect(port, host);
  socket.on('error', () => socket.destroy());
  socket.on('connect', () => socket.end(message));
  // Bounded: an unreachable server must not hold the connection's statements for long.
  socket.setTimeout(5000, () => socket.destroy());
  return new Promise((resolve) => socket.once('close', () => resolve()));
}
