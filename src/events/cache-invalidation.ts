// The one rule for what a write invalidates in the response cache (graphql/response-cache.ts).
//
// Every cached answer is private to one viewer and carries TAGS (below); invalidating a tag makes
// every answer carrying it that was STARTED before the invalidation unreachable, however late it is
// stored (the store compares the answer's start with the tag's last invalidation: the generation
// guard, per tag). Which tags an answer carries (response-cache.ts, `answerTags`):
// - always `all` and `v:<viewer>`;
// - `i:<Issue id>` for every issue in it (the plugin collects the `Typename:id` entities);
// - `pl:<Project id>` for every project in it, when its document reads a list of a project
//   (Project.issues, labels, members): a new issue changes a list that did not contain it;
// - `vl:<viewer>` when its document reads anything else that a write elsewhere can change (a list
//   across projects: Query.issues, search, viewer.projects; children, history; a lookup that
//   answered null), i.e. whatever the two finer tags cannot vouch for.
// Who invalidates what:
// - a committed issue or comment event of project P about issue X: `i:X`, `pl:P`, and `vl:<m>` for
//   every current member m of P (only members see anything of P: lists are filtered by membership);
// - a membership event of P: `v:<m>` for every member of P and the member it is about (a removed
//   member is no longer in the table): their whole cache (roles, visibility, owner);
// - a mutation that changes only sessions and credentials: nothing (no cached answer shows them; a
//   revoked token is refused by the session check, which runs before every cache lookup);
// - every other mutation (project settings, labels, profiles, deactivation, moves, any mutation
//   added later): `all`. They are rare, and they change what many viewers see without an event.
// This runs on every replica, from the relay's events (the hub), and also synchronously in the
// writer's own request, after commit and before its answer is sent, from the events the request
// recorded: a client that writes and then reads never sees its old answer, on any replica sharing
// the Redis store.
import { AsyncLocalStorage } from 'node:async_hooks';
import { encodeGlobalID } from '@pothos/plugin-relay';
import type { EventType, NewEvent, PublishedEvent } from './outbox.js';

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

/** Events that change who sees what in a project: every member's whole cache goes. */
const MEMBERSHIP_EVENTS: ReadonlySet<EventType> = new Set(['MEMBER_ADDED', 'MEMBER_REMOVED', 'MEMBER_ROLE_CHANGED']);

/** The tags (see the file comment). Ids of issues and projects are global IDs, as answers show them. */
export const CacheTag = {
  all: 'all',
  viewer: (userId: string) => `v:${userId}`,
  viewerLists: (userId: string) => `vl:${userId}`,
  issue: (issueGlobalId: string) => `i:${issueGlobalId}`,
  projectLists: (projectGlobalId: string) => `pl:${projectGlobalId}`,
} as const;

/** What the cache store offers the rule. */
export type TagInvalidation = {
  /** Makes every answer carrying one of these tags, started before now, unreachable. */
  invalidateTags(tags: readonly string[]): Promise<void>;
};

/** An event as the rule needs it: recorded in this request (NewEvent) or relayed (PublishedEvent). */
type EventFacts = Pick<NewEvent, 'type' | 'projectId' | 'issueId' | 'userId'>;

/** The events a request's mutation recorded (see recordEvents), to invalidate before it answers. */
const written = new AsyncLocalStorage<EventFacts[]>();

/** Called by recordEvents: notes the events for the request running it, if it is collecting. */
export function noteWrittenEvents(events: readonly NewEvent[]): void {
  written.getStore()?.push(...events);
}

/** Runs `fn` collecting the events it records into `into`. */
export function collectWrittenEvents<T>(into: EventFacts[], fn: () => T): T {
  return written.run(into, fn);
}

export class CacheInvalidation {
  private pending: EventFacts[] = [];
  private flushing?: Promise<void>;

  constructor(
    private readonly store: TagInvalidation,
    /** The current members of these projects (user ids). */
    private readonly membersOf: (projectIds: readonly string[]) => Promise<string[]>,
    private readonly onError: (error: unknown) => void,
  ) {}

  /** A relayed (committed) event, on every replica. Lookups of members are batched per tick. */
  onEvent(event: PublishedEvent): void {
    this.pending.push(event);
    this.flushing ??= new Promise<void>((resolve) => setImmediate(resolve)).then(() => {
      const events = this.pending;
      this.pending = [];
      this.flushing = undefined;
      return this.invalidateFor(events).catch(this.onError);
    });
  }

  /**
   * After a mutation has run and committed: `fields` are its root fields (null: unknown, through
   * fragments), `events` what it recorded. Resolves once the invalidation is done.
   */
  async afterMutation(fields: readonly string[] | null, events: readonly EventFacts[]): Promise<void> {
    if (fields === null || fields.some((f) => !MUTATIONS_INVALIDATED_BY_EVENTS.has(f) && !MUTATIONS_CHANGING_NO_ANSWER.has(f))) {
      await this.store.invalidateTags([CacheTag.all]);
      return;
    }
    await this.invalidateFor(events);
  }

  /** The tags of these events (see the file comment), invalidated at once. */
  private async invalidateFor(events: readonly EventFacts[]): Promise<void> {
    if (events.length === 0) return;
    const members = await this.membersOf([...new Set(events.map((e) => e.projectId))]);
    const projects = new Map<string, boolean>();
    const tags = new Set<string>();
    for (const event of events) {
      const membership = MEMBERSHIP_EVENTS.has(event.type);
      projects.set(event.projectId, (projects.get(event.projectId) ?? false) || membership);
      if (membership && event.userId) tags.add(CacheTag.viewer(event.userId));
      if (event.issueId) tags.add(CacheTag.issue(encodeGlobalID('Issue', event.issueId)));
      tags.add(CacheTag.projectLists(encodeGlobalID('Project', event.projectId)));
    }
    // Members per project are not told apart (one query for all): each member of any of these
    // projects loses their cross-project lists, and their whole cache if any event is a membership one.
    const anyMembership = [...projects.values()].some(Boolean);
    for (const member of members) tags.add(anyMembership ? CacheTag.viewer(member) : CacheTag.viewerLists(member));
    await this.store.invalidateTags([...tags]);
  }
}
