// Server E's schema: the subset of Trackr's API the benchmark reads (same field names, arguments and
// shapes, so E takes Trackr's very query documents and its answers normalise the same way), built
// with Pothos + plugin-prisma + plugin-relay alone. None of Trackr's rules: no authentication, no
// membership filter, no privacy rule on email, no complexity or size limits, no loaders. The wheres
// that remain say what the data means (live rows, unarchived lists), as in A's SQL; membership is
// left out because the benchmark's arguments only ever select what the viewer can see.
import SchemaBuilder from '@pothos/core';
import PrismaPlugin from '@pothos/plugin-prisma';
import RelayPlugin from '@pothos/plugin-relay';
import type PrismaTypes from '../../../src/generated/pothos-types.js';
import { getDatamodel } from '../../../src/generated/pothos-types.js';
import { IssuePriority, IssueStatus } from '../../../src/generated/prisma/enums.js';
import type { Prisma, PrismaClient } from '../../../src/generated/prisma/client.js';

/** The viewer is whoever the request's token names, unverified (server.ts): E does no authentication. */
export type CeilingContext = { prisma: PrismaClient; viewerId: string | null };

const builder = new SchemaBuilder<{
  PrismaTypes: PrismaTypes;
  Context: CeilingContext;
  DefaultFieldNullability: false;
  Scalars: { ID: { Input: string; Output: string } };
}>({
  plugins: [PrismaPlugin, RelayPlugin],
  defaultFieldNullability: false,
  prisma: { client: (context) => context.prisma, dmmf: getDatamodel(), onUnusedQuery: null },
  relay: { clientMutationId: 'omit', cursorType: 'String' },
  // Type-checking only: Trackr's scope-auth plugin, compiled in the same program, makes this option
  // required on every builder. The plugin is not registered here, so nothing reads it.
  scopeAuth: { authScopes: () => ({}) },
});

const IssueStatusEnum = builder.enumType(IssueStatus, { name: 'IssueStatus' });
const IssuePriorityEnum = builder.enumType(IssuePriority, { name: 'IssuePriority' });
const OrderDirection = builder.enumType('OrderDirection', { values: ['ASC', 'DESC'] as const });
const IssueOrderField = builder.enumType('IssueOrderField', { values: ['PRIORITY', 'CREATED_AT'] as const });

const StatusFilter = builder.inputType('IssueStatusFilter', {
  fields: (t) => ({ in: t.field({ type: [IssueStatusEnum] }) }),
});
const IssueFilter = builder.inputType('IssueFilter', {
  fields: (t) => ({ projectId: t.globalID(), status: t.field({ type: StatusFilter }) }),
});
const IssueOrder = builder.inputType('IssueOrder', {
  fields: (t) => ({
    field: t.field({ type: IssueOrderField, required: true }),
    direction: t.field({ type: OrderDirection, required: true }),
  }),
});

/** Trackr's default and tie-break: newest first, id last in the direction of the last key. */
const NEWEST_FIRST: Prisma.IssueOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];
const LIVE_ISSUES = { archivedAt: null, deletedAt: null } satisfies Prisma.IssueWhereInput;

builder.prismaObject('User', {
  fields: (t) => ({
    name: t.exposeString('name'),
    email: t.exposeString('email'),
    projects: t.prismaConnection({
      type: 'Project',
      cursor: 'id',
      resolve: (query, user, _args, context) =>
        context.prisma.project.findMany({
          ...query,
          where: { deletedAt: null, archivedAt: null, members: { some: { userId: user.id } } },
          orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        }),
    }),
  }),
});

const LabelRef = builder.prismaObject('Label', { select: { name: true }, fields: (t) => ({ name: t.exposeString('name') }) });

const IssueNode = builder.prismaNode('Issue', {
  id: { field: 'id' },
  fields: (t) => ({
    key: t.string({
      select: { number: true, project: { select: { key: true } } },
      resolve: (issue) => `${issue.project.key}-${issue.number}`,
    }),
    title: t.exposeString('title'),
    status: t.expose('status', { type: IssueStatusEnum }),
    priority: t.expose('priority', { type: IssuePriorityEnum }),
    assignee: t.relation('assignee', { nullable: true }),
    reporter: t.relation('reporter'),
    labels: t.field({
      type: [LabelRef],
      select: (_args, _context, nestedSelection) => ({ labels: { select: { label: nestedSelection({ select: { name: true } }) } } }),
      // By name, as Trackr (sorted here too).
      resolve: (issue) => issue.labels.map((l) => l.label).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
    }),
  }),
});

builder.prismaNode('Project', {
  id: { field: 'id' },
  fields: (t) => ({
    key: t.exposeString('key'),
    name: t.exposeString('name'),
    owner: t.relation('owner'),
    issues: t.relatedConnection('issues', {
      cursor: 'id',
      query: () => ({ where: LIVE_ISSUES, orderBy: NEWEST_FIRST }),
    }),
  }),
});

const PRIORITY_OR_CREATED = { PRIORITY: 'priority', CREATED_AT: 'createdAt' } as const;

builder.queryType({
  fields: (t) => ({
    viewer: t.prismaField({
      type: 'User',
      nullable: true,
      resolve: (query, _root, _args, context) =>
        context.viewerId ? context.prisma.user.findUnique({ ...query, where: { id: context.viewerId } }) : null,
    }),
    issue: t.prismaField({
      type: 'Issue',
      nullable: true,
      args: { id: t.arg.globalID({ required: true, for: [IssueNode] }) },
      resolve: (query, _root, { id }, context) =>
        context.prisma.issue.findFirst({ ...query, where: { id: id.id, deletedAt: null, project: { deletedAt: null } } }),
    }),
    issueByKey: t.prismaField({
      type: 'Issue',
      nullable: true,
      args: { key: t.arg.string({ required: true }) },
      resolve: (query, _root, { key }, context) => {
        const [, projectKey, number] = /^([A-Za-z][A-Za-z0-9]*)-(\d{1,9})$/.exec(key) ?? [];
        if (!projectKey) return null;
        return context.prisma.issue.findFirst({
          ...query,
          where: { number: Number(number), deletedAt: null, project: { key: projectKey.toUpperCase(), deletedAt: null } },
        });
      },
    }),
    projectByKey: t.prismaField({
      type: 'Project',
      nullable: true,
      args: { key: t.arg.string({ required: true }) },
      resolve: (query, _root, { key }, context) =>
        context.prisma.project.findFirst({ ...query, where: { key: key.toUpperCase(), deletedAt: null } }),
    }),
    issues: t.prismaConnection({
      type: 'Issue',
      cursor: 'id',
      args: { filter: t.arg({ type: IssueFilter }), orderBy: t.arg({ type: [IssueOrder] }) },
      resolve: (query, _root, { filter, orderBy }, context) => {
        const keys = orderBy?.length
          ? [
              ...orderBy.map((o) => ({ [PRIORITY_OR_CREATED[o.field]]: o.direction === 'ASC' ? 'asc' : 'desc' })),
              { id: orderBy[orderBy.length - 1].direction === 'ASC' ? ('asc' as const) : ('desc' as const) },
            ]
          : NEWEST_FIRST;
        // An id of another type selects nothing (Trackr answers an empty page too).
        if (filter?.projectId && filter.projectId.typename !== 'Project') return [];
        const projectId = filter?.projectId?.id;
        return context.prisma.issue.findMany({
          ...query,
          where: {
            ...LIVE_ISSUES,
            project: { deletedAt: null },
            ...(projectId && { projectId }),
            ...(filter?.status?.in && { status: { in: filter.status.in } }),
          },
          orderBy: keys,
        });
      },
    }),
  }),
});

export const schema = builder.toSchema();
