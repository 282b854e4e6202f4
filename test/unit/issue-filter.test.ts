// issuesBeyond, table-driven: for every ordering, every cursor row and both directions, the rows its
// condition matches are exactly the rows after (before) the cursor in issueOrderBy's order. The
// condition is evaluated here over an in-memory list with the small subset of Prisma's `where`
// that it produces; the order is computed from issueOrderBy's own output.
import { describe, expect, it } from 'vitest';
import { issueOrderBy, issuesBeyond, type IssueOrder, type IssueSortValues } from '../../src/services/issue-filter.js';
import { IssuePriority, IssueStatus } from '../../src/generated/prisma/enums.js';

const PRIORITIES = Object.values(IssuePriority);
const STATUSES = Object.values(IssueStatus);

// Rows with ties on every key, and missing due dates, so each tie-break is exercised.
const day = (d: number) => new Date(Date.UTC(2026, 0, d));
const ROWS: IssueSortValues[] = Array.from({ length: 14 }, (_, i) => ({
  id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
  priority: PRIORITIES[i % 3],
  status: STATUSES[(i * 7) % 4],
  dueDate: i % 4 === 0 ? null : day(1 + (i % 3)),
  createdAt: day(10 + (i % 5)),
  updatedAt: day(20 + (i % 2)),
  number: 100 - i,
}));

type Where = Record<string, unknown>;
type Key = keyof IssueSortValues;

const rank = (key: Key, value: unknown): number | string | null => {
  if (value === null) return null;
  if (key === 'priority') return PRIORITIES.indexOf(value as IssuePriority);
  if (key === 'status') return STATUSES.indexOf(value as IssueStatus);
  return value instanceof Date ? value.getTime() : (value as number | string);
};

/** Prisma's `where` semantics for the operators issuesBeyond uses. */
function matches(row: IssueSortValues, where: Where): boolean {
  return Object.entries(where).every(([key, condition]) => {
    if (key === 'AND') return (condition as Where[]).every((w) => matches(row, w));
    if (key === 'OR') return (condition as Where[]).some((w) => matches(row, w));
    const value = rank(key as Key, row[key as Key]);
    if (condition === null) return value === null;
    if (typeof condition !== 'object' || condition instanceof Date) return value === rank(key as Key, condition);
    return Object.entries(condition as Where).every(([op, operand]) => {
      if (op === 'not') return operand === null ? value !== null : value !== rank(key as Key, operand);
      if (op === 'in') return (operand as unknown[]).some((o) => rank(key as Key, o) === value);
      if (value === null) return false; // SQL: comparisons with NULL are never true
      const other = rank(key as Key, operand)!;
      return op === 'gt' ? value > other : op === 'lt' ? value < other : op === 'gte' ? value >= other : value <= other;
    });
  });
}

/** Sorts rows as PostgreSQL would by issueOrderBy's ORDER BY (nulls last where it says so). */
function sorted(orderBy: IssueOrder[] | null): IssueSortValues[] {
  const keys = issueOrderBy(orderBy).map((entry) => {
    const [key, spec] = Object.entries(entry)[0] as [Key, 'asc' | 'desc' | { sort: 'asc' | 'desc'; nulls: 'last' }];
    return typeof spec === 'string' ? { key, dir: spec, nullsLast: spec === 'asc' } : { key, dir: spec.sort, nullsLast: true };
  });
  return [...ROWS].sort((a, b) => {
    for (const { key, dir, nullsLast } of keys) {
      const x = rank(key, a[key]);
      const y = rank(key, b[key]);
      if (x === y) continue;
      if (x === null || y === null) return (x === null) === nullsLast ? 1 : -1;
      return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
    }
    return 0;
  });
}

const ORDERS: (IssueOrder[] | null)[] = [
  null,
  [{ field: 'CREATED_AT', direction: 'ASC' }],
  [{ field: 'PRIORITY', direction: 'DESC' }],
  [
    { field: 'STATUS', direction: 'ASC' },
    { field: 'NUMBER', direction: 'DESC' },
  ],
  [{ field: 'DUE_DATE', direction: 'ASC' }],
  [
    { field: 'DUE_DATE', direction: 'DESC' },
    { field: 'PRIORITY', direction: 'ASC' },
  ],
  [
    { field: 'PRIORITY', direction: 'ASC' },
    { field: 'DUE_DATE', direction: 'ASC' },
    { field: 'UPDATED_AT', direction: 'DESC' },
  ],
  [
    { field: 'UPDATED_AT', direction: 'ASC' },
    { field: 'STATUS', direction: 'DESC' },
  ],
];

describe('issuesBeyond', () => {
  describe.each(ORDERS.map((order) => ({ order, name: JSON.stringify(order) })))('ordered by $name', ({ order }) => {
    const list = sorted(order);
    it.each(list.map((row, index) => ({ row, index })))(
      'row $index: exactly the rows after it, and before it backwards',
      ({ row, index }) => {
        const after = ROWS.filter((r) => matches(r, issuesBeyond(row, { orderBy: order, backward: false }))).map((r) => r.id);
        const before = ROWS.filter((r) => matches(r, issuesBeyond(row, { orderBy: order, backward: true }))).map((r) => r.id);
        expect(new Set(after)).toEqual(new Set(list.slice(index + 1).map((r) => r.id)));
        expect(new Set(before)).toEqual(new Set(list.slice(0, index).map((r) => r.id)));
      },
    );
  });

  it('works for a row that is no longer in the list (its own sort values are enough)', () => {
    const order: IssueOrder[] = [{ field: 'PRIORITY', direction: 'DESC' }];
    const gone = { ...ROWS[3], id: 'ffffffff-ffff-4fff-8fff-ffffffffffff' };
    const after = ROWS.filter((r) => matches(r, issuesBeyond(gone, { orderBy: order, backward: false })));
    const expected = sorted(order).filter((r) => {
      const x = PRIORITIES.indexOf(r.priority);
      const y = PRIORITIES.indexOf(gone.priority);
      return x < y || (x === y && r.id < gone.id);
    });
    expect(new Set(after.map((r) => r.id))).toEqual(new Set(expected.map((r) => r.id)));
  });
});
