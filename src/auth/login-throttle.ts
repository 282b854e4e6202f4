// Login abuse limits: failed attempts per account from one address, failed attempts per account
// from all addresses together (looser), and all attempts per client address. A blocked attempt is
// refused before any password work, so throttling also caps bcrypt load. An attempt counts as a
// failure until its password proves right.
//
// Why two account limits: one strict per-account limit would let any stranger lock the owner out
// for good, by failing a few times per window. Keyed by (account, address), a stranger only locks
// themselves out; the looser account-wide limit still caps guessing spread over many addresses, and
// reaching it takes that many failures per window from at least (wide / narrow) addresses.
import type { Config } from '../config.js';
import { RateLimitedError } from '../domain/errors.js';
import type { RateLimiter } from './rate-limit.js';

export class LoginThrottle {
  constructor(
    /** The one counter mechanism (memory or Redis); the query-cost budget counts with it too. */
    readonly limiter: RateLimiter,
    private readonly limits: Config['loginLimits'],
  ) {}

  /**
   * Counts an attempt from `ip` and, before any password check, one failure against the account
   * (given back by `succeeded`); RateLimitedError if either is over its limit. Counting first, in
   * one atomic step, is what stops a burst of concurrent guesses from all seeing a count below it.
   */
  async admit(email: string, ip: string): Promise<void> {
    await this.admitAddress('login', ip);
    const fromHere = await this.limiter.hit(accountFromAddress(email, ip), this.limits.perAccount);
    if (fromHere.count > this.limits.perAccount.max) throw new RateLimitedError(fromHere.retryAfterSeconds);
    const fromAnywhere = await this.limiter.hit(`login:account:${email}`, this.limits.perAccountAllAddresses);
    if (fromAnywhere.count > this.limits.perAccountAllAddresses.max) throw new RateLimitedError(fromAnywhere.retryAfterSeconds);
  }

  /** Counts a sign-up from `ip` (each costs a bcrypt hash) against the same per-address limit. */
  async admitSignUp(ip: string): Promise<void> {
    await this.admitAddress('signup', ip);
  }

  private async admitAddress(kind: 'login' | 'signup', ip: string): Promise<void> {
    const byIp = await this.limiter.hit(`${kind}:ip:${ip}`, this.limits.perIp);
    if (byIp.count > this.limits.perIp.max) throw new RateLimitedError(byIp.retryAfterSeconds);
  }

  /**
   * Counts a lookup of an account by email (adding a member by email, signing up, changing one's
   * email) against `caller` (a user id, or the address when anonymous): such answers tell whether an
   * account exists, so they are rationed to make testing thousands of addresses impractical.
   */
  async admitEmailLookup(caller: string): Promise<void> {
    const state = await this.limiter.hit(`email-lookup:${caller}`, this.limits.emailLookups);
    if (state.count > this.limits.emailLookups.max) {
      throw new RateLimitedError(state.retryAfterSeconds, `Too many lookups by email; retry in ${state.retryAfterSeconds} s`);
    }
  }

  /**
   * The password was right: the failures counted against the account from this address no longer
   * stand. The account-wide count stays (it runs out with its window): the owner logging in must
   * not hand a distributed guesser a fresh budget.
   */
  async succeeded(email: string, ip: string): Promise<void> {
    await this.limiter.reset(accountFromAddress(email, ip));
  }
}

const accountFromAddress = (email: string, ip: string) => `login:account:${email}:ip:${ip}`;
