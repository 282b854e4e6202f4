// The issue list's filter and ordering inputs, and their translation to raw ids for the service.
import { builder } from '../builder.js';
import { IssuePriorityEnum, IssueStatusEnum } from './issue-enums.js';
import { OrderDirection } from './order-direction.js';
import { ofType, type GlobalId } from '../ids.js';
import type { IssueFilter } from '../../services/issue-filter.js';
import type { IssuePriority, IssueStatus } from '../../generated/prisma/client.js';

type IdFilterShape = { in?: GlobalId[] | null; isNull?: boolean | null };
type RangeShape = { gt?: Date | null; gte?: Date | null; lt?: Date | null; lte?: Date | null };
export type IssueFilterShape = {
  projectId?: GlobalId | null;
  status?: { in?: IssueStatus[] | null; notIn?: IssueStatus[] | null } | null;
  priority?: { in?: IssuePriority[] | null; notIn?: IssuePriority[] | null } | null;
  assigneeId?: IdFilterShape | null;
  reporterId?: IdFilterShape | null;
  parentId?: IdFilterShape | null;
  labelIds?: { some?: GlobalId[] | null; every?: GlobalId[] | null; none?: GlobalId[] | null } | null;
  createdAt?: RangeShape | null;
  updatedAt?: RangeShape | null;
  dueDate?: (RangeShape & { isNull?: boolean | null }) | null;
  archived?: boolean | null;
  search?: string | null;
  and?: IssueFilterShape[] | null;
  or?: IssueFilterShape[] | null;
  not?: IssueFilterShape | null;
};

const IssueStatusFilter = builder.inputType('IssueStatusFilter', {
  fields: (t) => ({ in: t.field({ type: [IssueStatusEnum] }), notIn: t.field({ type: [IssueStatusEnum] }) }),
});
const IssuePriorityFilter = builder.inputType('IssuePriorityFilter', {
  fields: (t) => ({ in: t.field({ type: [IssuePriorityEnum] }), notIn: t.field({ type: [IssuePriorityEnum] }) }),
});
const UserIdFilter = builder.inputType('UserIdFilter', {
  fields: (t) => ({
    in: t.globalIDList({ description: 'Any of these users.' }),
    isNull: t.boolean({ description: 'true: nobody (unassigned); false: somebody.' }),
  }),
});
const IssueIdFilter = builder.inputType('IssueIdFilter', {
  fields: (t) => ({ in: t.globalIDList(), isNull: t.boolean({ description: 'true: no parent (top-level issues).' }) }),
});
const LabelFilter = builder.inputType('LabelFilter', {
  fields: (t) => ({
    some: t.globalIDList({ description: 'Has at least one of these labels.' }),
    every: t.globalIDList({ description: 'Has all of these labels.' }),
    none: t.globalIDList({ description: 'Has none of these labels.' }),
  }),
});
const DateTimeRange = builder.inputType('DateTimeRange', {
  fields: (t) => ({
    gt: t.field({ type: 'DateTime' }),
    gte: t.field({ type: 'DateTime' }),
    lt: t.field({ type: 'DateTime' }),
    lte: t.field({ type: 'DateTime' }),
  }),
});
const DateRange = builder.inputType('DateRange', {
  fields: (t) => ({
    gt: t.field({ type: 'Date' }),
    gte: t.field({ type: 'Date' }),
    lt: t.field({ type: 'Date' }),
    lte: t.field({ type: 'Date' }),
    isNull: t.boolean({ description: 'true: no due date; false: has one.' }),
  }),
});

export const IssueFilterRef = builder.inputRef<IssueFilterShape>('IssueFilter').implement({
  description: 'Conditions on issues; all given fields must hold. Combine with and/or/not (nested at most 4 deep).',
  fields: (t) => ({
    projectId: t.globalID({ description: 'Only issues of this project.' }),
    status: t.field({ type: IssueStatusFilter }),
    priority: t.field({ type: IssuePriorityFilter }),
    assigneeId: t.field({ type: UserIdFilter }),
    reporterId: t.field({ type: UserIdFilter }),
    parentId: t.field({ type: IssueIdFilter }),
    labelIds: t.field({ type: LabelFilter }),
    createdAt: t.field({ type: DateTimeRange }),
    updatedAt: t.field({ type: DateTimeRange }),
    dueDate: t.field({ type: DateRange }),
    archived: t.boolean({
      description: 'true: only archived issues; false: only active ones. Lists leave archived issues out unless a filter mentions them.',
    }),
    search: t.string({
      description: 'Case-insensitive text in the title or description (a substring match: no ranking, no index).',
      // Kept for existing clients; searchIssues is the one way to search (README "Search").
      deprecationReason: 'Use Query.searchIssues (ranked full-text search on an index; takes the same filter). Removal: 2027-06-30.',
    }),
    and: t.field({ type: [IssueFilterRef] }),
    or: t.field({ type: [IssueFilterRef] }),
    not: t.field({ type: IssueFilterRef }),
  }),
});

const IssueOrderField = builder.enumType('IssueOrderField', {
  values: ['PRIORITY', 'STATUS', 'DUE_DATE', 'CREATED_AT', 'UPDATED_AT', 'NUMBER'] as const,
});

export const IssueOrderRef = builder.inputType('IssueOrder', {
  description:
    'One sort key. Lists take up to 3; ties are broken by id, so pages never skip or repeat. Issues without a due date sort last.',
  fields: (t) => ({
    field: t.field({ type: IssueOrderField, required: true }),
    direction: t.field({ type: OrderDirection, defaultValue: 'ASC', required: true }),
  }),
});

// The filter's id fields are plain global ids (their types would import each other in a cycle),
// so each is checked against the one type it may be here.
const raw = (list: GlobalId[] | null | undefined, typename: string) => list?.map((g) => ofType(g, typename));
const rawIds = (f: IdFilterShape | null | undefined, typename: string) => f && { in: raw(f.in, typename), isNull: f.isNull };

/** The same filter with global ids replaced by raw ones, each checked to be of its field's type. */
export function toIssueFilter(f: IssueFilterShape | null | undefined): IssueFilter | undefined {
  if (!f) return undefined;
  return {
    ...f,
    projectId: f.projectId && ofType(f.projectId, 'Project'),
    assigneeId: rawIds(f.assigneeId, 'User'),
    reporterId: rawIds(f.reporterId, 'User'),
    parentId: rawIds(f.parentId, 'Issue'),
    labelIds: f.labelIds && {
      some: raw(f.labelIds.some, 'Label'),
      every: raw(f.labelIds.every, 'Label'),
      none: raw(f.labelIds.none, 'Label'),
    },
    and: f.and?.map((x) => toIssueFilter(x)!),
    or: f.or?.map((x) => toIssueFilter(x)!),
    not: toIssueFilter(f.not),
  };
}
