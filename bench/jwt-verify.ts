// Measures access-token verification with each kind of key jose accepts (same process, same token).
// usage: npx tsx bench/jwt-verify.ts
import { TokenService } from '../src/auth/tokens.js';
import { createSecretKey } from 'node:crypto';
import { jwtVerify } from 'jose';
const opts = { secret: new TextEncoder().encode('x'.repeat(48)), issuer: 'trackr', audience: 'trackr-api', accessTtlSeconds: 1800 };
const svc = new TokenService(opts);
const { token } = await svc.issue({ userId: '00000000-0000-4000-8000-000000000000', tokenVersion: 0, sessionId: '00000000-0000-4000-8000-000000000001' });
const ko = createSecretKey(opts.secret);
for (const [name, fn] of [['service (CryptoKey)', () => svc.verify(token)], ['KeyObject', () => jwtVerify(token, ko, { algorithms: ['HS256'] })], ['raw bytes', () => jwtVerify(token, opts.secret, { algorithms: ['HS256'] })]] as const) {
  for (let i = 0; i < 2000; i++) await fn();
  const t = performance.now(); const n = 20000; for (let i = 0; i < n; i++) await fn();
  console.log(name, ((performance.now() - t) * 1000 / n).toFixed(1), 'µs/verify');
}
