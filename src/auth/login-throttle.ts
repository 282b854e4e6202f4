// Login abuse limits: failed attempts per account and all attempts per client address. A blocked
// attempt is refused before any password work, so throttling also caps bcrypt load.
import type { Config } from '../config.js';
import { RateLimitedError } from '../domain/errors.js';
import type { RateLimiter } from './rate-limit.js';

export class LoginThrottle {
  constructor(
    private readonly limiter: RateLimiter,
    private readonly limits: Config['loginLimits'],
  ) {}

  /** Counts an attempt from `ip`; RateLimitedError if the address or the account is over its limit. */
  async admit(email: string, ip: string): Promise<void> {
    await this.admitAddress('login', ip);
    const byAccount = await this.limiter.peek(`login:account:${email}`);
    if (byAccount.count >= this.limits.perAccount.max) throw new RateLimitedError(byAccount.retryAfterSeconds);
  }

  /** Counts a sign-up from `ip` (each costs a bcrypt hash) against the same per-address limit. */
  async admitSignUp(ip: string): Promise<void> {
    await this.admitAddress('signup', ip);
  }

  private async admitAddress(kind: 'login' | 'signup', ip: string): Promise<void> {
    const byIp = await this.limiter.hit(`${kind}:ip:${ip}`, this.limits.perIp);
    if (byIp.count > this.limits.perIp.max) throw new RateLimitedError(byIp.retryAfterSeconds);
  }

  async failed(email: string): Promise<void> {
    await this.limiter.hit(`login:account:${email}`, this.limits.perAccount);
  }

  async succeeded(email: string): Promise<void> {
    await this.limiter.reset(`login:account:${email}`);
  }
}
