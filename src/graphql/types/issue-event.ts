import { builder } from '../builder.js';
import { memberOf, rawId } from '../ids.js';
import { IssueEventType } from '../../generated/prisma/enums.js';

const IssueEventTypeEnum = builder.enumType(IssueEventType, { name: 'IssueEventType' });

builder.prismaNode('IssueEvent', {
  description: 'One change in an issue\'s history.',
  id: { field: 'id' },
  findUnique: (id, context) => ({ id: rawId(id), issue: { deletedAt: null, project: memberOf(context) } }),
  fields: (t) => ({
    type: t.expose('type', { type: IssueEventTypeEnum }),
    actor: t.relation('actor', { nullable: true, description: 'Who made the change (null if their account is gone).' }),
    field: t.exposeString('field', { nullable: true, description: 'For UPDATED: the field that changed (status, assigneeId…); labels for label events.' }),
    fromValue: t.exposeString('fromValue', { nullable: true, description: 'The value before (enum names, ISO dates, raw ids).' }),
    toValue: t.exposeString('toValue', { nullable: true, description: 'The value after.' }),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});
