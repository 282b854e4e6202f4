// Fan-out between processes: the relay publishes each event once, every process's hub receives it.
// In memory for a single process; through Redis pub/sub when REDIS_URL is set, so replicas behind
// a load balancer all see every event. Redis keeps a publisher connection's messages in order, and
// only one relay publishes at a time (relay.ts), so subscribers see events in event-id order.
import { Redis } from 'ioredis';
import type { PublishedEvent } from './outbox.js';

export type EventHandler = (event: PublishedEvent) => void;

export interface EventBus {
  publish(events: readonly PublishedEvent[]): Promise<void>;
  /** Sets the one receiver of this process (the hub). */
  onEvent(handler: EventHandler): void;
  /** Redis subscriptions this bus holds (0 in memory): a leak check for tests and /debug. */
  subscriptionCount(): number;
  close(): Promise<void>;
}

export class MemoryBus implements EventBus {
  private handler: EventHandler = () => {};
  async publish(events: readonly PublishedEvent[]): Promise<void> {
    for (const event of events) this.handler(event);
  }
  onEvent(handler: EventHandler): void {
    this.handler = handler;
  }
  subscriptionCount(): number {
    return 0;
  }
  async close(): Promise<void> {
    this.handler = () => {};
  }
}

export class RedisBus implements EventBus {
  private readonly publisher: Redis;
  private readonly subscriber: Redis;
  private readonly channel: string;
  private handler: EventHandler = () => {};
  private subscribed = 0;

  constructor(url: string, prefix: string, onError: (error: Error) => void) {
    this.channel = `${prefix}events`;
    this.publisher = new Redis(url, { maxRetriesPerRequest: 2 });
    this.subscriber = new Redis(url, { maxRetriesPerRequest: null });
    this.publisher.on('error', onError);
    this.subscriber.on('error', onError);
    this.subscriber.on('message', (channel: string, message: string) => {
      if (channel === this.channel) this.handler(JSON.parse(message) as PublishedEvent);
    });
  }

  /** Subscribes to the channel; resolves once Redis has confirmed it. */
  async start(): Promise<void> {
    this.subscribed = Number(await this.subscriber.subscribe(this.channel));
  }

  async publish(events: readonly PublishedEvent[]): Promise<void> {
    if (events.length === 0) return;
    // One round trip for the batch; Redis runs a pipeline's commands in order.
    const pipeline = this.publisher.pipeline();
    for (const event of events) pipeline.publish(this.channel, JSON.stringify(event));
    const replies = await pipeline.exec();
    const failed = replies?.find(([error]) => error);
    if (failed?.[0]) throw failed[0];
  }

  onEvent(handler: EventHandler): void {
    this.handler = handler;
  }

  subscriptionCount(): number {
    return this.subscribed;
  }

  async close(): Promise<void> {
    this.subscribed = 0;
    await Promise.allSettled([this.subscriber.quit(), this.publisher.quit()]);
  }
}
