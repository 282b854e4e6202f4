// TokenService remembers tokens it has verified; expiry must still hold for a remembered token.
import { randomBytes, randomUUID } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { TokenService } from '../../src/auth/tokens.js';

const service = (accessTtlSeconds: number) =>
  new TokenService({ secret: new Uint8Array(randomBytes(32)), issuer: 'trackr', audience: 'trackr-api', accessTtlSeconds });

describe('TokenService', () => {
  it('refuses a token that expired after it was first verified', async () => {
    const tokens = service(1);
    const claims = { userId: randomUUID(), tokenVersion: 0, sessionId: randomUUID() };
    const { token, expiresAt } = await tokens.issue(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    expect(await tokens.verify(token)).toEqual(claims);
    await new Promise((resolve) => setTimeout(resolve, expiresAt.getTime() - Date.now() + 50));
    await expect(tokens.verify(token)).rejects.toThrow('The access token has expired');
  });

  it('never accepts a token signed with another secret, remembered or not', async () => {
    const { token } = await service(60).issue({ userId: randomUUID(), tokenVersion: 0, sessionId: randomUUID() });
    const other = service(60);
    await expect(other.verify(token)).rejects.toThrow('The access token is invalid');
    await expect(other.verify(token)).rejects.toThrow('The access token is invalid');
  });
});
