// Login sessions: an opaque refresh token (only its sha256 is stored) per session, rotated on every
// use. All rotations of one login share a family; presenting an already-rotated token means it was
// stolen or replayed, so the whole family is revoked.
import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Config } from '../config.js';
import type { IssuedToken, TokenService } from '../auth/tokens.js';
import type { PrismaClient } from '../db/client.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { Prisma, User } from '../generated/prisma/client.js';
import type { Db } from './db.js';

export type ClientInfo = { ip: string; userAgent?: string };
export type SessionDeps = { tokens: TokenService; config: Pick<Config, 'refreshTokenTtlDays'> };
export type Session = { user: User; sessionId: string; accessToken: IssuedToken; refreshToken: IssuedToken };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** What a session is opened for: the user, the client asking, and (for a rotation) the login it continues. */
export type SessionStart = { user: User; client: ClientInfo; familyId?: string };

/** Opens a new session (a new family unless `familyId` continues one) for `user` and issues its first tokens. */
export async function startSession(db: Db, deps: SessionDeps, { user, client, familyId = randomUUID() }: SessionStart): Promise<Session> {
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
export async function rotateSession(
  { prisma, ...deps }: SessionDeps & { prisma: PrismaClient },
  refreshToken: string,
  client: ClientInfo,
): Promise<Session> {
  const current = await prisma.refreshSession.findUnique({ where: { tokenHash: hashToken(refreshToken) }, include: { user: true } });
  const invalid = () => new UnauthenticatedError('The refresh token is invalid or has expired; log in again');
  if (!current || current.revokedAt || current.expiresAt <= new Date() || !current.user.isActive) throw invalid();
  const reused = async () => {
    await revokeFamily(prisma, current.userId, current.familyId);
    return new UnauthenticatedError('This refresh token was already used; the session has been revoked for safety. Log in again');
  };
  if (current.rotatedAt) throw await reused();
  const next = await prisma.$transaction(async (tx) => {
    // Shared with other rotations, exclusive to revocations: a logout that ran first has revoked
    // this row before the claim below reads it, and one that runs next sees the new row.
    await lockUser(tx, current.userId, 'FOR SHARE');
    // Conditional on still being live and unrotated, so neither a concurrent use nor a logout
    // that committed since the read above can be overtaken.
    const now = new Date();
    const claimed = await tx.refreshSession.updateMany({
      where: { id: current.id, rotatedAt: null, revokedAt: null, expiresAt: { gt: now } },
      data: { rotatedAt: now, lastUsedAt: now },
    });
    if (claimed.count === 1) return startSession(tx, deps, { user: current.user, client, familyId: current.familyId });
    const row = await tx.refreshSession.findUnique({ where: { id: current.id }, select: { revokedAt: true, rotatedAt: true } });
    return row?.rotatedAt && !row.revokedAt ? 'reused' : 'invalid';
  });
  if (next === 'reused') throw await reused();
  if (next === 'invalid') throw invalid();
  return next;
}

/** Ends the session `sessionId` belongs to: every rotation of that login, including one being made right now. */
export async function endSession(db: Db, userId: string, sessionId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockUser(tx, userId, 'FOR NO KEY UPDATE');
    const session = await tx.refreshSession.findFirst({ where: { id: sessionId, userId }, select: { familyId: true } });
    if (session) await revokeSessions(tx, { familyId: session.familyId });
  });
}

async function revokeFamily(db: Db, userId: string, familyId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockUser(tx, userId, 'FOR NO KEY UPDATE');
    await revokeSessions(tx, { familyId });
  });
}

/** Ends every session of the user, including one being rotated right now. */
export async function endAllSessions(db: Db, userId: string): Promise<void> {
  await db.$transaction(async (tx) => {
    await lockUser(tx, userId, 'FOR NO KEY UPDATE');
    await revokeSessions(tx, { userId });
  });
}

/**
 * Sessions are revoked under the user's row lock, taken exclusively, and rotated under the same
 * lock shared: a revocation waits for a rotation in flight to commit, then (in a statement that
 * starts after it) sees the session that rotation created.
 */
async function lockUser(tx: Prisma.TransactionClient, userId: string, mode: 'FOR SHARE' | 'FOR NO KEY UPDATE'): Promise<void> {
  if (mode === 'FOR SHARE') await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR SHARE`;
  else await tx.$executeRaw`SELECT 1 FROM users WHERE id = ${userId}::uuid FOR NO KEY UPDATE`;
}

async function revokeSessions(tx: Prisma.TransactionClient, where: { userId?: string; familyId?: string }): Promise<void> {
  await tx.refreshSession.updateMany({ where: { ...where, revokedAt: null }, data: { revokedAt: new Date() } });
}
