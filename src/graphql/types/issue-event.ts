import { encodeGlobalID } from '@pothos/plugin-relay';
import { builder } from '../builder.js';
import type { IssueEvent } from '../../generated/prisma/client.js';
import { visibleIssues } from '../../domain/permissions.js';
import { IssueEventType } from '../../generated/prisma/enums.js';
import { idOf } from '../../domain/ids.js';
import type { GraphQLContext } from '../context.js';

type Side = 'fromValue' | 'toValue';
// History keeps the raw ids of what a change pointed at; these fields turn them back into objects
// through the request's batching loaders, so a page of history costs one statement per type.
const userAt = (side: Side) => (query: object, event: IssueEvent, _args: object, context: GraphQLContext) =>
  event.field === 'assigneeId' && event[side] ? context.loaders.userById(query).load(idOf(event[side])) : null;
// A hidden or deleted issue comes back null, like everywhere else.
const issueAt = (side: Side) => (query: object, event: IssueEvent, _args: object, context: GraphQLContext) =>
  event.field === 'parentId' && event[side] ? context.loaders.issueById(query).load(idOf(event[side])) : null;

/** History stores raw ids; the API shows global IDs like everywhere else. */
const ID_FIELDS: Record<string, string> = { assigneeId: 'User', parentId: 'Issue', labels: 'Label' };
function shown(event: IssueEvent, value: string | null): string | null {
  const typename = event.type === 'COMMENTED' ? 'Comment' : ID_FIELDS[event.field ?? ''];
  return value !== null && typename ? encodeGlobalID(typename, value) : value;
}

const IssueEventTypeEnum = builder.enumType(IssueEventType, { name: 'IssueEventType' });

builder.prismaNode('IssueEvent', {
  description: "One change in an issue's history.",
  id: { field: 'id' },
  // A node that is missing or hidden resolves to null instead of an error.
  nullable: true,
  findUnique: (id, context) => ({ id, issue: visibleIssues(context.viewer?.id ?? null) }),
  fields: (t) => ({
    type: t.expose('type', { type: IssueEventTypeEnum }),
    actor: t.relation('actor', { nullable: true, description: 'Who made the change (null if their account is gone).' }),
    field: t.exposeString('field', {
      nullable: true,
      description: 'For UPDATED: the field that changed (status, assigneeId…); labels for label events.',
    }),
    fromValue: t.string({
      nullable: true,
      description: 'The value before: enum names, ISO dates, text, or global IDs for users, issues and labels.',
      resolve: (event) => shown(event, event.fromValue),
    }),
    toValue: t.string({
      nullable: true,
      description: "The value after (for COMMENTED, the comment's ID).",
      resolve: (event) => shown(event, event.toValue),
    }),
    fromUser: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'For an assignee change: who was assigned before (null when nobody, or for other changes).',
      resolve: userAt('fromValue'),
    }),
    toUser: t.prismaField({
      type: 'User',
      nullable: true,
      description: 'For an assignee change: who is assigned after (null when nobody, or for other changes).',
      resolve: userAt('toValue'),
    }),
    fromIssue: t.prismaField({
      type: 'Issue',
      nullable: true,
      description: 'For a parent change: the parent before (null when none, deleted or hidden, or for other changes).',
      resolve: issueAt('fromValue'),
    }),
    toIssue: t.prismaField({
      type: 'Issue',
      nullable: true,
      description: 'For a parent change: the parent after (null when none, deleted or hidden, or for other changes).',
      resolve: issueAt('toValue'),
    }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
