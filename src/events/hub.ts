// This process's side of the fan-out: the bus hands every relayed event to the hub, which hands
// it to the local subscriptions of its project, with lookups shared by all of them for that event.
import type { EventLoaders } from '../graphql/loaders.js';
import type { PublishedEvent } from './outbox.js';

/** One event for one subscription, with the lookups every subscriber of the event shares. */
export type Delivery = { event: PublishedEvent; loaders: EventLoaders };

/** A subscription as the hub sees it: where its events go, and how to end it. */
export type Listener = { deliver(delivery: Delivery): void; end(error: Error): void };

export class EventHub {
  private readonly byProject = new Map<string, Set<Listener>>();
  // Event ids arrive in increasing order; one seen again was re-sent by a relay that restarted a pass.
  private lastSeq = 0n;
  private readonly taps: ((event: PublishedEvent) => void)[] = [];

  constructor(private readonly loadersFor: (projectId: string) => EventLoaders) {}

  dispatch(event: PublishedEvent): void {
    const seq = BigInt(event.seq);
    if (seq <= this.lastSeq) return;
    this.lastSeq = seq;
    for (const tap of this.taps) tap(event);
    const listeners = this.byProject.get(event.projectId);
    if (!listeners) return;
    const loaders = this.loadersFor(event.projectId);
    for (const listener of [...listeners]) listener.deliver({ event, loaders });
  }

  /** Also hands every new event to `tap`, subscribed or not (the response cache's invalidation). */
  tap(tap: (event: PublishedEvent) => void): void {
    this.taps.push(tap);
  }

  /** Delivers `projectId`'s events to `listener` until the returned function is called. */
  listen(projectId: string, listener: Listener): () => void {
    let listeners = this.byProject.get(projectId);
    if (!listeners) this.byProject.set(projectId, (listeners = new Set()));
    listeners.add(listener);
    return () => {
      listeners.delete(listener);
      if (listeners.size === 0 && this.byProject.get(projectId) === listeners) this.byProject.delete(projectId);
    };
  }

  /** Listeners registered now, and the projects they watch: both 0 once every subscription has ended. */
  counts(): { listeners: number; projects: number } {
    let listeners = 0;
    for (const set of this.byProject.values()) listeners += set.size;
    return { listeners, projects: this.byProject.size };
  }

  /** Ends every subscription with `error` (shutdown). */
  endAll(error: Error): void {
    for (const set of [...this.byProject.values()]) for (const listener of [...set]) listener.end(error);
  }
}
