// The relay: publishes committed outbox rows, after commit, in event-id order, exactly once per
// healthy run and at least once across crashes.
//
// A pass, in one transaction under an advisory lock (so of several replicas one relays at a time
// and none publishes twice): first publish the rows numbered by earlier passes and not yet marked
// published, and mark them; then number the rows written since (seq from outbox_event_seq, in
// insertion order). Only committed rows are visible, so a rolled-back change is never numbered nor
// published, and a row that commits after a later-inserted one simply gets the next number then:
// nothing already relayed is ever numbered below it. A process that dies mid-pass leaves its
// rows unpublished (the marking rolls back) with their numbers already committed by the pass
// before, so the next relay (any replica) sends them again under the same event ids; the hub
// drops ids it has already delivered.
//
// Passes run when PostgreSQL notifies `trackr_outbox` (a trigger on the table; delivered on commit
// only), every `pollMs` as a fallback (the embedded database, a lost notification), and back to
// back while there is work. Rows older than the retention window are pruned.
import pg from 'pg';
import type { Logger } from '../logger.js';
import type { EventBus } from './bus.js';
import { EVENT_COLUMNS, toPublished, type PublishedEvent } from './outbox.js';

/** The advisory lock key of the relay: one per database. */
const RELAY_LOCK = 'trackr:outbox-relay';
/** Rows per pass; a pass with a full batch is followed at once by another. */
const BATCH = 500;
/** Pauses before LISTENing again after the connection was lost: doubling from the first to the last. */
const FIRST_RELISTEN_MS = 100;
const MAX_RELISTEN_MS = 5000;

export type RelayOptions = {
  pool: pg.Pool;
  bus: EventBus;
  logger: Logger;
  /** A connection string for LISTEN (a dedicated connection); without one the relay only polls. */
  listenUrl?: string;
  pollMs: number;
  retentionHours: number;
};

export class Relay {
  private listener?: pg.Client;
  private poller?: NodeJS.Timeout;
  private pruner?: NodeJS.Timeout;
  private relisten?: NodeJS.Timeout;
  private relistenMs = FIRST_RELISTEN_MS;
  private running?: Promise<void>;
  private again = false;
  private closed = false;

  constructor(private readonly options: RelayOptions) {}

  async start(): Promise<void> {
    if (this.options.listenUrl) await this.listen();
    this.poller = setInterval(() => this.kick(), this.options.pollMs);
    this.pruner = setInterval(() => void this.prune(), 10 * 60_000);
    this.pruner.unref();
    await this.prune();
    this.kick();
  }

  /**
   * LISTENs on a connection of its own. A lost one (a PostgreSQL restart) only costs latency while it
   * is away (polling goes on), and is replaced with growing pauses; once listening again, a pass
   * picks up what was committed meanwhile.
   */
  private async listen(): Promise<void> {
    const { listenUrl, logger } = this.options;
    const listener = new pg.Client({ connectionString: listenUrl, application_name: 'trackr-relay' });
    this.listener = listener;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost || this.closed) return;
      lost = true;
      logger.warn({ err: error }, 'outbox LISTEN connection lost; polling until it is back');
      void listener.end().catch(() => {});
      this.relisten = setTimeout(() => void this.listen(), this.relistenMs);
      this.relistenMs = Math.min(this.relistenMs * 2, MAX_RELISTEN_MS);
    };
    listener.on('notification', () => this.kick());
    listener.on('error', onLost);
    listener.on('end', () => onLost());
    try {
      await listener.connect();
      await listener.query('LISTEN trackr_outbox');
    } catch (error) {
      onLost(error as Error);
      return;
    }
    this.relistenMs = FIRST_RELISTEN_MS;
    this.kick();
  }

  /** Asks for a pass; passes never overlap, and one asked for during a pass runs right after it. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain().finally(() => {
      this.running = undefined;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Passes until there is nothing left to number or publish (or another replica holds the lock). */
  private async drain(): Promise<void> {
    try {
      while (!this.closed && (await this.pass())) {
        /* more work */
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'outbox relay pass failed; retrying on the next poll');
    }
  }

  /** One pass; true when it did something (so another may be due). */
  private async pass(): Promise<boolean> {
    const client = await this.options.pool.connect();
    // A checked-out client has lost the pool's 'error' listener: without one of its own, PostgreSQL
    // ending the connection during a pass (a restart) is an unhandled 'error' that ends the process.
    let broken: Error | undefined;
    const onConnectionError = (error: Error) => (broken = error);
    client.on('error', onConnectionError);
    try {
      await client.query('BEGIN');
      const { rows: lock } = await client.query<{ held: boolean }>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS held', [RELAY_LOCK]);
      if (!lock[0].held) {
        await client.query('ROLLBACK');
        return false;
      }
      const { rows } = await client.query<Parameters<typeof toPublished>[0] & { id: string }>(
        `SELECT id, ${EVENT_COLUMNS} FROM outbox_events o WHERE published_at IS NULL AND o.seq IS NOT NULL ORDER BY o.seq LIMIT ${BATCH}`,
      );
      if (rows.length) {
        const events: PublishedEvent[] = rows.map(({ id: _id, ...row }) => toPublished(row));
        await this.options.bus.publish(events);
        await client.query('UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::bigint[])', [rows.map((r) => r.id)]);
      }
      // nextval over the rows already in insertion order (a LIMITed subquery is not flattened).
      const numbered = await client.query(
        `UPDATE outbox_events o SET seq = n.seq
           FROM (SELECT id, nextval('outbox_event_seq') AS seq
                   FROM (SELECT id FROM outbox_events WHERE seq IS NULL ORDER BY id LIMIT ${BATCH}) oldest) n
          WHERE o.id = n.id`,
      );
      await client.query('COMMIT');
      return rows.length > 0 || (numbered.rowCount ?? 0) > 0;
    } catch (error) {
      if (!broken) await client.query('ROLLBACK').catch(() => {});
      throw error;
    } finally {
      client.removeListener('error', onConnectionError);
      // A broken connection is discarded rather than handed to the next pass.
      client.release(broken);
    }
  }

  /** Deletes published rows older than the retention window: replay reaches back that far. */
  async prune(): Promise<void> {
    try {
      await this.options.pool.query(`DELETE FROM outbox_events WHERE published_at < now() - make_interval(hours => $1)`, [
        this.options.retentionHours,
      ]);
    } catch (error) {
      this.options.logger.warn({ err: error }, 'outbox prune failed');
    }
  }

  /** Stops waking up; waits for a pass in progress. */
  async close(): Promise<void> {
    this.closed = true;
    clearInterval(this.poller);
    clearInterval(this.pruner);
    clearTimeout(this.relisten);
    await this.running;
    await this.listener?.end().catch(() => {});
  }
}
