// Who is calling. The token is read in one place so that other transports (subscription
// connection params) can reuse it.
import type { PrismaClient } from '../db/client.js';
import { UnauthenticatedError } from '../domain/errors.js';
import type { TokenService } from './tokens.js';

export type Viewer = { id: string; sessionId: string };

/** The token from an `Authorization: Bearer …` value; undefined when there is none. */
export function bearerToken(authorization: string | null | undefined): string | undefined {
  if (!authorization) return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!match) throw new UnauthenticatedError('The Authorization header must be "Bearer <token>"');
  return match[1];
}

/**
 * The viewer for a token, or null without one. Refused (UnauthenticatedError) when the user is
 * deactivated, the token predates the user's token version (password change, log out
 * everywhere), or its session was logged out.
 */
export async function resolveViewer(
  token: string | undefined,
  tokens: TokenService,
  prisma: PrismaClient,
): Promise<Viewer | null> {
  if (!token) return null;
  const claims = await tokens.verify(token);
  // One flat lookup: the live session of an active user whose token version still matches.
  const session = await prisma.refreshSession.findFirst({
    where: { id: claims.sessionId, userId: claims.userId, revokedAt: null, user: { isActive: true, tokenVersion: claims.tokenVersion } },
    select: { id: true },
  });
  if (!session) throw new UnauthenticatedError('The access token has been revoked');
  return { id: claims.userId, sessionId: claims.sessionId };
}
