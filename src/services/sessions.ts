// Login sessions: an opaque refresh token (only its sha256 is stored) per session, rotated on every
// use. All rotations of one login share a family; presenting an already-rotated token means it was
// stolen or replayed, so the whole family is revoked.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { IssuedToken, TokenService } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { User } from '../generated/prisma/client.js';
import type { Db } from './db.js';

export type ClientInfo = { ip: string; userAgent?: string };
export type SessionDeps = { tokens: TokenService; config: Pick<Config, 'refreshTokenTtlDays'> };
export type Session = { user: User; sessionId: string; accessToken: IssuedToken; refreshToken: IssuedToken };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** Opens a new session (a new family) for `user` and issues its first tokens. */
export async function startSession(db: Db, deps: SessionDeps, user: User, client: ClientInfo, familyId: string = randomUUID()): Promise<Session> {
  const refresh = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + deps.config.refreshTokenTtlDays * 86_400_000);
  const row = await db.refreshSession.create({
    data: {
      userId: user.id,
      familyId,
      tokenHash: hashToken(refresh),
      expiresAt,
      ip: client.ip.slice(0, 64),
      userAgent: client.userAgent?.slice(0, 512),
    },
  });
  const accessToken = await deps.tokens.issue({ userId: user.id, tokenVersion: user.tokenVersion, sessionId: row.id });
  return { user, sessionId: row.id, accessToken, refreshToken: { token: refresh, expiresAt } };
}

/**
 * Exchanges a refresh token for new tokens. UnauthenticatedError if it is unknown, expired or
 * revoked, if the user is inactive, or if it was already used (which revokes its whole family).
 */
export async function rotateSession(prisma: PrismaClient, deps: SessionDeps, refreshToken: string, client: ClientInfo): Promise<Session> {
  const current = await prisma.refreshSession.findUnique({ where: { tokenHash: hashToken(refreshToken) }, include: { user: true } });
  if (!current || current.revokedAt || current.expiresAt <= new Date() || !current.user.isActive) {
    throw new UnauthenticatedError('The refresh token is invalid or has expired; log in again');
  }
  const reused = async () => {
    await revokeFamily(prisma, current.familyId);
    return new UnauthenticatedError('This refresh token was already used; the session has been revoked for safety. Log in again');
  };
  if (current.rotatedAt) throw await reused();
  const next = await prisma.$transaction(async (tx) => {
    // Conditional on still being unrotated, so two concurrent uses cannot both succeed.
    const claimed = await tx.refreshSession.updateMany({ where: { id: current.id, rotatedAt: null }, data: { rotatedAt: new Date(), lastUsedAt: new Date() } });
    if (claimed.count === 0) return null;
    return startSession(tx, deps, current.user, client, current.familyId);
  });
  if (!next) throw await reused();
  return next;
}

/** Ends the session `sessionId` belongs to: every rotation of that login. */
export async function endSession(db: Db, userId: string, sessionId: string): Promise<void> {
  const session = await db.refreshSession.findFirst({ where: { id: sessionId, userId }, select: { familyId: true } });
  if (session) await revokeFamily(db, session.familyId);
}

async function revokeFamily(db: Db, familyId: string): Promise<void> {
  await db.refreshSession.updateMany({ where: { familyId, revokedAt: null }, data: { revokedAt: new Date() } });
}

/** Ends every session of the user. */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await db.refreshSession.updateMany({ where: { userId, revokedAt: null }, data: { revokedAt: new Date() } });
}
