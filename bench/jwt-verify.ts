// Measures access-token verification with each kind of key jose accepts (same process), and
// TokenService both for a token it has not seen and for one it has verified before.
// usage: npx tsx bench/jwt-verify.ts
import { TokenService } from '../src/auth/tokens.js';
import { createSecretKey, randomUUID } from 'node:crypto';
import { jwtVerify } from 'jose';
const opts = { secret: new TextEncoder().encode('x'.repeat(48)), issuer: 'trackr', audience: 'trackr-api', accessTtlSeconds: 1800 };
const svc = new TokenService(opts);
const issue = async () => (await svc.issue({ userId: randomUUID(), tokenVersion: 0, sessionId: randomUUID() })).token;
const { token } = await svc.issue({
  userId: '00000000-0000-4000-8000-000000000000',
  tokenVersion: 0,
  sessionId: '00000000-0000-4000-8000-000000000001',
});
const n = 5000;
// Fresh tokens for the first-sight case (fewer than the service remembers, so none is evicted).
const fresh = await Promise.all(Array.from({ length: 2 * n }, issue));
let next = 0;
const ko = createSecretKey(opts.secret);
const cases = [
  ['TokenService, token not seen before', () => svc.verify(fresh[next++])],
  ['TokenService, token verified before', () => svc.verify(token)],
  ['jose + KeyObject', () => jwtVerify(token, ko, { algorithms: ['HS256'] })],
  ['jose + raw bytes', () => jwtVerify(token, opts.secret, { algorithms: ['HS256'] })],
] as const;
for (const [name, fn] of cases) {
  for (let i = 0; i < n; i++) await fn();
  const t = performance.now();
  for (let i = 0; i < n; i++) await fn();
  console.log(name.padEnd(38), (((performance.now() - t) * 1000) / n).toFixed(1), 'µs/verify');
}
