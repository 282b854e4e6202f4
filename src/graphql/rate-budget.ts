// Rate budgets: each caller may spend so much query cost per window, whatever mix of requests it
// takes. A logged-in caller is counted per user (on every address and replica), an anonymous one
// per client address. Counted by the same counters as login throttling (memory, or Redis when
// REDIS_URL is set so replicas share budgets).
import { GraphQLError } from 'graphql';
import type { RateLimiter } from '../auth/rate-limit.js';
import type { Config } from '../config.js';
import type { GraphQLContext } from './context.js';

/** The caller's budget key and size; null when budgets are off for it (a size of 0). */
function budgetOf(config: Config['rateBudget'], context: Pick<GraphQLContext, 'viewer' | 'client'>) {
  const [key, max] = context.viewer
    ? [`budget:user:${context.viewer.id}`, config.perUser]
    : [`budget:ip:${context.client.ip}`, config.perAddress];
  return max > 0 ? { key, limit: { max, windowSeconds: config.windowSeconds } } : null;
}

/**
 * Spends `cost` from the caller's budget; a RATE_LIMITED error (HTTP 429 with Retry-After) when the
 * window's spending, this request included, is over it. A refused request still counts: a client
 * that keeps hammering stays refused until the window ends. When the counters cannot be reached
 * the request goes ahead (logged): budgets protect the service, they must not stop it.
 */
export async function spendBudget(
  limiter: RateLimiter,
  config: Config['rateBudget'],
  context: Pick<GraphQLContext, 'viewer' | 'client' | 'logger'>,
  cost: number,
): Promise<GraphQLError | null> {
  const budget = budgetOf(config, context);
  if (!budget) return null;
  let state;
  try {
    state = await limiter.hit(budget.key, budget.limit, Math.max(1, Math.ceil(cost)));
  } catch (error) {
    // Budgets fail open: Redis being away must not take every request down with it.
    context.logger.warn({ err: error }, 'rate budget unavailable; request let through');
    return null;
  }
  if (state.count <= budget.limit.max) return null;
  return new GraphQLError(
    `Rate budget exceeded: ${budget.limit.max} cost units per ${budget.limit.windowSeconds} s; retry in ${state.retryAfterSeconds} s`,
    {
      extensions: {
        code: 'RATE_LIMITED',
        retryAfterSeconds: state.retryAfterSeconds,
        http: { status: 429, headers: { 'Retry-After': String(state.retryAfterSeconds) } },
      },
    },
  );
}
