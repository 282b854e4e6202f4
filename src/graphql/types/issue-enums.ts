import { builder } from '../builder.js';
import { IssuePriority, IssueStatus } from '../../generated/prisma/enums.js';

export const IssueStatusEnum = builder.enumType(IssueStatus, {
  name: 'IssueStatus',
  description: 'Where an issue is in the workflow, in board order. DONE and CANCELED close it.',
});

export const IssuePriorityEnum = builder.enumType(IssuePriority, {
  name: 'IssuePriority',
  description: 'How urgent an issue is, from NONE to URGENT.',
});
