// The one rule for what a write invalidates in the response cache (graphql/response-cache.ts).
//
// Every cached answer is private to one viewer and lives under that viewer's generation (and the
// cache's global one); invalidating = bumping a generation, so an answer computed before the bump
// is never found again, however late it is stored. Who must be bumped:
// - a committed outbox event of project P: every current member of P (only members see anything of
//   P or derived from it: lists are filtered by membership), plus the member the event is about (a
//   removed member is no longer in the table) and the actor. This runs on every replica, from the
//   relay's events (the hub), and also synchronously in the writer's own request, after commit and
//   before its answer is sent, from the events the request recorded: a client that writes and then
//   reads never sees its old answer, on any replica sharing the Redis store;
// - a mutation that changes only sessions and credentials: nobody (no cached answer shows them; a
//   revoked token is refused by the session check, which runs before every cache lookup);
// - every other mutation (project settings, labels, profiles, deactivation, any mutation added
//   later): everything, at once. They are rare, and they change what many viewers see without an
//   outbox event.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { NewEvent, PublishedEvent } from './outbox.js';

/** Mutations whose every change to a cached answer comes with an outbox event of the project. */
export const MUTATIONS_INVALIDATED_BY_EVENTS: ReadonlySet<string> = new Set([
  'createIssue',
  'updateIssue',
  'updateIssues',
  'archiveIssue',
  'unarchiveIssue',
  'deleteIssue',
  'restoreIssue',
  'addComment',
  'updateComment',
  'deleteComment',
  'addProjectMember',
  'removeProjectMember',
  'leaveProject',
  'changeProjectMemberRole',
  'transferProjectOwnership',
]);

/** Mutations that change only sessions, passwords and token versions: nothing a cached answer shows. */
export const MUTATIONS_CHANGING_NO_ANSWER: ReadonlySet<string> = new Set([
  'signUp',
  'logIn',
  'refreshSession',
  'logOut',
  'logOutEverywhere',
  'changePassword',
]);

/** What the cache store offers the rule. */
export type GenerationBumps = {
  /** Makes every answer cached so far for these viewers unreachable. */
  bumpViewers(userIds: readonly string[]): Promise<void>;
  /** Makes every answer cached so far unreachable. */
  bumpAll(): Promise<void>;
};

/** The events a request's mutation recorded (see recordEvents), to invalidate before it answers. */
const written = new AsyncLocalStorage<{ projectId: string; userId?: string | null }[]>();

/** Called by recordEvents: notes the events for the request running it, if it is collecting. */
export function noteWrittenEvents(events: readonly NewEvent[]): void {
  written.getStore()?.push(...events);
}

/** Runs `fn` collecting the events it records into `into`. */
export function collectWrittenEvents<T>(into: { projectId: string; userId?: string | null }[], fn: () => T): T {
  return written.run(into, fn);
}

export class CacheInvalidation {
  private pendingProjects = new Set<string>();
  private flushing?: Promise<void>;

  constructor(
    private readonly store: GenerationBumps,
    /** The current members of these projects (user ids). */
    private readonly membersOf: (projectIds: readonly string[]) => Promise<string[]>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A relayed (committed) event, on every replica. Lookups of members are batched per tick. */
  onEvent(event: PublishedEvent): void {
    const direct = [event.userId, event.actorId].filter((id): id is string => id !== null);
    if (direct.length) this.store.bumpViewers(direct).catch(this.onError);
    this.pendingProjects.add(event.projectId);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const projects = [...this.pendingProjects];
      this.pendingProjects = new Set();
      this.flushing = undefined;
      return this.bumpMembers(projects).catch(this.onError);
    });
  }

  /**
   * After a mutation by `viewerId` (null: anonymous) has run and committed: `fields` are its root
   * fields, `events` what it recorded. Resolves once the invalidation is done.
   */
  async afterMutation(
    viewerId: string | null,
    fields: readonly string[] | null,
    events: readonly { projectId: string; userId?: string | null }[],
  ): Promise<void> {
    if (fields === null || fields.some((f) => !MUTATIONS_INVALIDATED_BY_EVENTS.has(f) && !MUTATIONS_CHANGING_NO_ANSWER.has(f))) {
      await this.store.bumpAll();
      return;
    }
    if (events.length === 0) return;
    const direct = new Set(events.map((e) => e.userId).filter((id): id is string => !!id));
    if (viewerId) direct.add(viewerId);
    await Promise.all([this.store.bumpViewers([...direct]), this.bumpMembers([...new Set(events.map((e) => e.projectId))])]);
  }

  private async bumpMembers(projectIds: readonly string[]): Promise<void> {
    if (projectIds.length === 0) return;
    const members = await this.membersOf(projectIds);
    if (members.length) await this.store.bumpViewers(members);
  }
}
