// Who is calling. The token is read in one place so that other transports (subscription
// connection params) can reuse it.
import type { Database } from '../db/client.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { UserId } from '../domain/ids.js';
import type { AccessClaims, TokenService } from './tokens.js';

export type Viewer = { id: UserId; sessionId: string };

/** The token from an `Authorization: Bearer …` value; undefined when there is none. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
  return match[1];
}

/** Whether the session a token names is still live for an active user at the token's version. */
export type SessionCheck = (claims: AccessClaims) => Promise<boolean>;

/** What a live session is: not logged out, its user active and at the token's version. */
const LIVE_SESSION = 's.revoked_at IS NULL AND u.is_active';
const LIVE_SESSION_SQL = `SELECT 1 FROM refresh_sessions s JOIN users u ON u.id = s.user_id
  WHERE s.id = $1 AND s.user_id = $2 AND ${LIVE_SESSION} AND u.token_version = $3`;
const LIVE_SESSIONS_SQL = `SELECT s.id::text AS id, s.user_id::text AS user_id, u.token_version FROM refresh_sessions s
  JOIN users u ON u.id = s.user_id WHERE s.id = ANY($1::uuid[]) AND ${LIVE_SESSION}`;

/**
 * The session check for many tokens in one statement (subscriptions re-check every subscriber on
 * every event): for each, whether its session is live, as sessionCheck would answer.
 */
export async function liveSessions(db: Pick<Database, 'pool'>, claims: readonly AccessClaims[]): Promise<boolean[]> {
  const { rows } = await db.pool.query<{ id: string; user_id: string; token_version: number }>(LIVE_SESSIONS_SQL, [
    [...new Set(claims.map((c) => c.sessionId))],
  ]);
  const live = new Map(rows.map((row) => [row.id, row]));
  return claims.map((c) => {
    const row = live.get(c.sessionId);
    return row?.user_id === c.userId && row.token_version === c.tokenVersion;
  });
}

/**
 * The session check in the database, as one plain prepared statement: through Prisma's client the
 * same lookup cost 3-5x the CPU (bench/NOTES.md). Requests reach it only when their process does
 * not already know the session live (src/auth/session-state.ts, src/events/revocations.ts).
 */
export function sessionCheck(db: Pick<Database, 'pool' | 'preparedStatements'>): SessionCheck {
  return async ({ sessionId, userId, tokenVersion }) => {
    const values = [sessionId, userId, tokenVersion];
    const query = db.preparedStatements
      ? { name: 'trackr_live_session', text: LIVE_SESSION_SQL, values }
      : { text: LIVE_SESSION_SQL, values };
    return (await db.pool.query(query)).rowCount === 1;
  };
}

/**
 * The viewer for a token, or null without one. Refused (UnauthenticatedError) when the user is
 * deactivated, the token predates the user's token version (password change, log out
 * everywhere), or its session was logged out.
 */
export async function resolveViewer(token: string | undefined, tokens: TokenService, isLive: SessionCheck): Promise<Viewer | null> {
  if (!token) return null;
  const claims = await tokens.verify(token);
  if (!(await isLive(claims))) throw new UnauthenticatedError('The access token has been revoked');
  return { id: claims.userId, sessionId: claims.sessionId };
}
