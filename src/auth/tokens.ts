// Access tokens: HS256 JWTs (jose) with the algorithm, issuer and audience pinned and every claim
// we rely on required. `ver` is the user's token version (bumping it revokes every older token);
// `sid` is the login session (revoking it ends that session's tokens at once).
import { randomUUID, webcrypto } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import type { Config } from '../config.js';
import { UnauthenticatedError } from '../domain/errors.js';
import { idOf, isUuid, type UserId } from '../domain/ids.js';

const ALGORITHM = 'HS256';

export type AccessClaims = { userId: UserId; tokenVersion: number; sessionId: string };
/** What a new token says: the user (a row's id), their token version and the session. */
export type NewClaims = Omit<AccessClaims, 'userId'> & { userId: string };
/** How many verified tokens are remembered; the oldest is forgotten first. */
export const VERIFIED_TOKEN_CACHE_SIZE = 10_000;
export type IssuedToken = { token: string; expiresAt: Date };

export class TokenService {
  // jose works on WebCrypto keys; importing ours once (rather than handing it raw bytes or a
  // KeyObject, which it converts on every call) halves the cost of each verification.
  private readonly key: Promise<webcrypto.CryptoKey>;
  // A client sends the same token for its whole life, so each token's signature is checked once.
  // Only the signature and claims are remembered: expiry is re-checked here, revocation in the
  // database on every request (auth/viewer.ts).
  private readonly verified = new Map<string, { claims: AccessClaims; expiresAtMs: number }>();
  constructor(private readonly options: Config['jwt']) {
    this.key = webcrypto.subtle.importKey('raw', options.secret, { name: 'HMAC', hash: 'SHA-256' }, false, ['sign', 'verify']);
  }

  async issue({ userId, tokenVersion, sessionId }: NewClaims): Promise<IssuedToken> {
    const now = Math.floor(Date.now() / 1000);
    const exp = now + this.options.accessTtlSeconds;
    const token = await new SignJWT({ ver: tokenVersion, sid: sessionId })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(this.options.issuer)
      .setAudience(this.options.audience)
      .setIssuedAt(now)
      .setExpirationTime(exp)
      .setJti(randomUUID())
      .sign(await this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  /** Verifies signature, algorithm, issuer, audience and expiry; throws UnauthenticatedError. */
  async verify(token: string): Promise<AccessClaims> {
    const known = this.verified.get(token);
    if (known && known.expiresAtMs > Date.now()) return known.claims;
    if (known) this.verified.delete(token);
    try {
      const { payload } = await jwtVerify(token, await this.key, {
        algorithms: [ALGORITHM],
        issuer: this.options.issuer,
        audience: this.options.audience,
        requiredClaims: ['sub', 'exp', 'iat', 'jti', 'ver', 'sid'],
      });
      if (typeof payload.ver !== 'number' || !Number.isInteger(payload.ver)) throw new Error('bad ver claim');
      if (!isUuid(payload.sub!) || typeof payload.sid !== 'string' || !isUuid(payload.sid)) throw new Error('bad ids');
      const claims = { userId: idOf<'User'>(payload.sub!), tokenVersion: payload.ver, sessionId: payload.sid };
      if (this.verified.size >= VERIFIED_TOKEN_CACHE_SIZE) this.verified.delete(this.verified.keys().next().value!);
      this.verified.set(token, { claims, expiresAtMs: payload.exp! * 1000 });
      return claims;
    } catch (error) {
      const expired = error instanceof errors.JWTExpired;
      throw new UnauthenticatedError(expired ? 'The access token has expired' : 'The access token is invalid');
    }
  }
}
