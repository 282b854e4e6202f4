// What a subscription does between the relay and the client: checks the subscriber at subscribe
// time, replays what a reconnecting client missed, then hands over each event of its project only
// after checking the subscriber again (token, session, membership, through the same rules as every
// request), so a removed member, a logged-out session, a deactivated account or an expired token
// ends the stream with an error and never gets another event.
import { NotFoundError, RateLimitedError, UnauthenticatedError, ValidationError } from '../domain/errors.js';
import type { IssueId, ProjectId } from '../domain/ids.js';
import { assertCan } from '../domain/permissions.js';
import type { Delivery, Listener } from '../events/hub.js';
import { MAX_REPLAY, type Realtime } from '../events/realtime.js';
import type { AccessClaims } from '../auth/tokens.js';
import { authorize } from '../services/access.js';
import { findIssues } from '../services/issues.js';
import { actor, type AuthenticatedContext } from './context.js';

/** Events waiting for a slow subscriber; past this its stream ends (it can resubscribe with `since`). */
const MAX_QUEUED = 1000;

export type ActivityTarget = { projectId: ProjectId; issueId?: IssueId };

/**
 * Starts a subscription to a project's activity, or to one issue's: NOT_FOUND for a project or
 * issue the viewer cannot see (missing and hidden alike), RATE_LIMITED past the per-user limit,
 * BAD_USER_INPUT for a malformed `since`. Resumes after `since` (or the SSE Last-Event-ID).
 */
export async function subscribeToActivity(
  context: AuthenticatedContext,
  target: { projectId?: ProjectId; issueId?: IssueId },
  since: string | null | undefined,
): Promise<AsyncIterableIterator<Delivery>> {
  const realtime = context.realtime;
  if (!realtime || !context.token) throw new UnauthenticatedError('Subscriptions need a bearer token');
  const claims = await context.tokens.verify(context.token);
  const after = parseSince(since ?? context.lastEventId);
  let projectId = target.projectId;
  if (target.issueId) {
    const [issue] = await findIssues(actor(context), [target.issueId], { select: { projectId: true } });
    if (!issue) throw new NotFoundError('Issue');
    projectId = issue.projectId as ProjectId;
  }
  await authorize(context.prisma, { viewer: context.viewer, projectId: projectId!, action: 'project.read' });
  const release = realtime.acquire(context.viewer.id);
  return activityStream({ context, realtime, claims, release, after }, { projectId: projectId!, issueId: target.issueId });
}

function parseSince(since: string | undefined): bigint | undefined {
  if (since === undefined || since === '') return undefined;
  if (!/^\d{1,19}$/.test(since)) throw ValidationError.field('since', 'must be an event id (digits) from an earlier event');
  return BigInt(since);
}

type StreamDeps = {
  context: AuthenticatedContext;
  realtime: Realtime;
  claims: AccessClaims;
  release: () => void;
  after: bigint | undefined;
};

/**
 * The event stream. An async generator cannot be ended while it waits for the next event (its
 * `return` queues behind the await), so the iterator handed out wakes it first: unsubscribing and
 * disconnecting always run the cleanup at once.
 */
function activityStream(deps: StreamDeps, target: ActivityTarget): AsyncIterableIterator<Delivery> {
  const { context, realtime, claims, release } = deps;
  const queue: Delivery[] = [];
  let failure: Error | undefined;
  let stopped = false;
  let recheckDue = false;
  let wake: (() => void) | undefined;
  const notify = () => {
    wake?.();
    wake = undefined;
  };
  const listener: Listener = {
    deliver(delivery) {
      if (queue.length >= MAX_QUEUED) failure ??= new RateLimitedError(0, 'The subscription fell too far behind; resubscribe with since');
      else queue.push(delivery);
      notify();
    },
    end(error) {
      failure ??= error;
      notify();
    },
  };
  const unlisten = realtime.hub.listen(target.projectId, listener);
  // Re-checks a quiet stream too, so a logout or an expiry ends it without waiting for an event.
  const recheck = setInterval(() => {
    recheckDue = true;
    notify();
  }, realtime.config.recheckSeconds * 1000);
  recheck.unref();

  /** Throws (ending the stream) unless the subscriber may still read the project. */
  const check = async (loaders: Delivery['loaders']) => {
    await context.tokens.verify(context.token!);
    if (!(await loaders.session.load(claims))) throw new UnauthenticatedError('The access token has been revoked');
    assertCan(await loaders.access.load(context.viewer.id), 'project.read', 'Project');
  };

  async function* run(): AsyncGenerator<Delivery> {
    try {
      let last = deps.after ?? -1n;
      if (deps.after !== undefined) {
        const missed = await realtime.replay(target, deps.after);
        if (missed.length > MAX_REPLAY) {
          throw ValidationError.field('since', `more than ${MAX_REPLAY} events were missed: reload, then subscribe without since`);
        }
        queue.unshift(...missed.map((event) => ({ event, loaders: realtime.loaders(event.projectId) })));
      }
      for (;;) {
        if (failure) throw failure;
        if (stopped) return;
        if (recheckDue) {
          recheckDue = false;
          await check(realtime.loaders(target.projectId));
        }
        const delivery = queue.shift();
        if (!delivery) {
          await new Promise<void>((resolve) => (wake = resolve));
          continue;
        }
        const seq = BigInt(delivery.event.seq);
        if (seq <= last) continue;
        last = seq;
        await check(delivery.loaders);
        // An issue's stream shows that issue's events; its project's membership events were only checked.
        if (target.issueId && delivery.event.issueId !== target.issueId) continue;
        yield delivery;
      }
    } finally {
      clearInterval(recheck);
      unlisten();
      release();
    }
  }

  const inner = run();
  const stop = () => {
    stopped = true;
    notify();
  };
  return {
    next: () => inner.next(),
    return: () => {
      stop();
      return inner.return(undefined);
    },
    throw: (error?: unknown) => {
      stop();
      return inner.throw(error);
    },
    [Symbol.asyncIterator]() {
      return this;
    },
  };
}
