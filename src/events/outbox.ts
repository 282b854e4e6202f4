// The one place that writes events. Every change calls recordEvents inside its own transaction, so
// its events commit or roll back with it (migration 20261202130000_outbox explains the table and
// why the event id, `seq`, is assigned later by the relay rather than here).
import type { Db } from '../services/db.js';
import { noteWrittenEvents } from './cache-invalidation.js';

/** Every kind of event, as stored in outbox_events.type. */
export const EVENT_TYPES = [
  'ISSUE_CREATED',
  'ISSUE_UPDATED',
  'ISSUE_ARCHIVED',
  'ISSUE_UNARCHIVED',
  'ISSUE_DELETED',
  'ISSUE_RESTORED',
  'COMMENT_ADDED',
  'COMMENT_EDITED',
  'COMMENT_DELETED',
  'MEMBER_ADDED',
  'MEMBER_REMOVED',
  'MEMBER_ROLE_CHANGED',
] as const;
export type EventType = (typeof EVENT_TYPES)[number];

/** One change, as a service describes it. */
export type NewEvent = {
  type: EventType;
  projectId: string;
  issueId?: string | null;
  commentId?: string | null;
  /** The member a membership event is about. */
  userId?: string | null;
  /** ISSUE_UPDATED: the fields that changed (GraphQL field names: `assignee`, `labels`...). */
  changedFields?: readonly string[];
};

/** Writes `events` done by `actorId` in the caller's transaction: one INSERT however many. */
export async function recordEvents(tx: Db, actorId: string | null, events: readonly NewEvent[]): Promise<void> {
  if (events.length === 0) return;
  // The response cache invalidates for them in this request too, once it has committed.
  noteWrittenEvents(events);
  await tx.outboxEvent.createMany({
    data: events.map((event) => ({
      type: event.type,
      projectId: event.projectId,
      issueId: event.issueId ?? null,
      commentId: event.commentId ?? null,
      userId: event.userId ?? null,
      actorId,
      changedFields: event.changedFields ? [...event.changedFields] : [],
    })),
  });
}

/** An event as relayed to subscribers: a committed outbox row with its event id. JSON-safe (Redis). */
export type PublishedEvent = {
  /** The event id (outbox_events.seq), as a decimal string: it outgrows a GraphQL Int. */
  seq: string;
  type: EventType;
  projectId: string;
  issueId: string | null;
  commentId: string | null;
  userId: string | null;
  actorId: string | null;
  changedFields: string[];
  /** ISO timestamp of the change. */
  occurredAt: string;
};

/**
 * The outbox columns a relayed event is made of, as plain SQL reads them. `seq` comes out as text:
 * order by the table's column (`ORDER BY o.seq`), never by the bare name, which means this text.
 */
export const EVENT_COLUMNS = `seq::text AS seq, type, project_id AS "projectId", issue_id AS "issueId", comment_id AS "commentId",
  user_id AS "userId", actor_id AS "actorId", coalesce(changed_fields, '{}') AS "changedFields", created_at AS "occurredAt"`;

/** A row read with EVENT_COLUMNS as a PublishedEvent. */
export function toPublished(row: Omit<PublishedEvent, 'occurredAt'> & { occurredAt: Date }): PublishedEvent {
  return { ...row, occurredAt: row.occurredAt.toISOString() };
}
