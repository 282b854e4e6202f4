// Demo data: six people, four projects, a few hundred issues with labels, comment threads and history.
// Idempotent: users and projects are matched by email and key, issues by (project, number), and an
// issue's labels, comments and events are written only together with the issue itself, so a rerun
// adds nothing. Everything is drawn from a seeded PRNG, so every run plans the same data.
import bcrypt from 'bcryptjs';
import { randomUUID } from 'node:crypto';
import { pathToFileURL } from 'node:url';
import { ConfigError, loadConfig } from '../src/config.js';
import { openDatabase } from '../src/db/client.js';
import { migrate } from '../src/db/migrate.js';
import { createLogger } from '../src/logger.js';
import type { IssuePriority, IssueStatus, Prisma, PrismaClient, ProjectRole } from '../src/generated/prisma/client.js';

export const DEMO_PASSWORD = 'trackr-demo-password';

const USERS = [
  { handle: 'ada', name: 'Ada Lovelace' },
  { handle: 'grace', name: 'Grace Hopper' },
  { handle: 'alan', name: 'Alan Turing' },
  { handle: 'margaret', name: 'Margaret Hamilton' },
  { handle: 'linus', name: 'Linus Torvalds' },
  { handle: 'barbara', name: 'Barbara Liskov' },
] as const;
type Handle = (typeof USERS)[number]['handle'];

type ProjectPlan = {
  key: string;
  name: string;
  description: string;
  owner: Handle;
  admins: Handle[];
  members: Handle[];
  viewers: Handle[];
  issueCount: number;
  /** Parts of the product that bugs and chores are about. */
  areas: string[];
  features: string[];
};

const PROJECTS: ProjectPlan[] = [
  {
    key: 'API',
    name: 'Trackr API',
    description: 'The GraphQL API behind every Trackr client.',
    owner: 'ada',
    admins: ['grace'],
    members: ['alan', 'margaret', 'linus'],
    viewers: ['barbara'],
    issueCount: 180,
    areas: [
      'login mutation',
      'issue connection',
      'comment resolver',
      'rate limiter',
      'DataLoader batching',
      'project permission check',
      'JWT verification',
      'migration runner',
      'error masking',
      'refresh token rotation',
    ],
    features: [
      'Add cursor pagination to the comments list',
      'Expose issue history as a connection',
      'Support filtering issues by several labels',
      'Add a bulk update mutation for issues',
      'Return rate-limit headers',
      'Add subscriptions for issue changes',
      'Allow archiving a project',
      'Support due-date ranges in issue filters',
      'Add a query complexity limit',
      'Add an API for project invitations',
    ],
  },
  {
    key: 'WEB',
    name: 'Web App',
    description: 'The browser client: boards, issue pages and settings.',
    owner: 'grace',
    admins: ['margaret'],
    members: ['ada', 'barbara', 'alan'],
    viewers: ['linus'],
    issueCount: 160,
    areas: [
      'issue board',
      'project sidebar',
      'date picker',
      'global search',
      'settings page',
      'markdown preview',
      'issue detail page',
      'label editor',
      'notification menu',
      'sign-in form',
    ],
    features: [
      'Add drag and drop between board columns',
      'Support dark mode',
      'Add keyboard shortcuts for triage',
      'Show the issue history as a timeline',
      'Add saved filters',
      'Allow inline editing of the issue title',
      'Add CSV export of the issue list',
      'Show avatars on the board',
      'Add a command palette',
      'Remember the last opened project',
    ],
  },
  {
    key: 'OPS',
    name: 'Operations',
    description: 'Infrastructure, deployments and on-call work.',
    owner: 'linus',
    admins: ['alan'],
    members: ['grace', 'margaret'],
    viewers: ['ada'],
    issueCount: 120,
    areas: [
      'nightly backup job',
      'Postgres replica',
      'log shipping',
      'alerting rules',
      'TLS certificate renewal',
      'CI pipeline',
      'Docker image',
      'staging environment',
      'Redis cluster',
      'deploy script',
    ],
    features: [
      'Add a read replica for reporting',
      'Automate restore drills',
      'Ship logs to the central store',
      'Add a canary stage to deployments',
      'Alert on slow queries',
      'Rotate database credentials automatically',
      'Add a status page',
      'Autoscale replicas on CPU',
      'Add disk usage dashboards',
      'Refresh staging data weekly',
    ],
  },
  {
    key: 'MOB',
    name: 'Mobile',
    description: 'The iOS and Android apps.',
    owner: 'barbara',
    admins: ['ada'],
    members: ['linus', 'grace'],
    viewers: ['margaret'],
    issueCount: 140,
    areas: [
      'push notifications',
      'offline sync',
      'login screen',
      'issue list',
      'attachment upload',
      'deep links',
      'app start-up',
      'settings screen',
      'pull-to-refresh',
      'home-screen widget',
    ],
    features: [
      'Support biometric login',
      'Add an offline queue for comments',
      'Show due-date reminders',
      'Add a home-screen widget',
      'Support tablets in landscape',
      'Add share-to-Trackr from other apps',
      'Cache images on the device',
      'Add haptic feedback to swipes',
      'Respect the system font size',
      'Add quick actions to the app icon',
    ],
  },
];

const LABELS = [
  { name: 'bug', color: '#d73a4a', description: 'Something does not work' },
  { name: 'feature', color: '#0e8a16', description: 'New functionality' },
  { name: 'chore', color: '#6b7280', description: 'Maintenance with no visible change' },
  { name: 'docs', color: '#0075ca', description: 'Documentation' },
  { name: 'performance', color: '#fbca04', description: 'Speed or resource use' },
  { name: 'security', color: '#b60205', description: 'Could expose data or access' },
  { name: 'good first issue', color: '#7057ff', description: 'Small and well described' },
  { name: 'tech debt', color: '#c2e0c6', description: 'Pays back later' },
];
const EXTRA_LABELS = LABELS.slice(3).map((l) => l.name);

const BUG_SYMPTOMS = [
  'returns a 500 after a database restart',
  'is slow when a project has thousands of issues',
  'shows stale data after an update',
  'fails on empty input',
  "ignores the user's time zone",
  'leaks memory under sustained load',
  'submits twice on a slow network',
  'breaks with non-ASCII names',
  'times out behind a corporate proxy',
  'loses its place when paging backwards',
  'logs the full request body',
  'reports the wrong count after filtering',
];
const BUG_CONTEXT = [
  'Reported by a customer on the enterprise plan.',
  'Seen in production since the last release.',
  'Found while testing the release candidate.',
  'Happens on roughly one request in fifty.',
  'Two people hit this during the demo on Friday.',
];
const BUG_STEPS = [
  'Sign in as a project member.',
  'Open a project with a few hundred issues.',
  'Change the status of any issue.',
  'Reload the page.',
  'Switch to a second browser tab.',
  'Wait a few minutes.',
];
const CHORE_VERBS = ['Refactor', 'Add tests for', 'Document', 'Remove dead code from', 'Add metrics to', 'Tidy up logging in', 'Profile'];
const CHORE_WHY = [
  'The code grew organically and is hard to change.',
  'We keep tripping over this during incidents.',
  'This blocks the upgrade to the next major version.',
  'New joiners keep asking how this works.',
  'Nobody has touched this since the first release.',
];
const CHORE_PLAN = [
  'Keep the change small and behaviour-preserving.',
  'Split it into two pull requests if it grows.',
  'Pair with whoever is on call this week.',
  'Time-box it to two days.',
];
const PERSONAS = ['a project admin', 'a new team member', 'an on-call engineer', 'a product manager', 'a customer with a large workspace'];
const BENEFITS = [
  'triage takes minutes instead of hours',
  'I stop copying data around by hand',
  'we answer support tickets faster',
  'the weekly report writes itself',
  'I can keep up from my phone',
];
const CRITERIA = [
  'Covered by an end-to-end test.',
  'Documented in the README.',
  'Read-only for viewers.',
  'No extra queries per item.',
  'Behind a feature flag until the next release.',
  'Usable with the keyboard alone.',
  'Errors come with a clear message.',
];
const COMMENT_LINES = [
  'I can reproduce this on staging.',
  'Looks like this started after the last deploy.',
  'Pull request is up, could someone take a look?',
  'Added a test that covers the edge case.',
  'Customers asked about this twice this week.',
  'Blocked on the API change; picking it up once that lands.',
  'Moving this to the next sprint, we ran out of time.',
  'Can we split this into smaller issues?',
  'Confirmed fixed on my machine.',
  'This might be related to the caching change.',
  'Happy to pair on this tomorrow.',
  'Left a few notes in the design doc.',
];
const REPLY_LINES = [
  'Agreed.',
  'Same here, on the latest build.',
  'Thanks, that fixed it for me too.',
  'I left a review.',
  'Not sure this is the cause, the timing does not match.',
  'Can you share the logs?',
  'Good idea, let us do that.',
  'Fixed in the follow-up.',
];

const SUBTASKS = ['design', 'implementation', 'tests', 'documentation', 'rollout', 'monitoring', 'review feedback', 'follow-up fixes'];

const FLOW: IssueStatus[] = ['BACKLOG', 'TODO', 'IN_PROGRESS', 'IN_REVIEW', 'DONE'];
const PRIORITIES: IssuePriority[] = ['NONE', 'LOW', 'MEDIUM', 'HIGH', 'URGENT'];
const ESTIMATES = [1, 2, 3, 5, 8, 13];
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CREATION_SPAN_DAYS = 150;
const BATCH = 500;

/** mulberry32, seeded from a string. */
class Random {
  private state: number;

  constructor(seed: string) {
    let h = 2166136261;
    for (let i = 0; i < seed.length; i++) h = Math.imul(h ^ seed.charCodeAt(i), 16777619);
    this.state = h >>> 0;
  }

  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    return items[Math.floor(this.next() * items.length)];
  }

  weighted<T extends string>(weights: Record<T, number>): T {
    const entries = Object.entries(weights) as [T, number][];
    let r = this.next() * entries.reduce((sum, [, w]) => sum + w, 0);
    for (const [value, w] of entries) {
      r -= w;
      if (r < 0) return value;
    }
    return entries[entries.length - 1][0];
  }
}

type Kind = 'bug' | 'feature' | 'chore';
type PlannedUpdate = { actor: Handle; field: 'status' | 'priority'; from: string; to: string; at: Date };
type PlannedIssue = {
  number: number;
  title: string;
  description: string;
  status: IssueStatus;
  priority: IssuePriority;
  estimate: number | null;
  dueDate: Date | null;
  assignee: Handle | null;
  reporter: Handle;
  parent: number | null;
  labels: string[];
  createdAt: Date;
  updatedAt: Date;
  closedAt: Date | null;
  updates: PlannedUpdate[];
  comments: PlannedComment[];
};
/** A root comment (replyTo null) or a reply to the root at index `replyTo` of the issue's comments. */
type PlannedComment = { author: Handle; body: string; at: Date; replyTo: number | null; deletedAt: Date | null };

/** Issue `n` of a project is the same on every run, whatever the database already holds. */
function planIssues(project: ProjectPlan, today: Date): PlannedIssue[] {
  const rng = new Random(project.key);
  // Threads draw from their own stream, so the rest of each issue stays what it was before threads.
  const threads = new Random(`${project.key}/threads`);
  const workers: Handle[] = [project.owner, ...project.admins, ...project.members];
  const bugs = drawer(
    rng,
    project.areas.flatMap((area) => BUG_SYMPTOMS.map((symptom): [string, string] => [area, symptom])),
  );
  const chores = drawer(
    rng,
    CHORE_VERBS.flatMap((verb) => project.areas.map((area): [string, string] => [verb, area])),
  );
  const features = drawer(rng, project.features);
  const epics: { number: number; title: string; subtasks: string[] }[] = [];
  const titleUses = new Map<string, number>();
  const issues: PlannedIssue[] = [];
  const span = CREATION_SPAN_DAYS * DAY;
  const step = span / project.issueCount;

  for (let number = 1; number <= project.issueCount; number++) {
    const age = 1 - (number - 1) / project.issueCount;
    const createdAt = new Date(today.getTime() - age * span + rng.next() * step * 0.8);
    const kind = rng.weighted<Kind>({ bug: 4, feature: 4, chore: 2 });
    let title: string;
    let description: string;
    let parent: number | null = null;
    if (kind === 'bug') {
      const [area, symptom] = bugs();
      title = capitalize(`${area} ${symptom}`);
      description = describeBug(rng, area, symptom);
    } else if (kind === 'chore') {
      const [verb, area] = chores();
      title = `${verb} the ${area}`;
      description = `${rng.pick(CHORE_WHY)} ${rng.pick(CHORE_PLAN)}`;
    } else {
      // Most feature work is a sub-task of one of the epics in flight.
      const inFlight = epics.filter((e) => e.subtasks.length > 0).slice(-3);
      if (inFlight.length === 0 || (epics.length < project.features.length && rng.chance(0.25))) {
        title = features();
        epics.push({ number, title, subtasks: shuffled(rng, SUBTASKS) });
      } else {
        const epic = rng.pick(inFlight);
        title = `${epic.title}: ${epic.subtasks.pop() ?? 'follow-up'}`;
        parent = epic.number;
      }
      description = describeFeature(rng);
    }
    // Pools run dry only in very large projects; keep titles unique anyway.
    const uses = (titleUses.get(title) ?? 0) + 1;
    titleUses.set(title, uses);
    if (uses > 1) title = `${title} (${uses})`;

    // Old issues are mostly finished, recent ones mostly waiting.
    const status =
      age > 0.5
        ? rng.weighted<IssueStatus>({ BACKLOG: 10, TODO: 10, IN_PROGRESS: 8, IN_REVIEW: 4, DONE: 60, CANCELED: 8 })
        : rng.weighted<IssueStatus>({ BACKLOG: 25, TODO: 30, IN_PROGRESS: 20, IN_REVIEW: 10, DONE: 12, CANCELED: 3 });
    const priority =
      kind === 'bug'
        ? rng.weighted<IssuePriority>({ NONE: 5, LOW: 15, MEDIUM: 35, HIGH: 30, URGENT: 15 })
        : rng.weighted<IssuePriority>({ NONE: 20, LOW: 30, MEDIUM: 35, HIGH: 12, URGENT: 3 });
    const assignee =
      status === 'BACKLOG'
        ? rng.chance(0.3)
          ? rng.pick(workers)
          : null
        : status === 'TODO'
          ? rng.chance(0.7)
            ? rng.pick(workers)
            : null
          : rng.pick(workers);
    const reporter = rng.pick(workers);
    const closed = status === 'DONE' || status === 'CANCELED';
    const closedAt = closed
      ? new Date(createdAt.getTime() + Math.min(rng.int(1, 30 * 24) * HOUR, (today.getTime() - createdAt.getTime()) * rng.next()))
      : null;
    const end = closedAt ?? lerp(createdAt, today, rng.next());

    const initial: IssueStatus = status === 'BACKLOG' || rng.chance(0.4) ? 'BACKLOG' : 'TODO';
    const path = status === 'CANCELED' ? ['CANCELED'] : FLOW.slice(FLOW.indexOf(initial) + 1, FLOW.indexOf(status) + 1);
    const actor = assignee ?? reporter;
    const updates: PlannedUpdate[] = path.map((to, i) => ({
      actor,
      field: 'status',
      from: i === 0 ? initial : path[i - 1],
      to,
      at: lerp(createdAt, end, (i + 1) / path.length),
    }));
    if (rng.chance(0.2)) {
      const from = rng.pick(PRIORITIES.filter((p) => p !== priority));
      updates.push({ actor: reporter, field: 'priority', from, to: priority, at: lerp(createdAt, end, rng.next() * 0.5) });
    }
    updates.sort((a, b) => a.at.getTime() - b.at.getTime());

    const comments = threaded(
      threads,
      rng.chance(0.45)
        ? Array.from({ length: rng.int(1, 4) }, () => ({
            author: rng.pick(workers),
            body: Array.from({ length: rng.int(1, 2) }, () => rng.pick(COMMENT_LINES)).join(' '),
            at: lerp(createdAt, end, rng.next()),
          })).sort((a, b) => a.at.getTime() - b.at.getTime())
        : [],
    );

    issues.push({
      number,
      title,
      description: rng.chance(0.1) ? '' : description,
      status,
      priority,
      estimate: rng.chance(0.7) ? rng.pick(ESTIMATES) : null,
      dueDate: status !== 'CANCELED' && rng.chance(0.4) ? startOfUtcDay(new Date(createdAt.getTime() + rng.int(5, 60) * DAY)) : null,
      assignee,
      reporter,
      parent,
      labels: rng.chance(0.3) ? [kind, rng.pick(EXTRA_LABELS)] : [kind],
      createdAt,
      updatedAt: updates.at(-1)?.at ?? createdAt,
      closedAt,
      updates,
      comments,
    });
  }
  return issues;
}

function describeBug(rng: Random, area: string, symptom: string): string {
  return [
    rng.pick(BUG_CONTEXT),
    `Steps to reproduce:\n1. ${rng.pick(BUG_STEPS)}\n2. ${rng.pick(BUG_STEPS)}\n3. Open the ${area}.`,
    `Expected: the ${area} behaves as before.\nActual: it ${symptom}.`,
  ].join('\n\n');
}

function describeFeature(rng: Random): string {
  const criteria = new Set(Array.from({ length: 3 }, () => rng.pick(CRITERIA)));
  return [
    `As ${rng.pick(PERSONAS)}, I need this so that ${rng.pick(BENEFITS)}.`,
    `Acceptance criteria:\n${[...criteria].map((c) => `- ${c}`).join('\n')}`,
  ].join('\n\n');
}

/** Draws without replacement (reshuffling when empty), so titles repeat as late as possible. */
/**
 * Turns some of an issue's comments (in time order) into replies to an earlier root, with a reply's
 * wording, and deletes a few roots that have replies: the placeholders a real discussion leaves.
 */
function threaded(rng: Random, comments: { author: Handle; body: string; at: Date }[]): PlannedComment[] {
  const planned: PlannedComment[] = [];
  for (const [i, c] of comments.entries()) {
    const roots = planned.flatMap((p, k) => (p.replyTo === null ? [k] : []));
    const reply = i > 0 && rng.chance(0.5);
    planned.push(
      reply ? { ...c, body: rng.pick(REPLY_LINES), replyTo: rng.pick(roots), deletedAt: null } : { ...c, replyTo: null, deletedAt: null },
    );
  }
  for (const [k, root] of planned.entries()) {
    const lastReply = planned.findLast((p) => p.replyTo === k);
    if (lastReply && rng.chance(0.15)) root.deletedAt = lastReply.at;
  }
  return planned;
}

function drawer<T>(rng: Random, items: readonly T[]): () => T {
  let pool: T[] = [];
  return () => {
    if (pool.length === 0) pool = shuffled(rng, items);
    return pool.pop()!;
  };
}

function shuffled<T>(rng: Random, items: readonly T[]): T[] {
  const copy = [...items];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = rng.int(0, i);
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy;
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function lerp(from: Date, to: Date, t: number): Date {
  return new Date(Math.round(from.getTime() + (to.getTime() - from.getTime()) * t));
}

function startOfUtcDay(d: Date): Date {
  return new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()));
}

async function inBatches<T>(rows: T[], insert: (batch: T[]) => Promise<{ count: number }>): Promise<number> {
  let count = 0;
  for (let i = 0; i < rows.length; i += BATCH) count += (await insert(rows.slice(i, i + BATCH))).count;
  return count;
}

export type SeedOptions = {
  bcryptCost: number;
  /**
   * Prefixes project keys (API -> T1API) and tags emails (ada+t1@example.com), so tests can seed
   * beside other data. Upper-case letters and digits, at most 7 characters.
   */
  tag?: string;
  /** Dates are laid out in the 150 days before this day (default today), so the demo looks current. */
  now?: Date;
};

export type SeedCounts = {
  users: number;
  projects: number;
  members: number;
  labels: number;
  issues: number;
  issueLabels: number;
  comments: number;
  events: number;
};

export type SeedResult = {
  /** Rows this run added. */
  inserted: SeedCounts;
  projects: { id: string; key: string }[];
  logins: { email: string; name: string; password: string; roles: Record<string, ProjectRole> }[];
};

/** Fills the database with the demo; safe to run again (adds only what is missing). */
export async function seed(prisma: PrismaClient, options: SeedOptions): Promise<SeedResult> {
  const tag = options.tag ?? '';
  if (tag && !/^[A-Z][A-Z0-9]{0,6}$/.test(tag)) throw new Error(`Invalid seed tag ${JSON.stringify(tag)}`);
  const today = startOfUtcDay(options.now ?? new Date());
  const emailOf = (handle: Handle) => (tag ? `${handle}+${tag.toLowerCase()}@example.com` : `${handle}@example.com`);
  const inserted: SeedCounts = { users: 0, projects: 0, members: 0, labels: 0, issues: 0, issueLabels: 0, comments: 0, events: 0 };

  const emails = USERS.map((u) => emailOf(u.handle));
  const passwordHash = await demoPasswordHash(prisma, emails, options.bcryptCost);
  inserted.users = (
    await prisma.user.createMany({
      data: USERS.map((u) => ({ email: emailOf(u.handle), name: u.name, passwordHash })),
      skipDuplicates: true,
    })
  ).count;
  // Someone changed a demo password: put it back (and end their sessions, as a password change does).
  await prisma.user.updateMany({
    where: { email: { in: emails }, passwordHash: { not: passwordHash } },
    data: { passwordHash, tokenVersion: { increment: 1 } },
  });
  const users = await prisma.user.findMany({ where: { email: { in: emails } }, select: { id: true, email: true } });
  const userIdByEmail = new Map(users.map((u) => [u.email, u.id]));
  const userId = (handle: Handle) => userIdByEmail.get(emailOf(handle))!;

  const keyOf = (p: ProjectPlan) => `${tag}${p.key}`;
  inserted.projects = (
    await prisma.project.createMany({
      data: PROJECTS.map((p) => ({ key: keyOf(p), name: p.name, description: p.description, ownerId: userId(p.owner) })),
      skipDuplicates: true,
    })
  ).count;
  const projects = await prisma.project.findMany({
    where: { key: { in: PROJECTS.map(keyOf) } },
    select: { id: true, key: true, ownerId: true },
  });
  const projectByKey = new Map(projects.map((p) => [p.key, p]));

  const memberRows: Prisma.ProjectMemberCreateManyInput[] = PROJECTS.flatMap((plan) => {
    const project = projectByKey.get(keyOf(plan))!;
    return roster(plan).map(([handle, role]) => ({
      projectId: project.id,
      userId: userId(handle),
      // A project that existed before the seed keeps its own owner.
      role: role === 'OWNER' && userId(handle) !== project.ownerId ? 'ADMIN' : role,
    }));
  });
  inserted.members = (await prisma.projectMember.createMany({ data: memberRows, skipDuplicates: true })).count;

  inserted.labels = (
    await prisma.label.createMany({
      data: projects.flatMap((p) => LABELS.map((l) => ({ projectId: p.id, ...l }))),
      skipDuplicates: true,
    })
  ).count;
  const labels = await prisma.label.findMany({
    where: { projectId: { in: projects.map((p) => p.id) } },
    select: { id: true, projectId: true, name: true },
  });
  const labelIds = new Map(labels.map((l) => [`${l.projectId}:${l.name}`, l.id]));

  for (const plan of PROJECTS) {
    const projectId = projectByKey.get(keyOf(plan))!.id;
    const planned = planIssues(plan, today);
    // One transaction per project: an issue never lands without its labels, comments and history.
    const counts = await prisma.$transaction(
      (tx) => insertIssues(tx, projectId, planned, userId, (name) => labelIds.get(`${projectId}:${name}`)!),
      { timeout: 120_000, maxWait: 30_000 },
    );
    for (const [k, v] of Object.entries(counts) as [keyof SeedCounts, number][]) inserted[k] += v;
  }

  return {
    inserted,
    projects: PROJECTS.map((plan) => ({ id: projectByKey.get(keyOf(plan))!.id, key: keyOf(plan) })),
    logins: USERS.map((u) => ({
      email: emailOf(u.handle),
      name: u.name,
      password: DEMO_PASSWORD,
      roles: Object.fromEntries(
        PROJECTS.flatMap((plan) =>
          roster(plan)
            .filter(([h]) => h === u.handle)
            .map(([, role]) => [keyOf(plan), role]),
        ),
      ),
    })),
  };
}

function roster(plan: ProjectPlan): [Handle, ProjectRole][] {
  return [
    [plan.owner, 'OWNER'],
    ...plan.admins.map((h): [Handle, ProjectRole] => [h, 'ADMIN']),
    ...plan.members.map((h): [Handle, ProjectRole] => [h, 'MEMBER']),
    ...plan.viewers.map((h): [Handle, ProjectRole] => [h, 'VIEWER']),
  ];
}

/**
 * A hash of the demo password that the demo users already have, if one still verifies; a fresh hash
 * (bcrypt salts differ) would rewrite every user on every run.
 */
async function demoPasswordHash(prisma: PrismaClient, emails: string[], cost: number): Promise<string> {
  const existing = await prisma.user.findMany({ where: { email: { in: emails } }, select: { passwordHash: true } });
  for (const hash of new Set(existing.map((u) => u.passwordHash))) {
    if (await bcrypt.compare(DEMO_PASSWORD, hash)) return hash;
  }
  return bcrypt.hash(DEMO_PASSWORD, cost);
}

async function insertIssues(
  tx: Prisma.TransactionClient,
  projectId: string,
  planned: PlannedIssue[],
  userId: (handle: Handle) => string,
  labelId: (name: string) => string,
): Promise<Partial<SeedCounts>> {
  // Raising the counter first also locks the project row, so the app cannot hand out these numbers meanwhile.
  await tx.project.updateMany({
    where: { id: projectId, issueCounter: { lt: planned.length } },
    data: { issueCounter: planned.length },
  });
  const existing = await tx.issue.findMany({ where: { projectId }, select: { id: true, number: true } });
  const idByNumber = new Map(existing.map((i) => [i.number, i.id]));
  const fresh = planned.filter((p) => !idByNumber.has(p.number));
  for (const p of fresh) idByNumber.set(p.number, randomUUID());

  const issues: Prisma.IssueCreateManyInput[] = [];
  const issueLabels: Prisma.IssueLabelCreateManyInput[] = [];
  const comments: Prisma.CommentCreateManyInput[] = [];
  const events: Prisma.IssueEventCreateManyInput[] = [];
  for (const p of fresh) {
    const issueId = idByNumber.get(p.number)!;
    issues.push({
      id: issueId,
      projectId,
      number: p.number,
      title: p.title,
      description: p.description,
      status: p.status,
      priority: p.priority,
      estimate: p.estimate,
      dueDate: p.dueDate,
      assigneeId: p.assignee && userId(p.assignee),
      reporterId: userId(p.reporter),
      parentId: p.parent === null ? null : idByNumber.get(p.parent),
      version: 1 + p.updates.length,
      createdAt: p.createdAt,
      updatedAt: p.updatedAt,
      closedAt: p.closedAt,
    });
    for (const name of p.labels) issueLabels.push({ issueId, labelId: labelId(name), createdAt: p.createdAt });
    events.push({ issueId, actorId: userId(p.reporter), type: 'CREATED', createdAt: p.createdAt });
    for (const u of p.updates) {
      events.push({
        issueId,
        actorId: userId(u.actor),
        type: 'UPDATED',
        field: u.field,
        fromValue: u.from,
        toValue: u.to,
        createdAt: u.at,
      });
    }
    const commentIds = p.comments.map(() => randomUUID());
    for (const [k, c] of p.comments.entries()) {
      comments.push({
        id: commentIds[k],
        issueId,
        authorId: userId(c.author),
        parentId: c.replyTo === null ? null : commentIds[c.replyTo],
        body: c.body,
        createdAt: c.at,
        updatedAt: c.deletedAt ?? c.at,
        deletedAt: c.deletedAt,
      });
      // As addComment records it: the comment's id is the new value.
      events.push({ issueId, actorId: userId(c.author), type: 'COMMENTED', toValue: commentIds[k], createdAt: c.at });
    }
  }
  // Parents have lower numbers than their children, and a reply comes after its root, so array order
  // satisfies the foreign keys batch by batch.
  return {
    issues: await inBatches(issues, (data) => tx.issue.createMany({ data })),
    issueLabels: await inBatches(issueLabels, (data) => tx.issueLabel.createMany({ data })),
    comments: await inBatches(comments, (data) => tx.comment.createMany({ data })),
    events: await inBatches(events, (data) => tx.issueEvent.createMany({ data })),
  };
}

function printReport(result: SeedResult, seconds: number, where: string): void {
  const n = result.inserted;
  const keys = result.projects.map((p) => p.key);
  const rows = [['email', 'password', ...keys], ...result.logins.map((l) => [l.email, l.password, ...keys.map((k) => l.roles[k] ?? '-')])];
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
  const table = rows.map(
    (r) =>
      '  ' +
      r
        .map((cell, i) => cell.padEnd(widths[i]))
        .join('  ')
        .trimEnd(),
  );
  console.log(
    [
      `Seeded ${where} in ${seconds.toFixed(1)} s.`,
      `Added this run: ${n.users} users, ${n.projects} projects, ${n.members} memberships, ${n.labels} labels, ` +
        `${n.issues} issues, ${n.issueLabels} issue labels, ${n.comments} comments, ${n.events} events.`,
      '',
      'Demo logins (role per project):',
      ...table,
      '',
    ].join('\n'),
  );
}

async function main(): Promise<void> {
  const config = loadConfig();
  const logger = createLogger(config.logLevel);
  // Seeding a large dataset runs statements longer than a request may.
  const db = await openDatabase({ ...config, statementTimeoutMs: 0 }, logger);
  try {
    await migrate(db.pool, (message) => logger.info(message));
    const started = performance.now();
    const result = await seed(db.prisma, { bcryptCost: config.bcryptCost });
    printReport(result, (performance.now() - started) / 1000, db.description);
  } finally {
    await db.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exitCode = 1;
  });
}
