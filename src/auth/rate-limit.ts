// Fixed-window counters: login attempts, email lookups and query-cost budgets. In memory for one
// process; in Redis when REDIS_URL is set, so that every replica sees the same counts.
import { Redis } from 'ioredis';

export type Limit = { max: number; windowSeconds: number };
export type LimitState = { count: number; retryAfterSeconds: number };

export interface RateLimiter {
  /**
   * Adds `amount` (one attempt by default, or a query's cost) to `key`'s window and returns the new
   * state, atomically: decide on the count this returns, never on a separate read, or concurrent
   * callers all see the same old count.
   */
  hit(key: string, limit: Limit, amount?: number): Promise<LimitState>;
  reset(key: string): Promise<void>;
  close(): Promise<void>;
}

export class MemoryRateLimiter implements RateLimiter {
  private readonly windows = new Map<string, { count: number; resetAt: number }>();
  private readonly sweeper = setInterval(() => this.sweep(), 60_000).unref();

  async hit(key: string, limit: Limit, amount = 1): Promise<LimitState> {
    const window = this.live(key) ?? { count: 0, resetAt: Date.now() + limit.windowSeconds * 1000 };
    window.count += amount;
    this.windows.set(key, window);
    return { count: window.count, retryAfterSeconds: secondsUntil(window.resetAt) };
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  async close(): Promise<void> {
    clearInterval(this.sweeper);
  }

  private live(key: string) {
    const window = this.windows.get(key);
    return window && window.resetAt > Date.now() ? window : undefined;
  }

  private sweep() {
    const now = Date.now();
    for (const [key, window] of this.windows) if (window.resetAt <= now) this.windows.delete(key);
  }
}

export class RedisRateLimiter implements RateLimiter {
  private readonly redis: Redis;
  constructor(
    url: string,
    private readonly prefix = 'trackr:rl:',
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    // While Redis is away each command fails and its caller decides (the login throttle refuses,
    // the cost budget lets through); the connection's own error events are no news on top of that.
    this.redis.on('error', () => undefined);
  }

  async hit(key: string, limit: Limit, amount = 1): Promise<LimitState> {
    const k = this.prefix + key;
    // NX: the window starts with the first attempt and is not extended by later ones.
    const [count, , ttl] = await this.redis
      .multi()
      .incrby(k, amount)
      .pexpire(k, limit.windowSeconds * 1000, 'NX')
      .pttl(k)
      .exec()
      .then(results);
    return { count: Number(count), retryAfterSeconds: Math.max(1, Math.ceil(ttl / 1000)) };
  }

  async reset(key: string): Promise<void> {
    await this.redis.del(this.prefix + key);
  }

  async close(): Promise<void> {
    await this.redis.quit();
  }
}

function results(replies: [Error | null, unknown][] | null): [unknown, unknown, number] {
  if (!replies) throw new Error('Redis transaction was aborted');
  const failed = replies.find(([error]) => error);
  if (failed?.[0]) throw failed[0];
  const values = replies.map(([, value]) => value);
  return [values[0], values[1], Number(values[values.length - 1])];
}

const secondsUntil = (at: number) => Math.max(1, Math.ceil((at - Date.now()) / 1000));

/** Counters in Redis when `redisUrl` is given (keys under `prefix`), in this process' memory otherwise. */
export function createRateLimiter(redisUrl: string | undefined, prefix?: string): RateLimiter {
  return redisUrl ? new RedisRateLimiter(redisUrl, prefix) : new MemoryRateLimiter();
}
