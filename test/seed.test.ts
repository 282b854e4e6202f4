// The demo seed: consistent data, and a second run changes nothing. It seeds under a random tag
// (keys like T1A2B3API, emails like ada+t1a2b3@example.com) because the worker database is shared.
import { PrismaPg } from '@prisma/adapter-pg';
import bcrypt from 'bcryptjs';
import { randomBytes } from 'node:crypto';
import type pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_PASSWORD, seed, type SeedResult } from '../prisma/seed.js';
import { createPool } from '../src/db/client.js';
import { PrismaClient } from '../src/generated/prisma/client.js';
import { workerDatabaseUrl } from './helpers/db.js';

const tag = `T${randomBytes(3).toString('hex').toUpperCase()}`;
let pool: pg.Pool;
let prisma: PrismaClient;
let first: SeedResult;

beforeAll(async () => {
  pool = createPool(await workerDatabaseUrl(), { poolSize: 4, connectTimeoutMs: 10_000 });
  prisma = new PrismaClient({ adapter: new PrismaPg(pool) });
  first = await seed(prisma, { bcryptCost: 10, tag });
});

afterAll(async () => {
  await prisma.project.deleteMany({ where: { id: { in: projectIds() } } });
  await prisma.user.deleteMany({ where: { email: { in: emails() } } });
  await prisma.$disconnect();
  await pool.end();
});

const projectIds = () => first.projects.map((p) => p.id);
const emails = () => first.logins.map((l) => l.email);

/** Rows belonging to the seeded users and projects only. */
async function counts() {
  const inProjects = { projectId: { in: projectIds() } };
  const ofIssues = { issue: inProjects };
  return {
    users: await prisma.user.count({ where: { email: { in: emails() } } }),
    projects: await prisma.project.count({ where: { id: { in: projectIds() } } }),
    members: await prisma.projectMember.count({ where: inProjects }),
    labels: await prisma.label.count({ where: inProjects }),
    issues: await prisma.issue.count({ where: inProjects }),
    issueLabels: await prisma.issueLabel.count({ where: ofIssues }),
    comments: await prisma.comment.count({ where: ofIssues }),
    events: await prisma.issueEvent.count({ where: ofIssues }),
  };
}

describe('seed', () => {
  it('creates the demo: users, projects with every role, labels and several hundred issues', async () => {
    expect(first.inserted).toEqual(await counts());
    expect(first.inserted).toMatchObject({ users: 6, projects: 4 });
    expect(first.inserted.issues).toBeGreaterThanOrEqual(400);
    expect(first.inserted.comments).toBeGreaterThan(0);
    expect(first.projects.map((p) => p.key)).toEqual(['API', 'WEB', 'OPS', 'MOB'].map((k) => tag + k));

    for (const id of projectIds()) {
      const roles = await prisma.projectMember.groupBy({ by: ['role'], where: { projectId: id }, _count: true });
      expect(roles.map((r) => r.role).sort()).toEqual(['ADMIN', 'MEMBER', 'OWNER', 'VIEWER']);
      const project = await prisma.project.findUniqueOrThrow({ where: { id }, include: { members: { where: { role: 'OWNER' } } } });
      expect(project.members.map((m) => m.userId)).toEqual([project.ownerId]);
    }
    const labels = await prisma.label.findMany({ where: { projectId: { in: projectIds() } } });
    for (const label of labels) expect(label.color).toMatch(/^#[0-9a-f]{6}$/);
  });

  it('leaves every issue searchable, comments included (the search vector is filled by the database)', async () => {
    const [row] = await prisma.$queryRaw<{ empty: number; fromComments: number }[]>`
      SELECT count(*) FILTER (WHERE search_vector IS NULL OR length(search_vector) = 0)::int AS empty,
             count(*) FILTER (WHERE ts_filter(search_vector, '{c}') @@ to_tsquery('english', 'reproduce & staging'))::int AS "fromComments"
      FROM issues WHERE project_id = ANY(${projectIds()}::uuid[])`;
    expect(row.empty).toBe(0);
    // Weight C is comment text only; 'I can reproduce this on staging.' is one of the seed's comment lines.
    expect(row.fromComments).toBeGreaterThan(0);
  });

  it('gives every demo user the documented password, hashed once', async () => {
    const users = await prisma.user.findMany({ where: { email: { in: emails() } } });
    expect(users).toHaveLength(6);
    expect(new Set(users.map((u) => u.passwordHash)).size).toBe(1);
    expect(await bcrypt.compare(DEMO_PASSWORD, users[0].passwordHash)).toBe(true);
    for (const u of users) expect(u.email).toBe(u.email.toLowerCase());
  });

  it('numbers issues 1..issueCounter without gaps in every project', async () => {
    for (const id of projectIds()) {
      const project = await prisma.project.findUniqueOrThrow({ where: { id } });
      const numbers = (await prisma.issue.findMany({ where: { projectId: id }, select: { number: true }, orderBy: { number: 'asc' } })).map(
        (i) => i.number,
      );
      expect(numbers.length).toBeGreaterThan(0);
      expect(numbers).toEqual(Array.from({ length: project.issueCounter }, (_, i) => i + 1));
    }
  });

  it('assigns, reports and comments only as project members, and parents stay in the project', async () => {
    for (const id of projectIds()) {
      const outsider = { memberships: { none: { projectId: id } } };
      expect(await prisma.issue.count({ where: { projectId: id, assigneeId: { not: null }, assignee: outsider } })).toBe(0);
      expect(await prisma.issue.count({ where: { projectId: id, reporter: outsider } })).toBe(0);
      expect(await prisma.comment.count({ where: { issue: { projectId: id }, author: outsider } })).toBe(0);
      expect(await prisma.issue.count({ where: { projectId: id, parent: { projectId: { not: id } } } })).toBe(0);
      expect(await prisma.issue.count({ where: { projectId: id, assigneeId: { not: null } } })).toBeGreaterThan(0);
    }
  });

  it('threads some comments: replies to a root of the same issue, a few deleted roots kept for their replies', async () => {
    const ofSeed = { issue: { projectId: { in: projectIds() } } };
    const replies = await prisma.comment.findMany({
      where: { ...ofSeed, parentId: { not: null } },
      select: { issueId: true, createdAt: true, parent: { select: { issueId: true, parentId: true, createdAt: true } } },
    });
    expect(replies.length).toBeGreaterThan(20);
    for (const reply of replies) {
      expect(reply.parent).toMatchObject({ issueId: reply.issueId, parentId: null });
      expect(reply.createdAt.getTime()).toBeGreaterThanOrEqual(reply.parent!.createdAt.getTime());
    }
    const deleted = await prisma.comment.findMany({
      where: { ...ofSeed, deletedAt: { not: null } },
      select: { parentId: true, _count: { select: { replies: true } } },
    });
    expect(deleted.length).toBeGreaterThan(0);
    for (const root of deleted) {
      expect(root.parentId).toBeNull();
      expect(root._count.replies).toBeGreaterThan(0);
    }
    // Each comment's COMMENTED event names it, as addComment records it.
    const comments = await prisma.comment.count({ where: ofSeed });
    const named = await prisma.issueEvent.count({ where: { ...ofSeed, type: 'COMMENTED', toValue: { not: null } } });
    expect(named).toBe(comments);
  });

  it('records a CREATED event for every issue and counts updates in the version', async () => {
    const issues = await prisma.issue.findMany({
      where: { projectId: { in: projectIds() } },
      select: { version: true, events: { select: { type: true } } },
    });
    for (const issue of issues) {
      expect(issue.events.filter((e) => e.type === 'CREATED')).toHaveLength(1);
      expect(issue.version).toBe(1 + issue.events.filter((e) => e.type === 'UPDATED').length);
    }
    expect(issues.some((i) => i.version > 1)).toBe(true);
  });

  it('adds nothing when run again', { timeout: 120_000 }, async () => {
    const before = await counts();
    const second = await seed(prisma, { bcryptCost: 10, tag });
    expect(Object.values(second.inserted).every((n) => n === 0)).toBe(true);
    expect(second.projects).toEqual(first.projects);
    expect(await counts()).toEqual(before);
  });
});
