// The live-session state on its own: what it answers from memory, and the guards that keep a stale
// "live" out of it (generation, time to live, disconnection).
import { describe, expect, it } from 'vitest';
import { cachedSessionCheck, SessionState } from '../../src/auth/session-state.js';
import type { AccessClaims } from '../../src/auth/tokens.js';
import type { UserId } from '../../src/domain/ids.js';

const claims = (sessionId: string, userId = 'u1', tokenVersion = 0): AccessClaims => ({
  sessionId,
  userId: userId as UserId,
  tokenVersion,
});

function connectedState(maxEntries = 10, ttlMs = 60_000) {
  let now = 1_000;
  const state = new SessionState({ maxEntries, ttlMs, now: () => now });
  state.connect();
  return { state, advance: (ms: number) => (now += ms) };
}

/** A database double that counts its checks and answers from `live`. */
function database(live: Set<string>) {
  const calls: string[] = [];
  return {
    calls,
    check: (c: AccessClaims) => {
      calls.push(c.sessionId);
      return Promise.resolve(live.has(c.sessionId));
    },
  };
}

describe('SessionState', () => {
  it('answers a session from memory once the database has found it live', async () => {
    const { state } = connectedState();
    const db = database(new Set(['s1']));
    const check = cachedSessionCheck(state, db.check);
    expect(await check(claims('s1'))).toBe(true);
    expect(await check(claims('s1'))).toBe(true);
    expect(await check(claims('s1'))).toBe(true);
    expect(db.calls).toEqual(['s1']);
  });

  it('never remembers a refusal', async () => {
    const { state } = connectedState();
    const db = database(new Set());
    const check = cachedSessionCheck(state, db.check);
    expect(await check(claims('s1'))).toBe(false);
    expect(await check(claims('s1'))).toBe(false);
    expect(db.calls).toEqual(['s1', 's1']);
  });

  it('asks the database for another user or token version on a remembered session', async () => {
    const { state } = connectedState();
    state.remember(claims('s1', 'u1', 0), state.generation);
    expect(state.isKnownLive(claims('s1', 'u1', 0))).toBe(true);
    expect(state.isKnownLive(claims('s1', 'u2', 0))).toBe(false);
    expect(state.isKnownLive(claims('s1', 'u1', 1))).toBe(false);
  });

  it('forgets a revoked session, and every session of a revoked user', () => {
    const { state } = connectedState();
    for (const [s, u] of [
      ['a', 'u1'],
      ['b', 'u1'],
      ['c', 'u2'],
    ])
      state.remember(claims(s, u), state.generation);
    state.revokeSession('a');
    expect(state.isKnownLive(claims('a', 'u1'))).toBe(false);
    expect(state.isKnownLive(claims('b', 'u1'))).toBe(true);
    state.revokeUser('u1');
    expect(state.isKnownLive(claims('b', 'u1'))).toBe(false);
    expect(state.isKnownLive(claims('c', 'u2'))).toBe(true);
  });

  it('does not let a check that started before a revocation re-insert the session after it', async () => {
    const { state } = connectedState();
    let answer!: (live: boolean) => void;
    // The database read the session while it was still live; the revocation commits (and its
    // notification is applied) before that answer comes back.
    const check = cachedSessionCheck(state, () => new Promise<boolean>((resolve) => (answer = resolve)));
    const pending = check(claims('s1'));
    state.revokeSession('s1');
    answer(true);
    expect(await pending).toBe(true);
    expect(state.isKnownLive(claims('s1'))).toBe(false);
    expect(state.size).toBe(0);
  });

  it('does the same for a revocation of the whole user', async () => {
    const { state } = connectedState();
    let answer!: (live: boolean) => void;
    const check = cachedSessionCheck(state, () => new Promise<boolean>((resolve) => (answer = resolve)));
    const pending = check(claims('s1', 'u1'));
    state.revokeUser('u1');
    answer(true);
    await pending;
    expect(state.isKnownLive(claims('s1', 'u1'))).toBe(false);
  });

  it('answers nothing from memory while disconnected, and forgets everything on a disconnect and a reconnect', async () => {
    const { state } = connectedState();
    const db = database(new Set(['s1']));
    const check = cachedSessionCheck(state, db.check);
    await check(claims('s1'));
    state.disconnect();
    expect(state.isKnownLive(claims('s1'))).toBe(false);
    await check(claims('s1'));
    await check(claims('s1'));
    expect(db.calls).toEqual(['s1', 's1', 's1']);
    expect(state.size).toBe(0);

    // A check that started while disconnected and ends after the reconnect is not remembered:
    // the revocations it could have missed were not being listened to.
    let answer!: (live: boolean) => void;
    const slow = cachedSessionCheck(state, () => new Promise<boolean>((resolve) => (answer = resolve)));
    const pending = slow(claims('s2'));
    state.connect();
    answer(true);
    await pending;
    expect(state.isKnownLive(claims('s2'))).toBe(false);
    await check(claims('s1'));
    expect(state.isKnownLive(claims('s1'))).toBe(true);
    state.connect();
    expect(state.isKnownLive(claims('s1'))).toBe(false);
  });

  it('asks the database again once an entry is older than its time to live', () => {
    const { state, advance } = connectedState(10, 1000);
    state.remember(claims('s1'), state.generation);
    advance(999);
    expect(state.isKnownLive(claims('s1'))).toBe(true);
    advance(1);
    expect(state.isKnownLive(claims('s1'))).toBe(false);
    expect(state.size).toBe(0);
  });

  it('keeps at most maxEntries sessions, dropping the least recently used', () => {
    const { state } = connectedState(3);
    for (const s of ['a', 'b', 'c']) state.remember(claims(s), state.generation);
    expect(state.isKnownLive(claims('a'))).toBe(true); // a is now the most recently used
    state.remember(claims('d'), state.generation);
    expect(state.size).toBe(3);
    expect(state.isKnownLive(claims('b'))).toBe(false);
    for (const s of ['a', 'c', 'd']) expect(state.isKnownLive(claims(s))).toBe(true);
    // An evicted session's user index goes too: revoking its user later finds nothing stale.
    state.revokeUser('u1');
    expect(state.size).toBe(0);
  });

  it('remembers nothing with maxEntries 0', () => {
    const { state } = connectedState(0);
    state.remember(claims('a'), state.generation);
    expect(state.isKnownLive(claims('a'))).toBe(false);
  });
});
