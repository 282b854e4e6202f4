// Subscriptions: projectActivity and issueChanged, each event a member of the ActivityEvent union.
// The objects an event names are resolved through the schema's own types, loaded once per event
// for all its subscribers on this server (graphql/loaders.ts createEventLoaders).
import { builder } from '../builder.js';
import { actAs, type AuthenticatedContext } from '../context.js';
import { noteEventId } from '../realtime-plugins.js';
import { subscribeToActivity } from '../subscriptions.js';
import { CommentRef } from './comment.js';
import { IssueRef } from './issue.js';
import { ProjectRef } from './project.js';
import { ProjectMemberRef } from './project-member.js';
import { UserRef } from './user.js';
import type { Delivery } from '../../events/hub.js';
import type { EventType } from '../../events/outbox.js';

const Activity = builder.interfaceRef<Delivery>('Activity').implement({
  description: 'What every event carries.',
  fields: (t) => ({
    eventId: t.id({
      description: 'Increases with every event (not by one). Pass the last one seen as `since` (or SSE Last-Event-ID) to resume.',
      resolve: ({ event }) => event.seq,
    }),
    occurredAt: t.field({
      type: 'DateTime',
      description: 'When the change was committed.',
      resolve: ({ event }) => new Date(event.occurredAt),
    }),
    actor: t.prismaField({
      type: UserRef,
      nullable: true,
      description: 'Who made the change (null if their account is gone).',
      resolve: (query, { event, loaders }) => (event.actorId ? loaders.user(query).load(event.actorId) : null),
    }),
  }),
});

const issueField = (description: string) =>
  ({
    type: IssueRef,
    nullable: true,
    description,
    resolve: (query: object, { event, loaders }: Delivery) => (event.issueId ? loaders.issue(query).load(event.issueId) : null),
  }) as const;

const IssueEventTypes = {
  ISSUE_CREATED: ['IssueCreated', 'An issue was created.'],
  ISSUE_ARCHIVED: ['IssueArchived', 'An issue was archived.'],
  ISSUE_UNARCHIVED: ['IssueUnarchived', 'An issue was unarchived.'],
  ISSUE_DELETED: ['IssueDeleted', 'An issue was deleted (it can be restored).'],
  ISSUE_RESTORED: ['IssueRestored', 'A deleted issue was restored.'],
} as const;

const TYPE_NAMES: Record<EventType, string> = {
  ISSUE_CREATED: 'IssueCreated',
  ISSUE_UPDATED: 'IssueUpdated',
  ISSUE_ARCHIVED: 'IssueArchived',
  ISSUE_UNARCHIVED: 'IssueUnarchived',
  ISSUE_DELETED: 'IssueDeleted',
  ISSUE_RESTORED: 'IssueRestored',
  COMMENT_ADDED: 'CommentAdded',
  COMMENT_EDITED: 'CommentEdited',
  COMMENT_DELETED: 'CommentDeleted',
  MEMBER_ADDED: 'MemberAdded',
  MEMBER_REMOVED: 'MemberRemoved',
  MEMBER_ROLE_CHANGED: 'MemberRoleChanged',
};

const issueEvents = Object.values(IssueEventTypes).map(([name, description]) =>
  builder.objectRef<Delivery>(name).implement({
    description,
    interfaces: [Activity],
    fields: (t) => ({ issue: t.prismaField(issueField('The issue, as it is now.')) }),
  }),
);

const IssueUpdated = builder.objectRef<Delivery>('IssueUpdated').implement({
  description: 'Fields of an issue changed.',
  interfaces: [Activity],
  fields: (t) => ({
    issue: t.prismaField(issueField('The issue, as it is now.')),
    changedFields: t.stringList({
      description: 'The Issue fields that changed: title, description, status, priority, estimate, dueDate, assignee, parent, labels.',
      resolve: ({ event }) => event.changedFields,
    }),
  }),
});

const commentEvents = (
  [
    ['CommentAdded', 'A comment (or reply) was added.'],
    ['CommentEdited', 'A comment was edited.'],
    ['CommentDeleted', 'A comment was deleted (its body is withheld).'],
  ] as const
).map(([name, description]) =>
  builder.objectRef<Delivery>(name).implement({
    description,
    interfaces: [Activity],
    fields: (t) => ({
      comment: t.prismaField({
        type: CommentRef,
        nullable: true,
        description: 'The comment, as it is now.',
        resolve: (query, { event, loaders }) => (event.commentId ? loaders.comment(query).load(event.commentId) : null),
      }),
      issue: t.prismaField(issueField('The issue commented on.')),
    }),
  }),
);

const memberUser = {
  type: UserRef,
  nullable: true,
  description: 'The member.',
  resolve: (query: object, { event, loaders }: Delivery) => (event.userId ? loaders.user(query).load(event.userId) : null),
} as const;

const memberEvents = (
  [
    ['MemberAdded', 'Someone joined the project.'],
    ['MemberRoleChanged', "A member's role changed."],
  ] as const
).map(([name, description]) =>
  builder.objectRef<Delivery>(name).implement({
    description,
    interfaces: [Activity],
    fields: (t) => ({
      user: t.prismaField(memberUser),
      member: t.prismaField({
        type: ProjectMemberRef,
        nullable: true,
        description: 'The membership, as it is now (null if it has ended since).',
        resolve: (query, { event, loaders }) => (event.userId ? loaders.member(query).load(event.userId) : null),
      }),
    }),
  }),
);

const MemberRemoved = builder.objectRef<Delivery>('MemberRemoved').implement({
  description: 'Someone left or was removed from the project. If it was you, your stream ends with NOT_FOUND instead.',
  interfaces: [Activity],
  fields: (t) => ({ user: t.prismaField(memberUser) }),
});

const ActivityEvent = builder.unionType('ActivityEvent', {
  description: 'One change in a project, as subscriptions deliver it.',
  types: [...issueEvents, IssueUpdated, ...commentEvents, ...memberEvents, MemberRemoved],
  resolveType: ({ event }) => TYPE_NAMES[event.type],
});

const SINCE_DESCRIPTION =
  'Resume after this eventId: first the events missed since (kept OUTBOX_RETENTION_HOURS, at most 1000), then live ones. Over SSE the Last-Event-ID header does the same.';

/**
 * Each event is resolved with fresh per-request loaders: a stream's context lives for hours. Its id
 * goes to the SSE stream's `id:` line (realtime-plugins.ts).
 */
function deliverFresh(delivery: Delivery, _args: unknown, context: AuthenticatedContext & { request?: Request }): Delivery {
  actAs(context, context.viewer);
  noteEventId(context, delivery.event.seq);
  return delivery;
}

builder.subscriptionFields((t) => ({
  projectActivity: t.withAuth({ authenticated: true }).field({
    type: ActivityEvent,
    description:
      "A project's changes as they are committed, in order: issues, comments and members. NOT_FOUND if you cannot see the project; ends with NOT_FOUND or UNAUTHENTICATED when you lose access.",
    args: {
      projectId: t.arg.globalID({ required: true, for: [ProjectRef] }),
      since: t.arg.id({ description: SINCE_DESCRIPTION }),
    },
    subscribe: (_root, args, context) => subscribeToActivity(context, { projectId: args.projectId.id }, args.since),
    resolve: deliverFresh,
  }),
  issueChanged: t.withAuth({ authenticated: true }).field({
    type: ActivityEvent,
    description: "One issue's changes and comments, as they are committed. NOT_FOUND if you cannot see it; ends like projectActivity.",
    args: {
      issueId: t.arg.globalID({ required: true, for: [IssueRef] }),
      since: t.arg.id({ description: SINCE_DESCRIPTION }),
    },
    subscribe: (_root, args, context) => subscribeToActivity(context, { issueId: args.issueId.id }, args.since),
    resolve: deliverFresh,
  }),
}));
