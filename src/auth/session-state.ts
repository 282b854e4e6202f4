// The sessions this process knows to be live, so that an authenticated request needs no database
// round trip to learn that its session was not ended. Only as good as the revocation stream that
// feeds it (src/events/revocations.ts): while the stream is not connected it remembers nothing and
// every check goes to the database, as without it.
//
// Two guards make a stale "live" impossible to keep:
// - a revocation (or a change of connection) bumps the generation, and a database answer is
//   remembered only if the generation has not moved since the check started: a check that read
//   the session before a revocation committed cannot re-insert it after the revocation's eviction;
// - every entry is re-checked against the database after `ttlMs` anyway (a bound on any mistake).
import type { AccessClaims } from './tokens.js';
import type { SessionCheck } from './viewer.js';

export type SessionStateOptions = {
  /** Sessions remembered at most; the least recently used goes first (0: remember none). */
  maxEntries: number;
  /** How long a remembered session is trusted before the database is asked again. */
  ttlMs: number;
  now?: () => number;
};

type Entry = { userId: string; tokenVersion: number; checkedAt: number };

export class SessionState {
  /** Map iteration order is insertion order: re-inserting on use makes the first key the least recently used. */
  private readonly entries = new Map<string, Entry>();
  private readonly byUser = new Map<string, Set<string>>();
  private epoch = 0;
  private connected = false;
  private readonly now: () => number;

  constructor(private readonly options: SessionStateOptions) {
    this.now = options.now ?? Date.now;
  }

  /** Whether the revocation stream is connected, i.e. whether anything is answered from memory. */
  get isConnected(): boolean {
    return this.connected;
  }

  /** Moves on every revocation and connection change; see remember. */
  get generation(): number {
    return this.epoch;
  }

  get size(): number {
    return this.entries.size;
  }

  /** True when the session is known live for these claims; false means "ask the database", not "revoked". */
  isKnownLive(claims: AccessClaims): boolean {
    if (!this.connected) return false;
    const entry = this.entries.get(claims.sessionId);
    if (!entry) return false;
    if (this.now() - entry.checkedAt >= this.options.ttlMs) {
      this.forget(claims.sessionId, entry.userId);
      return false;
    }
    if (entry.userId !== claims.userId || entry.tokenVersion !== claims.tokenVersion) return false;
    this.entries.delete(claims.sessionId);
    this.entries.set(claims.sessionId, entry);
    return true;
  }

  /**
   * Records that the database found the session live, by a check that started at `generation`.
   * Ignored if anything was revoked (or the stream dropped or reconnected) since: that check may
   * have read the session before the revocation committed.
   */
  remember(claims: AccessClaims, generation: number): void {
    if (!this.connected || generation !== this.epoch || this.options.maxEntries <= 0) return;
    const previous = this.entries.get(claims.sessionId);
    if (previous) this.forget(claims.sessionId, previous.userId);
    this.entries.set(claims.sessionId, { userId: claims.userId, tokenVersion: claims.tokenVersion, checkedAt: this.now() });
    let sessions = this.byUser.get(claims.userId);
    if (!sessions) this.byUser.set(claims.userId, (sessions = new Set()));
    sessions.add(claims.sessionId);
    while (this.entries.size > this.options.maxEntries) {
      const [oldest, entry] = this.entries.entries().next().value!;
      this.forget(oldest, entry.userId);
    }
  }

  /** One session ended (log out). */
  revokeSession(sessionId: string): void {
    this.epoch += 1;
    const entry = this.entries.get(sessionId);
    if (entry) this.forget(sessionId, entry.userId);
  }

  /** Every session of a user ended (log out everywhere, password change, deactivation). */
  revokeUser(userId: string): void {
    this.epoch += 1;
    for (const sessionId of this.byUser.get(userId) ?? []) this.entries.delete(sessionId);
    this.byUser.delete(userId);
  }

  /**
   * The stream is listening: revocations committed from now on will arrive. Whatever was missed
   * before is not in memory (the state is flushed), so the database answers it.
   */
  connect(): void {
    this.flush();
    this.connected = true;
  }

  /** The stream is down: revocations may be missed, so forget everything and ask the database. */
  disconnect(): void {
    this.connected = false;
    this.flush();
  }

  private flush(): void {
    this.epoch += 1;
    this.entries.clear();
    this.byUser.clear();
  }

  private forget(sessionId: string, userId: string): void {
    this.entries.delete(sessionId);
    const sessions = this.byUser.get(userId);
    sessions?.delete(sessionId);
    if (sessions?.size === 0) this.byUser.delete(userId);
  }
}

/** `check` (the database) behind the state: a known-live session is answered from memory. */
export function cachedSessionCheck(state: SessionState, check: SessionCheck): SessionCheck {
  return async (claims) => {
    if (state.isKnownLive(claims)) return true;
    const generation = state.generation;
    const live = await check(claims);
    if (live) state.remember(claims, generation);
    return live;
  };
}
