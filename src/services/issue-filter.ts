// Turns the API's issue filter and ordering into Prisma `where` / `orderBy`. Pure functions: the
// caller always ANDs the result with the viewer's visibility filter.
import { ValidationError } from '../domain/errors.js';
import type { Issue, IssuePriority, IssueStatus, Prisma } from '../generated/prisma/client.js';
import { IssuePriority as PRIORITIES, IssueStatus as STATUSES } from '../generated/prisma/enums.js';

type In<T> = { in?: readonly T[] | null; notIn?: readonly T[] | null };
type IdFilter = { in?: readonly string[] | null; isNull?: boolean | null };
type Range<T> = { gt?: T | null; gte?: T | null; lt?: T | null; lte?: T | null };

export type IssueFilter = {
  projectId?: string | null;
  status?: In<IssueStatus> | null;
  priority?: In<IssuePriority> | null;
  assigneeId?: IdFilter | null;
  reporterId?: IdFilter | null;
  parentId?: IdFilter | null;
  labelIds?: { some?: readonly string[] | null; every?: readonly string[] | null; none?: readonly string[] | null } | null;
  createdAt?: Range<Date> | null;
  updatedAt?: Range<Date> | null;
  dueDate?: (Range<Date> & { isNull?: boolean | null }) | null;
  archived?: boolean | null;
  and?: readonly IssueFilter[] | null;
  or?: readonly IssueFilter[] | null;
  not?: IssueFilter | null;
};

export type IssueOrderField = 'PRIORITY' | 'STATUS' | 'DUE_DATE' | 'CREATED_AT' | 'UPDATED_AT' | 'NUMBER';
export type IssueOrder = { field: IssueOrderField; direction: 'ASC' | 'DESC' };

const MAX_DEPTH = 4;
const MAX_LIST = 100;

/** The ids of a list condition (checked at the edge), at most MAX_LIST of them. */
const ids = (field: string, list: readonly string[]) => {
  if (list.length > MAX_LIST) throw ValidationError.field(field, `lists at most ${MAX_LIST} ids`);
  return [...list];
};

function idFilter(field: string, filter: IdFilter): Prisma.IssueWhereInput[] {
  const column = field as 'assigneeId' | 'reporterId' | 'parentId';
  const parts: Prisma.IssueWhereInput[] = [];
  if (filter.in) parts.push({ [column]: { in: ids(field, filter.in) } });
  if (filter.isNull != null) parts.push({ [column]: filter.isNull ? null : { not: null } });
  return parts;
}

const copy = <T>(list: readonly T[] | null | undefined): T[] | undefined => (list ? [...list] : undefined);
const range = <T>(r: Range<T>) => ({ gt: r.gt ?? undefined, gte: r.gte ?? undefined, lt: r.lt ?? undefined, lte: r.lte ?? undefined });

/** The `where` for one filter object; `and`/`or`/`not` nest at most MAX_DEPTH deep. */
export function issueWhere(filter: IssueFilter, depth = 0): Prisma.IssueWhereInput {
  if (depth > MAX_DEPTH) throw ValidationError.field('filter', `nests and/or/not at most ${MAX_DEPTH} deep`);
  const parts: Prisma.IssueWhereInput[] = [];
  if (filter.projectId != null) parts.push({ projectId: filter.projectId });
  if (filter.status) parts.push({ status: { in: copy(filter.status.in), notIn: copy(filter.status.notIn) } });
  if (filter.priority) parts.push({ priority: { in: copy(filter.priority.in), notIn: copy(filter.priority.notIn) } });
  if (filter.assigneeId) parts.push(...idFilter('assigneeId', filter.assigneeId));
  if (filter.reporterId) parts.push(...idFilter('reporterId', filter.reporterId));
  if (filter.parentId) parts.push(...idFilter('parentId', filter.parentId));
  if (filter.labelIds?.some) parts.push({ labels: { some: { labelId: { in: ids('labelIds', filter.labelIds.some) } } } });
  for (const labelId of ids('labelIds', filter.labelIds?.every ?? [])) parts.push({ labels: { some: { labelId } } });
  if (filter.labelIds?.none) parts.push({ labels: { none: { labelId: { in: ids('labelIds', filter.labelIds.none) } } } });
  if (filter.createdAt) parts.push({ createdAt: range(filter.createdAt) });
  if (filter.updatedAt) parts.push({ updatedAt: range(filter.updatedAt) });
  if (filter.dueDate) {
    parts.push({ dueDate: range(filter.dueDate) });
    if (filter.dueDate.isNull != null) parts.push({ dueDate: filter.dueDate.isNull ? null : { not: null } });
  }
  if (filter.archived != null) parts.push({ archivedAt: filter.archived ? { not: null } : null });
  if (filter.and?.length) parts.push({ AND: filter.and.map((f) => issueWhere(f, depth + 1)) });
  if (filter.or?.length) parts.push({ OR: filter.or.map((f) => issueWhere(f, depth + 1)) });
  if (filter.not) parts.push({ NOT: issueWhere(filter.not, depth + 1) });
  return { AND: parts };
}

/** True when the filter (at any depth) says something about archived issues. */
export function mentionsArchived(filter: IssueFilter | null | undefined): boolean {
  if (!filter) return false;
  return (
    filter.archived != null || [...(filter.and ?? []), ...(filter.or ?? []), ...(filter.not ? [filter.not] : [])].some(mentionsArchived)
  );
}

type SortColumn = 'priority' | 'status' | 'dueDate' | 'createdAt' | 'updatedAt' | 'number' | 'id';
const COLUMNS = {
  PRIORITY: 'priority',
  STATUS: 'status',
  DUE_DATE: 'dueDate',
  CREATED_AT: 'createdAt',
  UPDATED_AT: 'updatedAt',
  NUMBER: 'number',
} as const;
// Enums sort in declared order, and Prisma's enum filters have no gt/lt: a range is an `in` list.
const DECLARED: Partial<Record<SortColumn, string[]>> = { priority: Object.values(PRIORITIES), status: Object.values(STATUSES) };

export type IssueSortValues = Pick<Issue, 'id' | 'priority' | 'status' | 'dueDate' | 'createdAt' | 'updatedAt' | 'number'>;

/**
 * Issues strictly after `row` in list order (strictly before it when `backward`), from the row's own
 * sort values, so it works when `row` itself is no longer in the list. Same keys and nulls-last rule
 * as issueOrderBy.
 */
export function issuesBeyond(
  row: IssueSortValues,
  { orderBy, backward }: { orderBy: readonly IssueOrder[] | null | undefined; backward: boolean },
): Prisma.IssueWhereInput {
  const given = orderBy?.length ? orderBy : [{ field: 'CREATED_AT', direction: 'DESC' } as const];
  const keys = [
    ...given.map(({ field, direction }) => ({ column: COLUMNS[field], asc: direction === 'ASC' })),
    { column: 'id' as const, asc: given[given.length - 1].direction === 'ASC' },
  ];
  const branches: Prisma.IssueWhereInput[] = [];
  keys.forEach(({ column, asc }, i) => {
    const value = row[column];
    const op = asc !== backward ? 'gt' : 'lt';
    const declared = DECLARED[column];
    let beyond: Prisma.IssueWhereInput | null;
    if (declared) {
      const at = declared.indexOf(value as string);
      beyond = { [column]: { in: op === 'gt' ? declared.slice(at + 1) : declared.slice(0, at) } };
    } else if (column !== 'dueDate') {
      beyond = { [column]: { [op]: value } };
    } else if (!backward) {
      // No due date sorts last either way: after a date come the later dates, then the nulls.
      beyond = value === null ? null : { OR: [{ dueDate: { [op]: value } }, { dueDate: null }] };
    } else {
      beyond = value === null ? { dueDate: { not: null } } : { dueDate: { [op]: value } };
    }
    if (beyond) branches.push({ AND: [...keys.slice(0, i).map((k) => ({ [k.column]: row[k.column] })), beyond] });
  });
  // The first key's bound once more, outside the OR, where an index on (project_id, <key>, id) takes
  // it as where its scan starts: without it the scan walks every row before the cursor (a page 40,000
  // rows deep into a 50,000-issue project: 15 ms and 2,764 buffers, against 0.14 ms and 5 with it).
  // Only for a key without declared order or nulls (created_at, updated_at, number).
  const { column, asc } = keys[0];
  if (DECLARED[column] || column === 'dueDate') return { OR: branches };
  return { AND: [{ [column]: { [asc !== backward ? 'gte' : 'lte']: row[column] } }, { OR: branches }] };
}

/** ORDER BY for the given keys plus `id` as the tie-breaker, so cursors never skip or repeat. */
export function issueOrderBy(orderBy: readonly IssueOrder[] | null | undefined): Prisma.IssueOrderByWithRelationInput[] {
  const keys = orderBy?.length ? orderBy : [{ field: 'CREATED_AT', direction: 'DESC' } as const];
  if (keys.length > 3) throw ValidationError.field('orderBy', 'takes at most 3 keys');
  const order = keys.map(({ field, direction }): Prisma.IssueOrderByWithRelationInput => {
    const sort = direction === 'ASC' ? 'asc' : 'desc';
    switch (field) {
      case 'PRIORITY':
        return { priority: sort };
      case 'STATUS':
        return { status: sort };
      case 'DUE_DATE':
        return { dueDate: { sort, nulls: 'last' } };
      case 'CREATED_AT':
        return { createdAt: sort };
      case 'UPDATED_AT':
        return { updatedAt: sort };
      case 'NUMBER':
        return { number: sort };
    }
  });
  return [...order, { id: keys[keys.length - 1].direction === 'ASC' ? 'asc' : 'desc' }];
}
